/** The strategy on the Dutch-auction and internal patterns: kick, take, redo or backstop buy, absorb. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeAbiParameters, type Hex } from "viem";
import { KEEPER_ACTIONS, type Decision } from "../src/decisions.ts";
import { WAD } from "../src/math.ts";
import { Metrics } from "../src/metrics.ts";
import { createStrategy, type StrategyConfig } from "../src/strategy.ts";
import type { ActiveAuction } from "../src/index-client.ts";
import {
  ALICE,
  FakeChain,
  GWEI,
  QUOTE_UNIT_WAD,
  TAKE_CALLEE,
  TX_HASH,
  WETH_POOL,
  auctionRow,
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
const ETH = 10n ** 18n;
const WETH = 0;
const AUCTION_ID = 7n;

async function runAccount(
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
  const decisions = await strategy.processAccount(
    row({ marketIds: [], collateralIds: [WETH], ...rowOverrides }),
    { chainHeadBlock: 110n, cache: new Map() },
  );
  assert.deepEqual(reported, decisions, "every decision is reported once");
  return decisions;
}

async function runAuction(
  chain: FakeChain,
  config: Partial<StrategyConfig> = {},
  auction: ActiveAuction = auctionRow(),
) {
  const reported: Decision[] = [];
  const strategy = createStrategy({
    chain,
    config: { ...CONFIG, ...config },
    logger: silentLogger,
    report: (decision) => reported.push(decision),
  });
  const decisions = await strategy.processAuction(auction, {
    chainHeadBlock: 110n,
    cache: new Map(),
  });
  assert.deepEqual(reported, decisions, "every decision is reported once");
  return decisions;
}

function only(decisions: Decision[]): Decision {
  assert.equal(
    decisions.length,
    1,
    JSON.stringify(decisions.map((d) => [d.decision, d.action])),
  );
  return decisions[0] as Decision;
}

/** A position-free account owing 1000 quote with 1 WETH (2000 quote) of collateral of the given pattern. */
function indebted(pattern: number): FakeChain {
  const chain = new FakeChain();
  chain.masks = { marketMask: 0n, collateralMask: 1n << BigInt(WETH) };
  chain.sizes.clear();
  chain.quoteWad = -1000n * WAD;
  chain.collaterals.set(WETH, {
    amount: ETH,
    priceWad: 2000n * WAD,
    haircutWad: WAD / 2n,
    decimals: 18,
  });
  chain.patterns.set(WETH, pattern);
  // What the engine would sell a keeper (fixed fee, or internal while the backstop is full).
  chain.purchases.set(WETH, { amount: ETH / 2n, quotePaidWad: 950n * WAD });
  return chain;
}

/** Auction 7 of ALICE's WETH: lot 1 WETH, target 5000, price 1800 (oracle 2000, floor 1700). */
function live(
  chain = new FakeChain(),
  status = { priceWad: 1_800n * WAD, needsReset: false },
): FakeChain {
  chain.auctions.set(AUCTION_ID, {
    account: ALICE,
    collateralId: WETH,
    startedAt: 1_000n,
    rewardLeft: 995_000_000n, // $995 of its $1,000 budget (half of the $2,000 at stake)
    lot: ETH,
    targetWad: 5_000n * WAD,
    startPriceWad: 2_200n * WAD,
    penaltyLeftWad: 50n * WAD,
  });
  chain.statuses.set(AUCTION_ID, status);
  return chain;
}

function takeData(chain: FakeChain) {
  const call = chain.sent[0]?.call;
  assert.equal(call?.functionName, "take");
  const [, , , , data] = call.args as readonly [
    bigint,
    bigint,
    bigint,
    string,
    Hex,
  ];
  return decodeAbiParameters([{ type: "address" }, { type: "uint256" }], data);
}

/*//////////////////////////////////////////////////////////////
                                KICK
//////////////////////////////////////////////////////////////*/

describe("strategy: Dutch auction collateral (kick)", () => {
  it("kicks when the reward on debt × (1 + penalty) beats gas + ε, after simulating", async () => {
    const chain = indebted(1);
    const decision = only(await runAccount(chain));
    assert.equal(decision.decision, "liquidate");
    assert.equal(decision.action, "kick");
    assert.equal(decision.collateralId, WETH);
    assert.equal(decision.txHash, TX_HASH);
    // target = 1000 × 1.05 = 1050; reward = 5 + 0.1% × 1050 with the kick's known gas.
    assert.deepEqual(chain.rewardQueries, [
      { valueWad: 1_050n * WAD, gasUnits: 310_000 },
    ]);
    assert.equal(decision.rewardQuoteWad, 6_050n * 10n ** 15n);
    assert.equal(decision.gasCostQuoteWad, GAS_COST_WAD);
    assert.equal(decision.profitQuoteWad, 6_050n * 10n ** 15n - GAS_COST_WAD);
    assert.equal(decision.facts?.targetWad, 1_050n * WAD);
    assert.equal(decision.facts?.auctionId, 7n);
    assert.deepEqual(chain.sent[0]?.call, {
      functionName: "kick",
      args: [ALICE, BigInt(WETH)],
    });
    assert.ok(
      chain.calls.indexOf("simulateKick") < chain.calls.indexOf("send"),
    );
    assert.equal(chain.count("simulateBuyCollateral"), 0);
  });

  it("skips a kick whose gas costs more than the reward − ε", async () => {
    const chain = indebted(1);
    // 300k gas × 10 gwei × 2000 = 6 quote: 6.05 does not beat 6 + 0.5.
    chain.fees = { gasPriceWei: 10n * GWEI, maxPriorityFeePerGasWei: GWEI };
    const decision = only(await runAccount(chain));
    assert.equal(decision.decision, "skip-unprofitable");
    assert.equal(decision.action, "kick");
    assert.equal(decision.gasCostQuoteWad, 6n * WAD);
    assert.equal(decision.rewardQuoteWad, 6_050n * 10n ** 15n);
    assert.equal(chain.count("send"), 0);

    // At 9 gwei (5.4 quote) it pays.
    const cheaper = indebted(1);
    cheaper.fees = { gasPriceWei: 9n * GWEI, maxPriorityFeePerGasWei: GWEI };
    assert.equal(only(await runAccount(cheaper)).decision, "liquidate");
  });

  it("never counts on more reward than the insurance fund holds", async () => {
    const chain = indebted(1);
    chain.rewardPayerWad = 1n * WAD; // 1 < 0.6 + 0.5 is false... 1 > 1.1 is false: unprofitable
    const decision = only(await runAccount(chain));
    assert.equal(decision.decision, "skip-unprofitable");
    assert.equal(decision.rewardQuoteWad, 1n * WAD);
    assert.equal(decision.facts?.listedRewardQuoteWad, 6_050n * 10n ** 15n);
  });

  it("skips without simulating when the caps leave no room, and kicks a partial lot into the room left", async () => {
    const full = indebted(1);
    full.roomWad = 9n * WAD; // below the 10 quote dust
    const skipped = only(await runAccount(full));
    assert.equal(skipped.decision, "skip-no-room");
    assert.equal(skipped.action, "kick");
    assert.equal(skipped.facts?.roomWad, 9n * WAD);
    assert.equal(full.count("simulateKick"), 0);
    assert.equal(full.count("send"), 0);

    const partial = indebted(1);
    partial.roomWad = 500n * WAD;
    const kicked = only(await runAccount(partial));
    assert.equal(kicked.decision, "liquidate");
    assert.equal(kicked.facts?.partialKick, true);
    assert.deepEqual(partial.rewardQueries, [
      { valueWad: 500n * WAD, gasUnits: 310_000 },
    ]);
  });

  it("logs the decoded error when the kick simulation reverts NoRoom", async () => {
    const chain = indebted(1);
    chain.failures.set(
      "simulateKick",
      revert("kick", "NoRoom", [BigInt(WETH), 0n]),
    );
    const decision = only(await runAccount(chain));
    assert.equal(decision.decision, "skip-no-room");
    assert.equal(decision.errorName, "NoRoom");
    assert.match(decision.reason ?? "", /NoRoom\(0, 0\)/);
    assert.equal(chain.count("send"), 0);
  });

  it("leaves an account that already has a lot in auction", async () => {
    const chain = indebted(1);
    chain.auctionLotsOf = 1n;
    const decision = only(await runAccount(chain));
    assert.equal(decision.decision, "skip-auctioned");
    assert.equal(decision.action, "kick");
    assert.equal(chain.count("simulateKick"), 0);
  });

  it("counts a kick another keeper made first as a lost race, and still buys fixed-fee collateral", async () => {
    const chain = indebted(1);
    chain.masks = { marketMask: 0n, collateralMask: 0b11n };
    chain.collaterals.set(1, {
      amount: 10n ** 8n,
      priceWad: 60_000n * WAD,
      haircutWad: WAD / 2n,
      decimals: 8,
    });
    chain.purchases.set(1, {
      amount: 2n * 10n ** 6n,
      quotePaidWad: 1_140n * WAD,
    });
    chain.failures.set(
      "simulateKick",
      revert("kick", "AlreadyInAuction", [ALICE]),
    );
    const decisions = await runAccount(chain, {}, { collateralIds: [0, 1] });
    assert.deepEqual(
      decisions.map((d) => [d.decision, d.action, d.collateralId]),
      [
        ["lost-race", "kick", 0],
        ["liquidate", "buyCollateral", 1],
      ],
    );
  });

  it("closes the positions first, then kicks, in the same pass", async () => {
    const chain = indebted(1);
    chain.masks = { marketMask: 1n, collateralMask: 1n };
    chain.sizes.set(0, 10n * WAD);
    chain.afterSend = (call) => {
      if (call.functionName === "liquidate") {
        chain.sizes.set(0, 0n);
        chain.masks = { marketMask: 0n, collateralMask: 1n };
      }
    };
    const decisions = await runAccount(chain, {}, { marketIds: [0] });
    assert.deepEqual(
      decisions.map((d) => [d.decision, d.action]),
      [
        ["liquidate", "liquidate"],
        ["liquidate", "kick"],
      ],
    );
  });

  it("treats NotLiquidatable as not eligible for an account that was not liquidatable", async () => {
    const chain = indebted(1);
    chain.liquidatable = false;
    chain.failures.set(
      "simulateKick",
      revert("kick", "NotLiquidatable", [ALICE, 1n, 0n]),
    );
    const decision = only(await runAccount(chain));
    assert.equal(decision.decision, "skip-healthy");
    assert.equal(decision.errorName, "NotLiquidatable");
  });

  it("logs a skip and does not simulate when kicks are not among the actions", async () => {
    const chain = indebted(1);
    const decision = only(
      await runAccount(chain, { actions: ["liquidate", "buyCollateral"] }),
    );
    assert.equal(decision.decision, "skip-disabled");
    assert.equal(decision.action, "kick");
    assert.equal(chain.count("simulateKick"), 0);
    assert.equal(chain.count("auctionLots"), 0);
  });
});

/*//////////////////////////////////////////////////////////////
                                TAKE
//////////////////////////////////////////////////////////////*/

describe("strategy: live auctions (take)", () => {
  it("takes the whole lot through the pool callback when the pool pays more than owed + gas + ε", async () => {
    // Deep pool: 1000 WETH / 2,000,000 quote; 1 WETH fetches ≈1994 for 1800 owed.
    const chain = live();
    const decision = only(await runAuction(chain));
    assert.equal(decision.decision, "liquidate");
    assert.equal(decision.action, "take");
    assert.equal(decision.auctionId, AUCTION_ID);
    assert.equal(decision.account, ALICE);
    const call = chain.sent[0]!.call;
    assert.equal(call.functionName, "take");
    const [id, maxAmount, maxPriceWad, receiver] = call.args;
    assert.equal(id, AUCTION_ID);
    assert.equal(maxAmount, ETH);
    assert.equal(receiver, TAKE_CALLEE);
    // The price seen + 1 bp: a reset between the read and inclusion cannot make the keeper pay more.
    assert.equal(maxPriceWad, 1_800_180n * 10n ** 15n);
    const proceeds = chain.quoteOutOf(WETH_POOL, ETH) * QUOTE_UNIT_WAD;
    assert.equal(decision.rewardQuoteWad, proceeds - 1_800n * WAD);
    assert.equal(decision.facts?.owedQuoteWad, 1_800n * WAD);
    assert.equal(decision.facts?.oraclePriceWad, 2_000n * WAD);
    assert.equal(decision.facts?.floorWad, 1_700n * WAD);
    assert.equal(decision.facts?.priceToOracleWad, (9n * WAD) / 10n);
    // The callee must hand over at least gas + ε: 0.6 + 1 quote = 1,600,000 units.
    const [pool, minProfitUnits] = takeData(chain);
    assert.equal(pool, WETH_POOL);
    assert.equal(minProfitUnits, 1_600_000n);
    assert.equal(decision.facts?.minProfitUnits, 1_600_000n);
    assert.equal(
      chain.count("simulateTake"),
      2,
      "probe, then the call as sent",
    );
    assert.deepEqual(
      chain.simulated.at(-1),
      call,
      "the call sent was simulated",
    );
  });

  it("takes a smaller slice when the pool is shallow", async () => {
    const chain = live();
    chain.reserves.set(WETH_POOL, {
      collateral: 10n * ETH,
      quote: 20_000n * 10n ** 6n,
    });
    const decision = only(await runAuction(chain));
    assert.equal(decision.decision, "liquidate");
    assert.equal(chain.sent[0]?.call.args[1], ETH / 2n);
    assert.equal(decision.facts?.amount, ETH / 2n);
    assert.equal(decision.facts?.owedQuoteWad, 900n * WAD);
    assert.equal(decision.facts?.wholeTake, false);
  });

  it("skips without simulating when the pool pays less than the auction asks", async () => {
    const chain = live(new FakeChain(), {
      priceWad: 2_100n * WAD,
      needsReset: false,
    });
    const decision = only(await runAuction(chain));
    assert.equal(decision.decision, "skip-unprofitable");
    assert.equal(decision.action, "take");
    assert.ok((decision.rewardQuoteWad ?? 0n) < 0n);
    assert.equal(chain.count("simulateTake"), 0);
    assert.equal(chain.count("send"), 0);
  });

  it("skips a take whose margin does not beat gas + the take's ε", async () => {
    // Price 1992: 1 WETH fetches 1992.01 from the deep pool, ≈ 0.01 over what is owed.
    const chain = live(new FakeChain(), {
      priceWad: 1_992n * WAD,
      needsReset: false,
    });
    const decision = only(await runAuction(chain));
    assert.equal(decision.decision, "skip-unprofitable");
    assert.ok((decision.rewardQuoteWad ?? 0n) > 0n);
    assert.ok((decision.profitQuoteWad ?? 0n) < WAD);
    assert.equal(decision.facts?.minProfitQuoteWad, WAD);
    assert.equal(chain.count("simulateTake"), 1);
    assert.equal(chain.count("send"), 0);
  });

  it("logs the decoded error when the take simulation reverts on the dust rules", async () => {
    const chain = live();
    chain.failures.set("simulateTake", revert("take", "LotDust", [4n, 10n]));
    const decision = only(await runAuction(chain));
    assert.equal(decision.decision, "skip-dust");
    assert.equal(decision.errorName, "LotDust");
    assert.equal(chain.count("send"), 0);
  });

  it("skips an auction of an asset without a pool", async () => {
    const chain = live();
    chain.pools.clear();
    const decision = only(await runAuction(chain));
    assert.equal(decision.decision, "skip-no-pool");
    assert.equal(chain.count("simulateTake"), 0);
  });

  it("counts an auction that ended since the index listed it as a lost race", async () => {
    const chain = new FakeChain();
    const decision = only(await runAuction(chain));
    assert.equal(decision.decision, "lost-race");
    assert.equal(decision.errorName, "NoAuction");
    assert.equal(decision.action, "check");
  });

  it("ignores an auction of another auction house", async () => {
    const chain = live();
    const decisions = await runAuction(
      chain,
      {},
      auctionRow({ house: "0x0000000000000000000000000000000000000bad" }),
    );
    assert.deepEqual(decisions, []);
    assert.equal(chain.count("auctionStatus"), 0);
  });
});

/*//////////////////////////////////////////////////////////////
                       RESET OR BACKSTOP BUY
//////////////////////////////////////////////////////////////*/

describe("strategy: auctions to reset (redo or backstop buyAuction)", () => {
  it("resets an auction too old to take, for the reset reward on the value at stake", async () => {
    // 1800 is above the 1700 floor: only its age requires the reset; the backstop cannot buy.
    const chain = live(new FakeChain(), {
      priceWad: 1_800n * WAD,
      needsReset: true,
    });
    const decision = only(await runAuction(chain));
    assert.equal(decision.decision, "liquidate");
    assert.equal(decision.action, "redo");
    assert.deepEqual(chain.sent[0]?.call, {
      functionName: "redo",
      args: [AUCTION_ID],
    });
    // At stake: the lot's 1 WETH at the $2,000 oracle price, less than the $5,000 target.
    assert.deepEqual(chain.rewardQueries, [
      { valueWad: 2_000n * WAD, gasUnits: 100_000 },
    ]);
    assert.equal(decision.rewardQuoteWad, 7n * WAD); // 5 + 0.1% × 2000
    assert.equal(chain.count("simulateBuyAuction"), 0);
    assert.equal(decision.facts?.belowFloor, false);
  });

  it("has the backstop buy a lot below its floor when that pays more than a reset", async () => {
    const chain = live(new FakeChain(), {
      priceWad: 1_600n * WAD,
      needsReset: true,
    });
    const decision = only(await runAuction(chain));
    assert.equal(decision.action, "buyAuction");
    assert.equal(decision.decision, "liquidate");
    assert.deepEqual(chain.sent[0]?.call, {
      functionName: "buyAuction",
      args: [AUCTION_ID],
    });
    assert.equal(decision.rewardQuoteWad, 40n * WAD); // read from the simulation
    assert.equal(decision.facts?.redoNetQuoteWad, 7n * WAD - GAS_COST_WAD);
    assert.equal(
      decision.facts?.buyAuctionNetQuoteWad,
      40n * WAD - GAS_COST_WAD,
    );
    assert.equal(decision.facts?.choice, "buyAuction pays more than a reset");
  });

  it("resets instead when the backstop buy pays less after gas", async () => {
    const smaller = live(new FakeChain(), {
      priceWad: 1_600n * WAD,
      needsReset: true,
    });
    smaller.buyAuctionResult = {
      amount: ETH,
      paidWad: 1_700n * WAD,
      rewardWad: 6n * WAD,
    };
    assert.equal(only(await runAuction(smaller)).action, "redo");

    // A bigger reward that costs more gas than it adds.
    const costly = live(new FakeChain(), {
      priceWad: 1_600n * WAD,
      needsReset: true,
    });
    costly.buyAuctionResult = {
      amount: ETH,
      paidWad: 1_700n * WAD,
      rewardWad: 10n * WAD,
    };
    costly.gasByFunction.set("buyAuction", 2_000_000n); // 4 quote of gas
    const decision = only(await runAuction(costly));
    assert.equal(decision.action, "redo");
    assert.equal(costly.sent[0]?.call.functionName, "redo");
  });

  it("resets when the backstop cannot buy, naming its revert", async () => {
    const chain = live(new FakeChain(), {
      priceWad: 1_600n * WAD,
      needsReset: true,
    });
    chain.failures.set(
      "simulateBuyAuction",
      revert("buyAuction", "NoCapacity", [0n, 0n]),
    );
    const decision = only(await runAuction(chain));
    assert.equal(decision.action, "redo");
    assert.equal(decision.facts?.buyAuctionError, "NoCapacity");
  });

  it("counts on no more than what is left of the lot's reward budget", async () => {
    const chain = live(new FakeChain(), {
      priceWad: 1_800n * WAD,
      needsReset: true,
    });
    chain.auctions.get(AUCTION_ID)!.rewardLeft = 1_000_000n; // $1 left of the budget
    const decision = only(await runAuction(chain));
    assert.equal(decision.decision, "skip-unprofitable");
    assert.equal(decision.facts?.redoListedRewardQuoteWad, WAD);
    assert.equal(chain.count("send"), 0);
  });

  it("skips a reset that does not pay for its gas", async () => {
    const chain = live(new FakeChain(), {
      priceWad: 1_800n * WAD,
      needsReset: true,
    });
    chain.keeperReward = () => WAD; // 1 < 0.6 + 0.5
    const decision = only(await runAuction(chain));
    assert.equal(decision.decision, "skip-unprofitable");
    assert.equal(decision.action, "redo");
    assert.equal(chain.count("send"), 0);
  });

  it("counts a reset another keeper made first as a lost race", async () => {
    const chain = live(new FakeChain(), {
      priceWad: 1_800n * WAD,
      needsReset: true,
    });
    chain.failures.set(
      "simulateRedo",
      revert("redo", "NoResetNeeded", [AUCTION_ID]),
    );
    const decision = only(await runAuction(chain));
    assert.equal(decision.decision, "lost-race");
    assert.equal(decision.errorName, "NoResetNeeded");
  });
});

/*//////////////////////////////////////////////////////////////
                              ABSORB
//////////////////////////////////////////////////////////////*/

describe("strategy: internal collateral (absorb)", () => {
  it("has the backstop absorb the collateral for the reward its simulation pays", async () => {
    const chain = indebted(2);
    chain.afterSend = () => {
      chain.quoteWad = 0n;
    };
    const decision = only(await runAccount(chain));
    assert.equal(decision.decision, "liquidate");
    assert.equal(decision.action, "absorb");
    assert.equal(decision.rewardQuoteWad, 10n * WAD);
    assert.equal(decision.profitQuoteWad, 10n * WAD - GAS_COST_WAD);
    assert.deepEqual(chain.sent[0]?.call, {
      functionName: "absorb",
      args: [ALICE, BigInt(WETH)],
    });
    // 0.5 WETH worth 1000 for 980: the backstop gains 20.
    assert.equal(decision.facts?.backstopGainQuoteWad, 20n * WAD);
    assert.equal(chain.count("simulateBuyCollateral"), 0);
  });

  it("buys at the engine's discount when the backstop's capacity is below the dust minimum", async () => {
    const chain = indebted(2);
    chain.capacityWad = 9n * WAD;
    chain.afterSend = () => {
      chain.quoteWad = 0n;
    };
    const decisions = await runAccount(chain);
    assert.deepEqual(
      decisions.map((d) => [d.decision, d.action]),
      [
        ["skip-no-capacity", "absorb"],
        ["liquidate", "buyCollateral"],
      ],
    );
    assert.equal(decisions[1]?.facts?.fallbackFrom, "absorb");
    assert.equal(chain.count("simulateAbsorb"), 0);
    assert.equal(chain.sent[0]?.call.functionName, "buyCollateral");
  });

  it("falls back to buying when the absorb simulation reverts NoCapacity", async () => {
    const chain = indebted(2);
    chain.failures.set(
      "simulateAbsorb",
      revert("absorb", "NoCapacity", [BigInt(WETH), 0n]),
    );
    const decisions = await runAccount(chain);
    assert.deepEqual(
      decisions.map((d) => [d.decision, d.action, d.errorName]),
      [
        ["skip-no-capacity", "absorb", "NoCapacity"],
        ["liquidate", "buyCollateral", undefined],
      ],
    );
  });

  it("does not buy in the backstop's place when an absorb is merely unprofitable", async () => {
    const chain = indebted(2);
    chain.absorbResult = {
      amount: ETH / 2n,
      paidWad: 980n * WAD,
      rewardWad: WAD,
    };
    const decision = only(await runAccount(chain));
    assert.equal(decision.decision, "skip-unprofitable");
    assert.equal(decision.action, "absorb");
    assert.equal(chain.count("simulateBuyCollateral"), 0);
    assert.equal(chain.count("send"), 0);
  });
});

/*//////////////////////////////////////////////////////////////
                           DRY RUN, METRICS
//////////////////////////////////////////////////////////////*/

describe("strategy: dry run of the new actions", () => {
  it("simulates and logs a kick, a take, a reset, a backstop buy and an absorb, and sends nothing", async () => {
    const dry = { dryRun: true };
    const kick = indebted(1);
    assert.equal(only(await runAccount(kick, dry)).decision, "dry-run");
    const take = live();
    assert.equal(only(await runAuction(take, dry)).decision, "dry-run");
    const redo = live(new FakeChain(), {
      priceWad: 1_800n * WAD,
      needsReset: true,
    });
    assert.equal(only(await runAuction(redo, dry)).action, "redo");
    const buy = live(new FakeChain(), {
      priceWad: 1_600n * WAD,
      needsReset: true,
    });
    assert.equal(only(await runAuction(buy, dry)).action, "buyAuction");
    const absorb = indebted(2);
    assert.equal(only(await runAccount(absorb, dry)).decision, "dry-run");
    for (const chain of [kick, take, redo, buy, absorb]) {
      assert.equal(chain.count("send"), 0);
      assert.ok(chain.simulated.length > 0, "simulated all the same");
    }
    assert.equal(take.count("simulateTake"), 2);
  });

  it("reports a take without simulating it when the allowance to the auction house was never set", async () => {
    const chain = live();
    chain.takeAllowance = 0n;
    const decision = only(await runAuction(chain, { dryRun: true }));
    assert.equal(decision.decision, "dry-run");
    assert.equal(decision.facts?.simulated, false);
    assert.equal(chain.count("simulateTake"), 0);
  });
});

describe("metrics of the new actions", () => {
  it("counts kicks, takes, resets, backstop buys and absorbs sent", async () => {
    const metrics = new Metrics();
    const record = (decisions: Decision[]) =>
      decisions.forEach((d) => metrics.recordDecision(d));
    record(await runAccount(indebted(1)));
    record(await runAuction(live()));
    record(
      await runAuction(
        live(new FakeChain(), { priceWad: 1_800n * WAD, needsReset: true }),
      ),
    );
    record(
      await runAuction(
        live(new FakeChain(), { priceWad: 1_600n * WAD, needsReset: true }),
      ),
    );
    const absorb = indebted(2);
    absorb.afterSend = () => {
      absorb.quoteWad = 0n;
    };
    record(await runAccount(absorb));
    record(await runAccount(indebted(1), { dryRun: true }));
    const snapshot = metrics.snapshot();
    assert.equal(snapshot.kicksSent, 1);
    assert.equal(snapshot.takesSent, 1);
    assert.equal(snapshot.redosSent, 1);
    assert.equal(snapshot.auctionBuysSent, 1);
    assert.equal(snapshot.absorbsSent, 1);
    assert.equal(snapshot.liquidationsSent, 0);
    assert.equal(snapshot.decisions["dry-run"], 1);
    const text = metrics.toPrometheus();
    assert.match(text, /^keeper_transactions_sent_total\{action="kick"\} 1$/m);
    assert.match(
      text,
      /^keeper_transactions_sent_total\{action="buyAuction"\} 1$/m,
    );
  });
});
