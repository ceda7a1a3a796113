// Reads for GET /accounts/crossing: the accounts near the line with their
// positions and collateral (each with its oracle and latest price), and the
// last pushes of each oracle. The rest is pure: ./crossing.ts.
import { asc, desc, eq, inArray, type ReadonlyDrizzle } from "ponder";
import { collateralBalance, position, priceHistory } from "ponder:schema";
import type * as schema from "../../ponder.schema.ts";
import { collateralInputs, positionInputs } from "../healthInputs.ts";
import type { PricePoint } from "../risk/volatility.ts";
import { atRiskRows } from "./atRisk.ts";
import {
  type CandidateAccount,
  pricePoint,
  SCAN_LIMIT,
  VOLATILITY_WINDOW_RETURNS,
} from "./crossing.ts";

type Db = ReadonlyDrizzle<typeof schema>;

/**
 * Accounts below `maxHealthWad` with a requirement or a debt and usable
 * prices, lowest health first, at most SCAN_LIMIT; `truncated` when there were
 * more.
 */
export async function crossingCandidates(
  db: Db,
  maxHealthWad: bigint,
): Promise<{ candidates: CandidateAccount[]; truncated: boolean }> {
  const rows = await atRiskRows(db, maxHealthWad, SCAN_LIMIT + 1);
  const truncated = rows.length > SCAN_LIMIT;
  const kept = rows.slice(0, SCAN_LIMIT);
  if (kept.length === 0) return { candidates: [], truncated };

  const addresses = kept.map((r) => r.address);
  const positions = await positionInputs(
    db,
    inArray(position.account, addresses),
  ).orderBy(asc(position.marketId));
  const collaterals = await collateralInputs(
    db,
    inArray(collateralBalance.account, addresses),
  ).orderBy(asc(collateralBalance.collateralId));

  const candidates = kept.map((r) => ({
    ...r,
    positions: positions
      .filter((p) => p.account === r.address)
      .map((p) => ({ ...p, priceWad: p.priceWad ?? undefined })),
    collaterals: collaterals
      .filter((c) => c.account === r.address)
      .map((c) => ({ ...c, priceWad: c.priceWad ?? undefined })),
  }));
  return { candidates, truncated };
}

/** Each oracle's last VOLATILITY_WINDOW_RETURNS + 1 pushes, oldest first, by lowercase oracle. */
export async function priceHistories(
  db: Db,
  oracles: readonly string[],
): Promise<Map<string, PricePoint[]>> {
  const out = new Map<string, PricePoint[]>();
  for (const oracle of new Set(oracles.map((o) => o.toLowerCase()))) {
    const rows = await db
      .select({
        timestamp: priceHistory.timestamp,
        priceWad: priceHistory.priceWad,
      })
      .from(priceHistory)
      .where(eq(priceHistory.oracle, oracle as `0x${string}`))
      .orderBy(desc(priceHistory.block), desc(priceHistory.logIndex))
      .limit(VOLATILITY_WINDOW_RETURNS + 1);
    out.set(oracle, rows.reverse().map(pricePoint));
  }
  return out;
}
