// The index's rows behind GET /solvency at one block.
import { desc, lte, type ReadonlyDrizzle } from "ponder";
import { bondSeriesHistory, solvencySnapshot } from "ponder:schema";
import type * as schema from "../../ponder.schema.ts";

type Db = ReadonlyDrizzle<typeof schema>;

// The latest snapshot at or before `block`; undefined before the first one.
export async function snapshotAt(db: Db, block: bigint) {
  const [row] = await db
    .select()
    .from(solvencySnapshot)
    .where(lte(solvencySnapshot.block, block))
    .orderBy(desc(solvencySnapshot.block))
    .limit(1);
  return row;
}

// Every series issued by `block`, each as its latest history row at or before
// it.
export async function seriesAt(db: Db, block: bigint) {
  return db
    .selectDistinctOn([bondSeriesHistory.seriesId])
    .from(bondSeriesHistory)
    .where(lte(bondSeriesHistory.block, block))
    .orderBy(bondSeriesHistory.seriesId, desc(bondSeriesHistory.block));
}
