// Ponder parses every distinct raw SQL statement an indexing function runs
// (to know whether it only reads). patches/ponder@0.16.10.patch shares one
// parser module across parses; the module's parse() never pops its input off
// the module's 64 KB stack, so a module shared for good overflowed it after
// about 50 KB of statements and the indexer hung inside the parser.
import assert from "node:assert/strict";
import { test } from "node:test";

const sqlParse = new URL(
  "../node_modules/ponder/dist/esm/utils/sql-parse.js",
  import.meta.url,
).href;

test(
  "Ponder's SQL parser reads 150 KB of distinct statements",
  { timeout: 120_000 },
  async () => {
    const { isReadonlySQLQuery } = (await import(sqlParse)) as {
      isReadonlySQLQuery: (sql: string) => Promise<boolean>;
    };
    for (let i = 0; i < 1_000; i++) {
      const read = `select "account" from "health_watch" where "oracle" = $1 and "band_below_wad" > ${i} order by "band_below_wad" desc limit $2`;
      assert.equal(await isReadonlySQLQuery(read), true, read);
    }
    assert.equal(
      await isReadonlySQLQuery(
        `delete from "health_watch" where "oracle" = $1`,
      ),
      false,
    );
  },
);
