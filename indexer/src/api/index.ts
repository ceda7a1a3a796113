// HTTP API: GraphQL and SQL-over-HTTP over every table, plus JSON routes for
// the keeper and the report. Ponder reserves /status (per-chain indexing
// progress), /health, /ready and /metrics for itself.
import { Hono } from "hono";
import { client, eq, graphql, replaceBigInts, sql } from "ponder";
import { db, publicClients } from "ponder:api";
import schema, { auction, protocolStats } from "ponder:schema";
import { iAuctionHouseAbi } from "../../../abi/src/generated.ts";
import { WAD } from "../health.ts";
import { atRiskAccounts } from "./atRisk.ts";
import { decodeCheckpoint } from "./checkpoint.ts";
import { ParamError, parseLimitParam, parseWadParam } from "./params.ts";

const app = new Hono();

const json = (value: unknown) => replaceBigInts(value, (v) => v.toString());

app.use("/sql/*", client({ db, schema }));
app.use("/graphql", graphql({ db, schema }));
app.use("/", graphql({ db, schema }));

app.onError((error, c) => {
  if (error instanceof ParamError) return c.json({ error: error.message }, 400);
  throw error;
});

// GET /accounts/at-risk?maxHealth=1.0&limit=100 — healthWad < maxHealth × 1e18,
// lowest first.
app.get("/accounts/at-risk", async (c) => {
  const maxHealthWad = parseWadParam(
    "maxHealth",
    c.req.query("maxHealth"),
    WAD,
  );
  const limit = parseLimitParam("limit", c.req.query("limit"), 100, 1000);
  const accounts = await atRiskAccounts(db, maxHealthWad, limit);
  return c.json(json({ maxHealthWad, count: accounts.length, accounts }));
});

// GET /status/latest — the last block the indexer has fully processed; the
// keeper refuses data older than it likes.
app.get("/status/latest", async (c) => {
  const result = await db.execute<{
    chain_id: string | number;
    latest_checkpoint: string;
  }>(
    sql`select chain_id, latest_checkpoint from _ponder_checkpoint order by chain_id limit 1`,
  );
  const row = result.rows[0];
  if (row === undefined)
    return c.json({ error: "indexing has not started" }, 503);
  return c.json(decodeCheckpoint(Number(row.chain_id), row.latest_checkpoint));
});

// GET /auctions/active — live auctions with their current price and whether
// they must be reset, read from the auction house at the chain head.
app.get("/auctions/active", async (c) => {
  const rows = await db
    .select()
    .from(auction)
    .where(eq(auction.active, true))
    .orderBy(auction.id);
  const client = publicClients.anvil;
  const auctions = await Promise.all(
    rows.map(async (row) => {
      const house = await client.readContract({
        abi: iAuctionHouseAbi,
        address: row.house,
        functionName: "status",
        args: [row.id],
      });
      return { ...row, priceWad: house[0], needsReset: house[1] };
    }),
  );
  return c.json(json({ count: auctions.length, auctions }));
});

// GET /stats — the protocol_stats row.
app.get("/stats", async (c) => {
  const [row] = await db
    .select()
    .from(protocolStats)
    .where(eq(protocolStats.id, "global"));
  if (row === undefined) return c.json({ error: "no stats yet" }, 503);
  return c.json(json(row));
});

export default app;
