import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { getAddress, type Address } from "viem";
import { KEEPER_ACTIONS, type Decision } from "../src/decisions.ts";
import type {
  AtRiskAccount,
  IndexClient,
  IndexStatus,
  WatchBoxes,
} from "../src/index-client.ts";
import {
  CHAIN_SCAN_CHUNK,
  createLiquidationLane,
  type LaneDeps,
} from "../src/liquidation-lane.ts";
import { WAD } from "../src/math.ts";
import { Metrics } from "../src/metrics.ts";
import type { LiquidationOrder } from "../src/protocol-client.ts";
import {
  createStrategy,
  type BatchLiquidator,
  type StrategyConfig,
} from "../src/strategy.ts";
import { FakeChain, GWEI, ORACLE, revert, row, silentLogger } from "./fakes.ts";

const OTHER = getAddress(`0x${"0b".repeat(20)}`);

const CONFIG: StrategyConfig = {
  minProfitQuoteWad: WAD / 2n,
  takeMinProfitQuoteWad: WAD,
  gasPriceCapWei: 100n * GWEI,
  dryRun: false,
  actUnprofitable: false,
  actions: [...KEEPER_ACTIONS],
};

const account = (i: number): Address =>
  getAddress(`0x${(0x1000 + i).toString(16).padStart(40, "0")}`);

/** A fake index: at `latestBlock`, listing `rows` as liquidatable and `boxes` as the accounts' line boxes. */
class FakeIndex implements Pick<
  IndexClient,
  "status" | "atRisk" | "watchBoxes"
> {
  status_: IndexStatus | Error = { latestBlock: 100n, latestTimestamp: 0n };
  rows: AtRiskAccount[] = [];
  boxes: WatchBoxes["accounts"] = [];
  boxReads = 0;
  async status() {
    if (this.status_ instanceof Error) throw this.status_;
    return this.status_;
  }
  async atRisk() {
    return this.rows;
  }
  async watchBoxes() {
    this.boxReads += 1;
    return { block: 100n, accounts: this.boxes };
  }
}

function lane(
  index: FakeIndex,
  chain: FakeChain,
  more: Partial<LaneDeps> = {},
) {
  const decisions: Decision[] = [];
  const metrics = new Metrics();
  const strategy = createStrategy({
    chain,
    config: CONFIG,
    logger: silentLogger,
    report: (decision) => decisions.push(decision),
  });
  const created = createLiquidationLane({
    index,
    chain,
    liquidator: strategy,
    metrics,
    logger: silentLogger,
    batchPositions: 50,
    ...more,
  });
  return { lane: created, decisions, metrics };
}

const sentBatches = (chain: FakeChain) =>
  chain.sent
    .filter((s) => s.call.functionName === "liquidateBatch")
    .map((s) => s.call.args[0] as readonly LiquidationOrder[]);

describe("the liquidation lane", () => {
  it("liquidates the index's accounts in batches of at most batchPositions orders, an account's orders together", async () => {
    const index = new FakeIndex();
    // 120 accounts, every fifth with a second market: 144 orders.
    index.rows = Array.from({ length: 120 }, (_, i) =>
      row({ address: account(i), marketIds: i % 5 === 0 ? [0, 1] : [0] }),
    );
    const chain = new FakeChain();
    const { lane: l, decisions } = lane(index, chain);

    const run = await l.onBlock(100n);
    await l.idle();

    assert.equal(run.source, "index");
    assert.equal(run.candidates, 120);
    assert.equal(run.orders, 144);
    const batches = sentBatches(chain);
    assert.equal(batches.length, run.batches);
    assert.ok(
      batches.every((b) => b.length <= 50),
      "no batch above 50",
    );
    assert.equal(batches.flat().length, 144, "every order sent once");
    for (let i = 0; i < 120; i += 5) {
      const holding = batches.filter((b) =>
        b.some((o) => o.account === account(i)),
      );
      assert.equal(holding.length, 1, `account ${i}'s two orders together`);
    }
    assert.equal(
      decisions.filter((d) => d.decision === "liquidate").length,
      batches.length,
      "one decision a batch",
    );
    assert.ok(decisions.every((d) => d.action === "liquidateBatch"));
    assert.ok(
      decisions.every((d) => d.blocksSinceBreach === 0n),
      "breach block 100 at head 100",
    );
  });

  it("asks the chain about the accounts a price moved out of their box while the index lags", async () => {
    const index = new FakeIndex();
    // 600 accounts on ETH: box [2,700, ∞) for the even ones, [2,500, ∞) for the odd ones; 3 on another oracle.
    index.boxes = Array.from({ length: 600 }, (_, i) => ({
      address: account(i),
      boxes: [
        {
          oracle: ORACLE,
          belowWad: (i % 2 === 0 ? 2_700n : 2_500n) * WAD,
          aboveWad: 2n ** 256n - 1n,
        },
      ],
    }));
    index.boxes.push({
      address: account(900),
      boxes: [{ oracle: OTHER, belowWad: 1n, aboveWad: 50n * WAD }],
    });
    index.rows = [row({ address: account(1000) })]; // liquidatable at the index's last block
    const chain = new FakeChain();
    chain.oraclePrices.set(OTHER, { priceWad: 40n * WAD, status: 0 });
    const { lane: l, metrics } = lane(index, chain);
    await l.onBlock(100n); // the index keeps up: its boxes are read
    await l.idle();
    await new Promise((r) => setImmediate(r));
    assert.equal(index.boxReads, 1);
    chain.sent.length = 0;

    // Block 101 pushes ETH to 2,600; the index is still at 100. Even accounts left their box; 6 of them crossed.
    chain.oraclePrices.set(ORACLE, { priceWad: 2_600n * WAD, status: 0 });
    for (const i of [0, 2, 4, 300, 598, 1000])
      chain.chainCandidates.set(account(i), {
        account: account(i),
        equityWad: 10n * WAD,
        maintenanceWad: 20n * WAD,
        marketMask: 0b1n,
        collateralMask: 0n,
        quoteWad: 0n,
      });
    chain.chainCandidates.set(account(1), {
      ...chain.chainCandidates.get(account(0))!,
      account: account(1),
    }); // inside its box: never asked about
    const run = await l.onBlock(101n);
    await l.idle();

    assert.equal(run.source, "chain");
    assert.equal(metrics.chainScans, 1);
    const asked = chain.lensCalls.flat();
    assert.equal(asked.length, 301, "the 300 woken, and the last listed one");
    assert.ok(asked.includes(account(1000)));
    assert.ok(!asked.includes(account(1)) && !asked.includes(account(900)));
    assert.deepEqual(
      chain.lensCalls.map((c) => c.length),
      [CHAIN_SCAN_CHUNK, 300 - CHAIN_SCAN_CHUNK, 1],
      "the woken in chunks, then the one the index lists",
    );
    assert.deepEqual(
      sentBatches(chain)
        .flat()
        .map((o) => o.account)
        .sort(),
      [0, 2, 4, 300, 598, 1000].map(account).sort(),
    );
  });

  it("reads the boxes at its first block even when the index lags, and reacts to the next push with them", async () => {
    const index = new FakeIndex();
    index.status_ = { latestBlock: 90n, latestTimestamp: 0n }; // behind from the start
    index.boxes = [
      {
        address: account(1),
        boxes: [
          { oracle: ORACLE, belowWad: 2_700n * WAD, aboveWad: 2n ** 255n },
        ],
      },
    ];
    const chain = new FakeChain();
    const { lane: l } = lane(index, chain);
    await l.onBlock(100n);
    await new Promise((r) => setImmediate(r));
    assert.equal(index.boxReads, 1, "read at the first block");
    chain.oraclePrices.set(ORACLE, { priceWad: 2_600n * WAD, status: 0 });
    chain.chainCandidates.set(account(1), {
      account: account(1),
      equityWad: 1n,
      maintenanceWad: 2n,
      marketMask: 1n,
      collateralMask: 0n,
      quoteWad: 0n,
    });
    await l.onBlock(101n);
    await l.idle();
    assert.deepEqual(
      sentBatches(chain)
        .flat()
        .map((o) => o.account),
      [account(1)],
    );
  });

  it("sends each block's batches without waiting for the earlier ones, and never puts an account in two", async () => {
    const index = new FakeIndex();
    index.rows = [row({ address: account(1) }), row({ address: account(2) })];
    const chain = new FakeChain();
    const waiting: (() => void)[] = [];
    const seen: (readonly LiquidationOrder[])[] = [];
    const liquidator: BatchLiquidator = {
      liquidateBatch: async (orders) => {
        seen.push(orders);
        await new Promise<void>((resolve) => waiting.push(resolve));
        return { decisions: [], refused: false };
      },
    };
    const { lane: l } = lane(index, chain, { liquidator, batchPositions: 1 });

    const first = await l.onBlock(100n);
    assert.equal(first.batches, 2, "two batches dispatched");
    assert.equal(seen.length, 2, "both started before either settled");
    assert.ok(l.busy(account(1)) && l.busy(account(2)));
    assert.ok(
      l.owns({ address: account(1), marketIds: [] }),
      "an account in a batch is the lane's, position or not",
    );
    assert.ok(l.owns({ address: account(9), marketIds: [0] }), "a position");
    assert.ok(
      !l.owns({ address: account(9), marketIds: [] }),
      "collateral only, in no batch: the pass's",
    );

    index.status_ = { latestBlock: 101n, latestTimestamp: 0n };
    const second = await l.onBlock(101n);
    assert.equal(second.candidates, 2);
    assert.equal(second.batches, 0, "accounts in a batch are left to it");

    for (const resolve of waiting) resolve();
    await l.idle();
    assert.ok(!l.busy(account(1)), "released once its batch settled");
    const third = await l.onBlock(101n);
    assert.equal(third.batches, 2, "still listed: dispatched again");
  });

  it("splits a batch the engine refuses until the refused order is alone, and sends the rest", async () => {
    const index = new FakeIndex();
    index.rows = Array.from({ length: 8 }, (_, i) =>
      row({ address: account(i) }),
    );
    const chain = new FakeChain();
    chain.refusing.add(account(5));
    const { lane: l, decisions } = lane(index, chain);

    await l.onBlock(100n);
    await l.idle();

    const sent = sentBatches(chain).flat();
    assert.deepEqual(
      sent.map((o) => o.account).sort(),
      [0, 1, 2, 3, 4, 6, 7].map(account).sort(),
      "all but the refused account",
    );
    // Simulated: 8, then 4 + 4, then 2 + 2 of the refusing half, then 1 + 1.
    assert.equal(chain.batches.length, 7);
    assert.equal(
      decisions.filter((d) => d.decision === "error").length,
      4,
      "each refused simulation is a decision",
    );
  });

  it("works only its shard's accounts when the keepers share the work", async () => {
    const index = new FakeIndex();
    index.rows = Array.from({ length: 40 }, (_, i) =>
      row({ address: account(i) }),
    );
    const sent: string[][] = [];
    for (const shardIndex of [0, 1]) {
      const chain = new FakeChain();
      const { lane: l } = lane(index, chain, {
        shard: { index: shardIndex, count: 2 },
      });
      await l.onBlock(100n);
      await l.idle();
      sent.push(
        sentBatches(chain)
          .flat()
          .map((o) => o.account),
      );
    }
    assert.ok(sent[0]!.length > 0 && sent[1]!.length > 0, "both work");
    assert.equal(
      sent[0]!.filter((a) => sent[1]!.includes(a)).length,
      0,
      "no account in both",
    );
    assert.equal(sent[0]!.length + sent[1]!.length, 40, "none left out");
  });

  it("does not split a batch the node failed to simulate, nor one the breaker halts", async () => {
    for (const failure of [
      new Error("timeout"),
      revert("liquidateBatch", "BreakerActive", [2]),
    ]) {
      const index = new FakeIndex();
      index.rows = Array.from({ length: 8 }, (_, i) =>
        row({ address: account(i) }),
      );
      const chain = new FakeChain();
      chain.failures.set("simulateLiquidateBatch", failure);
      const { lane: l } = lane(index, chain);
      await l.onBlock(100n);
      await l.idle();
      assert.equal(
        chain.count("simulateLiquidateBatch"),
        1,
        "asked once, then left to the next block",
      );
      assert.equal(sentBatches(chain).length, 0);
    }
  });

  it("applies one profit rule to the whole batch", async () => {
    const index = new FakeIndex();
    index.rows = Array.from({ length: 10 }, (_, i) =>
      row({ address: account(i) }),
    );
    const chain = new FakeChain();
    // 60k gas an order at 1 gwei, ETH at 2000: 0.12 quote of gas per order; a reward of 0.1 each does not pay.
    chain.batchRewardPerOrderWad = WAD / 10n;
    const { lane: l, decisions } = lane(index, chain);
    await l.onBlock(100n);
    await l.idle();
    assert.equal(sentBatches(chain).length, 0);
    assert.equal(decisions[0]?.decision, "skip-unprofitable");
    assert.equal(decisions[0]?.rewardQuoteWad, WAD);

    chain.batchRewardPerOrderWad = WAD; // 10 quote against 1.2 of gas
    await l.onBlock(100n);
    await l.idle();
    assert.equal(sentBatches(chain).length, 1);
  });

  it("skips a batch whose every order would close nothing", async () => {
    const index = new FakeIndex();
    index.rows = [row({ address: account(1) })];
    const chain = new FakeChain();
    chain.belowLine = new Set(); // another keeper got there first
    const { lane: l, decisions } = lane(index, chain);
    await l.onBlock(100n);
    await l.idle();
    assert.equal(sentBatches(chain).length, 0);
    assert.equal(decisions[0]?.decision, "skip-healthy");
  });
});
