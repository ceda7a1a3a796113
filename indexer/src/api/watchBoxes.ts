// The accounts' line boxes (health_watch), for a keeper that must act on a push
// before the index has processed it: per account and oracle, the price range
// inside which the account cannot cross the liquidation line until its next
// event. A price p of an oracle may have taken the account across when
// belowWad > p or aboveWad < p, the push handler's rule (recomputeWoken in
// ../accountHealth.ts); an account the boxes do not wake is on the same side
// of the line as at its last recompute.
import { asc, gt, type ReadonlyDrizzle } from "ponder";
import type { Address } from "viem";
import * as schema from "../../ponder.schema.ts";

type Db = ReadonlyDrizzle<typeof schema>;

/** Rows a page must hold so that one account always fits: up to 64 markets and 64 collaterals, one oracle each. */
export const MIN_WATCH_PAGE_ROWS = 128;

export type WatchBox = { oracle: Address; belowWad: bigint; aboveWad: bigint };
export type WatchedAccount = { address: Address; boxes: WatchBox[] };

/**
 * A page of accounts in address order after `after`, each with every box it has; about `limit` rows, never an
 * account split across pages. `next` is the last account listed, null on the last page.
 */
export async function watchBoxes(
  db: Db,
  limit: number,
  after?: Address,
): Promise<{ accounts: WatchedAccount[]; next: Address | null }> {
  const w = schema.healthWatch;
  const rows = await db
    .select({
      account: w.account,
      oracle: w.oracle,
      belowWad: w.belowWad,
      aboveWad: w.aboveWad,
    })
    .from(w)
    .where(after === undefined ? undefined : gt(w.account, after))
    .orderBy(asc(w.account), asc(w.oracle))
    .limit(limit);
  const full = rows.length === limit;
  // A full page may end inside an account: that account starts the next page. A page that is one account alone
  // holds all of it (a page is at least MIN_WATCH_PAGE_ROWS, an account's most).
  const last = rows.at(-1)?.account;
  const kept =
    full && rows.some((r) => r.account !== last)
      ? rows.filter((r) => r.account !== last)
      : rows;
  const accounts: WatchedAccount[] = [];
  for (const r of kept) {
    const box = {
      oracle: r.oracle,
      belowWad: r.belowWad,
      aboveWad: r.aboveWad,
    };
    if (accounts.at(-1)?.address === r.account)
      accounts.at(-1)!.boxes.push(box);
    else accounts.push({ address: r.account, boxes: [box] });
  }
  return { accounts, next: full ? (accounts.at(-1)?.address ?? null) : null };
}
