import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { Metrics } from "../src/metrics.ts";
import { startWatcher, type WatchFn } from "../src/watcher.ts";
import { silentLogger } from "./fakes.ts";

/** A controllable block source in viem's watchBlockNumber shape. */
function fakeWatch() {
  const state = {
    starts: 0,
    stops: 0,
    onBlockNumber: (_n: bigint) => {},
    onError: (_e: Error) => {},
  };
  const watch: WatchFn = (handlers) => {
    state.starts += 1;
    state.onBlockNumber = handlers.onBlockNumber;
    state.onError = handlers.onError;
    return () => {
      state.stops += 1;
    };
  };
  return { watch, state };
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe("watcher", () => {
  it("never runs two passes at once and runs one trailing pass for the newest skipped block", async () => {
    const { watch, state } = fakeWatch();
    const metrics = new Metrics();
    const passes: bigint[] = [];
    const gates = [deferred(), deferred()];
    let running = 0;
    let maxRunning = 0;
    const watcher = startWatcher({
      watch,
      logger: silentLogger,
      metrics,
      chainStallAlertMs: 60_000,
      runPass: async (blockNumber) => {
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        passes.push(blockNumber);
        await gates[passes.length - 1]?.promise;
        running -= 1;
      },
    });
    state.onBlockNumber(1n);
    state.onBlockNumber(2n);
    state.onBlockNumber(3n);
    assert.deepEqual(passes, [1n]);
    assert.equal(metrics.blocksSkippedBusy, 2);
    gates[0]?.resolve();
    await sleep(0);
    assert.deepEqual(
      passes,
      [1n, 3n],
      "block 2 is skipped for good; 3 gets a trailing pass",
    );
    gates[1]?.resolve();
    await watcher.idle();
    assert.equal(maxRunning, 1);
    state.onBlockNumber(4n);
    await watcher.stop();
    assert.deepEqual(passes, [1n, 3n, 4n]);
    assert.equal(state.stops, 1);
  });

  it("runs the lane's loop on every block while a chore pass is still running", async () => {
    const { watch, state } = fakeWatch();
    const gate = deferred();
    const chores: bigint[] = [];
    const lane: bigint[] = [];
    const watcher = startWatcher({
      watch,
      logger: silentLogger,
      metrics: new Metrics(),
      chainStallAlertMs: 60_000,
      runPass: async (blockNumber) => {
        chores.push(blockNumber);
        await gate.promise;
      },
      lanePass: async (blockNumber) => {
        lane.push(blockNumber);
      },
    });
    for (const block of [1n, 2n, 3n]) {
      state.onBlockNumber(block);
      await sleep(0);
    }
    assert.deepEqual(lane, [1n, 2n, 3n], "the lane never waits for the chores");
    assert.deepEqual(chores, [1n]);
    gate.resolve();
    await watcher.idle();
    assert.deepEqual(chores, [1n, 3n], "the chores' trailing pass");
    await watcher.stop();
  });

  it("restarts the watch after an error, with backoff", async () => {
    const { watch, state } = fakeWatch();
    const metrics = new Metrics();
    const watcher = startWatcher({
      watch,
      logger: silentLogger,
      metrics,
      chainStallAlertMs: 60_000,
      backoffInitialMs: 20,
      runPass: async () => {},
    });
    assert.equal(state.starts, 1);
    state.onError(new Error("rpc down"));
    assert.equal(state.stops, 1, "the failed watch is stopped");
    assert.equal(state.starts, 1, "not restarted before the backoff");
    await sleep(60);
    assert.equal(state.starts, 2);
    assert.equal(metrics.watcherRestarts, 1);
    await watcher.stop();
  });

  it("keeps the pass loop alive when a pass throws", async () => {
    const { watch, state } = fakeWatch();
    const passes: bigint[] = [];
    const watcher = startWatcher({
      watch,
      logger: silentLogger,
      metrics: new Metrics(),
      chainStallAlertMs: 60_000,
      runPass: async (blockNumber) => {
        passes.push(blockNumber);
        throw new Error("pass failed");
      },
    });
    state.onBlockNumber(1n);
    await watcher.idle();
    state.onBlockNumber(2n);
    await watcher.stop();
    assert.deepEqual(passes, [1n, 2n]);
  });

  it("raises a chain-stalled alert when no block arrives in time", async () => {
    const { watch } = fakeWatch();
    const metrics = new Metrics();
    const watcher = startWatcher({
      watch,
      logger: silentLogger,
      metrics,
      chainStallAlertMs: 40,
      runPass: async () => {},
    });
    await sleep(300);
    await watcher.stop();
    assert.equal(
      metrics.chainStalls,
      1,
      "one alert per stall, not one per check",
    );
  });
});
