/**
 * One keeper pass at a chain head: refuse a lagging index, then work through the at-risk accounts lowest health
 * first, and then the live auctions, up to `concurrency` at once (each account's or auction's receipts are awaited
 * before its next action; the nonce manager orders the sends). Reads that do not change within a pass (collateral
 * patterns, auction parameters) are shared through one cache per pass.
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
import type { PassContext, Strategy } from "./strategy.ts";

export type PassDeps = {
  index: IndexClient;
  strategy: Strategy;
  metrics: Metrics;
  logger: Logger;
  maxIndexLagBlocks: bigint;
  metricsEveryPasses: number;
  /** Accounts and auctions worked on at once; 1 processes them strictly in order. */
  concurrency?: number;
  /** Also work on the index's live auctions (take, reset, backstop buy). */
  watchAuctions?: boolean;
  /** Near-line accounts by predicted crossing probability, after the at-risk ones (./predict.ts); off when absent. */
  nearLine?: NearLineSource;
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
  | { kind: "auction"; row: ActiveAuction };

export async function runPass(
  deps: PassDeps,
  chainHeadBlock: bigint,
): Promise<PassResult> {
  const { index, strategy, metrics, logger } = deps;
  const result = await run();
  metrics.passes += 1;
  if (metrics.passes % deps.metricsEveryPasses === 0) {
    logger.info({ event: "metrics", ...metrics.snapshot() }, "metrics");
  }
  return result;

  async function run(): Promise<PassResult> {
    let rows;
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
          "index lags the chain: no action this pass",
        );
        return { kind: "index-stale", lagBlocks };
      }
      rows = await withNearLine(await index.atRisk(), deps.nearLine, logger);
    } catch (error) {
      metrics.indexErrors += 1;
      logger.error(
        { event: "index-unavailable", error: describeError(error) },
        "indexer failed: no action this pass",
      );
      return { kind: "index-unavailable" };
    }
    let auctions: ActiveAuction[] = [];
    if (deps.watchAuctions) {
      try {
        auctions = await index.activeAuctions();
      } catch (error) {
        // The accounts are still worked on; the auctions wait for the next pass.
        metrics.indexErrors += 1;
        logger.error(
          { event: "index-auctions-unavailable", error: describeError(error) },
          "indexer failed to list live auctions: none worked on this pass",
        );
      }
    }

    logger.debug(
      {
        event: "pass",
        chainHeadBlock: chainHeadBlock.toString(),
        candidates: rows.length,
        auctions: auctions.length,
      },
      "pass",
    );
    const jobs: Job[] = [
      ...rows.map((row) => ({ kind: "account" as const, row })),
      ...auctions.map((row) => ({ kind: "auction" as const, row })),
    ];
    const context: PassContext = { chainHeadBlock, cache: new Map() };
    const decisions: Decision[] = [];
    let next = 0;
    const worker = async () => {
      while (next < jobs.length) {
        const job = jobs[next++]!;
        // The strategy turns its own failures into decisions; this guard keeps one bad job from ending the pass.
        try {
          decisions.push(
            ...(job.kind === "account"
              ? await strategy.processAccount(job.row, context)
              : await strategy.processAuction(job.row, context)),
          );
        } catch (error) {
          logger.error(
            job.kind === "account"
              ? {
                  event: "account-failed",
                  account: job.row.address,
                  error: describeError(error),
                }
              : {
                  event: "auction-failed",
                  auctionId: job.row.id.toString(),
                  error: describeError(error),
                },
            `${job.kind} failed`,
          );
        }
      }
    };
    const workers = Math.max(1, Math.min(deps.concurrency ?? 1, jobs.length));
    await Promise.all(Array.from({ length: workers }, worker));
    metrics.recordStalled(decisions);
    return {
      kind: "done",
      accounts: rows.length,
      auctions: auctions.length,
      decisions,
    };
  }
}
