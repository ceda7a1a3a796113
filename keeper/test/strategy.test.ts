import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { KEEPER_ACTIONS, type Decision } from "../src/decisions.ts";
import { WAD } from "../src/math.ts";
import { createStrategy, type StrategyConfig } from "../src/strategy.ts";
import {
  ALICE,
  FakeChain,
  GWEI,
  ORACLE,
  TX_HASH,
  revert,
  row,
  silentLogger,
} from "./fakes.ts";

const CONFIG: StrategyConfig = {
  minProfitQuoteWad: WAD / 2n, // ε = 0.5 quote
  takeMinProfitQuoteWad: WAD, // ε of a take = 1 quote
  gasPriceCapWei: 100n * GWEI,
  dryRun: false,
  actUnprofitable: false,
  actions: [...KEEPER_ACTIONS],
};
// Fake defaults: 300k gas × 1 gwei × 2000 quote/ETH = 0.6 quote of gas.
const GAS_COST_WAD = (6n * WAD) / 10n;

async function run(
  chain: FakeChain,
  config: Partial<StrategyConfig> = {},
  rowOverrides = {},
) {
  const reported: Decision[] = [];
  const strategy = createStrategy({
    chain,
    config: { ...CONFIG, ...config },
    logger: silentLogger,
    report: (decision) => reported.push(decision),
  });
  const decisions = await strategy.processAccount(row(rowOverrides), {
    chainHeadBlock: 110n,
  });
  assert.deepEqual(
    reported,
    decisions,
    "every decision is reported once, in order",
  );
  return decisions;
}

/** Market 1 besides market 0: a position of `sizeWad` that a liquidation closes whole. */
function withSecondMarket(chain: FakeChain, sizeWad: bigint): void {
  chain.masks = { marketMask: 0b11n, collateralMask: 0n };
  chain.sizes.set(1, sizeWad);
  chain.previews.set(1, {
    closeSizeWad: -sizeWad,
    penaltyWad: 10n * WAD,
    keeperRewardWad: 4n * WAD,
  });
}

function only(decisions: Decision[]): Decision {
  assert.equal(
    decisions.length,
    1,
    JSON.stringify(decisions.map((d) => d.decision)),
  );
  return decisions[0] as Decision;
}

describe("strategy: positions", () => {
  it("liquidates a profitable position with the previewed close size, after simulating it", async () => {
    const chain = new FakeChain();
    const decision = only(await run(chain));
    assert.equal(decision.decision, "liquidate");
    assert.equal(decision.action, "liquidate");
    assert.equal(decision.account, ALICE);
    assert.equal(decision.marketId, 0);
    assert.equal(decision.txHash, TX_HASH);
    assert.equal(decision.rewardQuoteWad, 20n * WAD);
    assert.equal(decision.gasCostQuoteWad, GAS_COST_WAD);
    assert.equal(decision.healthWad, (9n * WAD) / 10n);
    assert.equal(decision.blocksSinceBreach, 10n); // head 110, breach 100
    assert.equal(chain.sent.length, 1);
    const sent = chain.sent[0]!;
    assert.deepEqual(sent.call, {
      functionName: "liquidate",
      args: [ALICE, 0n, 10n * WAD],
    }); // |closeSizeWad|
    assert.ok(
      chain.calls.indexOf("simulateLiquidate") < chain.calls.indexOf("send"),
      "simulated before sending",
    );
    assert.ok(sent.fees.maxFeePerGasWei >= chain.fees.gasPriceWei);
    assert.ok(sent.fees.feeCeilingWei <= CONFIG.gasPriceCapWei!);
  });

  it("skips an account that is no longer liquidatable on-chain", async () => {
    const chain = new FakeChain();
    chain.liquidatable = false;
    chain.healthWad = 2n * WAD;
    const decision = only(await run(chain));
    assert.equal(decision.decision, "skip-healthy");
    assert.equal(decision.healthWad, 2n * WAD);
    assert.equal(chain.count("simulateLiquidate"), 0);
    assert.equal(chain.count("send"), 0);
  });

  it("never acts on an invalid price", async () => {
    const chain = new FakeChain();
    chain.failures.set(
      "isLiquidatable",
      revert("isLiquidatable", "InvalidPrice", [ORACLE, 0n, 1]),
    );
    const decision = only(await run(chain));
    assert.equal(decision.decision, "skip-invalid-price");
    assert.equal(decision.errorName, "InvalidPrice");
    assert.match(decision.reason ?? "", /Stale/);
    assert.equal(chain.count("previewLiquidation"), 0);
    assert.equal(chain.count("send"), 0);
  });

  it("skips an invalid price met during the simulation", async () => {
    const chain = new FakeChain();
    chain.failures.set(
      "simulateLiquidate",
      revert("liquidate", "InvalidPrice", [ORACLE, 1n, 3]),
    );
    const decision = only(await run(chain));
    assert.equal(decision.decision, "skip-invalid-price");
    assert.equal(decision.marketId, 0);
    assert.equal(chain.count("send"), 0);
  });

  it("skips when the network gas price is above the cap", async () => {
    const chain = new FakeChain();
    chain.fees = {
      gasPriceWei: 100n * GWEI + 1n,
      maxPriorityFeePerGasWei: GWEI,
    };
    const decision = only(await run(chain));
    assert.equal(decision.decision, "skip-gas-cap");
    assert.equal(decision.gasPriceWei, 100n * GWEI + 1n);
    assert.equal(chain.count("send"), 0);
  });

  /**
   * Regression (issue 12, finding 6): the default cap of 100 gwei skipped every action at 20× a base fee, however well
   * the reward paid. With no cap (the default now) the profit rule alone decides, and fee bumps stop where the action
   * stops paying.
   */
  it("acts at 300 gwei when the reward pays for the gas, with no cap", async () => {
    const uncapped = { gasPriceCapWei: null };
    const paying = new FakeChain();
    paying.fees = { gasPriceWei: 300n * GWEI, maxPriorityFeePerGasWei: GWEI };
    paying.previews.set(0, {
      closeSizeWad: -10n * WAD,
      penaltyWad: 0n,
      keeperRewardWad: 200n * WAD, // gas: 300k × 300 gwei × $2,000 = $180
    });
    const decision = only(await run(paying, uncapped));
    assert.equal(decision.decision, "liquidate");
    // (200 − 0.5 − 1e-18) ÷ (300k gas × $2,000): where the action stops paying.
    assert.equal(
      paying.sent[0]?.fees.feeCeilingWei,
      ((200n * WAD - WAD / 2n - 1n) * WAD) / (300_000n * 2_000n * WAD),
    );

    const short = new FakeChain();
    short.fees = paying.fees;
    const skipped = only(await run(short, uncapped)); // the default $20 reward
    assert.equal(skipped.decision, "skip-unprofitable");
  });

  it("skips when the reward equals gas cost + ε, and liquidates one wei above", async () => {
    const boundary = new FakeChain();
    boundary.previews.set(0, {
      closeSizeWad: -10n * WAD,
      penaltyWad: 0n,
      keeperRewardWad: GAS_COST_WAD + WAD / 2n,
    });
    const skipped = only(await run(boundary));
    assert.equal(skipped.decision, "skip-unprofitable");
    assert.equal(skipped.gasCostQuoteWad, GAS_COST_WAD);
    assert.equal(boundary.count("send"), 0);

    const above = new FakeChain();
    above.previews.set(0, {
      closeSizeWad: -10n * WAD,
      penaltyWad: 0n,
      keeperRewardWad: GAS_COST_WAD + WAD / 2n + 1n,
    });
    assert.equal(only(await run(above)).decision, "liquidate");
  });

  it("acts on an unprofitable liquidation when configured to", async () => {
    const chain = new FakeChain();
    chain.previews.set(0, {
      closeSizeWad: -10n * WAD,
      penaltyWad: 0n,
      keeperRewardWad: 0n,
    });
    const decision = only(await run(chain, { actUnprofitable: true }));
    assert.equal(decision.decision, "liquidate");
    assert.equal(chain.sent[0]?.fees.feeCeilingWei, CONFIG.gasPriceCapWei);
  });

  it("simulates but never sends in a dry run", async () => {
    const chain = new FakeChain();
    const decision = only(await run(chain, { dryRun: true }));
    assert.equal(decision.decision, "dry-run");
    assert.equal(decision.rewardQuoteWad, 20n * WAD);
    assert.equal(decision.txHash, undefined);
    assert.equal(chain.count("simulateLiquidate"), 1);
    assert.equal(chain.count("send"), 0);
  });

  it("logs a lost race when the simulation says Healthy, without retrying", async () => {
    const chain = new FakeChain();
    chain.failures.set(
      "simulateLiquidate",
      revert("liquidate", "Healthy", [ALICE, 100n * WAD, 90n * WAD]),
    );
    const decision = only(await run(chain));
    assert.equal(decision.decision, "lost-race");
    assert.equal(decision.errorName, "Healthy");
    assert.equal(chain.count("simulateLiquidate"), 1);
    assert.equal(chain.count("send"), 0);
  });

  it("skips a portfolio account's hedge leg the protocol refuses, and closes the next market", async () => {
    const chain = new FakeChain();
    withSecondMarket(chain, -5n * WAD);
    const simulate = chain.simulateLiquidate.bind(chain);
    chain.simulateLiquidate = async (account, marketId, size) => {
      if (marketId === 0)
        throw revert("liquidate", "PortfolioHealthLowered", [
          account,
          WAD,
          WAD / 2n,
        ]);
      return simulate(account, marketId, size);
    };
    const decisions = await run(chain, {}, { marketIds: [0, 1] });
    assert.deepEqual(
      decisions.map((d) => [d.decision, d.marketId]),
      [
        ["skip-hedge", 0],
        ["liquidate", 1],
      ],
    );
    assert.equal(decisions[0]?.errorName, "PortfolioHealthLowered");
  });

  it("moves on to the next market after a NoPosition lost race", async () => {
    const chain = new FakeChain();
    withSecondMarket(chain, -5n * WAD);
    let simulations = 0;
    const simulate = chain.simulateLiquidate.bind(chain);
    chain.simulateLiquidate = async (account, marketId, size) => {
      if (simulations++ === 0)
        throw revert("liquidate", "NoPosition", [account, BigInt(marketId)]);
      return simulate(account, marketId, size);
    };
    const decisions = await run(chain, {}, { marketIds: [0, 1] });
    assert.deepEqual(
      decisions.map((d) => [d.decision, d.marketId]),
      [
        ["lost-race", 0],
        ["liquidate", 1],
      ],
    );
    assert.deepEqual(chain.sent[0]?.call.args, [ALICE, 1n, 5n * WAD]);
  });

  it("counts a transaction reverted on-chain after the position vanished as a lost race", async () => {
    const chain = new FakeChain();
    chain.sendStatus = "reverted";
    chain.afterSend = () => chain.sizes.set(0, 0n); // another keeper closed it first
    const decision = only(await run(chain));
    assert.equal(decision.decision, "lost-race");
    assert.equal(decision.txHash, TX_HASH);
  });

  it("reports an error when a transaction reverts and the target is still there", async () => {
    const chain = new FakeChain();
    chain.sendStatus = "reverted";
    const decision = only(await run(chain));
    assert.equal(decision.decision, "error");
    assert.equal(decision.txHash, TX_HASH);
  });

  it("turns an RPC failure into an error decision", async () => {
    const chain = new FakeChain();
    chain.failures.set("previewLiquidation", new Error("connection refused"));
    const decision = only(await run(chain));
    assert.equal(decision.decision, "error");
    assert.match(decision.reason ?? "", /connection refused/);
    assert.equal(chain.count("send"), 0);
  });

  it("does not value gas with an invalid ETH price", async () => {
    const chain = new FakeChain();
    chain.eth = { priceWad: 2000n * WAD, status: 1 };
    const decision = only(await run(chain));
    assert.equal(decision.decision, "skip-invalid-price");
    assert.match(decision.reason ?? "", /ETH feed price is Stale/);
    assert.equal(chain.count("send"), 0);
  });

  it("values gas with a volatile ETH price, and waits out a recovering one", async () => {
    const volatile = new FakeChain();
    volatile.eth = { priceWad: 2000n * WAD, status: 6 };
    assert.equal(only(await run(volatile)).decision, "liquidate");
    const recovering = new FakeChain();
    recovering.eth = { priceWad: 2000n * WAD, status: 5 };
    const decision = only(await run(recovering));
    assert.equal(decision.decision, "skip-invalid-price");
    assert.match(decision.reason ?? "", /ETH feed price is Recovering/);
  });

  it("stops closing markets once its own liquidation restored the account", async () => {
    const chain = new FakeChain();
    withSecondMarket(chain, 5n * WAD);
    chain.afterSend = () => {
      chain.liquidatable = false;
    };
    const decisions = await run(chain, {}, { marketIds: [0, 1] });
    assert.deepEqual(
      decisions.map((d) => [d.decision, d.marketId]),
      [["liquidate", 0]],
    );
    assert.equal(chain.count("send"), 1);
  });

  it("skips a market the engine would close nothing of", async () => {
    const chain = new FakeChain();
    chain.previews.set(0, {
      closeSizeWad: 0n,
      penaltyWad: 0n,
      keeperRewardWad: 0n,
    });
    const decision = only(await run(chain));
    assert.equal(decision.decision, "skip-healthy");
    assert.equal(chain.count("simulateLiquidate"), 0);
  });

  it("ignores a market the index lists but the chain shows closed", async () => {
    const chain = new FakeChain();
    chain.sizes.set(0, 0n);
    chain.masks = { marketMask: 0n, collateralMask: 0n };
    assert.deepEqual(await run(chain), []);
    assert.equal(chain.count("previewLiquidation"), 0);
  });

  it("leaves blocksSinceBreach null when the index has no breach block", async () => {
    const decision = only(
      await run(new FakeChain(), {}, { breachBlock: null }),
    );
    assert.equal(decision.blocksSinceBreach, null);
  });
});

describe("strategy: collateral", () => {
  const WETH = 0;
  /** A position-free account owing 1000 quote with 1 WETH (2000 quote) of collateral; equity < 0 after haircut. */
  function indebted(): FakeChain {
    const chain = new FakeChain();
    chain.masks = { marketMask: 0n, collateralMask: 1n << BigInt(WETH) };
    chain.sizes.clear();
    chain.quoteWad = -1000n * WAD;
    chain.collaterals.set(WETH, {
      amount: 10n ** 18n,
      priceWad: 2000n * WAD,
      haircutWad: WAD / 2n,
      decimals: 18,
    });
    // What the simulated engine sells: 0.5 WETH (worth 1000) for 950 quote.
    chain.purchases.set(WETH, {
      amount: 5n * 10n ** 17n,
      quotePaidWad: 950n * WAD,
    });
    return chain;
  }

  it("buys collateral at the discount with the whole balance as the cap and the oracle price as the limit", async () => {
    const chain = indebted();
    chain.afterSend = () => {
      chain.quoteWad = 0n;
    };
    const decision = only(
      await run(chain, {}, { marketIds: [], collateralIds: [WETH] }),
    );
    assert.equal(decision.decision, "liquidate");
    assert.equal(decision.action, "buyCollateral");
    assert.equal(decision.collateralId, WETH);
    assert.equal(decision.rewardQuoteWad, 50n * WAD); // 0.5 WETH worth 1000, paid 950
    assert.deepEqual(chain.sent[0]?.call, {
      functionName: "buyCollateral",
      args: [ALICE, BigInt(WETH), 10n ** 18n, 2000n * WAD],
    });
  });

  it("counts the gas the engine pays back on a sale: a $50 discount against $55 of gas is still worth it", async () => {
    const chain = indebted();
    chain.afterSend = () => {
      chain.quoteWad = 0n;
    };
    chain.fees = { gasPriceWei: 91n * GWEI, maxPriorityFeePerGasWei: GWEI };
    const decision = only(
      await run(chain, {}, { marketIds: [], collateralIds: [WETH] }),
    );
    assert.equal(decision.decision, "liquidate");
    assert.equal(decision.action, "buyCollateral");
    // 300k gas × 90 gwei base fee × $2,000 = $54 back (within half the $950 paid), on top of the $50 discount.
    assert.equal(decision.facts?.gasBackQuoteWad, 54n * WAD);
    assert.equal(decision.rewardQuoteWad, 104n * WAD);
    assert.ok(
      decision.gasCostQuoteWad! > 50n * WAD,
      "the discount alone would not pay",
    );
  });

  it("sweeps dust: collateral worth less than the dust minimum and the debt goes to the keeper with the debt settled", async () => {
    const chain = indebted();
    chain.collaterals.set(WETH, {
      amount: 10n ** 15n, // 0.001 WETH: $2
      priceWad: 2000n * WAD,
      haircutWad: WAD / 2n,
      decimals: 18,
    });
    chain.fees = { gasPriceWei: 11n * GWEI, maxPriorityFeePerGasWei: GWEI };
    chain.gasByFunction.set("settleBadDebt", 150_000n);
    const decision = only(
      await run(chain, {}, { marketIds: [], collateralIds: [WETH] }),
    );
    assert.equal(decision.decision, "liquidate");
    assert.equal(decision.action, "settleBadDebt");
    // $2 of WETH (less a wad of rounding) + the $1 tip + its 150k gas × 10 gwei base fee × $2,000 = $3, within $5.
    assert.equal(decision.rewardQuoteWad, 2n * WAD - 1n + WAD + 3n * WAD);
    assert.deepEqual(chain.sent[0]?.call, {
      functionName: "settleBadDebt",
      args: [ALICE],
    });
    assert.equal(chain.count("simulateBuyCollateral"), 0, "no purchase tried");
  });

  it("buys collateral worth the dust minimum or more instead of sweeping it", async () => {
    const chain = indebted();
    chain.afterSend = () => {
      chain.quoteWad = 0n;
    };
    await run(chain, {}, { marketIds: [], collateralIds: [WETH] });
    assert.equal(chain.count("simulateSettleBadDebt"), 0);
    assert.equal(chain.sent[0]?.call.functionName, "buyCollateral");
  });

  it("skips a dust sweep that settleBadDebt is not enabled for", async () => {
    const chain = indebted();
    chain.collaterals.set(WETH, {
      amount: 10n ** 15n,
      priceWad: 2000n * WAD,
      haircutWad: WAD / 2n,
      decimals: 18,
    });
    const decision = only(
      await run(
        chain,
        { actions: ["liquidate", "buyCollateral"] },
        { marketIds: [], collateralIds: [WETH] },
      ),
    );
    assert.equal(decision.decision, "skip-disabled");
    assert.equal(decision.action, "settleBadDebt");
    assert.equal(chain.count("send"), 0);
  });

  it("skips when the keeper holds too little quote", async () => {
    const chain = indebted();
    chain.funding = { balanceWad: 10n * WAD, allowanceWad: 10n ** 40n };
    const decision = only(
      await run(chain, {}, { marketIds: [], collateralIds: [WETH] }),
    );
    assert.equal(decision.decision, "skip-insufficient-quote");
    assert.equal(chain.count("simulateBuyCollateral"), 0);
    assert.equal(chain.count("send"), 0);
  });

  it("skips an unprofitable purchase", async () => {
    const chain = indebted();
    chain.purchases.set(WETH, {
      amount: 5n * 10n ** 17n,
      quotePaidWad: 1000n * WAD,
    }); // no discount left
    const decision = only(
      await run(chain, {}, { marketIds: [], collateralIds: [WETH] }),
    );
    assert.equal(decision.decision, "skip-unprofitable");
    assert.equal(chain.count("send"), 0);
  });

  it("logs a lost race when the debt is already repaid", async () => {
    const chain = indebted();
    chain.failures.set(
      "simulateBuyCollateral",
      revert("buyCollateral", "NoDebt", [ALICE, 0n]),
    );
    const decision = only(
      await run(chain, {}, { marketIds: [], collateralIds: [WETH] }),
    );
    assert.equal(decision.decision, "lost-race");
    assert.equal(decision.collateralId, WETH);
  });

  it("treats Healthy as not eligible (not a race) for an account that was not liquidatable", async () => {
    const chain = indebted();
    chain.liquidatable = false;
    chain.failures.set(
      "simulateBuyCollateral",
      revert("buyCollateral", "Healthy", [ALICE, 1n, 0n]),
    );
    const decision = only(
      await run(chain, {}, { marketIds: [], collateralIds: [WETH] }),
    );
    assert.equal(decision.decision, "skip-healthy");
    assert.equal(chain.count("send"), 0);
  });

  it("reports a dry run without simulating when the allowance was never set", async () => {
    const chain = indebted();
    chain.funding = { balanceWad: 1_000_000n * WAD, allowanceWad: 0n };
    const decision = only(
      await run(
        chain,
        { dryRun: true },
        { marketIds: [], collateralIds: [WETH] },
      ),
    );
    assert.equal(decision.decision, "dry-run");
    assert.equal(decision.facts?.simulated, false);
    assert.equal(chain.count("simulateBuyCollateral"), 0);
  });

  it("sells collateral only after the positions are closed, in the same pass", async () => {
    const chain = indebted();
    chain.masks = { marketMask: 1n, collateralMask: 1n };
    chain.sizes.set(0, 10n * WAD);
    chain.afterSend = (call) => {
      if (call.functionName === "liquidate") {
        chain.sizes.set(0, 0n);
        chain.masks = { marketMask: 0n, collateralMask: 1n };
      } else {
        chain.quoteWad = 0n;
      }
    };
    const decisions = await run(
      chain,
      {},
      { marketIds: [0], collateralIds: [WETH] },
    );
    assert.deepEqual(
      decisions.map((d) => [d.decision, d.action]),
      [
        ["liquidate", "liquidate"],
        ["liquidate", "buyCollateral"],
      ],
    );
  });

  it("does not touch collateral while a position is open", async () => {
    const chain = indebted();
    chain.masks = { marketMask: 1n, collateralMask: 1n };
    chain.sizes.set(0, 10n * WAD);
    const decisions = await run(
      chain,
      { dryRun: true },
      { marketIds: [0], collateralIds: [WETH] },
    );
    assert.deepEqual(
      decisions.map((d) => [d.decision, d.action]),
      [["dry-run", "liquidate"]],
    );
    assert.equal(chain.count("collateralState"), 0);
  });
});
