// HTTP API: GraphQL and SQL-over-HTTP over every table, plus JSON routes for
// the keeper and the report. Ponder reserves /status (per-chain indexing
// progress), /health, /ready and /metrics for itself.
import { Hono } from "hono";
import { and, client, eq, graphql, sql } from "ponder";
import { db, publicClients } from "ponder:api";
import schema, {
  auction,
  auctionConfig,
  backstopAsset,
  backstopState,
  collateralAsset,
  lendingCollateralAsset,
  price,
  protocolStats,
} from "ponder:schema";
import { deployment } from "../protocols.ts";
import { WAD } from "../health.ts";
import { accountHealthNow } from "./accountsBelow.ts";
import { parseCursorParam } from "./atRisk.ts";
import { atRiskPageText } from "./atRiskPage.ts";
import { lendingSummary } from "./lendingAtRisk.ts";
import { readLiveAuctions } from "./auctions.ts";
import { summarizeBackstop } from "./backstopStats.ts";
import { decodeCheckpoint, type IndexedBlock } from "./checkpoint.ts";
import { crossingBody, parseCrossingParams } from "./crossing.ts";
import { crossingCandidates, priceHistories } from "./crossingQuery.ts";
import { json, jsonTextResponse } from "./json.ts";
import { preLiquidationSummary, zonesOf } from "./preLiquidationQuery.ts";
import {
  ParamError,
  parseAddressParam,
  parseBlockParam,
  parseLimitParam,
  parseProtocolParam,
  parseWadParam,
} from "./params.ts";
import {
  BlockRangeError,
  checkBlockInRange,
  IdentityError,
  solvencyBody,
  stateOf,
} from "./solvency.ts";
import { seriesAt, snapshotAt } from "./solvencyQuery.ts";
import { MIN_WATCH_PAGE_ROWS, watchBoxes } from "./watchBoxes.ts";

// The same deployments file as ponder.config.ts: /solvency refuses blocks
// before its start block; `?protocol=` names one of its protocols, and each
// route answers from the tables of that protocol's kind of health math.
const startBlock = BigInt(deployment.startBlock);
const protocolOf = (value: string | undefined) =>
  parseProtocolParam("protocol", value, deployment.protocols);

const app = new Hono();

app.use("/sql/*", client({ db, schema }));
app.use("/graphql", graphql({ db, schema }));
app.use("/", graphql({ db, schema }));

app.onError((error, c) => {
  if (error instanceof ParamError) return c.json({ error: error.message }, 400);
  if (error instanceof BlockRangeError)
    return c.json({ error: error.message }, 404);
  if (error instanceof IdentityError)
    return c.json({ error: error.message }, 500);
  throw error;
});

// The last block the indexer has fully processed; undefined before it starts.
async function indexedHead(): Promise<IndexedBlock | undefined> {
  const result = await db.execute<{
    chain_id: string | number;
    latest_checkpoint: string;
  }>(
    sql`select chain_id, latest_checkpoint from _ponder_checkpoint order by chain_id limit 1`,
  );
  const row = result.rows[0];
  return row === undefined
    ? undefined
    : decodeCheckpoint(Number(row.chain_id), row.latest_checkpoint);
}

// GET /accounts/at-risk?maxHealth=1.0&limit=100(&after=cursor)(&protocol=name)
// — healthWad < maxHealth × 1e18 at the latest indexed prices, lowest first, a
// page of at most `limit`; `next` is the `after` of the following page, null
// on the last. One row shape for every protocol: for a lending market
// `healthWad` is the health factor (Σ value × liquidation LTV ÷ debt), which
// is < 1 exactly when the account is liquidatable, as equity ÷ maintenance is
// for a margin protocol (./lendingAtRisk.ts).
app.get("/accounts/at-risk", async (c) => {
  const maxHealthWad = parseWadParam(
    "maxHealth",
    c.req.query("maxHealth"),
    WAD,
  );
  const limit = parseLimitParam("limit", c.req.query("limit"), 100, 1000);
  const protocol = protocolOf(c.req.query("protocol"));
  const after = parseCursorParam("after", c.req.query("after"));
  return jsonTextResponse(
    c,
    await atRiskPageText(db, protocol, maxHealthWad, limit, after),
  );
});

// GET /accounts/watch?limit=2000(&after=address) — every exposed account's
// line box per oracle (./watchBoxes.ts), in address order, about `limit` rows a
// page; `next` is the `after` of the following page, null on the last. With
// them a keeper sees which accounts a push may have taken across before the
// index has processed it. `block` is the indexed block they hold at. Boxes
// are kept for a margin protocol's positions; a lending market's accounts
// have none (no positions: its keeper works them from /accounts/at-risk).
app.get("/accounts/watch", async (c) => {
  const protocol = protocolOf(c.req.query("protocol"));
  const limit = parseLimitParam("limit", c.req.query("limit"), 2000, 10_000);
  if (limit < MIN_WATCH_PAGE_ROWS)
    throw new ParamError(
      `limit must be at least ${MIN_WATCH_PAGE_ROWS} (one account's boxes at most), got ${limit}`,
    );
  const afterText = c.req.query("after");
  const after =
    afterText === undefined || afterText === ""
      ? undefined
      : parseAddressParam("after", afterText);
  const head = await indexedHead();
  const page =
    protocol.kind === "margin"
      ? await watchBoxes(db, limit, after)
      : { accounts: [], next: null };
  return json(c, {
    protocol: protocol.name,
    block: head?.latestBlock ?? null,
    ...page,
  });
});

// GET /accounts/:address/health — one account's margin at the latest indexed
// prices (account_health keeps the amounts of its last recompute), its band,
// and its breach; 404 before its first event.
app.get("/accounts/:address/health", async (c) => {
  const address = parseAddressParam("address", c.req.param("address"));
  const row = await accountHealthNow(db, address);
  if (row === undefined)
    return c.json({ error: `no account ${address} in the index` }, 404);
  const { positions: _p, collaterals: _c, ...health } = row;
  return json(c, health);
});

// GET /accounts/crossing?horizonSeconds=3600&minProbability=0.05&limit=100
// (&maxHealth=3&monitoringIntervalSeconds=0) — accounts below maxHealth with
// the probability of crossing maintenance within the horizon, highest first:
// the distance, the volatility used and the inputs' age (see ./crossing.ts and
// ../risk/). Accounts the model cannot rate are listed under `unrated`. The
// model is of a margin protocol's positions: a lending market answers an empty
// list (its accounts are read from /accounts/at-risk).
app.get("/accounts/crossing", async (c) => {
  const protocol = protocolOf(c.req.query("protocol"));
  const params = parseCrossingParams((name) => c.req.query(name));
  if (protocol.kind !== "margin")
    return c.json({
      protocol: protocol.name,
      count: 0,
      accounts: [],
      unrated: [],
    });
  const head = await indexedHead();
  if (head === undefined)
    return c.json({ error: "indexing has not started" }, 503);
  const { candidates, truncated } = await crossingCandidates(
    db,
    params.maxHealthWad,
  );
  const oracles = candidates.flatMap((a) => [
    ...a.positions.map((p) => p.oracle),
    ...a.collaterals.map((x) => x.oracle),
  ]);
  const histories = await priceHistories(db, oracles);
  const zones = await zonesOf(
    db,
    candidates.map((a) => ({
      ...a,
      marketIds: a.positions.map((p) => p.marketId),
    })),
  );
  return json(
    c,
    crossingBody(
      candidates,
      histories,
      params,
      {
        block: BigInt(head.latestBlock),
        timestamp: BigInt(head.latestTimestamp),
      },
      truncated,
      zones,
    ),
  );
});

// GET /lending/summary — the lending market's liquidations by kind ("sale",
// "backstop", "kick", "take", "bad-debt"), accounts liquidated, bad debt sent
// to the shared waterfall and the fund's part of it, and the borrow index.
app.get("/lending/summary", async (c) => {
  return json(c, await lendingSummary(db));
});
// GET /preliquidations — the soft margin call so far: how many, the incentive
// paid to callers, the closed notional, the accounts touched, and each
// market's zone and schedule (see ./preLiquidationQuery.ts).
app.get("/preliquidations", async (c) =>
  json(c, await preLiquidationSummary(db)),
);

// GET /status/latest — the last block the indexer has fully processed; the
// keeper refuses data older than it likes.
app.get("/status/latest", async (c) => {
  const head = await indexedHead();
  if (head === undefined)
    return c.json({ error: "indexing has not started" }, 503);
  return c.json(head);
});

// GET /solvency?block=n — every layer of the solvency waterfall as of the end
// of block n (the indexed head without `block`): the latest snapshot at or
// before n and each series' state then (see ./solvency.ts). 400 for a bad
// block, 404 before the start block or beyond the indexed head. `timestamp` is
// block n's, from the chain's header.
app.get("/solvency", async (c) => {
  const asked = parseBlockParam("block", c.req.query("block"));
  const head = await indexedHead();
  if (head === undefined)
    return c.json({ error: "indexing has not started" }, 503);
  const block = asked ?? BigInt(head.latestBlock);
  checkBlockInRange(block, startBlock, BigInt(head.latestBlock));
  const [snapshot, series, header] = await Promise.all([
    snapshotAt(db, block),
    seriesAt(db, block),
    publicClients.anvil.getBlock({ blockNumber: block }),
  ]);
  return c.json(
    solvencyBody(block, header.timestamp, stateOf(snapshot), series),
  );
});

// GET /auctions/active(?protocol=name) — live auctions of the protocol's
// auction house with, at the chain head: the curve price, the floor, whether
// the price is below it (the backstop may buy) and whether the auction must be
// reset (see ./auctions.ts).
app.get("/auctions/active", async (c) => {
  const protocol = protocolOf(c.req.query("protocol"));
  const rows = await db
    .select()
    .from(auction)
    .where(and(eq(auction.protocol, protocol.name), eq(auction.active, true)))
    .orderBy(auction.id);
  const params = await db
    .select()
    .from(auctionConfig)
    .where(eq(auctionConfig.house, protocol.auctionHouse));
  // The collateral oracles: the protocol's own listing, by its kind.
  const assets =
    protocol.kind === "lending"
      ? await db
          .select({
            id: lendingCollateralAsset.id,
            oracle: lendingCollateralAsset.oracle,
          })
          .from(lendingCollateralAsset)
      : await db
          .select({ id: collateralAsset.id, oracle: collateralAsset.oracle })
          .from(collateralAsset);
  const live = await readLiveAuctions(
    publicClients.anvil,
    rows,
    new Map(params.map((p) => [p.collateralId, p])),
    new Map(assets.map((a) => [a.id, a.oracle])),
  );
  return json(c, {
    protocol: protocol.name,
    block: live.block,
    timestamp: live.timestamp,
    count: live.auctions.length,
    auctions: live.auctions,
  });
});

// GET /stats — the protocol_stats row, and under `backstop` the backstop
// vault's state, holdings per asset at the latest indexed prices and its
// mark-to-oracle result (see ./backstopStats.ts); `backstop` is null before the
// vault is indexed.
app.get("/stats", async (c) => {
  const [row] = await db
    .select()
    .from(protocolStats)
    .where(eq(protocolStats.id, "global"));
  if (row === undefined) return c.json({ error: "no stats yet" }, 503);
  const [state] = await db
    .select()
    .from(backstopState)
    .orderBy(backstopState.address)
    .limit(1);
  let backstop = null;
  if (state !== undefined) {
    const assets = await db.select().from(backstopAsset);
    const prices = await db.select().from(price);
    backstop = summarizeBackstop(
      state,
      assets,
      new Map(prices.map((p) => [p.oracle, p])),
    );
  }
  return json(c, { ...row, backstop });
});

export default app;
