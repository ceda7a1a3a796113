// The pre-liquidation module's events: each market's parameters, opt-outs and
// every pre-liquidation. The account side of a pre-liquidation (its position,
// quote balance and health) arrives as the protocol's PositionUpdated and
// PenaltyCharged, handled with the engine's liquidations in ../index.ts.
import { ponder } from "ponder:registry";
import {
  preLiquidation,
  preLiquidationMarket,
  preLiquidationOptOut,
} from "ponder:schema";

ponder.on("PreLiquidation:ParamsSet", async ({ event, context }) => {
  const { marketId, params } = event.args;
  const row = {
    preHealthWad: params.preHealthWad,
    closeFactorTopWad: params.closeFactorTopWad,
    closeFactorLineWad: params.closeFactorLineWad,
    incentiveTopWad: params.incentiveTopWad,
    incentiveLineWad: params.incentiveLineWad,
    optOutAllowed: params.optOutAllowed,
    block: event.block.number,
  };
  await context.db
    .insert(preLiquidationMarket)
    .values({ marketId, ...row })
    .onConflictDoUpdate(row);
});

ponder.on("PreLiquidation:OptOutSet", async ({ event, context }) => {
  const { account, marketId, optedOut } = event.args;
  const row = { optedOut, block: event.block.number };
  await context.db
    .insert(preLiquidationOptOut)
    .values({ account, marketId, ...row })
    .onConflictDoUpdate(row);
});

ponder.on("PreLiquidation:PreLiquidated", async ({ event, context }) => {
  const a = event.args;
  await context.db.insert(preLiquidation).values({
    id: `${event.transaction.hash}-${event.log.logIndex}`,
    account: a.account,
    marketId: a.marketId,
    caller: a.caller,
    closedSizeWad: a.closedSizeWad,
    closedNotionalWad: a.closedNotionalWad,
    priceWad: a.priceWad,
    closeFactorWad: a.closeFactorWad,
    incentiveFractionWad: a.incentiveFractionWad,
    incentiveWad: a.incentiveWad,
    healthBeforeWad: a.healthBeforeWad,
    healthAfterWad: a.healthAfterWad,
    block: event.block.number,
    timestamp: event.block.timestamp,
    txHash: event.transaction.hash,
  });
});
