// Dutch auctions of collateral (the auction pattern), of every protocol's
// auction house: each house's parameters per asset, and one row per auction,
// take and reset, keyed by the house that emitted them.
import { ponder } from "ponder:registry";
import {
  auction,
  auctionConfig,
  auctionReset,
  auctionTake,
} from "ponder:schema";
import { eventId, sameAddress } from "./events.ts";
import { protocolOfHouse } from "./protocols.ts";

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
    .values({ house: event.log.address, collateralId, ...row })
    .onConflictDoUpdate(row);
});

ponder.on("AuctionHouse:Kicked", async ({ event, context }) => {
  const a = event.args;
  await context.db.insert(auction).values({
    house: event.log.address,
    id: a.auctionId,
    protocol: protocolOfHouse(event.log.address).name,
    account: a.account,
    collateralId: a.collateralId,
    keeper: a.keeper,
    lot: a.lot,
    kickTargetWad: a.targetWad,
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
  const house = event.log.address;
  await context.db.insert(auctionTake).values({
    id: eventId(event),
    house,
    auctionId: a.auctionId,
    taker: a.taker,
    amount: a.amount,
    priceWad: a.priceWad,
    paidWad: a.paidWad,
    byBackstop: sameAddress(a.taker, protocolOfHouse(house).backstop),
    block: event.block.number,
    timestamp: event.block.timestamp,
  });
  await context.db.update(auction, { house, id: a.auctionId }).set((row) => ({
    lot: a.lotLeft,
    targetWad: a.targetLeftWad,
    takes: row.takes + 1,
  }));
});

ponder.on("AuctionHouse:Reset", async ({ event, context }) => {
  const a = event.args;
  const house = event.log.address;
  await context.db.insert(auctionReset).values({
    id: eventId(event),
    house,
    auctionId: a.auctionId,
    keeper: a.keeper,
    startPriceWad: a.startPriceWad,
    rewardWad: a.rewardWad,
    block: event.block.number,
    timestamp: event.block.timestamp,
    txHash: event.transaction.hash,
  });
  await context.db.update(auction, { house, id: a.auctionId }).set((row) => ({
    startPriceWad: a.startPriceWad,
    startedAt: event.block.timestamp,
    resets: row.resets + 1,
    lastResetBlock: event.block.number,
    lastResetAt: event.block.timestamp,
    resetRewardsWad: row.resetRewardsWad + a.rewardWad,
  }));
});

ponder.on("AuctionHouse:Ended", async ({ event, context }) => {
  const key = { house: event.log.address, id: event.args.auctionId };
  await context.db.update(auction, key).set({
    active: false,
    lotReturned: event.args.lotReturned,
    targetUnraisedWad: event.args.targetUnraisedWad,
    endedBlock: event.block.number,
  });
});
