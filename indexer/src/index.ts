// Event handlers. Every event that changes an account's margin recomputes that
// account's health; a price push recomputes every account exposed to that
// oracle.
import { type Context, ponder } from "ponder:registry";
import {
  accountHealth,
  badDebt,
  auction,
  auctionConfig,
  auctionReset,
  auctionTake,
  backstopAsset,
  backstopTrade,
  circuitEvent,
  collateralAsset,
  collateralBalance,
  collateralSale,
  liquidation,
  market,
  position,
  price,
  priceHistory,
} from "ponder:schema";
import { type Address, BaseError, ContractFunctionZeroDataError } from "viem";
import { iLiquidationEngineAbi } from "../../abi/src/generated.ts";
import {
  recomputeAccount,
  recomputeWoken,
  refreshStaleBands,
} from "./accountHealth.ts";
import { bandRefreshPerBlockFromEnv } from "./settings.ts";
import { touchAccount } from "./accountRow.ts";
import { recomputeLendingHealth } from "./lending/store.ts";
import {
  assetAfterTrade,
  type BackstopTradeAmounts,
  oracleValueWad,
  stateAfterTrade,
} from "./backstop.ts";
import {
  createBackstopState,
  refreshBackstopIdle,
  updateBackstopAsset,
  updateBackstopState,
} from "./backstopState.ts";
import { breachBlockAt, NO_BREACH } from "./breach.ts";
import { BPS_WAD } from "./health.ts";
import { collateralPatternName, DEFAULT_PATTERN } from "./pattern.ts";
import { createStats, updateStats } from "./stats.ts";

type Db = Context["db"];

// Listing fractions are basis points; the protocol's math uses them as wad (bps
// × 1e14), and so do we.
const bpsToWad = (bps: number) => BigInt(bps) * BPS_WAD;

const sameAddress = (a: string, b: string) =>
  a.toLowerCase() === b.toLowerCase();

const eventId = (event: {
  transaction: { hash: string };
  log: { logIndex: number };
}) => `${event.transaction.hash}-${event.log.logIndex}`;

async function setCollateralBalance(
  db: Db,
  address: Address,
  collateralId: bigint,
  amount: bigint,
  block: bigint,
) {
  await db
    .insert(collateralBalance)
    .values({ account: address, collateralId, amount, updatedBlock: block })
    .onConflictDoUpdate({ amount, updatedBlock: block });
}

// An account event: the account row (and its quote balance when the event
// carries it), a collateral balance when it carries one, then the account's
// health at the event's block.
async function accountChanged(
  context: Pick<Context, "db">,
  block: { number: bigint; timestamp: bigint },
  who: Address,
  change: {
    quoteBalanceWad?: bigint;
    collateral?: { id: bigint; balance: bigint };
  },
) {
  await touchAccount(context.db, who, block.number, {
    quoteBalanceWad: change.quoteBalanceWad,
    collateral: change.collateral && {
      id: change.collateral.id,
      held: change.collateral.balance !== 0n,
    },
  });
  if (change.collateral !== undefined) {
    await setCollateralBalance(
      context.db,
      who,
      change.collateral.id,
      change.collateral.balance,
      block.number,
    );
  }
  await recomputeAccount(context.db, who, block);
}

// The engine's pattern for a collateral at the event's block; the default when
// the engine has no code yet (deployed after the listing).
async function engineCollateralPattern(
  context: Pick<Context, "client" | "contracts">,
  collateralId: bigint,
): Promise<string> {
  try {
    const index = await context.client.readContract({
      abi: iLiquidationEngineAbi,
      address: context.contracts.LiquidationEngine.address,
      functionName: "collateralPattern",
      args: [collateralId],
    });
    return collateralPatternName(index);
  } catch (error) {
    if (
      error instanceof BaseError &&
      error.walk((e) => e instanceof ContractFunctionZeroDataError)
    ) {
      return DEFAULT_PATTERN;
    }
    throw error;
  }
}

/*//////////////////////////////////////////////////////////////
                              LISTINGS
//////////////////////////////////////////////////////////////*/

ponder.on("MarginProtocol:setup", async ({ context }) => {
  await createStats(
    context.db,
    BigInt(context.contracts.MarginProtocol.startBlock ?? 0),
  );
});

ponder.on("MarginProtocol:MarketListed", async ({ event, context }) => {
  const { marketId, params } = event.args;
  await context.db.insert(market).values({
    id: marketId,
    oracle: params.oracle,
    maintenanceFractionWad: bpsToWad(params.maintenanceFractionBps),
    initialFractionWad: bpsToWad(params.initialFractionBps),
    tradeFeeWad: bpsToWad(params.tradeFeeBps),
    openInterestCapWad: params.openInterestCapWad,
    longOpenInterestWad: 0n,
    shortOpenInterestWad: 0n,
    listedBlock: event.block.number,
  });
});

ponder.on("MarginProtocol:CollateralListed", async ({ event, context }) => {
  const { collateralId, params } = event.args;
  // The engine accepts a pattern for an id before it is listed; the listing
  // picks up whatever the engine holds at its block.
  const pattern = await engineCollateralPattern(context, collateralId);
  await context.db.insert(collateralAsset).values({
    id: collateralId,
    token: params.token,
    decimals: params.decimals,
    oracle: params.oracle,
    haircutWad: params.haircutWad,
    depositCap: params.depositCap,
    pattern,
    patternSetBlock: null,
    listedBlock: event.block.number,
  });
});

// A pattern set before the listing is read by the listing handler above.
ponder.on(
  "LiquidationEngine:CollateralPatternSet",
  async ({ event, context }) => {
    const { collateralId, pattern } = event.args;
    const row = await context.db.find(collateralAsset, { id: collateralId });
    if (row === null) return;
    await context.db.update(collateralAsset, { id: collateralId }).set({
      pattern: collateralPatternName(pattern),
      patternSetBlock: event.block.number,
    });
  },
);

/*//////////////////////////////////////////////////////////////
                              ACCOUNTS
//////////////////////////////////////////////////////////////*/

ponder.on("MarginProtocol:QuoteTransferred", async ({ event, context }) => {
  const { account: who, quoteBalanceWad } = event.args;
  await accountChanged(context, event.block, who, { quoteBalanceWad });
});

// Auction proceeds credited to the account.
ponder.on("MarginProtocol:QuoteCredited", async ({ event, context }) => {
  const { account: who, quoteBalanceWad } = event.args;
  await accountChanged(context, event.block, who, { quoteBalanceWad });
});

ponder.on(
  "MarginProtocol:CollateralTransferred",
  async ({ event, context }) => {
    const { account: who, collateralId, balance } = event.args;
    await accountChanged(context, event.block, who, {
      collateral: { id: collateralId, balance },
    });
  },
);

// What an auction did not sell, back in the account.
ponder.on("MarginProtocol:CollateralReturned", async ({ event, context }) => {
  const { account: who, collateralId, balance } = event.args;
  await accountChanged(context, event.block, who, {
    collateral: { id: collateralId, balance },
  });
});

ponder.on("MarginProtocol:PositionUpdated", async ({ event, context }) => {
  const {
    account: who,
    marketId,
    sizeWad,
    openNotionalWad,
    quoteBalanceWad,
  } = event.args;
  const block = event.block.number;
  const before =
    (await context.db.find(position, { account: who, marketId }))?.sizeWad ??
    0n;
  await context.db
    .insert(position)
    .values({
      account: who,
      marketId,
      sizeWad,
      openNotionalWad,
      updatedBlock: block,
    })
    .onConflictDoUpdate({ sizeWad, openNotionalWad, updatedBlock: block });
  // Open interest per side is the sum of long sizes and of |short sizes|, so it
  // moves by this position's change.
  const long = (s: bigint) => (s > 0n ? s : 0n);
  const short = (s: bigint) => (s < 0n ? -s : 0n);
  await context.db.update(market, { id: marketId }).set((m) => ({
    longOpenInterestWad: m.longOpenInterestWad + long(sizeWad) - long(before),
    shortOpenInterestWad:
      m.shortOpenInterestWad + short(sizeWad) - short(before),
  }));
  await touchAccount(context.db, who, block, {
    quoteBalanceWad,
    market: { id: marketId, open: sizeWad !== 0n },
  });
  await recomputeAccount(context.db, who, event.block);
});

ponder.on("MarginProtocol:PenaltyCharged", async ({ event, context }) => {
  const { account: who, quoteBalanceWad } = event.args;
  await accountChanged(context, event.block, who, { quoteBalanceWad });
});

ponder.on("MarginProtocol:CollateralSeized", async ({ event, context }) => {
  const {
    account: who,
    collateralId,
    collateralBalance: balance,
    quoteBalanceWad,
  } = event.args;
  await accountChanged(context, event.block, who, {
    quoteBalanceWad,
    collateral: { id: collateralId, balance },
  });
});

ponder.on("MarginProtocol:BadDebtWrittenOff", async ({ event, context }) => {
  const { account: who } = event.args;
  // writeOffBadDebt sets the (negative) quote balance to zero.
  await accountChanged(context, event.block, who, { quoteBalanceWad: 0n });
});

ponder.on(
  "MarginProtocol:VaultReceivableUpdated",
  async ({ event, context }) => {
    await updateStats(context.db, event.block.number, () => ({
      vaultReceivableWad: event.args.receivableWad,
    }));
  },
);

/*//////////////////////////////////////////////////////////////
                               PRICES
//////////////////////////////////////////////////////////////*/

ponder.on("PriceFeed:PricePushed", async ({ event, context }) => {
  const oracle = event.log.address;
  const row = {
    priceWad: event.args.answerWad,
    updatedAt: event.args.updatedAt,
    block: event.block.number,
  };
  await context.db
    .insert(price)
    .values({ oracle, ...row })
    .onConflictDoUpdate(row);
  await context.db.insert(priceHistory).values({
    id: eventId(event),
    oracle,
    priceWad: event.args.answerWad,
    block: event.block.number,
    logIndex: event.log.logIndex,
    timestamp: event.block.timestamp,
  });
  await recomputeWoken(context.db, oracle, event.args.answerWad, event.block);
  await recomputeLendingHealth(context.db, { oracle }, event.block);
});

// Accounts whose band the latest prices may have changed, refreshed at most
// BAND_REFRESH_PER_BLOCK a block: a large move costs its push only the line
// crossers, and the ladder catches up over the next blocks.
const BAND_REFRESH_PER_BLOCK = bandRefreshPerBlockFromEnv();
ponder.on("BandRefresh:block", async ({ event, context }) => {
  if (BAND_REFRESH_PER_BLOCK === 0) return;
  await refreshStaleBands(context.db, BAND_REFRESH_PER_BLOCK, event.block);
});

/*//////////////////////////////////////////////////////////////
                             LIQUIDATION
//////////////////////////////////////////////////////////////*/

ponder.on("LiquidationEngine:Liquidated", async ({ event, context }) => {
  const a = event.args;
  const block = event.block.number;
  const health =
    (await context.db.find(accountHealth, { account: a.account })) ?? NO_BREACH;
  await context.db.insert(liquidation).values({
    id: eventId(event),
    account: a.account,
    marketId: a.marketId,
    keeper: a.keeper,
    closedSizeWad: a.closedSizeWad,
    closedNotionalWad: a.closedNotionalWad,
    priceWad: a.priceWad,
    penaltyWad: a.penaltyWad,
    keeperRewardWad: a.keeperRewardWad,
    insuranceWad: a.insuranceWad,
    healthBeforeWad: a.healthBeforeWad,
    healthAfterWad: a.healthAfterWad,
    block,
    breachBlock: breachBlockAt(health, block),
    timestamp: event.block.timestamp,
    txHash: event.transaction.hash,
  });
  await updateStats(context.db, block, (s) => ({
    totalPenaltiesWad: s.totalPenaltiesWad + a.penaltyWad,
    totalKeeperRewardsWad: s.totalKeeperRewardsWad + a.keeperRewardWad,
    totalInsuranceWad: s.totalInsuranceWad + a.insuranceWad,
    liquidationCount: s.liquidationCount + 1,
  }));
});

ponder.on("LiquidationEngine:CollateralSold", async ({ event, context }) => {
  const a = event.args;
  await context.db.insert(collateralSale).values({
    id: eventId(event),
    account: a.account,
    collateralId: a.collateralId,
    keeper: a.keeper,
    amount: a.amount,
    priceWad: a.priceWad,
    quotePaidWad: a.quotePaidWad,
    byBackstop: sameAddress(a.keeper, context.contracts.BackstopVault.address),
    block: event.block.number,
    timestamp: event.block.timestamp,
    txHash: event.transaction.hash,
  });
  await updateStats(context.db, event.block.number, (s) => ({
    collateralSaleCount: s.collateralSaleCount + 1,
  }));
});

ponder.on("LiquidationEngine:BadDebtSettled", async ({ event, context }) => {
  const a = event.args;
  await context.db.insert(badDebt).values({
    id: eventId(event),
    account: a.account,
    badDebtWad: a.badDebtWad,
    coveredWad: a.coveredWad,
    deficitWad: a.deficitWad,
    block: event.block.number,
    timestamp: event.block.timestamp,
    txHash: event.transaction.hash,
  });
  await updateStats(context.db, event.block.number, (s) => ({
    totalBadDebtWad: s.totalBadDebtWad + a.badDebtWad,
    totalCoveredWad: s.totalCoveredWad + a.coveredWad,
    totalDeficitWad: s.totalDeficitWad + a.deficitWad,
  }));
});

// The insurance fund, the solvency waterfall and the liquidity vault's deficit:
// ./solvency/fundHandlers.ts and ./solvency/waterfallHandlers.ts.

/*//////////////////////////////////////////////////////////////
                        CIRCUIT BREAKERS
//////////////////////////////////////////////////////////////*/

ponder.on("MarginProtocol:BreakerLevelSet", async ({ event, context }) => {
  await context.db.insert(circuitEvent).values({
    id: eventId(event),
    kind: "breaker-level",
    source: event.log.address,
    level: event.args.level,
    until: null,
    block: event.block.number,
    timestamp: event.block.timestamp,
  });
  await updateStats(context.db, event.block.number, () => ({
    breakerLevel: event.args.level,
  }));
});

ponder.on("PriceFeed:OutageEnded", async ({ event, context }) => {
  await context.db.insert(circuitEvent).values({
    id: eventId(event),
    kind: "outage-ended",
    source: event.log.address,
    level: null,
    until: event.args.graceUntil,
    block: event.block.number,
    timestamp: event.block.timestamp,
  });
});

ponder.on("PriceFeed:VolatilityTripped", async ({ event, context }) => {
  await context.db.insert(circuitEvent).values({
    id: eventId(event),
    kind: "volatility-tripped",
    source: event.log.address,
    level: null,
    until: event.args.volatileUntil,
    block: event.block.number,
    timestamp: event.block.timestamp,
  });
});

/*//////////////////////////////////////////////////////////////
                            AUCTIONS
//////////////////////////////////////////////////////////////*/

ponder.on("AuctionHouse:AuctionParamsSet", async ({ event, context }) => {
  const { collateralId, params: p } = event.args;
  const row = {
    curve: p.curve,
    startBufferWad: p.startBufferWad,
    resetAfterSeconds: p.resetAfterSeconds,
    resetBelowWad: p.resetBelowWad,
    penaltyWad: p.penaltyWad,
    capWad: p.capWad,
    updatedBlock: event.block.number,
  };
  await context.db
    .insert(auctionConfig)
    .values({ collateralId, ...row })
    .onConflictDoUpdate(row);
});

ponder.on("AuctionHouse:Kicked", async ({ event, context }) => {
  const a = event.args;
  await context.db.insert(auction).values({
    id: a.auctionId,
    house: event.log.address,
    account: a.account,
    collateralId: a.collateralId,
    keeper: a.keeper,
    lot: a.lot,
    targetWad: a.targetWad,
    startPriceWad: a.startPriceWad,
    startedAt: event.block.timestamp,
    kickRewardWad: a.rewardWad,
    resets: 0,
    resetRewardsWad: 0n,
    takes: 0,
    active: true,
    kickedBlock: event.block.number,
  });
});

ponder.on("AuctionHouse:Taken", async ({ event, context }) => {
  const a = event.args;
  await context.db.insert(auctionTake).values({
    id: eventId(event),
    auctionId: a.auctionId,
    taker: a.taker,
    amount: a.amount,
    priceWad: a.priceWad,
    paidWad: a.paidWad,
    byBackstop: sameAddress(a.taker, context.contracts.BackstopVault.address),
    block: event.block.number,
    timestamp: event.block.timestamp,
  });
  await context.db.update(auction, { id: a.auctionId }).set((row) => ({
    lot: a.lotLeft,
    targetWad: a.targetLeftWad,
    takes: row.takes + 1,
  }));
});

ponder.on("AuctionHouse:Reset", async ({ event, context }) => {
  const a = event.args;
  await context.db.insert(auctionReset).values({
    id: eventId(event),
    auctionId: a.auctionId,
    keeper: a.keeper,
    startPriceWad: a.startPriceWad,
    rewardWad: a.rewardWad,
    block: event.block.number,
    timestamp: event.block.timestamp,
    txHash: event.transaction.hash,
  });
  await context.db.update(auction, { id: a.auctionId }).set((row) => ({
    startPriceWad: a.startPriceWad,
    startedAt: event.block.timestamp,
    resets: row.resets + 1,
    lastResetBlock: event.block.number,
    lastResetAt: event.block.timestamp,
    resetRewardsWad: row.resetRewardsWad + a.rewardWad,
  }));
});

ponder.on("AuctionHouse:Ended", async ({ event, context }) => {
  await context.db.update(auction, { id: event.args.auctionId }).set({
    active: false,
    lotReturned: event.args.lotReturned,
    targetUnraisedWad: event.args.targetUnraisedWad,
    endedBlock: event.block.number,
  });
});

/*//////////////////////////////////////////////////////////////
                          BACKSTOP VAULT
//////////////////////////////////////////////////////////////*/

ponder.on("BackstopVault:setup", async ({ context }) => {
  await createBackstopState(
    context.db,
    context.contracts.BackstopVault.address,
    BigInt(context.contracts.BackstopVault.startBlock ?? 0),
  );
});

// Token, decimals and oracle cached from the protocol's listing, the pool and
// the exposure cap; a later AssetSet changes them and keeps the counters.
ponder.on("BackstopVault:AssetSet", async ({ event, context }) => {
  const { collateralId, asset: a } = event.args;
  const config = {
    token: a.token,
    decimals: a.decimals,
    oracle: a.oracle,
    pool: a.pool,
    exposureCapWad: a.exposureCapWad,
    updatedBlock: event.block.number,
  };
  await context.db
    .insert(backstopAsset)
    .values({
      collateralId,
      ...config,
      held: 0n,
      boughtAmount: 0n,
      soldAmount: 0n,
      boughtWad: 0n,
      soldWad: 0n,
      keeperRewardsWad: 0n,
      absorbCount: 0,
      auctionBuyCount: 0,
      poolSaleCount: 0,
    })
    .onConflictDoUpdate(config);
});

type BackstopTradeEvent = {
  block: { number: bigint; timestamp: bigint };
  transaction: { hash: `0x${string}` };
  log: { logIndex: number };
};

// One trade: its row, the asset's holdings and totals, the vault's totals and
// its quote balance.
async function backstopTraded(
  context: Pick<Context, "db" | "client" | "contracts">,
  event: BackstopTradeEvent,
  trade: BackstopTradeAmounts & {
    collateralId: bigint;
    account?: Address;
    auctionId?: bigint;
    keeper?: Address;
    oraclePriceWad: bigint;
  },
) {
  const block = event.block.number;
  const asset = await context.db.find(backstopAsset, {
    collateralId: trade.collateralId,
  });
  // The vault reverts on an asset it has no AssetSet for.
  if (asset === null)
    throw new Error(`backstop asset ${trade.collateralId} not indexed`);
  await context.db.insert(backstopTrade).values({
    id: eventId(event),
    kind: trade.kind,
    collateralId: trade.collateralId,
    account: trade.account ?? null,
    auctionId: trade.auctionId ?? null,
    keeper: trade.keeper ?? null,
    amount: trade.amount,
    oraclePriceWad: trade.oraclePriceWad,
    oracleValueWad: oracleValueWad(
      trade.amount,
      asset.decimals,
      trade.oraclePriceWad,
    ),
    paidWad: trade.paidWad,
    receivedWad: trade.receivedWad,
    keeperRewardWad: trade.keeperRewardWad,
    block,
    txHash: event.transaction.hash,
    logIndex: event.log.logIndex,
    timestamp: event.block.timestamp,
  });
  await updateBackstopAsset(context.db, trade.collateralId, block, (r) =>
    assetAfterTrade(r, trade),
  );
  await updateBackstopState(
    context.db,
    context.contracts.BackstopVault.address,
    block,
    (r) => stateAfterTrade(r, trade),
  );
  await refreshBackstopIdle(context, block);
}

// Collateral bought from a liquidatable account (internal pattern); the same
// sale is the engine's CollateralSold with the vault as buyer.
ponder.on("BackstopVault:Absorbed", async ({ event, context }) => {
  const a = event.args;
  await backstopTraded(context, event, {
    kind: "absorb",
    collateralId: a.collateralId,
    account: a.account,
    keeper: a.keeper,
    amount: a.amount,
    oraclePriceWad: a.oraclePriceWad,
    paidWad: a.paidWad,
    receivedWad: 0n,
    keeperRewardWad: a.keeperRewardWad,
  });
});

// A lot bought at its auction's floor; the same buy is the auction house's
// Taken with the vault as taker.
ponder.on("BackstopVault:AuctionBought", async ({ event, context }) => {
  const a = event.args;
  await backstopTraded(context, event, {
    kind: "auction_buy",
    collateralId: a.collateralId,
    auctionId: a.auctionId,
    keeper: a.keeper,
    amount: a.amount,
    oraclePriceWad: a.oraclePriceWad,
    paidWad: a.paidWad,
    receivedWad: 0n,
    keeperRewardWad: a.keeperRewardWad,
  });
});

ponder.on("BackstopVault:SoldToPool", async ({ event, context }) => {
  const a = event.args;
  await backstopTraded(context, event, {
    kind: "pool_sale",
    collateralId: a.collateralId,
    amount: a.amount,
    oraclePriceWad: a.oraclePriceWad,
    paidWad: 0n,
    receivedWad: a.receivedWad,
    keeperRewardWad: 0n,
  });
});

// Shares are minted only by deposit/mint (Deposit) and burned only by
// withdraw/redeem (Withdraw).
ponder.on("BackstopVault:Deposit", async ({ event, context }) => {
  const { assets, shares } = event.args;
  await updateBackstopState(
    context.db,
    context.contracts.BackstopVault.address,
    event.block.number,
    (r) => ({
      shareSupply: r.shareSupply + shares,
      totalDeposited: r.totalDeposited + assets,
      depositCount: r.depositCount + 1,
    }),
  );
  await refreshBackstopIdle(context, event.block.number);
});

ponder.on("BackstopVault:Withdraw", async ({ event, context }) => {
  const { assets, shares } = event.args;
  await updateBackstopState(
    context.db,
    context.contracts.BackstopVault.address,
    event.block.number,
    (r) => ({
      shareSupply: r.shareSupply - shares,
      totalWithdrawn: r.totalWithdrawn + assets,
      withdrawalCount: r.withdrawalCount + 1,
    }),
  );
  await refreshBackstopIdle(context, event.block.number);
});
