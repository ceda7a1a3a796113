/**
 * This keeper's share of the work when several keepers run against one index (KEEPER_SHARD=index/count): each takes
 * the accounts whose address hash falls in its shard, the auctions whose id does, and shard 0 alone works the
 * solvency waterfall. Shards never overlap, so two keepers never send for the same account or auction; a keeper that
 * stops leaves its shard unworked until it is back (or another is started with its shard), never worked twice.
 */
import { keccak256, type Address } from "viem";

export type Shard = { index: number; count: number };

/** The whole of the work: one keeper. */
export const WHOLE: Shard = { index: 0, count: 1 };

/** Whether the account is this shard's: keccak256 of its 20 bytes, modulo the count. */
export function ownsAccount(shard: Shard, account: Address): boolean {
  if (shard.count === 1) return true;
  return (
    BigInt(keccak256(account)) % BigInt(shard.count) === BigInt(shard.index)
  );
}

/** Whether the auction (by its id in its house) is this shard's. */
export function ownsAuction(shard: Shard, id: bigint): boolean {
  return id % BigInt(shard.count) === BigInt(shard.index);
}

/** Whether this shard works the chores that have no account: the solvency waterfall. */
export function ownsChores(shard: Shard): boolean {
  return shard.index === 0;
}

/** Parses `index/count` (0 ≤ index < count ≤ 1024); null when malformed. */
export function parseShard(text: string): Shard | null {
  const match = /^(\d{1,4})\/(\d{1,4})$/.exec(text.trim());
  if (match === null) return null;
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || count > 1024 || index >= count) return null;
  return { index, count };
}
