// The account row: its quote balance and what it holds (the market and
// collateral ids the health recompute reads by key, ./accountHealth.ts).
import type { Context } from "ponder:registry";
import { account } from "ponder:schema";
import type { Address } from "viem";

type Db = Context["db"];

/** A change an event makes to an account row; `undefined` fields stay as they are. */
export type AccountChange = {
  quoteBalanceWad?: bigint;
  market?: { id: bigint; open: boolean }; // a position in it is nonzero
  collateral?: { id: bigint; held: boolean }; // a balance of it is nonzero
};

/** `ids` with `id` in or out, ascending, as decimal strings. */
export function withId(
  ids: readonly string[],
  id: bigint,
  present: boolean,
): string[] {
  const key = id.toString();
  const rest = ids.filter((x) => x !== key);
  if (present) rest.push(key);
  return rest.sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
}

/** Creates the account on first sight and applies `change`. */
export async function touchAccount(
  db: Db,
  address: Address,
  block: bigint,
  change: AccountChange = {},
): Promise<void> {
  const lists = (marketIds: string[], collateralIds: string[]) => ({
    marketIds: change.market
      ? withId(marketIds, change.market.id, change.market.open)
      : marketIds,
    collateralIds: change.collateral
      ? withId(collateralIds, change.collateral.id, change.collateral.held)
      : collateralIds,
  });
  await db
    .insert(account)
    .values({
      address,
      quoteBalanceWad: change.quoteBalanceWad ?? 0n,
      ...lists([], []),
      createdBlock: block,
      updatedBlock: block,
    })
    .onConflictDoUpdate((row) => ({
      ...(change.quoteBalanceWad === undefined
        ? {}
        : { quoteBalanceWad: change.quoteBalanceWad }),
      ...lists(row.marketIds, row.collateralIds),
      updatedBlock: block,
    }));
}
