// Reads for GET /accounts/crossing: the accounts near the line with their
// positions and collateral (each with its oracle and latest price), and the
// last pushes of each oracle. The rest is pure: ./crossing.ts.
import { and, asc, desc, eq, inArray, ne, type ReadonlyDrizzle } from "ponder";
import {
  collateralAsset,
  collateralBalance,
  market,
  position,
  price,
  priceHistory,
} from "ponder:schema";
import type * as schema from "../../ponder.schema.ts";
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
  const positions = await db
    .select({
      account: position.account,
      marketId: position.marketId,
      sizeWad: position.sizeWad,
      openNotionalWad: position.openNotionalWad,
      oracle: market.oracle,
      maintenanceFractionWad: market.maintenanceFractionWad,
      initialFractionWad: market.initialFractionWad,
      priceWad: price.priceWad,
    })
    .from(position)
    .innerJoin(market, eq(position.marketId, market.id))
    .leftJoin(price, eq(price.oracle, market.oracle))
    .where(and(inArray(position.account, addresses), ne(position.sizeWad, 0n)))
    .orderBy(asc(position.marketId));
  const collaterals = await db
    .select({
      account: collateralBalance.account,
      collateralId: collateralBalance.collateralId,
      amount: collateralBalance.amount,
      decimals: collateralAsset.decimals,
      haircutWad: collateralAsset.haircutWad,
      oracle: collateralAsset.oracle,
      priceWad: price.priceWad,
    })
    .from(collateralBalance)
    .innerJoin(
      collateralAsset,
      eq(collateralBalance.collateralId, collateralAsset.id),
    )
    .leftJoin(price, eq(price.oracle, collateralAsset.oracle))
    .where(
      and(
        inArray(collateralBalance.account, addresses),
        ne(collateralBalance.amount, 0n),
      ),
    )
    .orderBy(asc(collateralBalance.collateralId));

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
