// Accounts a keeper should look at: health below a bound, lowest first, with
// what there is to liquidate.
import {
  and,
  asc,
  eq,
  gt,
  inArray,
  lt,
  ne,
  or,
  type ReadonlyDrizzle,
} from "ponder";
import {
  account,
  accountHealth,
  collateralBalance,
  position,
} from "ponder:schema";
import type * as schema from "../../ponder.schema.ts";
import { zonesOf } from "./preLiquidationQuery.ts";

type Db = ReadonlyDrizzle<typeof schema>;

// Accounts with an unusable price are left out: the protocol reverts on them,
// so nothing can be liquidated until the price recovers (see computeHealth in
// ../health.ts).
export async function atRiskAccounts(
  db: Db,
  maxHealthWad: bigint,
  limit: number,
) {
  const rows = await atRiskRows(db, maxHealthWad, limit);
  if (rows.length === 0) return [];

  const addresses = rows.map((r) => r.address);
  const markets = await db
    .select({ account: position.account, id: position.marketId })
    .from(position)
    .where(and(inArray(position.account, addresses), ne(position.sizeWad, 0n)))
    .orderBy(asc(position.marketId));
  const collaterals = await db
    .select({
      account: collateralBalance.account,
      id: collateralBalance.collateralId,
    })
    .from(collateralBalance)
    .where(
      and(
        inArray(collateralBalance.account, addresses),
        ne(collateralBalance.amount, 0n),
      ),
    )
    .orderBy(asc(collateralBalance.collateralId));

  const idsOf = (list: { account: string; id: bigint }[], address: string) =>
    list.filter((x) => x.account === address).map((x) => x.id);
  const withIds = rows.map((r) => ({
    ...r,
    marketIds: idsOf(markets, r.address),
    collateralIds: idsOf(collaterals, r.address),
  }));
  // preHealthWad, inZone, preLiquidationMarketIds: the pre-liquidation zone.
  const zones = await zonesOf(db, withIds);
  return withIds.map((r) => ({ ...r, ...zones.get(r.address)! }));
}

/**
 * The health rows of accounts below `maxHealthWad` with a requirement or a
 * debt and usable prices, lowest health first, at most `limit`: shared by
 * /accounts/at-risk and /accounts/crossing.
 */
export function atRiskRows(db: Db, maxHealthWad: bigint, limit: number) {
  return db
    .select({
      address: accountHealth.account,
      healthWad: accountHealth.healthWad,
      equityWad: accountHealth.equityWad,
      initialWad: accountHealth.initialWad,
      maintenanceWad: accountHealth.maintenanceWad,
      liquidatable: accountHealth.liquidatable,
      quoteBalanceWad: account.quoteBalanceWad,
      breachBlock: accountHealth.breachBlock,
      block: accountHealth.block,
      timestamp: accountHealth.timestamp,
    })
    .from(accountHealth)
    .innerJoin(account, eq(account.address, accountHealth.account))
    .where(
      and(
        lt(accountHealth.healthWad, maxHealthWad),
        eq(accountHealth.pricesUsable, true),
        or(
          gt(accountHealth.maintenanceWad, 0n),
          lt(account.quoteBalanceWad, 0n),
        ),
      ),
    )
    .orderBy(asc(accountHealth.healthWad), asc(accountHealth.account))
    .limit(limit);
}
