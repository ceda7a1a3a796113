// The solvency waterfall's events (bad debt split, bond series, revenue
// routing, keeper rewards and their reserve, redemptions), the liquidity
// vault's deficit receivable, and the trade fee share swept to the waterfall.
import { type Context, ponder } from "ponder:registry";
import {
  bondAuctionParams,
  bondPurchase,
  bondRedemption,
  deficit,
  revenueRouting,
  socializedLoss,
  vaultDeficitHistory,
} from "ponder:schema";
import { solvencyWaterfallAbi } from "../../../abi/src/generated.ts";
import { updateStats } from "../stats.ts";
import { issuedSeries, NO_SERIES, socializationCauseName } from "./series.ts";
import {
  findSeries,
  foldSolvency,
  updateSeries,
  writeSeries,
} from "./store.ts";
import { eventId, sameAddress } from "../events.ts";

const PARAMS_ID = "current";

// Totals and the deficit receivable are the deployment's liquidity vault's.
const isIndexedVault = (context: Pick<Context, "contracts">, vault: string) =>
  sameAddress(vault, context.contracts.LiquidityVault.address);

const rowEvent = (event: {
  block: { number: bigint; timestamp: bigint };
  transaction: { hash: `0x${string}` };
  log: { logIndex: number };
}) => ({
  id: eventId(event),
  block: event.block.number,
  timestamp: event.block.timestamp,
  txHash: event.transaction.hash,
});

ponder.on(
  "SolvencyWaterfall:BondAuctionParamsSet",
  async ({ event, context }) => {
    const p = event.args.params;
    const row = {
      startPriceWad: p.startPriceWad,
      floorPriceWad: p.floorPriceWad,
      decaySeconds: p.decaySeconds,
      floorSeconds: p.floorSeconds,
      maturitySeconds: p.maturitySeconds,
      minSeriesUnits: p.minSeriesUnits,
      updatedBlock: event.block.number,
    };
    await context.db
      .insert(bondAuctionParams)
      .values({ id: PARAMS_ID, ...row })
      .onConflictDoUpdate(row);
  },
);

// When the series may be closed: its start plus the decay and the floor window
// of the sale's shape at issuance (BondAuctionParamsSet, emitted by the
// constructor). Only when the index started after that event is it read from
// the chain, at this event's block.
async function closableAt(
  context: Pick<Context, "db" | "client" | "contracts">,
  id: bigint,
  startedAt: bigint,
): Promise<bigint> {
  const params = await context.db.find(bondAuctionParams, { id: PARAMS_ID });
  if (params !== null)
    return (
      startedAt + BigInt(params.decaySeconds) + BigInt(params.floorSeconds)
    );
  return context.client.readContract({
    abi: solvencyWaterfallAbi,
    address: context.contracts.SolvencyWaterfall.address,
    functionName: "closableAt",
    args: [id],
  });
}

ponder.on("SolvencyWaterfall:SeriesIssued", async ({ event, context }) => {
  const a = event.args;
  const block = event.block.number;
  await writeSeries(context.db, block, {
    id: a.id,
    vault: a.vault,
    ...issuedSeries(a.deficit),
    startedAt: a.startedAt,
    maturity: a.maturity,
    closableAt: await closableAt(context, a.id, a.startedAt),
    startPriceWad: a.startPriceWad,
    floorPriceWad: a.floorPriceWad,
    issuedBlock: block,
    closedBlock: null,
    updatedBlock: block,
  });
  await foldSolvency(context.db, event.block, [{ kind: "seriesIssued" }]);
});

ponder.on("SolvencyWaterfall:BondsBought", async ({ event, context }) => {
  const a = event.args;
  await context.db.insert(bondPurchase).values({
    ...rowEvent(event),
    seriesId: a.id,
    buyer: a.buyer,
    cost: a.cost,
    face: a.face,
    priceWad: a.priceWad,
    deficitLeft: a.deficitLeft,
  });
  const series = await updateSeries(context.db, a.id, event.block.number, {
    kind: "bought",
    cost: a.cost,
    face: a.face,
  });
  await foldSolvency(context.db, event.block, [
    { kind: "bondsBought", face: a.face },
    ...(isIndexedVault(context, series.vault)
      ? [{ kind: "raisedByBonds" as const, cost: a.cost }]
      : []),
  ]);
});

// A close moves no layer total by itself (its unsold rest is the Socialized
// event) but lets held-back revenue reach the series, hence the fold.
ponder.on("SolvencyWaterfall:SeriesClosed", async ({ event, context }) => {
  const a = event.args;
  await updateSeries(context.db, a.id, event.block.number, {
    kind: "closed",
    raised: a.raised,
    faceSold: a.faceSold,
    unsold: a.unsold,
  });
  await foldSolvency(context.db, event.block, []);
});

ponder.on("SolvencyWaterfall:Socialized", async ({ event, context }) => {
  const a = event.args;
  await context.db.insert(socializedLoss).values({
    ...rowEvent(event),
    vault: a.vault,
    seriesId: a.seriesId === NO_SERIES ? null : a.seriesId,
    amount: a.amount,
    cause: socializationCauseName(a.cause),
  });
  if (isIndexedVault(context, a.vault))
    await foldSolvency(context.db, event.block, [
      { kind: "socialized", amount: a.amount },
    ]);
});

// The series' part is SeriesRepaid, the fund's its quote Transfer.
ponder.on("SolvencyWaterfall:RevenueRouted", async ({ event, context }) => {
  const { toBonds, toFund } = event.args;
  await context.db
    .insert(revenueRouting)
    .values({ ...rowEvent(event), toBonds, toFund });
  await foldSolvency(context.db, event.block, [
    { kind: "revenueRouted", toBonds, toFund },
  ]);
});

// The revenue route() keeps back to pay keeper rewards. The deployment sets it
// after the start block, so the index sees it from the first one.
ponder.on("SolvencyWaterfall:RewardReserveSet", async ({ event, context }) => {
  await foldSolvency(context.db, event.block, [
    { kind: "rewardReserveSet", units: event.args.units },
  ]);
});

// A keeper reward (an auction kick or reset): the part from pending revenue
// leaves the waterfall here; the fund's part is its Covered event, emitted
// before this one in the same cover().
ponder.on("SolvencyWaterfall:RewardPaid", async ({ event, context }) => {
  const { fromRevenue, fromFund } = event.args;
  await foldSolvency(context.db, event.block, [
    { kind: "rewardPaid", fromRevenue, fromFund },
  ]);
});

// Emitted before RevenueRouted in the same route(); the fold is there.
ponder.on("SolvencyWaterfall:SeriesRepaid", async ({ event, context }) => {
  await updateSeries(context.db, event.args.id, event.block.number, {
    kind: "repaid",
    repaidTotal: event.args.repaidTotal,
  });
});

ponder.on("SolvencyWaterfall:Redeemed", async ({ event, context }) => {
  const a = event.args;
  await context.db.insert(bondRedemption).values({
    ...rowEvent(event),
    seriesId: a.id,
    holder: a.holder,
    receiver: a.receiver,
    amount: a.amount,
  });
  await updateSeries(context.db, a.id, event.block.number, {
    kind: "redeemed",
    amount: a.amount,
  });
  await foldSolvency(context.db, event.block, [
    { kind: "redeemed", amount: a.amount },
  ]);
});

// Emitted last in absorbBadDebt: a series issued for this debt (toBonds > 0)
// is the one SeriesIssued just added.
ponder.on("SolvencyWaterfall:BadDebtAbsorbed", async ({ event, context }) => {
  const a = event.args;
  const own = isIndexedVault(context, a.vault);
  const state = await foldSolvency(
    context.db,
    event.block,
    own
      ? [
          {
            kind: "badDebtAbsorbed",
            amount: a.amount,
            coveredByFund: a.coveredByFund,
          },
        ]
      : [],
  );
  const seriesId = a.toBonds > 0n ? state.seriesCount - 1n : null;
  if (seriesId !== null) {
    const series = await findSeries(context.db, seriesId);
    if (
      series.issuedBlock !== event.block.number ||
      !sameAddress(series.vault, a.vault)
    )
      throw new Error(
        `BadDebtAbsorbed in block ${event.block.number}: series ${seriesId} was not issued for it`,
      );
  }
  await context.db.insert(deficit).values({
    ...rowEvent(event),
    vault: a.vault,
    account: a.account,
    amount: a.amount,
    coveredByFund: a.coveredByFund,
    toBonds: a.toBonds,
    socialized: a.socialized,
    seriesId,
  });
});

ponder.on("LiquidityVault:DeficitUpdated", async ({ event, context }) => {
  const { delta, deficitReceivable, socialized } = event.args;
  const vault = event.log.address;
  const moved = {
    recorded: delta > 0n ? delta : 0n,
    repaid: delta < 0n && !socialized ? -delta : 0n,
    socialized: delta < 0n && socialized ? -delta : 0n,
  };
  await context.db
    .insert(vaultDeficitHistory)
    .values({
      vault,
      block: event.block.number,
      timestamp: event.block.timestamp,
      deficitReceivable,
      ...moved,
    })
    .onConflictDoUpdate((row) => ({
      deficitReceivable,
      recorded: row.recorded + moved.recorded,
      repaid: row.repaid + moved.repaid,
      socialized: row.socialized + moved.socialized,
    }));
  await foldSolvency(context.db, event.block, [
    { kind: "deficitUpdated", deficitReceivable },
  ]);
});

// The trade fee share, swept to the waterfall as revenue; its quote arrives
// as a Transfer to the waterfall.
ponder.on("MarginProtocol:FeesSwept", async ({ event, context }) => {
  const { recipient, amountWad } = event.args;
  if (!sameAddress(recipient, context.contracts.SolvencyWaterfall.address))
    return;
  await updateStats(context.db, event.block.number, (s) => ({
    totalFeeShareWad: s.totalFeeShareWad + amountWad,
  }));
});
