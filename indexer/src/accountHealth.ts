// Recomputes account_health rows and their watch boxes (health_watch): the
// math in TypeScript (./health.ts, ./risk/watch.ts) from indexed state, no
// contract calls.
//
// Three ways in. An account event recomputes that account from keyed reads
// (find), which Ponder serves from its cache with no SQL. A price push
// recomputes only the accounts whose line box the new price leaves: one
// indexed range query picks them, three bulk selects read their inputs; the
// accounts it leaves inside their boxes cost nothing, however many there are.
// The per-block refresh recomputes, the same way, a bounded number of accounts
// whose band box the latest prices have left.
import { type AnyPgColumn, and, eq, gt, lt, or, sql } from "ponder";
import type { Context } from "ponder:registry";
import {
  account,
  accountHealth,
  collateralAsset,
  collateralBalance,
  healthWatch,
  market,
  portfolioAccount,
  portfolioConfig,
  position,
  price,
} from "ponder:schema";
import type { Address, Hex } from "viem";
import { type BreachState, NO_BREACH, nextBreach } from "./breach.ts";
import { computeHealth } from "./health.ts";
import {
  accountIn,
  collateralInputs,
  positionInputs,
  staleBandAccounts,
} from "./healthInputs.ts";
import { type PortfolioConfig, parsePortfolioConfig } from "./portfolio.ts";
import { type WatchInput, watchOf } from "./risk/watch.ts";

type Db = Context["db"];
export type BlockRef = { number: bigint; timestamp: bigint; hash: Hex };

// Which accounts to recompute: one account, or every account exposed to an
// oracle (the lending market's recompute, ./lending/store.ts).
export type Scope = { account: Address } | { oracle: Address };

export const lower = (a: string) => a.toLowerCase() as Address;

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

type Previous = BreachState & {
  watchedOracles: readonly string[];
  inputsBlockHash: Hex;
};

/** Recomputes one account after an event of its own, from keyed reads only. */
export async function recomputeAccount(
  db: Db,
  who: Address,
  block: BlockRef,
): Promise<void> {
  const row = await db.find(account, { address: who });
  if (row === null) return;
  const positions: WatchInput["positions"][number][] = [];
  for (const id of row.marketIds) {
    const marketId = BigInt(id);
    const p = await db.find(position, { account: who, marketId });
    const m = await db.find(market, { id: marketId });
    if (p === null || m === null) continue;
    const pushed = await db.find(price, { oracle: m.oracle });
    positions.push({
      marketId,
      sizeWad: p.sizeWad,
      openNotionalWad: p.openNotionalWad,
      oracle: m.oracle,
      priceWad: pushed?.priceWad,
      maintenanceFractionWad: m.maintenanceFractionWad,
      initialFractionWad: m.initialFractionWad,
    });
  }
  const collaterals: WatchInput["collaterals"][number][] = [];
  for (const id of row.collateralIds) {
    const collateralId = BigInt(id);
    const b = await db.find(collateralBalance, { account: who, collateralId });
    const c = await db.find(collateralAsset, { id: collateralId });
    if (b === null || c === null) continue;
    const pushed = await db.find(price, { oracle: c.oracle });
    collaterals.push({
      collateralId,
      amount: b.amount,
      decimals: c.decimals,
      haircutWad: c.haircutWad,
      oracle: c.oracle,
      priceWad: pushed?.priceWad,
    });
  }
  const mode = await db.find(portfolioAccount, { account: who });
  const portfolio =
    mode?.enabled === true ? await portfolioConfigInForce(db) : undefined;
  await store(
    db,
    lower(who),
    {
      quoteBalanceWad: row.quoteBalanceWad,
      positions,
      collaterals,
      portfolio,
    },
    (await db.find(accountHealth, { account: who })) ?? undefined,
    block,
  );
}

/**
 * After a push of `oracle` to `priceWad`: recomputes the accounts whose line
 * box on that oracle the price leaves (health_watch's range indexes find them).
 * Returns how many.
 */
export async function recomputeWoken(
  db: Db,
  oracle: Address,
  priceWad: bigint,
  block: BlockRef,
): Promise<number> {
  return recomputeSome(
    db,
    db.sql
      .select({ account: healthWatch.account })
      .from(healthWatch)
      .where(
        and(
          eq(healthWatch.oracle, oracle),
          or(
            gt(healthWatch.belowWad, priceWad),
            lt(healthWatch.aboveWad, priceWad),
          ),
        ),
      ),
    block,
  );
}

/**
 * Every account in portfolio mode, after a change of the module's
 * configuration (or of the module in force) moved their lines. Returns how
 * many.
 */
export async function recomputePortfolioAccounts(
  db: Db,
  block: BlockRef,
): Promise<number> {
  return recomputeSome(
    db,
    db.sql
      .select({ account: portfolioAccount.account })
      .from(portfolioAccount)
      .where(eq(portfolioAccount.enabled, true)),
    block,
  );
}

/**
 * The per-block refresh: recomputes up to `limit` accounts whose band box the
 * latest prices have left (their band may be stale), lowest address first.
 */
export async function refreshStaleBands(
  db: Db,
  limit: number,
  block: BlockRef,
): Promise<void> {
  if (limit === 0) return;
  await recomputeSome(db, staleBandAccounts(db.sql, limit), block);
}

// Recomputes, in bulk, the accounts a query selects; returns how many. Their
// inputs are read with one array parameter (accountIn), so the statements'
// text is the same whatever the number of accounts (Ponder parses each
// distinct raw statement and caches by its text).
async function recomputeSome(
  db: Db,
  which: PromiseLike<{ account: Address }[]>,
  block: BlockRef,
): Promise<number> {
  // Sequential on purpose: each raw query runs in its own savepoint of the
  // indexing transaction.
  const ids = (await which).map((r) => r.account);
  if (ids.length === 0) return 0;
  const woken = (column: AnyPgColumn) => accountIn(column, ids);
  const accounts = await db.sql
    .select({
      address: account.address,
      quoteBalanceWad: account.quoteBalanceWad,
      breachBlock: accountHealth.breachBlock,
      lastBreachBlock: accountHealth.lastBreachBlock,
      breachEndedBlock: accountHealth.breachEndedBlock,
      watchedOracles: accountHealth.watchedOracles,
      inputsBlockHash: accountHealth.inputsBlockHash,
      portfolio: portfolioAccount.enabled,
    })
    .from(account)
    .leftJoin(accountHealth, eq(accountHealth.account, account.address))
    .leftJoin(portfolioAccount, eq(portfolioAccount.account, account.address))
    .where(woken(account.address));
  if (accounts.length === 0) return 0;
  const positionsOf = groupBy(
    await positionInputs(db.sql, woken(position.account)),
  );
  const collateralsOf = groupBy(
    await collateralInputs(db.sql, woken(collateralBalance.account)),
  );
  // Only when some woken account opted in: the module's configuration.
  const config = accounts.some((a) => a.portfolio === true)
    ? await portfolioConfigInForce(db)
    : undefined;

  await storeAll(
    db,
    accounts.map((a) => {
      const id = lower(a.address);
      return {
        id,
        input: {
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
        },
        previous:
          a.watchedOracles === null || a.inputsBlockHash === null
            ? undefined
            : (a as Previous & { watchedOracles: string[] }),
      };
    }),
    block,
  );
  return accounts.length;
}

type Recomputed = {
  health: typeof accountHealth.$inferInsert;
  watch: (typeof healthWatch.$inferInsert)[];
};

// The account's health, band and watch box, and its breach state advanced.
// `ownEventBlockHash`: the block of an event of the account's own, which set
// its inputs; absent, they are the previous row's (a push, the band refresh).
function recompute(
  id: Address,
  input: WatchInput,
  previous: Previous | undefined,
  block: BlockRef,
  ownEventBlockHash?: Hex,
): Recomputed {
  const result = computeHealth(input);
  const watch = watchOf(input, result);
  const breach = nextBreach(
    previous ?? NO_BREACH,
    result.liquidatable,
    block.number,
  );
  return {
    health: {
      account: id,
      equityWad: result.equityWad,
      initialWad: result.initialWad,
      maintenanceWad: result.maintenanceWad,
      healthWad: result.healthWad,
      band: watch.band,
      liquidatable: result.liquidatable,
      pricesUsable: result.pricesUsable,
      breachBlock: breach.breachBlock,
      lastBreachBlock: breach.lastBreachBlock,
      breachEndedBlock: breach.breachEndedBlock,
      watchedOracles: watch.bounds.map((b) => b.oracle),
      block: block.number,
      timestamp: block.timestamp,
      // With no previous row (not expected outside an own event) this block:
      // a later key than any the API may hold.
      inputsBlockHash:
        ownEventBlockHash ?? previous?.inputsBlockHash ?? block.hash,
    },
    watch: watch.bounds.map((b) => ({
      account: id,
      oracle: b.oracle as Address,
      belowWad: b.belowWad,
      aboveWad: b.aboveWad,
      bandBelowWad: b.bandBelowWad,
      bandAboveWad: b.bandAboveWad,
    })),
  };
}

// One account through the store, after an event of its own (its inputs are as
// of this block): its rows come from keyed reads, so Ponder's cache usually
// holds them.
async function store(
  db: Db,
  id: Address,
  input: WatchInput,
  previous: Previous | undefined,
  block: BlockRef,
): Promise<void> {
  const { health, watch } = recompute(id, input, previous, block, block.hash);
  const { account: _, ...row } = health;
  await db.insert(accountHealth).values(health).onConflictDoUpdate(row);
  for (const w of watch) {
    const { account: _a, oracle: _o, ...bounds } = w;
    await db.insert(healthWatch).values(w).onConflictDoUpdate(bounds);
  }
  // Oracles it no longer holds.
  for (const oracle of previous?.watchedOracles ?? [])
    if (!row.watchedOracles.includes(oracle))
      await db.delete(healthWatch, { account: id, oracle: oracle as Address });
}

/** Rows per bulk statement: 14 columns × 1,000 stays far below Postgres's 65,535 parameters. */
const BULK_ROWS = 1_000;

// Many accounts at once (a push's woken accounts): a few bulk upserts instead
// of a store write per row, each of which would first look the row up (the
// cache cannot predict which accounts a push wakes).
async function storeAll(
  db: Db,
  items: readonly {
    id: Address;
    input: WatchInput;
    previous: Previous | undefined;
  }[],
  block: BlockRef,
): Promise<void> {
  const done = items.map((i) => recompute(i.id, i.input, i.previous, block));
  const healthRows = done.map((d) => d.health);
  for (let i = 0; i < healthRows.length; i += BULK_ROWS) {
    await db.sql
      .insert(accountHealth)
      .values(healthRows.slice(i, i + BULK_ROWS))
      .onConflictDoUpdate({
        target: accountHealth.account,
        set: excluded(healthRows[0]!, ["account"]),
      });
  }
  // Their watch rows anew: the old ones out (with any oracle an account no
  // longer holds), the new ones in. (An upsert here, ON CONFLICT over the
  // four range indexes, took 5 s for the 123 crossers of a 6% fall on 10,000
  // accounts on Postgres; the delete and insert take 50 ms.)
  const watchRows = done.flatMap((d) => d.watch);
  await db.sql.delete(healthWatch).where(
    accountIn(
      healthWatch.account,
      done.map((d) => d.health.account!),
    ),
  );
  for (let i = 0; i < watchRows.length; i += BULK_ROWS)
    await db.sql.insert(healthWatch).values(watchRows.slice(i, i + BULK_ROWS));
}

// `set` of an upsert that takes every column but the key from the proposed
// row (Ponder names columns in snake case).
function excluded(
  row: Record<string, unknown>,
  key: readonly string[],
): Record<string, ReturnType<typeof sql.raw>> {
  const snake = (name: string) =>
    name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  return Object.fromEntries(
    Object.keys(row)
      .filter((k) => !key.includes(k))
      .map((k) => [k, sql.raw(`excluded.${snake(k)}`)]),
  );
}

// The portfolio module's configuration when the protocol's module is the
// indexed one; undefined otherwise (accounts then follow the standard rules).
async function portfolioConfigInForce(
  db: Db,
): Promise<PortfolioConfig | undefined> {
  const row = await db.find(portfolioConfig, { id: "current" });
  if (row === null || !row.inForce) return undefined;
  return parsePortfolioConfig(row);
}
