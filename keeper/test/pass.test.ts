import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Decision } from "../src/decisions.ts";
import type {
  ActiveAuction,
  AtRiskAccount,
  IndexClient,
  IndexStatus,
} from "../src/index-client.ts";
import { getAddress } from "viem";
import { runPass, type PassDeps } from "../src/pass.ts";
import { ownsAccount } from "../src/shard.ts";
import type { Strategy } from "../src/strategy.ts";
import { ALICE, auctionRow, passDeps, row } from "./fakes.ts";

function setup(
  status: IndexStatus | Error,
  rows: AtRiskAccount[] = [row()],
  auctions: ActiveAuction[] | Error = [],
) {
  const processed: bigint[] = [];
  const processedAuctions: bigint[] = [];
  const index: PassDeps["index"] = {
    status: async () => {
      if (status instanceof Error) throw status;
      return status;
    },
    atRisk: async () => rows,
    activeAuctions: async () => {
      if (auctions instanceof Error) throw auctions;
      return auctions;
    },
  };
  const strategy: Strategy = {
    processAccount: async (_row, context) => {
      processed.push(context.chainHeadBlock);
      const decision: Decision = {
        decision: "skip-unprofitable",
        action: "liquidate",
        account: ALICE,
        blocksSinceBreach: 1n,
      };
      return [decision];
    },
    processAuction: async (auction) => {
      processedAuctions.push(auction.id);
      return [];
    },
    preLiquidateAccount: async () => [],
  };
  const deps = passDeps(index, strategy);
  return { deps, processed, processedAuctions, metrics: deps.metrics };
}

describe("runPass", () => {
  it("works on at most `concurrency` accounts at once, and on every one", async () => {
    const { deps } = setup({ latestBlock: 100n, latestTimestamp: 0n });
    let inFlight = 0;
    let maxInFlight = 0;
    let done = 0;
    const rows = Array.from({ length: 7 }, () => row());
    const strategy: Strategy = {
      processAccount: async () => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight -= 1;
        done += 1;
        return [];
      },
      processAuction: async () => [],
      preLiquidateAccount: async () => [],
    };
    const index: PassDeps["index"] = {
      ...deps.index,
      atRisk: async () => rows,
    };
    await runPass({ ...deps, index, strategy, concurrency: 3 }, 100n);
    assert.equal(done, 7);
    assert.equal(maxInFlight, 3);
  });

  it("refuses the index when it lags more than the bound", async () => {
    const { deps, processed, metrics } = setup({
      latestBlock: 94n,
      latestTimestamp: 0n,
    });
    const result = await runPass(deps, 100n);
    assert.deepEqual(result, { kind: "index-stale", lagBlocks: 6n });
    assert.equal(processed.length, 0);
    assert.equal(metrics.indexStale, 1);
  });

  it("accepts an index exactly at the bound and processes every candidate at the chain head", async () => {
    const { deps, processed, metrics } = setup(
      { latestBlock: 95n, latestTimestamp: 0n },
      [row(), row()],
    );
    const result = await runPass(deps, 100n);
    assert.equal(result.kind, "done");
    assert.deepEqual(processed, [100n, 100n]);
    assert.equal(
      metrics.stalledAccounts,
      1,
      "two unprofitable skips of one account are one stalled account",
    );
    assert.equal(metrics.passes, 1);
  });

  it("does nothing when the indexer fails", async () => {
    const { deps, processed, metrics } = setup(new Error("ECONNREFUSED"));
    assert.deepEqual(await runPass(deps, 100n), { kind: "index-unavailable" });
    assert.equal(processed.length, 0);
    assert.equal(metrics.indexErrors, 1);
  });

  it("leaves to the liquidation lane the accounts it owns", async () => {
    const { deps, processed } = setup(
      { latestBlock: 100n, latestTimestamp: 0n },
      [row({ marketIds: [0] }), row({ marketIds: [] }), row({ marketIds: [] })],
    );
    let asked = 0;
    deps.leaveToLane = (r) => {
      asked += 1;
      return r.marketIds.length > 0 || asked === 3; // a position, or in a batch
    };
    const result = await runPass(deps, 100n);
    assert.equal(result.kind, "done");
    assert.equal(result.kind === "done" && result.accounts, 1);
    assert.equal(
      processed.length,
      1,
      "only the position-free account no batch holds",
    );
  });

  it("works only its shard's accounts and auctions", async () => {
    const accounts = Array.from({ length: 20 }, (_, i) =>
      getAddress(`0x${(0x2000 + i).toString(16).padStart(40, "0")}`),
    );
    const shard = { index: 1, count: 2 };
    const { deps, processed, processedAuctions } = setup(
      { latestBlock: 100n, latestTimestamp: 0n },
      accounts.map((address) => row({ address })),
      [auctionRow({ id: 3n }), auctionRow({ id: 4n })],
    );
    const seen: string[] = [];
    const inner = deps.strategy.processAccount;
    deps.strategy = {
      ...deps.strategy,
      processAccount: async (r, c) => {
        seen.push(r.address);
        return inner(r, c);
      },
    };
    await runPass({ ...deps, shard, watchAuctions: true }, 100n);
    assert.deepEqual(
      seen.sort(),
      accounts.filter((a) => ownsAccount(shard, a)).sort(),
    );
    assert.ok(processed.length > 0 && processed.length < 20);
    assert.deepEqual(processedAuctions, [3n], "odd auction ids");
  });

  it("keeps going when one account throws", async () => {
    const { deps, processed } = setup(
      { latestBlock: 100n, latestTimestamp: 0n },
      [row(), row()],
    );
    let calls = 0;
    const inner = deps.strategy.processAccount;
    deps.strategy = {
      ...deps.strategy,
      processAccount: async (r, c) => {
        if (calls++ === 0) throw new Error("unexpected");
        return inner(r, c);
      },
    };
    const result = await runPass(deps, 100n);
    assert.equal(result.kind, "done");
    assert.equal(processed.length, 1);
  });

  it("works on the live auctions after the accounts, with one cache for the pass", async () => {
    const { deps, processed, processedAuctions } = setup(
      { latestBlock: 100n, latestTimestamp: 0n },
      [row()],
      [auctionRow({ id: 3n }), auctionRow({ id: 4n })],
    );
    const contexts: unknown[] = [];
    const order: string[] = [];
    const inner = deps.strategy;
    deps.strategy = {
      processAccount: async (r, c) => {
        order.push("account");
        contexts.push(c.cache);
        return inner.processAccount(r, c);
      },
      processAuction: async (a, c) => {
        order.push(`auction ${a.id}`);
        contexts.push(c.cache);
        return inner.processAuction(a, c);
      },
      preLiquidateAccount: inner.preLiquidateAccount,
    };
    const result = await runPass(
      { ...deps, watchAuctions: true, concurrency: 1 },
      100n,
    );
    assert.equal(result.kind, "done");
    assert.equal(result.kind === "done" && result.auctions, 2);
    assert.deepEqual(order, ["account", "auction 3", "auction 4"]);
    assert.deepEqual(processedAuctions, [3n, 4n]);
    assert.equal(processed.length, 1);
    assert.ok(contexts[0] instanceof Map);
    assert.ok(
      contexts.every((c) => c === contexts[0]),
      "one cache per pass",
    );
  });

  it("leaves the auctions alone unless asked to watch them", async () => {
    const { deps, processedAuctions } = setup(
      { latestBlock: 100n, latestTimestamp: 0n },
      [row()],
      [auctionRow()],
    );
    await runPass(deps, 100n);
    assert.deepEqual(processedAuctions, []);
  });

  it("works on the waterfall once a pass, after the accounts, and even when the index is refused", async () => {
    const waterfallPasses: bigint[] = [];
    const order: string[] = [];
    const waterfall = {
      processWaterfall: async (c: { chainHeadBlock: bigint }) => {
        order.push("waterfall");
        waterfallPasses.push(c.chainHeadBlock);
        return [];
      },
      bondSpentQuoteWad: () => 0n,
    };
    const fresh = setup({ latestBlock: 100n, latestTimestamp: 0n }, [row()]);
    const inner = fresh.deps.strategy;
    fresh.deps.strategy = {
      ...inner,
      processAccount: async (r, c) => {
        order.push("account");
        return inner.processAccount(r, c);
      },
    };
    const done = await runPass(
      { ...fresh.deps, waterfall, concurrency: 1 },
      100n,
    );
    assert.equal(done.kind, "done");
    assert.deepEqual(order, ["account", "waterfall"]);

    // The waterfall reads the chain only: a lagging or failing index stops the liquidations, not the bond sale.
    const stale = setup({ latestBlock: 90n, latestTimestamp: 0n });
    assert.equal(
      (await runPass({ ...stale.deps, waterfall }, 101n)).kind,
      "index-stale",
    );
    assert.equal(stale.processed.length, 0);
    const down = setup(new Error("ECONNREFUSED"));
    assert.equal(
      (await runPass({ ...down.deps, waterfall }, 102n)).kind,
      "index-unavailable",
    );
    assert.deepEqual(waterfallPasses, [100n, 101n, 102n]);
  });

  it("still works on the accounts when the auction list fails", async () => {
    const { deps, processed, processedAuctions, metrics } = setup(
      { latestBlock: 100n, latestTimestamp: 0n },
      [row()],
      new Error("HTTP 500"),
    );
    const result = await runPass({ ...deps, watchAuctions: true }, 100n);
    assert.equal(result.kind, "done");
    assert.equal(processed.length, 1);
    assert.deepEqual(processedAuctions, []);
    assert.equal(metrics.indexErrors, 1);
  });
});
