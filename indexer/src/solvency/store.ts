// The waterfall's folded state in the index: each event folds its changes into
// the latest snapshot and writes the snapshot of its block (the last event of a
// block leaves the block's end state), the fund's history row when the fund
// changed, and the protocol_stats figures that follow the fund and the revenue.
import type { Context } from "ponder:registry";
import {
  bondSeries,
  bondSeriesHistory,
  insuranceFundHistory,
  solvencyLatest,
  solvencySnapshot,
} from "ponder:schema";
import { updateStats } from "../stats.ts";
import { type SeriesChange, seriesAfter } from "./series.ts";
import {
  applyChange,
  dropSettledPrefix,
  fundChanged,
  INITIAL_STATE,
  type SolvencyChange,
  type SolvencyState,
  withDerived,
} from "./state.ts";

type Db = Context["db"];
export type Block = { number: bigint; timestamp: bigint };
type SeriesRow = typeof bondSeries.$inferSelect;

const LATEST = "latest";

async function loadState(db: Db): Promise<SolvencyState> {
  const latest = await db.find(solvencyLatest, { id: LATEST });
  if (latest === null) return INITIAL_STATE;
  const row = await db.find(solvencySnapshot, { block: latest.block });
  if (row === null)
    throw new Error(`solvency snapshot of block ${latest.block} missing`);
  const { block: _block, timestamp: _timestamp, ...state } = row;
  return state;
}

export async function findSeries(db: Db, id: bigint): Promise<SeriesRow> {
  const row = await db.find(bondSeries, { id });
  if (row === null) throw new Error(`bond series ${id} not indexed`);
  return row;
}

// The series revenue routing still depends on: from the first unsettled one.
async function liveSeries(db: Db, first: bigint, count: bigint) {
  const rows: SeriesRow[] = [];
  for (let id = first; id < count; id++) rows.push(await findSeries(db, id));
  return dropSettledPrefix(first, rows);
}

const statsOf = (s: SolvencyState) => ({
  insuranceFundBalance: s.fundAssets,
  revenueReceived: s.revenueReceived,
  revenueToBonds: s.revenueToBonds,
  revenueToFund: s.revenueToFund,
  keeperRewardsFromRevenue: s.rewardsFromRevenue,
  keeperRewardsFromFund: s.rewardsFromFund,
  rewardReserve: s.rewardReserve,
});

export async function foldSolvency(
  db: Db,
  block: Block,
  changes: readonly SolvencyChange[],
): Promise<SolvencyState> {
  const before = await loadState(db);
  const folded = changes.reduce(applyChange, before);
  const { first, live } = await liveSeries(
    db,
    folded.firstLiveSeries,
    folded.seriesCount,
  );
  const after = withDerived(folded, first, live);
  await db
    .insert(solvencySnapshot)
    .values({ block: block.number, timestamp: block.timestamp, ...after })
    .onConflictDoUpdate(after);
  await db
    .insert(solvencyLatest)
    .values({ id: LATEST, block: block.number })
    .onConflictDoUpdate({ block: block.number });
  if (fundChanged(before, after)) {
    const fund = {
      timestamp: block.timestamp,
      assets: after.fundAssets,
      totalAssets: after.fundTotalAssets,
      totalShares: after.fundTotalShares,
      sharePriceWad: after.fundSharePriceWad,
      escrowedShares: after.fundEscrowedShares,
      pendingRequests: after.fundPendingRequests,
      floorAssets: after.fundFloorAssets,
    };
    await db
      .insert(insuranceFundHistory)
      .values({ block: block.number, ...fund })
      .onConflictDoUpdate(fund);
  }
  const stats = statsOf(after);
  const old = statsOf(before);
  if (Object.entries(stats).some(([k, v]) => old[k as keyof typeof old] !== v))
    await updateStats(db, block.number, () => stats);
  return after;
}

// A series row as it is now and at the end of `block`.
export async function writeSeries(db: Db, block: bigint, row: SeriesRow) {
  const { id, issuedBlock, closedBlock, updatedBlock, ...state } = row;
  const history = {
    vault: state.vault,
    deficit: state.deficit,
    raised: state.raised,
    faceSold: state.faceSold,
    repaid: state.repaid,
    redeemed: state.redeemed,
    unsold: state.unsold,
    closed: state.closed,
    startedAt: state.startedAt,
    maturity: state.maturity,
    closableAt: state.closableAt,
  };
  await db
    .insert(bondSeries)
    .values({ ...row, updatedBlock: block })
    .onConflictDoUpdate({ ...state, closedBlock, updatedBlock: block });
  await db
    .insert(bondSeriesHistory)
    .values({ seriesId: id, block, ...history })
    .onConflictDoUpdate(history);
}

export async function updateSeries(
  db: Db,
  id: bigint,
  block: bigint,
  change: SeriesChange,
): Promise<SeriesRow> {
  const row = await findSeries(db, id);
  const next = { ...row, ...seriesAfter(row, change) };
  if (change.kind === "closed") next.closedBlock = block;
  await writeSeries(db, block, next);
  return next;
}
