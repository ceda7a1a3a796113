// Recomputes account_health rows from indexed state: three bulk selects, the
// math in TypeScript (./health.ts), and no contract calls, so a price push
// costs the same three queries however many accounts it moves.
import { type AnyPgColumn, and, eq, inArray, ne, or } from "ponder";
import type { Context } from "ponder:registry";
import {
  account,
  accountHealth,
  collateralAsset,
  collateralBalance,
  market,
  portfolioAccount,
  portfolioConfig,
  position,
} from "ponder:schema";
import type { Address } from "viem";
import { NO_BREACH, nextBreach } from "./breach.ts";
import { computeHealth } from "./health.ts";
import { collateralInputs, positionInputs } from "./healthInputs.ts";
import type { PortfolioConfig } from "./portfolio.ts";

type Db = Context["db"];
export type BlockRef = { number: bigint; timestamp: bigint };

// Which accounts to recompute: one account, or every account exposed to an
// oracle (a nonzero position in a market it prices, or a nonzero balance of a
// collateral it prices).
export type Scope = { account: Address } | { oracle: Address };

export const lower = (a: string) => a.toLowerCase() as Address;

// The scope as a condition on an account column. For an oracle it is a
// subquery, so the statement text is the same whatever the number of accounts
// (Ponder parses each distinct raw statement, and caches by its text).
function inScope(db: Db, column: AnyPgColumn, scope: Scope) {
  if ("account" in scope) return eq(column, scope.account);
  const viaPositions = db.sql
    .select({ account: position.account })
    .from(position)
    .innerJoin(market, eq(position.marketId, market.id))
    .where(and(eq(market.oracle, scope.oracle), ne(position.sizeWad, 0n)));
  const viaCollateral = db.sql
    .select({ account: collateralBalance.account })
    .from(collateralBalance)
    .innerJoin(
      collateralAsset,
      eq(collateralBalance.collateralId, collateralAsset.id),
    )
    .where(
      and(
        eq(collateralAsset.oracle, scope.oracle),
        ne(collateralBalance.amount, 0n),
      ),
    );
  return or(inArray(column, viaPositions), inArray(column, viaCollateral));
}

// Rows by lowercase account, in their order.
export function groupBy<T extends { account: string }>(
  rows: readonly T[],
): Map<Address, T[]> {
  const out = new Map<Address, T[]>();
  for (const row of rows) {
    const list = out.get(lower(row.account));
    if (list) list.push(row);
    else out.set(lower(row.account), [row]);
  }
  return out;
}

// Recomputes and stores the health of the accounts in `scope` as of `block`,
// advancing each one's breach state.
export async function recomputeHealth(
  db: Db,
  scope: Scope,
  block: BlockRef,
): Promise<void> {
  // Sequential on purpose: each raw query runs in its own savepoint of the
  // indexing transaction.
  const accounts = await db.sql
    .select({
      address: account.address,
      quoteBalanceWad: account.quoteBalanceWad,
      breachBlock: accountHealth.breachBlock,
      lastBreachBlock: accountHealth.lastBreachBlock,
      breachEndedBlock: accountHealth.breachEndedBlock,
      hasHealthRow: accountHealth.account,
      portfolio: portfolioAccount.enabled,
    })
    .from(account)
    .leftJoin(accountHealth, eq(accountHealth.account, account.address))
    .leftJoin(portfolioAccount, eq(portfolioAccount.account, account.address))
    .where(inScope(db, account.address, scope));
  if (accounts.length === 0) return;

  const positions = await positionInputs(
    db.sql,
    inScope(db, position.account, scope),
  );
  const collaterals = await collateralInputs(
    db.sql,
    inScope(db, collateralBalance.account, scope),
  );

  // Only when some account in scope opted in: the module's configuration.
  const config = accounts.some((a) => a.portfolio === true)
    ? await portfolioConfigInForce(db)
    : undefined;

  const positionsOf = groupBy(positions);
  const collateralsOf = groupBy(collaterals);

  for (const a of accounts) {
    const id = lower(a.address);
    const result = computeHealth({
      quoteBalanceWad: a.quoteBalanceWad,
      positions: (positionsOf.get(id) ?? []).map((p) => ({
        ...p,
        priceWad: p.priceWad ?? undefined,
      })),
      collaterals: (collateralsOf.get(id) ?? []).map((c) => ({
        ...c,
        priceWad: c.priceWad ?? undefined,
      })),
      portfolio: a.portfolio === true ? config : undefined,
    });
    const previous = a.hasHealthRow === null ? NO_BREACH : a;
    const { breachBlock, lastBreachBlock, breachEndedBlock } = nextBreach(
      previous,
      result.liquidatable,
      block.number,
    );
    const row = {
      equityWad: result.equityWad,
      initialWad: result.initialWad,
      maintenanceWad: result.maintenanceWad,
      healthWad: result.healthWad,
      liquidatable: result.liquidatable,
      pricesUsable: result.pricesUsable,
      breachBlock,
      lastBreachBlock,
      breachEndedBlock,
      block: block.number,
      timestamp: block.timestamp,
    };
    await db
      .insert(accountHealth)
      .values({ account: id, ...row })
      .onConflictDoUpdate(row);
  }
}

// The portfolio module's configuration when the protocol's module is the
// indexed one; undefined otherwise (accounts then follow the standard rules).
async function portfolioConfigInForce(
  db: Db,
): Promise<PortfolioConfig | undefined> {
  const row = await db.find(portfolioConfig, { id: "current" });
  if (row === null || !row.inForce) return undefined;
  const factors = (json: string) =>
    new Map(
      Object.entries(JSON.parse(json) as Record<string, number>).map(
        ([id, f]) => [BigInt(id), f] as const,
      ),
    );
  return {
    scenariosBps: (JSON.parse(row.scenariosBps) as number[][]).map((r) =>
      r.map((x) => BigInt(x)),
    ),
    marketFactor: factors(row.marketFactors),
    collateralFactor: factors(row.collateralFactors),
    minFractionWad: row.minFractionWad,
    initialMultiplierWad: row.initialMultiplierWad,
  };
}
