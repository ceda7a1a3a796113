// The lending market's accounts a keeper should look at (health factor
// Σ value × liquidation LTV ÷ debt below a bound, lowest first, with the
// collateral there is to sell and its pattern), and a summary of its
// liquidations for the report. The engine's equity and maintenance (always 0)
// come along; a health factor < 1 is exactly the engine's equity < 0.
import { and, asc, eq, gt, lt, or, type ReadonlyDrizzle } from "ponder";
import {
  auction,
  auctionTake,
  badDebt,
  collateralSale,
  lendingCollateralAsset,
  lendingCollateralBalance,
  lendingHealth,
  lendingState,
} from "ponder:schema";
import type * as schema from "../../ponder.schema.ts";
import type { Address } from "viem";
import { nonzeroBalancesOf } from "../lending/store.ts";
import type { Cursor } from "./accountsBelow.ts";
import { indexedProtocols } from "../protocols.ts";
import { formatCursor } from "./atRisk.ts";

type Db = ReadonlyDrizzle<typeof schema>;

// In the at-risk route's row shape, so that a keeper reads every protocol the
// same way: `healthWad` is the health factor (< 1 exactly when liquidatable,
// as equity ÷ maintenance is for the margin protocol), `quoteBalanceWad` is
// −debt, no markets, and the held collateral lowest liquidation LTV first
// (each quote unit it raises removes the least counted value). A page of at
// most `limit`, by (health factor, address), and the cursor of the next.
export async function lendingAtRiskAccounts(
  db: Db,
  maxHealthFactorWad: bigint,
  limit: number,
  after?: Cursor,
) {
  const found = await db
    .select({
      address: lendingHealth.account,
      healthWad: lendingHealth.healthFactorWad,
      debtWad: lendingHealth.debtWad,
      collateralValueWad: lendingHealth.collateralValueWad,
      liquidationLimitWad: lendingHealth.liquidationLimitWad,
      equityWad: lendingHealth.equityWad,
      maintenanceWad: lendingHealth.maintenanceWad,
      liquidatable: lendingHealth.liquidatable,
      breachBlock: lendingHealth.breachBlock,
      block: lendingHealth.block,
      timestamp: lendingHealth.timestamp,
    })
    .from(lendingHealth)
    .where(
      and(
        lt(lendingHealth.healthFactorWad, maxHealthFactorWad),
        eq(lendingHealth.pricesUsable, true),
        gt(lendingHealth.debtWad, 0n),
        after === undefined
          ? undefined
          : or(
              gt(lendingHealth.healthFactorWad, after.healthWad),
              and(
                eq(lendingHealth.healthFactorWad, after.healthWad),
                gt(lendingHealth.account, after.address as Address),
              ),
            ),
      ),
    )
    .orderBy(asc(lendingHealth.healthFactorWad), asc(lendingHealth.account))
    .limit(limit + 1);
  const rows = found.slice(0, limit);
  const last = rows.at(-1);
  const next =
    found.length > limit && last !== undefined
      ? formatCursor({ healthWad: last.healthWad, address: last.address })
      : null;
  if (rows.length === 0) return { accounts: [], next };
  const collaterals = await db
    .select({
      account: lendingCollateralBalance.account,
      id: lendingCollateralBalance.collateralId,
      pattern: lendingCollateralAsset.pattern,
    })
    .from(lendingCollateralBalance)
    .innerJoin(
      lendingCollateralAsset,
      eq(lendingCollateralAsset.id, lendingCollateralBalance.collateralId),
    )
    .where(nonzeroBalancesOf(rows.map((r) => r.address)))
    .orderBy(
      asc(lendingCollateralAsset.liquidationLtvWad),
      asc(lendingCollateralBalance.collateralId),
    );
  return {
    accounts: rows.map((r) => {
      const held = collaterals.filter((c) => c.account === r.address);
      return {
        ...r,
        healthFactorWad: r.healthWad,
        quoteBalanceWad: -r.debtWad,
        protocol: "lending" as const,
        marketIds: [] as bigint[],
        collateralIds: held.map((c) => c.id),
        patterns: held.map((c) => c.pattern),
      };
    }),
    next,
  };
}

/**
 * Counts and sums of the lending market's liquidations by kind, from the
 * tables every protocol shares, under its name: "sale" (fixed fee) and
 * "backstop" (the backstop's absorb) from the collateral sales, "bad-debt"
 * (written off and sent to the shared waterfall), "kick" (the target at the
 * kick) and "take" (what was paid) from its auction house's auctions.
 */
export async function lendingSummary(db: Db) {
  const lending = indexedProtocols.lending;
  const [state] = await db.select().from(lendingState);
  if (lending === null)
    return {
      byKind: {},
      liquidatedAccounts: 0,
      badDebtWad: 0n,
      badDebtCoveredWad: 0n,
      indexWad: null,
      ratePerSecondWad: null,
    };
  const [sales, badDebts, kicked, takes] = await Promise.all([
    db
      .select()
      .from(collateralSale)
      .where(eq(collateralSale.protocol, lending.name)),
    db.select().from(badDebt).where(eq(badDebt.protocol, lending.name)),
    db
      .select({ account: auction.account, quoteWad: auction.kickTargetWad })
      .from(auction)
      .where(eq(auction.protocol, lending.name)),
    db
      .select({ quoteWad: auctionTake.paidWad })
      .from(auctionTake)
      .where(eq(auctionTake.house, lending.auctionHouse)),
  ]);
  const byKind: Record<string, { count: number; quoteWad: bigint }> = {};
  const add = (kind: string, quoteWad: bigint) => {
    const k = (byKind[kind] ??= { count: 0, quoteWad: 0n });
    k.count += 1;
    k.quoteWad += quoteWad;
  };
  for (const s of sales)
    add(s.byBackstop ? "backstop" : "sale", s.quotePaidWad);
  for (const b of badDebts) add("bad-debt", b.badDebtWad);
  for (const k of kicked) add("kick", k.quoteWad);
  for (const t of takes) add("take", t.quoteWad);
  return {
    byKind,
    liquidatedAccounts: new Set([
      ...sales.map((s) => s.account),
      ...kicked.map((k) => k.account),
    ]).size,
    badDebtWad: byKind["bad-debt"]?.quoteWad ?? 0n,
    badDebtCoveredWad: badDebts.reduce((sum, b) => sum + b.coveredWad, 0n),
    indexWad: state?.indexWad ?? null,
    ratePerSecondWad: state?.ratePerSecondWad ?? null,
  };
}
