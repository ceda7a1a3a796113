// The inputs to an account's health that only its own events change: its
// quote balance, positions, collateral balances and portfolio mode. They are
// as of the block of its last own event, whose hash account_health keeps
// (inputs_block_hash), so the API keeps them by that hash: a read of a band at
// a new block reads only the band's index and the accounts that had an event
// since, not every member's positions. The markets', collateral assets' and
// prices' rows, few, are read with every read and joined here.
//
// readsInTurn: every read here awaits the one before. The API's pool closes
// connections idle for 10 s, and a burst of concurrent reads opens new ones,
// each a new Postgres backend whose first statement costs 60-80 ms more (at
// 100,000 accounts the crash's first read, seven reads at once, took 450-700
// ms); reads in turn reuse the one connection that is warm.
import { and, asc, eq, ne, type ReadonlyDrizzle } from "ponder";
import {
  account,
  accountHealth,
  collateralAsset,
  collateralBalance,
  market,
  portfolioAccount,
  position,
  price,
} from "ponder:schema";
import type { Address, Hex } from "viem";
import type * as schema from "../../ponder.schema.ts";
import { groupBy, lower } from "../accountHealth.ts";
import type { CollateralInput, PositionInput } from "../health.ts";
import { accountIn } from "../healthInputs.ts";

type Db = ReadonlyDrizzle<typeof schema>;

/** What an account's own events set, as of the block `inputsBlockHash`. */
export type OwnInputs = {
  address: Address; // lowercase
  inputsBlockHash: Hex;
  quoteBalanceWad: bigint;
  portfolio: boolean;
  marketIds: bigint[];
  collateralIds: bigint[];
  positions: { marketId: bigint; sizeWad: bigint; openNotionalWad: bigint }[]; // nonzero, by market ascending
  collaterals: { collateralId: bigint; amount: bigint }[]; // nonzero, by collateral ascending
};

export type PricedPosition = PositionInput & {
  marketId: bigint;
  oracle: Address;
};
export type PricedCollateral = CollateralInput & {
  collateralId: bigint;
  oracle: Address;
};

/**
 * The accounts' own inputs: three reads (the account rows with the hash, the
 * positions, the collateral balances), each by one array parameter. They may
 * straddle a block the indexer commits meanwhile: see KeptOwnInputs for what
 * is kept. In turn, not at once: see readsInTurn.
 */
export async function readOwnInputs(
  db: Db,
  accounts: readonly string[],
): Promise<OwnInputs[]> {
  if (accounts.length === 0) return [];
  const rows = await db
    .select({
      address: account.address,
      inputsBlockHash: accountHealth.inputsBlockHash,
      quoteBalanceWad: account.quoteBalanceWad,
      marketIds: account.marketIds,
      collateralIds: account.collateralIds,
      portfolio: portfolioAccount.enabled,
    })
    .from(account)
    .innerJoin(accountHealth, eq(accountHealth.account, account.address))
    .leftJoin(portfolioAccount, eq(portfolioAccount.account, account.address))
    .where(accountIn(account.address, accounts));
  const positions = await db
    .select({
      account: position.account,
      marketId: position.marketId,
      sizeWad: position.sizeWad,
      openNotionalWad: position.openNotionalWad,
    })
    .from(position)
    .where(and(accountIn(position.account, accounts), ne(position.sizeWad, 0n)))
    .orderBy(asc(position.marketId));
  const collaterals = await db
    .select({
      account: collateralBalance.account,
      collateralId: collateralBalance.collateralId,
      amount: collateralBalance.amount,
    })
    .from(collateralBalance)
    .where(
      and(
        accountIn(collateralBalance.account, accounts),
        ne(collateralBalance.amount, 0n),
      ),
    )
    .orderBy(asc(collateralBalance.collateralId));
  const positionsOf = groupBy(positions);
  const collateralsOf = groupBy(collaterals);
  return rows.map((r) => {
    const id = lower(r.address);
    return {
      address: id,
      inputsBlockHash: r.inputsBlockHash,
      quoteBalanceWad: r.quoteBalanceWad,
      portfolio: r.portfolio === true,
      marketIds: r.marketIds.map(BigInt),
      collateralIds: r.collateralIds.map(BigInt),
      positions: (positionsOf.get(id) ?? []).map(({ account: _, ...p }) => p),
      collaterals: (collateralsOf.get(id) ?? []).map(
        ({ account: _, ...c }) => c,
      ),
    };
  });
}

/** Each account's inputs_block_hash now. */
async function inputsBlockHashes(
  db: Db,
  accounts: readonly string[],
): Promise<Map<Address, Hex>> {
  const rows = await db
    .select({
      account: accountHealth.account,
      inputsBlockHash: accountHealth.inputsBlockHash,
    })
    .from(accountHealth)
    .where(accountIn(accountHealth.account, accounts));
  return new Map(rows.map((r) => [lower(r.account), r.inputsBlockHash]));
}

/**
 * Own inputs kept per group of accounts (a band, the stale set): a group's
 * read keeps its members' inputs until the next read of that group, which
 * reads again only the members whose hash changed or that are new to it.
 *
 * The members' hashes are read first, then the inputs, then the hashes again:
 * an account whose hash is the same all through had no event in between, so
 * its three reads hold the inputs of that hash, and it is kept by it. Any
 * other (an event committed during the read) is used for this read, as read,
 * and not kept.
 */
export class KeptOwnInputs {
  private readonly groups = new Map<string, Map<Address, OwnInputs>>();

  async of(
    db: Db,
    group: string,
    members: readonly { address: Address; inputsBlockHash: Hex }[],
  ): Promise<Map<Address, OwnInputs>> {
    const kept = this.groups.get(group);
    const now = new Map<Address, OwnInputs>();
    const keep = new Map<Address, OwnInputs>();
    const missing = new Map<Address, Hex>();
    for (const m of members) {
      const id = lower(m.address);
      const inputs = kept?.get(id);
      if (inputs?.inputsBlockHash === m.inputsBlockHash) {
        now.set(id, inputs);
        keep.set(id, inputs);
      } else missing.set(id, m.inputsBlockHash);
    }
    if (missing.size > 0) {
      const ids = [...missing.keys()];
      const read = await readOwnInputs(db, ids);
      const after = await inputsBlockHashes(db, ids);
      for (const inputs of read) {
        now.set(inputs.address, inputs);
        const before = missing.get(inputs.address);
        if (
          inputs.inputsBlockHash === before &&
          after.get(inputs.address) === before
        )
          keep.set(inputs.address, inputs);
      }
    }
    this.groups.set(group, keep);
    return now;
  }
}

/** The markets, collateral assets and latest prices, to price own inputs with. */
export async function readPricing(db: Db) {
  const markets = await db
    .select({
      id: market.id,
      oracle: market.oracle,
      maintenanceFractionWad: market.maintenanceFractionWad,
      initialFractionWad: market.initialFractionWad,
    })
    .from(market);
  const assets = await db
    .select({
      id: collateralAsset.id,
      oracle: collateralAsset.oracle,
      decimals: collateralAsset.decimals,
      haircutWad: collateralAsset.haircutWad,
    })
    .from(collateralAsset);
  const prices = await db
    .select({ oracle: price.oracle, priceWad: price.priceWad })
    .from(price);
  return {
    markets: new Map(markets.map((m) => [m.id, m])),
    assets: new Map(assets.map((a) => [a.id, a])),
    prices: new Map(prices.map((p) => [lower(p.oracle), p.priceWad])),
  };
}

export type Pricing = Awaited<ReturnType<typeof readPricing>>;

/**
 * The positions and collaterals with their oracle, parameters and latest
 * price (undefined before the oracle's first push). One whose market or asset
 * is not listed is left out, as the handlers' joins leave it.
 */
export function priced(
  inputs: OwnInputs,
  pricing: Pricing,
): { positions: PricedPosition[]; collaterals: PricedCollateral[] } {
  const positions: PricedPosition[] = [];
  for (const p of inputs.positions) {
    const m = pricing.markets.get(p.marketId);
    if (m === undefined) continue;
    positions.push({
      ...p,
      oracle: m.oracle,
      maintenanceFractionWad: m.maintenanceFractionWad,
      initialFractionWad: m.initialFractionWad,
      priceWad: pricing.prices.get(lower(m.oracle)),
    });
  }
  const collaterals: PricedCollateral[] = [];
  for (const c of inputs.collaterals) {
    const a = pricing.assets.get(c.collateralId);
    if (a === undefined) continue;
    collaterals.push({
      ...c,
      oracle: a.oracle,
      decimals: a.decimals,
      haircutWad: a.haircutWad,
      priceWad: pricing.prices.get(lower(a.oracle)),
    });
  }
  return { positions, collaterals };
}
