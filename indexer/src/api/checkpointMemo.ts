// Work the API does once per indexed block. Every keeper instance reads the
// liquidatable accounts after every block, a page at a time; the health of a
// band's accounts at the latest prices is the same for all of those reads until
// the indexer commits its next block, so it is computed once and reused.
//
// Ponder commits a block's rows and `_ponder_checkpoint` in one transaction,
// and a reorg's rollback moves the checkpoint back the same way; so a value
// computed after reading checkpoint c holds rows at c or later, and a reader
// at a new checkpoint never sees it. The checkpoint names a block by its
// timestamp and number: two blocks that share both (a reorg inside one slot)
// share a key.
import { type ReadonlyDrizzle, sql } from "ponder";
import type * as schema from "../../ponder.schema.ts";

type Db = ReadonlyDrizzle<typeof schema>;

/** Every chain's latest indexed checkpoint, as one key: it changes with each block the indexer commits. */
export async function checkpointKey(db: Db): Promise<string> {
  const result = await db.execute(
    sql`select latest_checkpoint from _ponder_checkpoint order by chain_id`,
  );
  return (result.rows as { latest_checkpoint: string }[])
    .map((r) => r.latest_checkpoint)
    .join(",");
}

/**
 * Values by key, valid at one checkpoint: a read at another checkpoint drops
 * them all. Concurrent reads of one key share one computation; a computation
 * that fails is not kept (its readers get the error).
 */
export class CheckpointMemo<V> {
  private checkpoint: string | undefined;
  private readonly values = new Map<string, Promise<V>>();

  get(checkpoint: string, key: string, compute: () => Promise<V>): Promise<V> {
    if (checkpoint !== this.checkpoint) {
      this.checkpoint = checkpoint;
      this.values.clear();
    }
    const kept = this.values.get(key);
    if (kept !== undefined) return kept;
    const value = compute();
    this.values.set(key, value);
    // The caller awaits `value` and sees its error; this only forgets it.
    value.then(undefined, () => {
      if (this.values.get(key) === value) this.values.delete(key);
    });
    return value;
  }
}
