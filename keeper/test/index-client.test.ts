import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { getAddress } from "viem";
import {
  IndexerHttpError,
  IndexerRequestError,
  IndexerResponseError,
} from "../src/errors.ts";
import {
  ACTIVE_AUCTIONS_PATH,
  AT_RISK_PATH,
  createIndexClient,
} from "../src/index-client.ts";

const BASE = "http://indexer.test";

function client(
  respond: (url: string, init?: RequestInit) => Promise<Response>,
  timeoutMs = 1000,
) {
  const urls: string[] = [];
  const fetchFn = (async (
    input: string | URL | Request,
    init?: RequestInit,
  ) => {
    const url = String(input);
    urls.push(url);
    return respond(url, init);
  }) as typeof fetch;
  return {
    index: createIndexClient({
      baseUrl: `${BASE}/`,
      timeoutMs,
      protocol: "perps",
      fetch: fetchFn,
    }),
    urls,
  };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });

const ROW = {
  address: "0x000000000000000000000000000000000000a11c",
  healthWad: "900000000000000000",
  equityWad: "-5000000000000000000",
  maintenanceWad: "100000000000000000000",
  quoteBalanceWad: "-12000000000000000000",
  breachBlock: "100",
  block: 109,
  marketIds: [0, 1],
  collateralIds: [1],
};

/** A row of `GET /auctions/active` as the indexer serves it: the auction table row plus the status read. */
const AUCTION = {
  id: "3",
  house: "0x00000000000000000000000000000000000000a1",
  account: "0x000000000000000000000000000000000000a11c",
  collateralId: "0",
  keeper: "0x00000000000000000000000000000000000000ee",
  lot: "3000000000000000000",
  targetWad: "5250000000000000000000",
  startPriceWad: "1980000000000000000000",
  startedAt: "1700000000",
  kickRewardWad: "10250000000000000000",
  resets: 0,
  takes: 0,
  active: true,
  lotReturned: null,
  targetUnraisedWad: null,
  kickedBlock: "120",
  endedBlock: null,
  priceWad: "1940000000000000000000",
  needsReset: false,
};

describe("index client", () => {
  it("fetches the live auctions and parses ids, amounts and addresses", async () => {
    const { index, urls } = client(async () =>
      json({ count: 1, auctions: [AUCTION] }),
    );
    const [auction] = await index.activeAuctions();
    assert.equal(urls[0], `${BASE}${ACTIVE_AUCTIONS_PATH}?protocol=perps`);
    assert.deepEqual(auction, {
      id: 3n,
      house: getAddress(AUCTION.house),
      account: getAddress(AUCTION.account),
      collateralId: 0,
      lot: 3n * 10n ** 18n,
      targetWad: 5_250n * 10n ** 18n,
      priceWad: 1_940n * 10n ** 18n,
      needsReset: false,
    });
  });

  it("refuses a live auction without its reset flag, naming the field", async () => {
    const { index } = client(async () =>
      json({ count: 1, auctions: [{ ...AUCTION, needsReset: "no" }] }),
    );
    await assert.rejects(index.activeAuctions(), (error: unknown) => {
      assert.ok(error instanceof IndexerResponseError);
      assert.match(error.details ?? "", /auctions\.0\.needsReset/);
      return true;
    });
  });

  it("fetches the at-risk list and parses bigints and the address", async () => {
    const { index, urls } = client(async () =>
      json({
        maxHealthWad: "1000000000000000000",
        count: 1,
        accounts: [ROW],
        next: null,
      }),
    );
    const [row] = await index.atRisk();
    assert.equal(urls[0], `${BASE}${AT_RISK_PATH}&protocol=perps`);
    assert.equal(row?.address, getAddress(ROW.address));
    assert.equal(row?.healthWad, 9n * 10n ** 17n);
    assert.equal(row?.equityWad, -5n * 10n ** 18n);
    assert.equal(row?.breachBlock, 100n);
    assert.equal(row?.block, 109n);
    assert.deepEqual(row?.marketIds, [0, 1]);
  });

  it("reads every page of the at-risk list, following each cursor", async () => {
    const second = {
      ...ROW,
      address: "0x000000000000000000000000000000000000b0b0",
    };
    const { index, urls } = client(async (url) =>
      url.includes("after=")
        ? json({ accounts: [second], next: null })
        : json({ accounts: [ROW], next: `900000000000000000:${ROW.address}` }),
    );
    const rows = await index.atRisk();
    assert.deepEqual(
      rows.map((r) => r.address),
      [getAddress(ROW.address), getAddress(second.address)],
    );
    assert.equal(
      urls[1],
      `${BASE}${AT_RISK_PATH}&protocol=perps&after=${encodeURIComponent(`900000000000000000:${ROW.address}`)}`,
    );
  });

  it("refuses an at-risk answer without its next cursor (a silent last page)", async () => {
    const { index } = client(async () => json({ accounts: [ROW] }));
    await assert.rejects(index.atRisk(), (error: unknown) => {
      assert.ok(error instanceof IndexerResponseError);
      assert.match(error.details ?? "", /next/);
      return true;
    });
  });

  it("accepts a null breach block", async () => {
    const { index } = client(async () =>
      json({ accounts: [{ ...ROW, breachBlock: null }], next: null }),
    );
    assert.equal((await index.atRisk())[0]?.breachBlock, null);
  });

  it("accepts the status with strings or numbers", async () => {
    const strings = client(async () =>
      json({ latestBlock: "1234", latestTimestamp: "1700000000" }),
    );
    assert.deepEqual(await strings.index.status(), {
      latestBlock: 1234n,
      latestTimestamp: 1_700_000_000n,
    });
    const numbers = client(async () =>
      json({ latestBlock: 1234, latestTimestamp: 1700000000 }),
    );
    assert.deepEqual(await numbers.index.status(), {
      latestBlock: 1234n,
      latestTimestamp: 1_700_000_000n,
    });
    assert.equal(strings.urls[0], `${BASE}/status/latest`);
  });

  it("refuses an answer of the wrong shape, naming the field", async () => {
    const { index } = client(async () =>
      json({ accounts: [{ ...ROW, healthWad: 0.9 }], next: null }),
    );
    await assert.rejects(index.atRisk(), (error: unknown) => {
      assert.ok(error instanceof IndexerResponseError);
      assert.match(error.details ?? "", /accounts\.0\.healthWad/);
      return true;
    });
  });

  it("refuses an unsafe JSON number for a bigint", async () => {
    const { index } = client(async () =>
      json({ latestBlock: 2 ** 60, latestTimestamp: 1 }),
    );
    await assert.rejects(index.status(), IndexerResponseError);
  });

  it("reports an HTTP error status", async () => {
    const { index } = client(async () => new Response("boom", { status: 503 }));
    await assert.rejects(index.status(), (error: unknown) => {
      assert.ok(error instanceof IndexerHttpError);
      assert.equal(error.status, 503);
      assert.match(error.shortMessage, /HTTP 503/);
      return true;
    });
  });

  it("times out a request that never answers", async () => {
    const { index } = client(
      (_url, init) =>
        new Promise<Response>((_resolve, reject) => {
          // AbortSignal.timeout does not keep the event loop alive; a hanging socket would.
          const socket = setTimeout(
            () => reject(new Error("test: the timeout never fired")),
            5_000,
          );
          init?.signal?.addEventListener("abort", () => {
            clearTimeout(socket);
            reject(init.signal?.reason);
          });
        }),
      50,
    );
    await assert.rejects(index.status(), (error: unknown) => {
      assert.ok(error instanceof IndexerRequestError);
      assert.match(error.details ?? "", /no answer within 50 ms/);
      assert.ok(error.cause !== undefined);
      return true;
    });
  });

  it("wraps a network failure with its cause", async () => {
    const { index } = client(async () => {
      throw new TypeError("fetch failed");
    });
    await assert.rejects(index.atRisk(), (error: unknown) => {
      assert.ok(error instanceof IndexerRequestError);
      assert.match(error.details ?? "", /fetch failed/);
      return true;
    });
  });
});
