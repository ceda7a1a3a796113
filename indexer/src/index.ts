// Event handlers of the protocol and its engine: listings, accounts, prices,
// liquidations, circuit breakers. Every event that changes an account's margin
// recomputes that account's health; a price push recomputes the accounts it
// may move across the liquidation line (./accountHealth.ts).
import { type Context, ponder } from "ponder:registry";
import {
  accountHealth,
  badDebt,
  circuitEvent,
  collateralAsset,
  collateralBalance,
  collateralSale,
  indexedHead,
  liquidation,
  market,
  position,
  price,
  priceHistory,
} from "ponder:schema";
import { type Address, BaseError, ContractFunctionZeroDataError } from "viem";
import { iLiquidationEngineAbi } from "../../abi/src/generated.ts";
import {
  type BlockRef,
  recomputeAccount,
  recomputeWoken,
  refreshStaleBands,
} from "./accountHealth.ts";
import { BlockRecomputes } from "./blockBudget.ts";
import { bandRefreshPerBlockFromEnv } from "./settings.ts";
import { touchAccount } from "./accountRow.ts";
import { recomputeLendingHealth } from "./lending/store.ts";
import { breachBlockAt, NO_BREACH } from "./breach.ts";
import { BPS_WAD } from "./health.ts";
import { collateralPatternName, DEFAULT_PATTERN } from "./pattern.ts";
import { eventId, sameAddress } from "./events.ts";
import { createStats, updateStats } from "./stats.ts";
import { indexedProtocols } from "./protocols.ts";

type Db = Context["db"];

// Listing fractions are basis points; the protocol's math uses them as wad (bps
// × 1e14), and so do we.
const bpsToWad = (bps: number) => BigInt(bps) * BPS_WAD;

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
  block: BlockRef,
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
      address: indexedProtocols.margin!.engine,
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

// The owner (through the timelock) sets a cap either way; the guardian lowers it.
ponder.on("MarginProtocol:OpenInterestCapSet", async ({ event, context }) => {
  await context.db
    .update(market, { id: event.args.marketId })
    .set({ openInterestCapWad: event.args.capWad });
});

ponder.on("MarginProtocol:DepositCapSet", async ({ event, context }) => {
  await context.db
    .update(collateralAsset, { id: event.args.collateralId })
    .set({ depositCap: event.args.cap });
});

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
  recomputed.add(
    event.block.hash,
    await recomputeWoken(context.db, oracle, event.args.answerWad, event.block),
  );
  await recomputeLendingHealth(context.db, { oracle }, event.block);
});

// Accounts whose band the latest prices may have changed, refreshed at most
// BAND_REFRESH_PER_BLOCK a block less what the block's pushes recomputed
// (./blockBudget.ts): a large move costs its block only the line crossers,
// and the ladder catches up over the next blocks.
const BAND_REFRESH_PER_BLOCK = bandRefreshPerBlockFromEnv();
const recomputed = new BlockRecomputes();
ponder.on("BandRefresh:block", async ({ event, context }) => {
  const head = { block: event.block.number, hash: event.block.hash };
  await context.db
    .insert(indexedHead)
    .values({ id: "head", ...head })
    .onConflictDoUpdate(head);
  await refreshStaleBands(
    context.db,
    recomputed.left(event.block.hash, BAND_REFRESH_PER_BLOCK),
    event.block,
  );
});

/*//////////////////////////////////////////////////////////////
                             LIQUIDATION
//////////////////////////////////////////////////////////////*/

// The engines' events (every protocol's): ./engineHandlers.ts.

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

// Dutch auctions: ./auctionHandlers.ts; the backstop vault: ./backstopHandlers.ts.
