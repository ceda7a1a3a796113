/**
 * One keeper pass at a chain head: refuse a lagging index, then work through the at-risk accounts lowest health
 * first, and then the live auctions, up to `concurrency` at once (each account's or auction's receipts are awaited
 * before its next action; the nonce manager orders the sends). Reads that do not change within a pass (collateral
 * patterns, auction parameters) are shared through one cache per pass. The solvency waterfall (bond sales, revenue,
 * redemptions) is worked once a pass alongside them; it reads the chain only, so it runs even when the index is
 * refused.
 */
import type { Decision } from "./decisions.ts";
import { describeError } from "./errors.ts";
import type {
  ActiveAuction,
  AtRiskAccount,
  IndexClient,
} from "./index-client.ts";
import type { Logger } from "./logger.ts";
import type { Metrics } from "./metrics.ts";
import { type NearLineSource, withNearLine } from "./predict.ts";
import {
  type ZoneAccount,
  type ZoneSource,
  zoneTargets,
} from "./pre-liquidation.ts";
import type { PassContext, Strategy } from "./strategy.ts";
import type { WaterfallStrategy } from "./waterfall-strategy.ts";
import { WHOLE, ownsAccount, ownsAuction, type Shard } from "./shard.ts";

export type PassDeps = {
  index: Pick<IndexClient, "status" | "atRisk" | "activeAuctions">;
  strategy: Strategy;
  metrics: Metrics;
  logger: Logger;
  maxIndexLagBlocks: bigint;
  metricsEveryPasses: number;
  /** Accounts and auctions worked on at once; 1 processes them strictly in order. */
  concurrency?: number;
  /** Also work on the index's live auctions (take, reset, backstop buy). */
  watchAuctions?: boolean;
  /** Also work on the solvency waterfall, once a pass. */
  waterfall?: WaterfallStrategy;
  /** Near-line accounts by predicted crossing probability, after the at-risk ones (./predict.ts); off when absent. */
  nearLine?: NearLineSource;
  /** Accounts in the pre-liquidation zone, after the at-risk ones (./pre-liquidation.ts); off when absent. */
  zone?: ZoneSource;
  /**
   * At-risk accounts this pass leaves alone: with the liquidation lane on (./liquidation-lane.ts), those with a
   * position (the lane liquidates them) or in one of its batches; a later pass sells their collateral.
   */
  leaveToLane?: (row: AtRiskAccount) => boolean;
  /** This keeper's share of the accounts and auctions (./shard.ts); all of them when absent. */
  shard?: Shard;
};

export type PassResult =
  | { kind: "index-unavailable" }
  | { kind: "index-stale"; lagBlocks: bigint }
  | {
      kind: "done";
      accounts: number;
      auctions: number;
      decisions: Decision[];
    };

type Job =
  | { kind: "account"; row: AtRiskAccount }
  | { kind: "preLiquidation"; row: ZoneAccount }
  | { kind: "auction"; row: ActiveAuction }
  | { kind: "waterfall" };

export async function runPass(
  deps: PassDeps,
  chainHeadBlock: bigint,
): Promise<PassResult> {
  const { index, strategy, metrics, logger } = deps;
  const shard = deps.shard ?? WHOLE;
  const result = await run();
  metrics.passes += 1;
  if (metrics.passes % deps.metricsEveryPasses === 0) {
    logger.info({ event: "metrics", ...metrics.snapshot() }, "metrics");
  }
  return result;

  async function run(): Promise<PassResult> {
    const context: PassContext = { chainHeadBlock, cache: new Map() };
    const indexed = await readIndex();
    if (indexed.kind !== "ok") {
      if (deps.waterfall) await work([{ kind: "waterfall" }], context);
      return indexed;
    }
    const { rows, auctions } = indexed;
    // Accounts the pass works on as at risk are not pre-liquidated in it.
    const zone = (
      await zoneTargets(
        deps.zone,
        new Set(rows.map((row) => row.address.toLowerCase())),
        logger,
      )
    ).filter((row) => ownsAccount(shard, row.address));

    logger.debug(
      {
        event: "pass",
        chainHeadBlock: chainHeadBlock.toString(),
        candidates: rows.length,
        zone: zone.length,
        auctions: auctions.length,
      },
      "pass",
    );
    const jobs: Job[] = [
      ...rows.map((row) => ({ kind: "account" as const, row })),
      ...zone.map((row) => ({ kind: "preLiquidation" as const, row })),
      ...auctions.map((row) => ({ kind: "auction" as const, row })),
      ...(deps.waterfall ? [{ kind: "waterfall" as const }] : []),
    ];
    const decisions = await work(jobs, context);
    metrics.recordStalled(decisions);
    return {
      kind: "done",
      accounts: rows.length,
      auctions: auctions.length,
      decisions,
    };
  }

  async function readIndex(): Promise<
    | { kind: "ok"; rows: AtRiskAccount[]; auctions: ActiveAuction[] }
    | Exclude<PassResult, { kind: "done" }>
  > {
    let rows: AtRiskAccount[];
    try {
      const status = await index.status();
      const lagBlocks = chainHeadBlock - status.latestBlock;
      if (lagBlocks > deps.maxIndexLagBlocks) {
        metrics.indexStale += 1;
        logger.warn(
          {
            event: "index-stale",
            chainHeadBlock: chainHeadBlock.toString(),
            indexBlock: status.latestBlock.toString(),
            lagBlocks: lagBlocks.toString(),
            maxIndexLagBlocks: deps.maxIndexLagBlocks.toString(),
          },
          "index lags the chain: no liquidation this pass",
        );
        return { kind: "index-stale", lagBlocks };
      }
      rows = await withNearLine(await index.atRisk(), deps.nearLine, logger);
      const leave = deps.leaveToLane;
      if (leave) rows = rows.filter((row) => !leave(row));
      rows = rows.filter((row) => ownsAccount(shard, row.address));
    } catch (error) {
      metrics.indexErrors += 1;
      logger.error(
        { event: "index-unavailable", error: describeError(error) },
        "indexer failed: no liquidation this pass",
      );
      return { kind: "index-unavailable" };
    }
    let auctions: ActiveAuction[] = [];
    if (deps.watchAuctions) {
      try {
        auctions = (await index.activeAuctions()).filter((auction) =>
          ownsAuction(shard, auction.id),
        );
      } catch (error) {
        // The accounts are still worked on; the auctions wait for the next pass.
        metrics.indexErrors += 1;
        logger.error(
          { event: "index-auctions-unavailable", error: describeError(error) },
          "indexer failed to list live auctions: none worked on this pass",
        );
      }
    }
    return { kind: "ok", rows, auctions };
  }

  /** Runs the jobs, up to `concurrency` at once; returns their decisions. */
  async function work(jobs: Job[], context: PassContext): Promise<Decision[]> {
    const decisions: Decision[] = [];
    let next = 0;
    const worker = async () => {
      while (next < jobs.length) {
        const job = jobs[next++]!;
        // The strategy turns its own failures into decisions; this guard keeps one bad job from ending the pass.
        try {
          decisions.push(...(await runJob(job, context)));
        } catch (error) {
          logger.error(
            { ...jobFields(job), error: describeError(error) },
            `${job.kind} failed`,
          );
        }
      }
    };
    const workers = Math.max(1, Math.min(deps.concurrency ?? 1, jobs.length));
    await Promise.all(Array.from({ length: workers }, worker));
    return decisions;
  }

  function runJob(job: Job, context: PassContext): Promise<Decision[]> {
    switch (job.kind) {
      case "account":
        return strategy.processAccount(job.row, context);
      case "preLiquidation":
        return strategy.preLiquidateAccount(job.row, context);
      case "auction":
        return strategy.processAuction(job.row, context);
      case "waterfall":
        return deps.waterfall!.processWaterfall(context);
    }
  }
}

function jobFields(job: Job): Record<string, string> {
  switch (job.kind) {
    case "account":
      return { event: "account-failed", account: job.row.address };
    case "preLiquidation":
      return { event: "pre-liquidation-failed", account: job.row.address };
    case "auction":
      return { event: "auction-failed", auctionId: job.row.id.toString() };
    case "waterfall":
      return { event: "waterfall-failed" };
  }
}
