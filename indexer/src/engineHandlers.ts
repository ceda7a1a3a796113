// Events of every protocol's liquidation engine (the same contract), on one
// set of handlers: each row names the protocol whose engine emitted it. The
// stats row (/stats) is the margin protocol's; a lending market's totals are
// in its summary (./api/lendingAtRisk.ts).
import { ponder } from "ponder:registry";
import {
  accountHealth,
  badDebt,
  collateralAsset,
  collateralSale,
  lendingCollateralAsset,
  liquidation,
} from "ponder:schema";
import { breachBlockAt, NO_BREACH } from "./breach.ts";
import { eventId, sameAddress } from "./events.ts";
import { collateralPatternName } from "./pattern.ts";
import { protocolOfEngine } from "./protocols.ts";
import { updateStats } from "./stats.ts";

// The protocol's own collateral listing holds the pattern; a pattern set
// before the listing is read by the listing handler (index.ts; the lending
// market's listing starts at the default).
ponder.on(
  "LiquidationEngine:CollateralPatternSet",
  async ({ event, context }) => {
    const { collateralId, pattern } = event.args;
    const name = collateralPatternName(pattern);
    if (protocolOfEngine(event.log.address).kind === "lending") {
      const row = await context.db.find(lendingCollateralAsset, {
        id: collateralId,
      });
      if (row === null) return;
      await context.db
        .update(lendingCollateralAsset, { id: collateralId })
        .set({ pattern: name });
      return;
    }
    const row = await context.db.find(collateralAsset, { id: collateralId });
    if (row === null) return;
    await context.db.update(collateralAsset, { id: collateralId }).set({
      pattern: name,
      patternSetBlock: event.block.number,
    });
  },
);

ponder.on("LiquidationEngine:Liquidated", async ({ event, context }) => {
  const a = event.args;
  const protocol = protocolOfEngine(event.log.address);
  const block = event.block.number;
  // The breach it acted on: the margin protocol's health rows keep it.
  const health =
    protocol.kind === "margin"
      ? ((await context.db.find(accountHealth, { account: a.account })) ??
        NO_BREACH)
      : NO_BREACH;
  await context.db.insert(liquidation).values({
    id: eventId(event),
    protocol: protocol.name,
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
  if (protocol.kind === "margin")
    await updateStats(context.db, block, (s) => ({
      totalPenaltiesWad: s.totalPenaltiesWad + a.penaltyWad,
      totalKeeperRewardsWad: s.totalKeeperRewardsWad + a.keeperRewardWad,
      totalInsuranceWad: s.totalInsuranceWad + a.insuranceWad,
      liquidationCount: s.liquidationCount + 1,
    }));
});

ponder.on("LiquidationEngine:CollateralSold", async ({ event, context }) => {
  const a = event.args;
  const protocol = protocolOfEngine(event.log.address);
  await context.db.insert(collateralSale).values({
    id: eventId(event),
    protocol: protocol.name,
    account: a.account,
    collateralId: a.collateralId,
    keeper: a.keeper,
    amount: a.amount,
    priceWad: a.priceWad,
    quotePaidWad: a.quotePaidWad,
    byBackstop: sameAddress(a.keeper, protocol.backstop),
    block: event.block.number,
    timestamp: event.block.timestamp,
    txHash: event.transaction.hash,
  });
  if (protocol.kind === "margin")
    await updateStats(context.db, event.block.number, (s) => ({
      collateralSaleCount: s.collateralSaleCount + 1,
    }));
});

ponder.on("LiquidationEngine:BadDebtSettled", async ({ event, context }) => {
  const a = event.args;
  const protocol = protocolOfEngine(event.log.address);
  await context.db.insert(badDebt).values({
    id: eventId(event),
    protocol: protocol.name,
    account: a.account,
    badDebtWad: a.badDebtWad,
    coveredWad: a.coveredWad,
    deficitWad: a.deficitWad,
    block: event.block.number,
    timestamp: event.block.timestamp,
    txHash: event.transaction.hash,
  });
  if (protocol.kind === "margin")
    await updateStats(context.db, event.block.number, (s) => ({
      totalBadDebtWad: s.totalBadDebtWad + a.badDebtWad,
      totalCoveredWad: s.totalCoveredWad + a.coveredWad,
      totalDeficitWad: s.totalDeficitWad + a.deficitWad,
    }));
});
