/**
 * One keeper pass at a chain head: refuse a lagging index, then work through the at-risk accounts lowest health
 * first, up to `concurrency` accounts at once (each account's receipts are awaited before its next action; the
 * nonce manager orders the sends).
 */
import type { Decision } from "./decisions.ts";
import { describeError } from "./errors.ts";
import type { IndexClient } from "./index-client.ts";
import type { Logger } from "./logger.ts";
import type { Metrics } from "./metrics.ts";
import type { Strategy } from "./strategy.ts";

export type PassDeps = {
  index: IndexClient;
  strategy: Strategy;
  metrics: Metrics;
  logger: Logger;
  maxIndexLagBlocks: bigint;
  metricsEveryPasses: number;
  /** Accounts worked on at once; 1 processes them strictly in order. */
  concurrency?: number;
};

export type PassResult =
  | { kind: "index-unavailable" }
  | { kind: "index-stale"; lagBlocks: bigint }
  | { kind: "done"; accounts: number; decisions: Decision[] };

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
      rows = await index.atRisk();
    } catch (error) {
      metrics.indexErrors += 1;
      logger.error(
        { event: "index-unavailable", error: describeError(error) },
        "indexer failed: no action this pass",
      );
      return { kind: "index-unavailable" };
    }

    logger.debug(
      {
        event: "pass",
        chainHeadBlock: chainHeadBlock.toString(),
        candidates: rows.length,
      },
      "pass",
    );
    const decisions: Decision[] = [];
    let next = 0;
    const worker = async () => {
      while (next < rows.length) {
        const row = rows[next++]!;
        // The strategy turns its own failures into decisions; this guard keeps one bad account from ending the pass.
        try {
          decisions.push(
            ...(await strategy.processAccount(row, { chainHeadBlock })),
          );
        } catch (error) {
          logger.error(
            {
              event: "account-failed",
              account: row.address,
              error: describeError(error),
            },
            "account failed",
          );
        }
      }
    };
    const workers = Math.max(1, Math.min(deps.concurrency ?? 1, rows.length));
    await Promise.all(Array.from({ length: workers }, worker));
    metrics.recordStalled(decisions);
    return { kind: "done", accounts: rows.length, decisions };
  }
}
