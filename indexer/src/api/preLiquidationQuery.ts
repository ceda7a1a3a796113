// Reads for the pre-liquidation zone of at-risk and crossing rows, and the
// totals of GET /preliquidations. The zone itself is pure:
// ../preLiquidation/zone.ts.
import { and, eq, type ReadonlyDrizzle, sql } from "ponder";
import {
  preLiquidation,
  preLiquidationMarket,
  preLiquidationOptOut,
} from "ponder:schema";
import type * as schema from "../../ponder.schema.ts";
import { accountIn } from "../healthInputs.ts";
import {
  preLiquidationZone,
  type Zone,
  type ZoneParams,
} from "../preLiquidation/zone.ts";

type Db = ReadonlyDrizzle<typeof schema>;

/** For each account, its zone given its health and open markets. */
export async function zonesOf(
  db: Db,
  accounts: readonly {
    address: string;
    healthWad: bigint;
    marketIds: readonly bigint[];
  }[],
): Promise<Map<string, Zone>> {
  const params = new Map<bigint, ZoneParams>(
    (await db.select().from(preLiquidationMarket)).map((p) => [
      p.marketId,
      { preHealthWad: p.preHealthWad, optOutAllowed: p.optOutAllowed },
    ]),
  );
  const optOuts = new Map<string, Set<bigint>>();
  if (accounts.length > 0 && params.size > 0)
    for (const o of await db
      .select({
        account: preLiquidationOptOut.account,
        marketId: preLiquidationOptOut.marketId,
      })
      .from(preLiquidationOptOut)
      .where(
        and(
          accountIn(
            preLiquidationOptOut.account,
            accounts.map((a) => a.address),
          ),
          eq(preLiquidationOptOut.optedOut, true),
        ),
      )) {
      const markets = optOuts.get(o.account) ?? new Set<bigint>();
      optOuts.set(o.account, markets.add(o.marketId));
    }
  const none = new Set<bigint>();
  return new Map(
    accounts.map((a) => [
      a.address,
      preLiquidationZone(
        a.healthWad,
        a.marketIds,
        params,
        optOuts.get(a.address) ?? none,
      ),
    ]),
  );
}

/** GET /preliquidations: how many, the incentive paid, the accounts touched, and the markets' parameters. */
export async function preLiquidationSummary(db: Db) {
  const [totals] = await db
    .select({
      count: sql<string>`count(*)`,
      totalIncentiveWad: sql<string>`coalesce(sum(${preLiquidation.incentiveWad}), 0)`,
      totalClosedNotionalWad: sql<string>`coalesce(sum(${preLiquidation.closedNotionalWad}), 0)`,
      accounts: sql<string>`count(distinct ${preLiquidation.account})`,
    })
    .from(preLiquidation);
  const markets = await db
    .select()
    .from(preLiquidationMarket)
    .orderBy(preLiquidationMarket.marketId);
  return {
    count: Number(totals?.count ?? 0),
    accounts: Number(totals?.accounts ?? 0),
    totalIncentiveWad: BigInt(totals?.totalIncentiveWad ?? 0),
    totalClosedNotionalWad: BigInt(totals?.totalClosedNotionalWad ?? 0),
    markets,
  };
}
