import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  KEEPER_ACTIONS,
  WATERFALL_ACTIONS,
  type Decision,
} from "../src/decisions.ts";
import { WAD } from "../src/math.ts";
import type { BondSeriesView } from "../src/protocol-client.ts";
import {
  createWaterfallStrategy,
  type WaterfallStrategyConfig,
} from "../src/waterfall-strategy.ts";
import {
  FakeChain,
  GWEI,
  KEEPER,
  QUOTE_UNIT_WAD,
  TX_HASH,
  revert,
  silentLogger,
} from "./fakes.ts";

const USDC = 10n ** 6n; // one quote token [quote units]
const CONFIG: WaterfallStrategyConfig = {
  minProfitQuoteWad: WAD / 2n, // ε = 0.5 quote
  gasPriceCapWei: 100n * GWEI,
  dryRun: false,
  actUnprofitable: false,
  actions: [...KEEPER_ACTIONS],
  bondMaxPriceWad: (95n * WAD) / 100n,
  bondBudgetQuoteWad: 25_000n * WAD,
  feeSweepMinQuoteWad: 10n * WAD,
};

/** A series on sale for `deficit` quote units, nothing sold yet. */
function onSale(deficit: bigint): BondSeriesView {
  return { closed: false, deficit, raised: 0n, faceSold: 0n, repaid: 0n };
}

/** A sold-out series: `raised` bought `faceSold` of face, `repaid` of it repaid. */
function closed(raised: bigint, faceSold: bigint, repaid = 0n) {
  return { closed: true, deficit: raised, raised, faceSold, repaid };
}

function strategyFor(
  chain: FakeChain,
  config: Partial<WaterfallStrategyConfig> = {},
) {
  const reported: Decision[] = [];
  const strategy = createWaterfallStrategy({
    chain,
    config: { ...CONFIG, ...config },
    logger: silentLogger,
    report: (decision) => reported.push(decision),
  });
  return {
    strategy,
    reported,
    pass: async () => {
      const before = reported.length;
      const decisions = await strategy.processWaterfall({
        chainHeadBlock: 100n,
      });
      assert.deepEqual(
        reported.slice(before),
        decisions,
        "every decision is reported once, in order",
      );
      return decisions;
    },
  };
}

const sentCalls = (chain: FakeChain) => chain.sent.map((s) => s.call);
const byAction = (decisions: Decision[], action: string) =>
  decisions.filter((d) => d.action === action);

describe("waterfall: buying bonds", () => {
  it("buys the whole deficit at the price limit, for the keeper, with the limit as maxPrice", async () => {
    const chain = new FakeChain();
    chain.series = [onSale(1_000n * USDC)];
    chain.bondPrices.set(0n, (95n * WAD) / 100n);
    const { pass, strategy } = strategyFor(chain);
    const [decision] = byAction(await pass(), "buyBonds");
    assert.equal(decision?.decision, "liquidate");
    assert.equal(decision?.seriesId, 0n);
    assert.equal(decision?.account, null);
    assert.equal(decision?.txHash, TX_HASH);
    assert.deepEqual(sentCalls(chain), [
      {
        functionName: "buyBonds",
        args: [0n, 1_000n * USDC, (95n * WAD) / 100n, KEEPER],
      },
    ]);
    // face = 1,000 / 0.95 rounded down; the reward is what the bonds pay over their cost at full repayment.
    const face = (1_000n * USDC * WAD) / ((95n * WAD) / 100n);
    assert.equal(
      decision?.rewardQuoteWad,
      (face - 1_000n * USDC) * QUOTE_UNIT_WAD,
    );
    assert.equal(decision?.facts?.faceUnits, face);
    assert.equal(strategy.bondSpentQuoteWad(), 1_000n * WAD);
    assert.ok(chain.series[0]!.closed, "sold out: the series closed");
    assert.ok(
      chain.calls.indexOf("simulateBuyBonds") < chain.calls.indexOf("send"),
      "simulated before sending",
    );
  });

  it("buys below the limit", async () => {
    const chain = new FakeChain();
    chain.series = [onSale(500n * USDC)];
    chain.bondPrices.set(0n, (85n * WAD) / 100n);
    const { pass } = strategyFor(chain);
    const [decision] = byAction(await pass(), "buyBonds");
    assert.equal(decision?.decision, "liquidate");
    assert.equal(chain.sent[0]?.call.functionName, "buyBonds");
    assert.equal(decision?.facts?.priceWad, (85n * WAD) / 100n);
  });

  it("skips a price above the limit and never simulates the purchase", async () => {
    const chain = new FakeChain();
    chain.series = [onSale(1_000n * USDC)];
    chain.bondPrices.set(0n, (95n * WAD) / 100n + 1n);
    const { pass } = strategyFor(chain);
    const [decision] = byAction(await pass(), "buyBonds");
    assert.equal(decision?.decision, "skip-above-price");
    assert.equal(decision?.seriesId, 0n);
    assert.equal(chain.count("simulateBuyBonds"), 0);
    assert.equal(chain.count("send"), 0);
  });

  it("takes a wad price limit as configured", async () => {
    const chain = new FakeChain();
    chain.series = [onSale(1_000n * USDC)];
    chain.bondPrices.set(0n, (90n * WAD) / 100n);
    const { pass } = strategyFor(chain, {
      bondMaxPriceWad: (89n * WAD) / 100n,
    });
    assert.equal(
      byAction(await pass(), "buyBonds")[0]?.decision,
      "skip-above-price",
    );
  });

  it("never spends more than the budget, across series and passes", async () => {
    const chain = new FakeChain();
    chain.series = [onSale(1_000n * USDC), onSale(1_000n * USDC)];
    chain.bondPrices.set(0n, (90n * WAD) / 100n);
    chain.bondPrices.set(1n, (90n * WAD) / 100n);
    const { pass, strategy } = strategyFor(chain, {
      bondBudgetQuoteWad: 1_500n * WAD,
    });
    const first = byAction(await pass(), "buyBonds");
    // Series 0 whole, series 1 for what the budget has left.
    assert.deepEqual(
      first.map((d) => d.decision),
      ["liquidate", "liquidate"],
    );
    assert.deepEqual(
      chain.sent.map((s) => s.call.args[1]),
      [1_000n * USDC, 500n * USDC],
    );
    assert.equal(strategy.bondSpentQuoteWad(), 1_500n * WAD);
    assert.equal(chain.series[1]!.raised, 500n * USDC);

    const second = byAction(await pass(), "buyBonds");
    assert.deepEqual(
      second.map((d) => d.decision),
      ["skip-budget"],
    );
    assert.equal(chain.count("send"), 2, "nothing more was bought");
  });

  it("buys what its quote balance allows, and skips with none", async () => {
    const chain = new FakeChain();
    chain.series = [onSale(1_000n * USDC)];
    chain.bondPrices.set(0n, (90n * WAD) / 100n);
    chain.funding = { ...chain.funding, balanceWad: 300n * WAD };
    const { pass } = strategyFor(chain);
    await pass();
    assert.equal(chain.sent[0]?.call.args[1], 300n * USDC);

    const empty = new FakeChain();
    empty.series = [onSale(1_000n * USDC)];
    empty.bondPrices.set(0n, (90n * WAD) / 100n);
    empty.funding = { ...empty.funding, balanceWad: 0n };
    const [decision] = byAction(await strategyFor(empty).pass(), "buyBonds");
    assert.equal(decision?.decision, "skip-insufficient-quote");
    assert.equal(empty.count("send"), 0);
  });

  it("skips a purchase whose yield does not pay for the gas", async () => {
    const chain = new FakeChain();
    // 1 unit of quote at 0.95: under a unit of gain, less than gas + ε.
    chain.series = [onSale(1n)];
    chain.bondPrices.set(0n, (95n * WAD) / 100n);
    const [decision] = byAction(await strategyFor(chain).pass(), "buyBonds");
    assert.equal(decision?.decision, "skip-unprofitable");
    assert.equal(chain.count("send"), 0);
  });

  it("logs a purchase someone else sold out first as a lost race", async () => {
    const chain = new FakeChain();
    chain.series = [onSale(1_000n * USDC)];
    chain.bondPrices.set(0n, (90n * WAD) / 100n);
    chain.failures.set(
      "simulateBuyBonds",
      revert("buyBonds", "SeriesAlreadyClosed", [0n]),
    );
    const [decision] = byAction(await strategyFor(chain).pass(), "buyBonds");
    assert.equal(decision?.decision, "lost-race");
    assert.equal(decision?.errorName, "SeriesAlreadyClosed");
    assert.equal(chain.count("send"), 0);
  });

  it("leaves bonds alone when buyBonds is not listed", async () => {
    const chain = new FakeChain();
    chain.series = [onSale(1_000n * USDC)];
    chain.bondPrices.set(0n, (90n * WAD) / 100n);
    const decisions = await strategyFor(chain, {
      actions: ["liquidate", "closeSeries", "route", "redeem"],
    }).pass();
    assert.deepEqual(decisions, []);
    assert.equal(chain.count("bondPriceWad"), 0);
  });

  it("simulates but never sends in a dry run", async () => {
    const chain = new FakeChain();
    chain.series = [onSale(1_000n * USDC)];
    chain.bondPrices.set(0n, (90n * WAD) / 100n);
    const [decision] = byAction(
      await strategyFor(chain, { dryRun: true }).pass(),
      "buyBonds",
    );
    assert.equal(decision?.decision, "dry-run");
    assert.equal(chain.count("simulateBuyBonds"), 1);
    assert.equal(chain.count("send"), 0);
  });
});

describe("waterfall: closing a sale", () => {
  it("closes a series only once closableAt has passed", async () => {
    const chain = new FakeChain();
    chain.series = [onSale(1_000n * USDC)];
    chain.bondPrices.set(0n, (98n * WAD) / 100n); // above the limit: no purchase
    chain.closableAts.set(0n, 1_090n);
    const { pass } = strategyFor(chain);

    chain.now = 1_089n;
    assert.deepEqual(byAction(await pass(), "closeSeries"), []);
    assert.equal(chain.count("simulateCloseSeries"), 0);

    chain.now = 1_090n;
    const [decision] = byAction(await pass(), "closeSeries");
    assert.equal(decision?.decision, "liquidate");
    assert.equal(decision?.seriesId, 0n);
    assert.deepEqual(sentCalls(chain), [
      { functionName: "closeSeries", args: [0n] },
    ]);
    assert.equal(decision?.facts?.unsoldUnits, 1_000n * USDC);
  });

  it("closes even though it pays the keeper nothing, but not above the gas price cap", async () => {
    const chain = new FakeChain();
    chain.series = [onSale(1_000n * USDC)];
    chain.now = 2_000n;
    chain.bondPrices.set(0n, WAD);
    chain.fees = { gasPriceWei: 200n * GWEI, maxPriorityFeePerGasWei: GWEI };
    const [capped] = byAction(await strategyFor(chain).pass(), "closeSeries");
    assert.equal(capped?.decision, "skip-gas-cap");
    assert.equal(chain.count("send"), 0);
  });

  it("never touches a closed series", async () => {
    const chain = new FakeChain();
    chain.series = [closed(1_000n * USDC, 1_052n * USDC, 1_052n * USDC)];
    chain.now = 5_000n;
    const decisions = await strategyFor(chain).pass();
    assert.deepEqual(decisions, []);
    assert.equal(chain.count("send"), 0);
  });
});

describe("waterfall: routing revenue", () => {
  it("routes pending revenue to the oldest closed series still owed", async () => {
    const chain = new FakeChain();
    chain.series = [
      closed(1_000n * USDC, 1_050n * USDC, 1_050n * USDC),
      closed(500n * USDC, 520n * USDC, 20n * USDC),
    ];
    chain.pendingRevenueUnits = 100n * USDC;
    const [decision] = byAction(await strategyFor(chain).pass(), "route");
    assert.equal(decision?.decision, "liquidate");
    assert.equal(
      decision?.seriesId,
      1n,
      "series 0 is repaid: series 1 is owed",
    );
    assert.equal(decision?.facts?.owedUnits, 500n * USDC);
    assert.deepEqual(sentCalls(chain), [{ functionName: "route", args: [] }]);
    assert.equal(chain.series[1]!.repaid, 120n * USDC);
  });

  it("routes only the revenue beyond the reward reserve", async () => {
    const chain = new FakeChain();
    chain.series = [closed(500n * USDC, 520n * USDC)];
    chain.rewardReserveUnits = 1_000n * USDC;
    chain.pendingRevenueUnits = 1_300n * USDC;
    const [decision] = byAction(await strategyFor(chain).pass(), "route");
    assert.equal(decision?.decision, "liquidate");
    assert.equal(decision?.facts?.toBondsUnits, 300n * USDC);
    assert.equal(chain.series[0]!.repaid, 300n * USDC);
    assert.equal(chain.pendingRevenueUnits, 1_000n * USDC, "the reserve");

    // The reserve is all that is left: the series is still owed, but route() would move nothing.
    const next = await strategyFor(chain).pass();
    assert.deepEqual(byAction(next, "route"), []);
    assert.equal(chain.count("simulateRoute"), 2);
    assert.equal(chain.count("send"), 1, "no second route");
  });

  it("does not route while the oldest unrepaid series is on sale, nor with no bond owed, nor with nothing pending", async () => {
    const onSaleFirst = new FakeChain();
    onSaleFirst.series = [onSale(1_000n * USDC)];
    onSaleFirst.bondPrices.set(0n, WAD); // no purchase
    onSaleFirst.pendingRevenueUnits = 100n * USDC;
    assert.deepEqual(
      byAction(await strategyFor(onSaleFirst).pass(), "route"),
      [],
    );

    const allRepaid = new FakeChain();
    allRepaid.series = [closed(1_000n * USDC, 1_050n * USDC, 1_050n * USDC)];
    allRepaid.pendingRevenueUnits = 100n * USDC;
    assert.deepEqual(
      byAction(await strategyFor(allRepaid).pass(), "route"),
      [],
    );

    const nothingPending = new FakeChain();
    nothingPending.series = [closed(1_000n * USDC, 1_050n * USDC)];
    assert.deepEqual(
      byAction(await strategyFor(nothingPending).pass(), "route"),
      [],
    );
    for (const chain of [onSaleFirst, allRepaid, nothingPending]) {
      assert.equal(chain.count("simulateRoute"), 0);
      assert.equal(chain.count("send"), 0);
    }
  });
});

describe("waterfall: redeeming and sweeping", () => {
  it("redeems only a series with something claimable", async () => {
    const chain = new FakeChain();
    chain.series = [
      closed(1_000n * USDC, 1_050n * USDC, 300n * USDC),
      closed(500n * USDC, 520n * USDC),
    ];
    chain.claimables.set(0n, 300n * USDC);
    const decisions = byAction(await strategyFor(chain).pass(), "redeem");
    assert.deepEqual(
      decisions.map((d) => [d.decision, d.seriesId]),
      [["liquidate", 0n]],
    );
    assert.equal(decisions[0]?.rewardQuoteWad, 300n * WAD);
    assert.deepEqual(sentCalls(chain), [
      { functionName: "redeem", args: [0n, KEEPER] },
    ]);
    assert.equal(chain.count("simulateRedeem"), 1, "series 1 has no claim");
  });

  it("sweeps the fee share only above the threshold", async () => {
    const below = new FakeChain();
    below.feesOwed = 10n * WAD; // not above 10
    assert.deepEqual(
      byAction(await strategyFor(below).pass(), "sweepFees"),
      [],
    );
    assert.equal(below.count("simulateSweepFees"), 0);

    const above = new FakeChain();
    above.feesOwed = 10n * WAD + 1n;
    const [decision] = byAction(await strategyFor(above).pass(), "sweepFees");
    assert.equal(decision?.decision, "liquidate");
    assert.equal(decision?.facts?.feesOwedWad, 10n * WAD + 1n);
    assert.deepEqual(sentCalls(above), [
      { functionName: "sweepFees", args: [] },
    ]);
  });

  it("sweeps, then routes the swept revenue to the owed series, then redeems, in one pass", async () => {
    const chain = new FakeChain();
    chain.series = [closed(1_000n * USDC, 1_050n * USDC)];
    chain.feesOwed = 50n * WAD;
    chain.afterSend = (call) => {
      // The route repays the keeper's bonds: its claim grows.
      if (call.functionName === "route")
        chain.claimables.set(0n, chain.series[0]!.repaid);
    };
    await strategyFor(chain).pass();
    assert.deepEqual(
      chain.sent.map((s) => s.call.functionName),
      ["sweepFees", "route", "redeem"],
    );
    assert.equal(chain.series[0]!.repaid, 50n * USDC);
  });

  it("lists the five waterfall actions among the keeper's actions", () => {
    for (const action of WATERFALL_ACTIONS)
      assert.ok((KEEPER_ACTIONS as readonly string[]).includes(action));
  });
});
