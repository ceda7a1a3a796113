// The backstop vault (internal pattern): its assets, trades, deposits and
// withdrawals.
import { type Context, ponder } from "ponder:registry";
import { backstopAsset, backstopTrade } from "ponder:schema";
import type { Address } from "viem";
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
import { eventId } from "./events.ts";

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
