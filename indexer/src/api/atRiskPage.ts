// The body of an /accounts/at-risk page, for either kind of protocol, kept as
// JSON text until the indexer's next block. Every keeper reads the same pages
// after every block; the second read of a page at a block (a second keeper, a
// retry, an analyst) is served the first one's text.
import type { ReadonlyDrizzle } from "ponder";
import type { ProtocolDeployment } from "../deployment.ts";
import type * as schema from "../../ponder.schema.ts";
import type { Cursor } from "./accountsBelow.ts";
import { atRiskAccounts, formatCursor } from "./atRisk.ts";
import { CheckpointMemo, checkpointKey } from "./checkpointMemo.ts";
import { jsonText } from "./json.ts";
import { lendingAtRiskAccounts } from "./lendingAtRisk.ts";

type Db = ReadonlyDrizzle<typeof schema>;

/** Pages kept per block: a 1,000-row page is about 450 KB of text, so at most about 30 MB. Past it a page is computed and not kept. */
export const MAX_KEPT_PAGES = 64;

const pages = new CheckpointMemo<string>(MAX_KEPT_PAGES);

/** The route's JSON text: the page of accounts below `maxHealthWad` after `after`, at most `limit`, and the next cursor. */
export async function atRiskPageText(
  db: Db,
  protocol: Pick<ProtocolDeployment, "name" | "kind">,
  maxHealthWad: bigint,
  limit: number,
  after?: Cursor,
): Promise<string> {
  const key = `${protocol.name} ${maxHealthWad} ${limit} ${formatCursor(after ?? null)}`;
  const checkpoint = await checkpointKey(db);
  return pages.get(checkpoint, key, async () => {
    const { accounts, next } =
      protocol.kind === "lending"
        ? await lendingAtRiskAccounts(db, maxHealthWad, limit, after)
        : await atRiskAccounts(db, maxHealthWad, limit, after, checkpoint);
    return jsonText({
      protocol: protocol.name,
      maxHealthWad,
      count: accounts.length,
      accounts,
      next,
    });
  });
}
