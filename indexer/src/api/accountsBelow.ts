// Accounts below a health at the indexed prices, lowest first, a page at a
// time: shared by /accounts/at-risk and /accounts/crossing.
//
// account_health's amounts and band are as of each row's last recompute
// (../risk/watch.ts): band 0, liquidatable, is always current; a higher band
// is current unless the latest prices have left the account's band box. So
// the bands pick the candidates, lowest band first, the stale accounts are
// placed by their band now, and each candidate's health is computed here at
// the latest prices from its inputs, with the handlers' math. A band's
// accounts all have lower health than the next band's, so the scan stops at
// the first band that fills the page. A band's accounts, computed, are kept
// until the indexer's next block (./checkpointMemo.ts): a page after the first,
// and a second keeper's read of the same block, cost only the page. Their own
// inputs are kept across blocks until their next event (./ownInputs.ts): at a
// new block a band costs its index read, the prices and the math.
import { eq, type ReadonlyDrizzle } from "ponder";
import { accountHealth, portfolioConfig } from "ponder:schema";
import type { Address } from "viem";
import type * as schema from "../../ponder.schema.ts";
import { lower } from "../accountHealth.ts";
import { computeHealth } from "../health.ts";
import { accountIn, staleBandAccounts } from "../healthInputs.ts";
import { parsePortfolioConfig } from "../portfolio.ts";
import { bandContaining, bandOf, HEALTH_LEVELS_WAD } from "../risk/watch.ts";
import { CheckpointMemo, checkpointKey } from "./checkpointMemo.ts";
import {
  KeptOwnInputs,
  type PricedCollateral,
  type PricedPosition,
  priced,
  type Pricing,
  readOwnInputs,
  readPricing,
} from "./ownInputs.ts";

type Db = ReadonlyDrizzle<typeof schema>;

/** Where a page starts: after this (health, address) in the lowest-first order. */
export type Cursor = { healthWad: bigint; address: string };

export type AccountBelow = {
  address: Address;
  healthWad: bigint;
  equityWad: bigint;
  initialWad: bigint;
  maintenanceWad: bigint;
  liquidatable: boolean;
  pricesUsable: boolean;
  quoteBalanceWad: bigint;
  breachBlock: bigint | null;
  band: number | null; // as stored at the last recompute (0 is always current; see the schema)
  block: bigint; // of the account's last recompute
  timestamp: bigint; // of the account's last recompute [unix seconds]
  marketIds: bigint[];
  collateralIds: bigint[];
  positions: PricedPosition[];
  collaterals: PricedCollateral[];
};

export type Page = { accounts: AccountBelow[]; next: Cursor | null };

/** `a` before `b` in the lowest-health-first order (address breaks ties). */
const before = (a: Cursor, b: Cursor) =>
  a.healthWad < b.healthWad ||
  (a.healthWad === b.healthWad && a.address < b.address);

/**
 * Accounts with usable prices, a requirement or a debt, and health below
 * `maxHealthWad` at the latest indexed prices; lowest first, at most `limit`
 * after `after`; `next` is the cursor of the following page, null at the end.
 * `checkpoint`: the key (./checkpointMemo.ts) when the caller has read it.
 */
export async function accountsBelow(
  db: Db,
  maxHealthWad: bigint,
  limit: number,
  after?: Cursor,
  checkpoint?: string,
): Promise<Page> {
  const found: AccountBelow[] = [];
  const lastBand = bandContaining(maxHealthWad);
  const at = checkpoint ?? (await checkpointKey(db));
  // The pricing rows once a block, whichever bands need them.
  const pricing = () => pricingMemo.get(at, "pricing", () => readPricing(db));
  const now = (which: Exclude<Which, { address: Address }>) =>
    memo.get(at, "band" in which ? `band ${which.band}` : "stale", () =>
      accountsNow(db, which, pricing),
    );
  // Band 0 (liquidatable) is always current. Above it, an account whose band
  // box the latest prices have left may sit in another band than its row
  // says until the per-block refresh reaches it: those are computed now and
  // placed by their current band.
  const stale = lastBand === 0 ? [] : await now({ stale: true });
  const staleIds = new Set(stale.map((a) => a.address));
  for (let band = 0; band <= lastBand; band++) {
    // Every account of this band is below its top level: all before the
    // cursor when the cursor is at or above it.
    const top = HEALTH_LEVELS_WAD[band];
    if (after !== undefined && top !== undefined && top <= after.healthWad)
      continue;
    const members = [
      ...(await now({ band })).filter((a) => !staleIds.has(a.address)),
      ...stale.filter(
        (a) => a.pricesUsable && bandOf(a.equityWad, a.maintenanceWad) === band,
      ),
    ];
    for (const a of members) {
      if (!a.pricesUsable || a.healthWad >= maxHealthWad) continue;
      if (a.maintenanceWad === 0n && a.quoteBalanceWad >= 0n) continue;
      if (after !== undefined && !before(after, a)) continue;
      found.push(a);
    }
    if (found.length > limit) break;
  }
  found.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
  const accounts = found.slice(0, limit);
  const last = accounts.at(-1);
  return {
    accounts,
    next:
      found.length > limit && last !== undefined
        ? { healthWad: last.healthWad, address: last.address }
        : null,
  };
}

/** Each band's accounts and the stale ones, with health at the latest prices, for the indexer's latest block. */
const memo = new CheckpointMemo<AccountBelow[]>();
const pricingMemo = new CheckpointMemo<Pricing>();
/** Their own inputs, kept across blocks by the hash of each one's last own event. */
const kept = new KeptOwnInputs();

type Which = { band: number } | { address: Address } | { stale: true };

// The accounts of a stored band, the stale ones, or one account, with health
// at the latest prices.
async function accountsNow(
  db: Db,
  which: Which,
  pricingNow: () => Promise<Pricing>,
): Promise<AccountBelow[]> {
  // The members' rows first (an index read), then their own inputs (only
  // those not kept, by one array parameter: accountIn, a plan that does not
  // depend on the tables' statistics), then the pricing tables.
  const members = db
    .select({
      address: accountHealth.account,
      band: accountHealth.band,
      breachBlock: accountHealth.breachBlock,
      block: accountHealth.block,
      timestamp: accountHealth.timestamp,
      inputsBlockHash: accountHealth.inputsBlockHash,
    })
    .from(accountHealth);
  const rows =
    "band" in which
      ? await members.where(eq(accountHealth.band, which.band))
      : "address" in which
        ? await members.where(eq(accountHealth.account, which.address))
        : await members.where(
            accountIn(
              accountHealth.account,
              (await staleBandAccounts(db)).map((r) => r.account),
            ),
          );
  if (rows.length === 0) return [];
  // In turn, not at once (see readsInTurn in ./ownInputs.ts).
  const inputsOf =
    "address" in which
      ? new Map(
          (await readOwnInputs(db, [which.address])).map((i) => [i.address, i]),
        )
      : await kept.of(
          db,
          "band" in which ? `band ${which.band}` : "stale",
          rows,
        );
  const pricing = await pricingNow();
  const config = [...inputsOf.values()].some((i) => i.portfolio)
    ? await portfolioConfigInForce(db)
    : undefined;
  const out: AccountBelow[] = [];
  for (const r of rows) {
    const id = lower(r.address);
    const inputs = inputsOf.get(id);
    if (inputs === undefined) continue;
    const { positions, collaterals } = priced(inputs, pricing);
    const health = computeHealth({
      quoteBalanceWad: inputs.quoteBalanceWad,
      positions,
      collaterals,
      portfolio: inputs.portfolio ? config : undefined,
    });
    out.push({
      address: id,
      healthWad: health.healthWad,
      equityWad: health.equityWad,
      initialWad: health.initialWad,
      maintenanceWad: health.maintenanceWad,
      liquidatable: health.liquidatable,
      pricesUsable: health.pricesUsable,
      quoteBalanceWad: inputs.quoteBalanceWad,
      breachBlock: r.breachBlock,
      band: r.band,
      block: r.block,
      timestamp: r.timestamp,
      marketIds: inputs.marketIds,
      collateralIds: inputs.collateralIds,
      positions,
      collaterals,
    });
  }
  return out;
}

/** One account's health at the latest indexed prices; undefined before its first event. */
export async function accountHealthNow(
  db: Db,
  address: Address,
): Promise<AccountBelow | undefined> {
  return (
    await accountsNow(db, { address: lower(address) }, () => readPricing(db))
  )[0];
}

// The portfolio module's configuration when the protocol's module is the
// indexed one; undefined otherwise.
async function portfolioConfigInForce(db: Db) {
  const [row] = await db
    .select()
    .from(portfolioConfig)
    .where(eq(portfolioConfig.id, "current"));
  return row === undefined || !row.inForce
    ? undefined
    : parsePortfolioConfig(row);
}
