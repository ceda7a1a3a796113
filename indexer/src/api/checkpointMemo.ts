// Work the API does once per indexed block. Every keeper instance reads the
// liquidatable accounts after every block, a page at a time; the health of a
// band's accounts at the latest prices is the same for all of those reads until
// the indexer commits its next block, so it is computed once and reused.
//
// Ponder commits a block's rows and `_ponder_checkpoint` in one transaction,
// so a value computed after reading checkpoint c holds rows at c or later, and
// a reader at a new checkpoint never sees it. A reorg's rollback reverts the
// rows but leaves the checkpoint at the orphaned block until the next block
// commits; the key also holds the hash of the last block the per-block handler
// ran for (indexed_head), which the rollback reverts with the rows.
import { type ReadonlyDrizzle, sql } from "ponder";
import type * as schema from "../../ponder.schema.ts";

type Db = ReadonlyDrizzle<typeof schema>;

/** Every chain's latest indexed checkpoint and the indexed head's hash, as one key: it changes with each block the indexer commits and with a reorg's rollback. */
export async function checkpointKey(db: Db): Promise<string> {
  const result = await db.execute(
    sql`select latest_checkpoint as part from _ponder_checkpoint union all select hash from indexed_head`,
  );
  return (result.rows as { part: string }[])
    .map((r) => r.part)
    .sort()
    .join(",");
}

/**
 * Values by key, valid at one checkpoint: a read at another checkpoint drops
 * them all. Concurrent reads of one key share one computation; a computation
 * that fails is not kept (its readers get the error). At most `maxValues` are
 * kept per checkpoint: past them a value is computed for its reader alone.
 */
export class CheckpointMemo<V> {
  private checkpoint: string | undefined;
  private readonly values = new Map<string, Promise<V>>();

  constructor(private readonly maxValues = Number.POSITIVE_INFINITY) {}

  get(checkpoint: string, key: string, compute: () => Promise<V>): Promise<V> {
    if (checkpoint !== this.checkpoint) {
      this.checkpoint = checkpoint;
      this.values.clear();
    }
    const kept = this.values.get(key);
    if (kept !== undefined) return kept;
    if (this.values.size >= this.maxValues) return compute();
    const value = compute();
    this.values.set(key, value);
    // The caller awaits `value` and sees its error; this only forgets it.
    value.then(undefined, () => {
      if (this.values.get(key) === value) this.values.delete(key);
    });
    return value;
  }
}
