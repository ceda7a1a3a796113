// Accounts a keeper should look at: health below a bound at the latest indexed
// prices, lowest first, a page at a time, with what there is to liquidate and
// their pre-liquidation zone.
import type { ReadonlyDrizzle } from "ponder";
import type * as schema from "../../ponder.schema.ts";
import { accountsBelow, type Cursor } from "./accountsBelow.ts";
import { ParamError } from "./params.ts";
import { zonesOf } from "./preLiquidationQuery.ts";

type Db = ReadonlyDrizzle<typeof schema>;

/** A page cursor as the routes print it: `<healthWad>:<address>`. */
export function formatCursor(cursor: Cursor | null): string | null {
  return cursor === null ? null : `${cursor.healthWad}:${cursor.address}`;
}

/** The `after` parameter; undefined when absent, a ParamError naming it when malformed. */
export function parseCursorParam(
  name: string,
  value: string | undefined,
): Cursor | undefined {
  if (value === undefined || value === "") return undefined;
  const match = /^(\d{1,78}):(0x[0-9a-fA-F]{40})$/.exec(value);
  if (match === null)
    throw new ParamError(
      `${name} must be a cursor "<healthWad>:<address>" as a previous page's next, got "${value}"`,
    );
  return { healthWad: BigInt(match[1]!), address: match[2]!.toLowerCase() };
}

// Accounts with an unusable price are left out: the protocol reverts on them,
// so nothing can be liquidated until the price recovers (see computeHealth in
// ../health.ts).
export async function atRiskAccounts(
  db: Db,
  maxHealthWad: bigint,
  limit: number,
  after?: Cursor,
  checkpoint?: string,
) {
  const page = await accountsBelow(db, maxHealthWad, limit, after, checkpoint);
  const rows = page.accounts.map(
    ({ positions: _p, collaterals: _c, band: _b, ...row }) => row,
  );
  // preHealthWad, inZone, preLiquidationMarketIds: the pre-liquidation zone.
  const zones = await zonesOf(db, rows);
  return {
    accounts: rows.map((r) => ({ ...r, ...zones.get(r.address)! })),
    next: formatCursor(page.next),
  };
}
