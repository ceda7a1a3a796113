// Reads for GET /accounts/crossing: the accounts near the line with their
// positions and collateral (each with its oracle and latest price), and the
// last pushes of each oracle. The rest is pure: ./crossing.ts.
import { desc, eq, type ReadonlyDrizzle } from "ponder";
import { priceHistory } from "ponder:schema";
import type * as schema from "../../ponder.schema.ts";
import type { PricePoint } from "../risk/volatility.ts";
import { accountsBelow } from "./accountsBelow.ts";
import {
  type CandidateAccount,
  pricePoint,
  SCAN_LIMIT,
  VOLATILITY_WINDOW_RETURNS,
} from "./crossing.ts";

type Db = ReadonlyDrizzle<typeof schema>;

/**
 * Accounts below `maxHealthWad` at the latest indexed prices with a
 * requirement or a debt and usable prices, lowest health first, at most
 * SCAN_LIMIT; `truncated` when there were more.
 */
export async function crossingCandidates(
  db: Db,
  maxHealthWad: bigint,
): Promise<{ candidates: CandidateAccount[]; truncated: boolean }> {
  const page = await accountsBelow(db, maxHealthWad, SCAN_LIMIT);
  return { candidates: page.accounts, truncated: page.next !== null };
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
