/**
 * The block loops: every new block starts one pass of each loop unless that loop's pass is still running. Blocks that
 * arrive during a pass are skipped, and when the pass ends one more pass runs for the newest of them (on a quiet chain
 * the block that moved a price must not go unseen), so a loop's passes never overlap and always work on the newest
 * head. The loops are independent: the liquidation lane's (`lanePass`) never waits for the chores' (`runPass`).
 * A watcher error stops the watch; it is restarted after an exponential backoff. No block within the stall bound
 * raises a `chain-stalled` alert (and the index-lag check keeps the keeper from acting on stale data).
 */
import { describeError } from "./errors.ts";
import type { Logger } from "./logger.ts";
import type { Metrics } from "./metrics.ts";

/** Starts watching block numbers; returns the function that stops it (viem's watchBlockNumber shape). */
export type WatchFn = (handlers: {
  onBlockNumber: (blockNumber: bigint) => void;
  onError: (error: Error) => void;
}) => () => void;

export type WatcherOptions = {
  watch: WatchFn;
  runPass: (blockNumber: bigint) => Promise<unknown>;
  /** A second loop on the same blocks, never delayed by `runPass` (the liquidation lane). */
  lanePass?: (blockNumber: bigint) => Promise<unknown>;
  logger: Logger;
  metrics: Metrics;
  chainStallAlertMs: number;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
};

export type Watcher = {
  /** Stops watching and waits for a running pass to end. */
  stop(): Promise<void>;
  /** The running pass, if any (for tests and shutdown). */
  idle(): Promise<void>;
};

export function startWatcher(options: WatcherOptions): Watcher {
  const { logger, metrics } = options;
  const backoffInitialMs = options.backoffInitialMs ?? 1_000;
  const backoffMaxMs = options.backoffMaxMs ?? 30_000;

  let stopped = false;
  let unwatch: (() => void) | undefined;
  let restartTimer: NodeJS.Timeout | undefined;
  let backoffMs = backoffInitialMs;
  // The lane first: its reads reach the node before the chores'.
  const loops = [
    ...(options.lanePass ? [createLoop("lane", options.lanePass)] : []),
    createLoop("pass", options.runPass),
  ];
  const allIdle = () =>
    Promise.all(loops.map((loop) => loop.running())).then(() => undefined);
  let lastBlockAt = Date.now();
  let stalled = false;

  const stallTimer = setInterval(
    () => {
      if (
        stopped ||
        stalled ||
        Date.now() - lastBlockAt < options.chainStallAlertMs
      )
        return;
      stalled = true;
      metrics.chainStalls += 1;
      logger.warn(
        { event: "chain-stalled", sinceMs: Date.now() - lastBlockAt },
        "no new block within the stall bound",
      );
    },
    Math.max(250, Math.floor(options.chainStallAlertMs / 4)),
  );
  stallTimer.unref();

  function onBlockNumber(blockNumber: bigint): void {
    if (stopped) return;
    lastBlockAt = Date.now();
    backoffMs = backoffInitialMs;
    if (stalled) {
      stalled = false;
      logger.info(
        { event: "chain-resumed", blockNumber: blockNumber.toString() },
        "new block after a stall",
      );
    }
    for (const loop of loops) loop.trigger(blockNumber);
  }

  function createLoop(
    name: string,
    run: (blockNumber: bigint) => Promise<unknown>,
  ) {
    let running: Promise<void> | undefined;
    let skippedBlock: bigint | undefined;

    async function passLoop(first: bigint): Promise<void> {
      for (
        let blockNumber: bigint | undefined = first;
        blockNumber !== undefined && !stopped;
      ) {
        try {
          await run(blockNumber);
        } catch (error) {
          logger.error(
            {
              event: "pass-failed",
              loop: name,
              blockNumber: blockNumber.toString(),
              error: describeError(error),
            },
            "pass failed",
          );
        }
        blockNumber =
          skippedBlock !== undefined && skippedBlock > blockNumber
            ? skippedBlock
            : undefined;
        skippedBlock = undefined;
      }
    }

    return {
      running: () => running,
      trigger(blockNumber: bigint): void {
        if (running) {
          metrics.blocksSkippedBusy += 1;
          if (skippedBlock === undefined || blockNumber > skippedBlock)
            skippedBlock = blockNumber;
          logger.debug(
            {
              event: "block-skipped",
              loop: name,
              blockNumber: blockNumber.toString(),
            },
            "pass still running",
          );
          return;
        }
        running = passLoop(blockNumber).finally(() => {
          running = undefined;
        });
      },
    };
  }

  function onError(error: Error): void {
    if (stopped || restartTimer) return;
    unwatch?.();
    unwatch = undefined;
    metrics.watcherRestarts += 1;
    logger.error(
      {
        event: "watcher-error",
        error: describeError(error),
        restartInMs: backoffMs,
      },
      "block watcher failed: restarting after backoff",
    );
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      start();
    }, backoffMs);
    backoffMs = Math.min(backoffMs * 2, backoffMaxMs);
  }

  function start(): void {
    if (stopped) return;
    try {
      unwatch = options.watch({ onBlockNumber, onError });
    } catch (error) {
      onError(error instanceof Error ? error : new Error(String(error)));
    }
  }

  start();

  return {
    async stop() {
      stopped = true;
      unwatch?.();
      unwatch = undefined;
      if (restartTimer) clearTimeout(restartTimer);
      clearInterval(stallTimer);
      await allIdle();
    },
    async idle() {
      await allIdle();
    },
  };
}
