// GET /solvency: every layer of the waterfall as of the end of one block, from
// the latest snapshot at or before it and each series' latest history row at
// or before it. Amounts are decimal strings of quote token units, prices
// decimal strings of wad. Pure: no Ponder imports, so the unit tests run it
// directly.
import type {
  bondSeriesHistory,
  solvencySnapshot,
} from "../../ponder.schema.ts";
import { INITIAL_STATE, type SolvencyState } from "../solvency/state.ts";

type SnapshotRow = typeof solvencySnapshot.$inferSelect;
type SeriesRow = typeof bondSeriesHistory.$inferSelect;

/** The block asked for is outside what the index holds (answered 404). */
export class BlockRangeError extends Error {
  override name = "BlockRangeError";
}

/** The indexed layers do not add up (answered 500): an indexing bug. */
export class IdentityError extends Error {
  override name = "IdentityError";
}

export function checkBlockInRange(
  block: bigint,
  startBlock: bigint,
  head: bigint,
): void {
  if (block < startBlock)
    throw new BlockRangeError(
      `block ${block} is before the deployment's start block ${startBlock}`,
    );
  if (block > head)
    throw new BlockRangeError(
      `block ${block} is beyond the indexed head ${head}`,
    );
}

// The snapshot's layers; before the first snapshot, the empty state.
export function stateOf(row: SnapshotRow | undefined): SolvencyState {
  if (row === undefined) return INITIAL_STATE;
  const { block: _block, timestamp: _timestamp, ...state } = row;
  return state;
}

export type SolvencyBody = {
  block: string;
  timestamp: string;
  fund: {
    assets: string;
    totalShares: string;
    sharePriceWad: string;
    escrowedShares: string;
    pendingRequests: number;
    floorAssets: string;
    rewardsPaid: string; // Σ keeper rewards the fund paid (beyond pending revenue)
  };
  bonds: {
    series: {
      id: string;
      deficit: string;
      raised: string;
      faceSold: string;
      repaid: string;
      redeemed: string;
      closed: boolean;
      startedAt: string;
      maturity: string;
    }[];
    outstandingFace: string;
    heldForHolders: string;
  };
  // Revenue received and not yet routed, the part route() keeps back for keeper
  // rewards, what route() would send the fund now, and Σ keeper rewards paid
  // from revenue.
  revenue: {
    pending: string;
    rewardReserve: string;
    pendingForFund: string;
    rewardsPaid: string;
  };
  vault: { deficitReceivable: string; socialized: string };
  totals: {
    recognized: string;
    coveredByFund: string;
    raisedByBonds: string;
    socialized: string;
    open: string;
  };
};

// Throws IdentityError unless recognized = coveredByFund + raisedByBonds +
// socialized + open, with open the vault's deficit receivable.
export function solvencyBody(
  block: bigint,
  timestamp: bigint,
  s: SolvencyState,
  series: readonly SeriesRow[],
): SolvencyBody {
  const open = s.vaultDeficitReceivable;
  const split = s.coveredByFund + s.raisedByBonds + s.socialized + open;
  if (split !== s.recognized)
    throw new IdentityError(
      `index inconsistent at block ${block}: recognized ${s.recognized} != coveredByFund ${s.coveredByFund} + raisedByBonds ${s.raisedByBonds} + socialized ${s.socialized} + open ${open}`,
    );
  const str = (v: bigint) => v.toString();
  return {
    block: str(block),
    timestamp: str(timestamp),
    fund: {
      assets: str(s.fundAssets),
      totalShares: str(s.fundTotalShares),
      sharePriceWad: str(s.fundSharePriceWad),
      escrowedShares: str(s.fundEscrowedShares),
      pendingRequests: s.fundPendingRequests,
      floorAssets: str(s.fundFloorAssets),
      rewardsPaid: str(s.rewardsFromFund),
    },
    bonds: {
      series: [...series]
        .sort((a, b) => (a.seriesId < b.seriesId ? -1 : 1))
        .map((r) => ({
          id: str(r.seriesId),
          deficit: str(r.deficit),
          raised: str(r.raised),
          faceSold: str(r.faceSold),
          repaid: str(r.repaid),
          redeemed: str(r.redeemed),
          closed: r.closed,
          startedAt: str(r.startedAt),
          maturity: str(r.maturity),
        })),
      outstandingFace: str(s.outstandingFace),
      heldForHolders: str(s.heldForHolders),
    },
    revenue: {
      pending: str(s.pendingRevenue),
      rewardReserve: str(s.rewardReserve),
      pendingForFund: str(s.pendingForFund),
      rewardsPaid: str(s.rewardsFromRevenue),
    },
    vault: {
      deficitReceivable: str(s.vaultDeficitReceivable),
      socialized: str(s.socialized),
    },
    totals: {
      recognized: str(s.recognized),
      coveredByFund: str(s.coveredByFund),
      raisedByBonds: str(s.raisedByBonds),
      socialized: str(s.socialized),
      open: str(open),
    },
  };
}
