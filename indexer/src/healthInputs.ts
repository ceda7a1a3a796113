// The rows computeHealth (./health.ts) reads for an account: its nonzero
// positions and collateral balances, each with its oracle and latest price (a
// price row is missing until the oracle's first push: the left join leaves
// priceWad null). Shared by the handlers (./accountHealth.ts) and the API
// (./api/crossingQuery.ts); `accounts` is a condition on the account column.
import {
  type AnyPgColumn,
  and,
  eq,
  gt,
  lt,
  asc,
  desc,
  ne,
  type ReadonlyDrizzle,
  sql,
  unionAll,
} from "ponder";
import {
  collateralAsset,
  collateralBalance,
  healthWatch,
  market,
  position,
  price,
} from "ponder:schema";
import type { Address } from "viem";
import { MAX_UINT256 } from "./health.ts";
import type * as schema from "../ponder.schema.ts";

type Db = ReadonlyDrizzle<typeof schema>;
type Condition = Parameters<typeof and>[number];

export function positionInputs(db: Db, accounts: Condition) {
  return db
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
    .where(and(ne(position.sizeWad, 0n), accounts));
}

export function collateralInputs(db: Db, accounts: Condition) {
  return db
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
    .where(and(ne(collateralBalance.amount, 0n), accounts));
}

/**
 * The accounts whose band box (health_watch) the latest prices have left:
 * their stored band may be stale (see ./risk/watch.ts); lowest address first.
 * With a `limit`, at most that many, picked from each oracle side's `limit`
 * furthest outside their box, so that the read costs the limit however many
 * are stale (half of the book after a 6% move). The prices are read first and
 * written into each side's condition: a range read on its index. (Joined to
 * the price table, the planner, with no statistics for it, walked every
 * watched row: 272 ms a block at 100,000 accounts.) Left out: the accounts
 * every push of their oracles recomputes (portfolio margin, an unusable price;
 * their band box is empty, `bandBelowWad` = MAX_UINT256), whose band is never
 * stale and which would otherwise fill the limit as the furthest outside.
 */
export async function staleBandAccounts(
  db: Db,
  limit?: number,
): Promise<{ account: Address }[]> {
  const prices = await db
    .select({ oracle: price.oracle, priceWad: price.priceWad })
    .from(price);
  const side = (
    outside: ReturnType<typeof and>,
    furthest: ReturnType<typeof asc>,
  ) => {
    const read = db
      .select({ account: healthWatch.account })
      .from(healthWatch)
      .where(outside);
    return limit === undefined
      ? read
      : read.orderBy(furthest, asc(healthWatch.account)).limit(limit);
  };
  const [first, second, ...rest] = prices.flatMap((p) => [
    side(
      and(
        eq(healthWatch.oracle, p.oracle),
        gt(healthWatch.bandBelowWad, p.priceWad),
        lt(healthWatch.bandBelowWad, MAX_UINT256),
      ),
      desc(healthWatch.bandBelowWad),
    ),
    side(
      and(
        eq(healthWatch.oracle, p.oracle),
        lt(healthWatch.bandAboveWad, p.priceWad),
      ),
      asc(healthWatch.bandAboveWad),
    ),
  ]);
  if (first === undefined || second === undefined) return [];
  const accounts = [
    ...new Set((await unionAll(first, second, ...rest)).map((r) => r.account)),
  ].sort();
  return accounts
    .slice(0, limit ?? accounts.length)
    .map((account) => ({ account }));
}

/**
 * `column = any($accounts)`: one array parameter, so the statement's text and
 * plan do not depend on how many accounts there are. (An IN list is a new
 * statement for every count; an IN subquery left PGlite, which never gathers
 * statistics, to plan a nested loop over the whole table for each row.)
 */
export function accountIn(column: AnyPgColumn, accounts: readonly string[]) {
  return sql`${column} = any(${sql.param(accounts)}::text[])`;
}
