import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { describe, it } from "node:test";
import { getAddress, type Address } from "viem";
import { pino } from "pino";
import { createNearLineSource, crossingPath } from "../src/crossing-client.ts";
import {
  ConfigError,
  IndexerHttpError,
  IndexerResponseError,
} from "../src/errors.ts";
import type { AtRiskAccount, IndexClient } from "../src/index-client.ts";
import { WAD } from "../src/math.ts";
import { runPass, type PassDeps } from "../src/pass.ts";
import {
  loadPredictConfig,
  type NearLineAccount,
  orderTargets,
  withNearLine,
} from "../src/predict.ts";
import type { Strategy } from "../src/strategy.ts";
import { passDeps, row, silentLogger } from "./fakes.ts";

const who = (n: number): Address =>
  getAddress(`0x${n.toString(16).padStart(40, "0")}`);
const atRisk = (n: number, healthPercent: number): AtRiskAccount =>
  row({ address: who(n), healthWad: (BigInt(healthPercent) * WAD) / 100n });
const nearLine = (
  n: number,
  probability: number,
  healthPercent = 120,
): NearLineAccount => ({ ...atRisk(n, healthPercent), probability });

describe("PREDICT_MIN_PROBABILITY and PREDICT_HORIZON_SECONDS", () => {
  it("off when unset; read and defaulted when set", () => {
    assert.equal(loadPredictConfig({}), undefined);
    assert.equal(
      loadPredictConfig({ PREDICT_MIN_PROBABILITY: " " }),
      undefined,
    );
    assert.deepEqual(loadPredictConfig({ PREDICT_MIN_PROBABILITY: "0.2" }), {
      minProbability: 0.2,
      minProbabilityText: "0.2",
      horizonSeconds: 300,
    });
    assert.deepEqual(
      loadPredictConfig({
        PREDICT_MIN_PROBABILITY: "1",
        PREDICT_HORIZON_SECONDS: "60",
      }),
      { minProbability: 1, minProbabilityText: "1", horizonSeconds: 60 },
    );
  });

  it("one line per bad variable", () => {
    const lines = (env: Record<string, string>) => {
      try {
        loadPredictConfig(env);
      } catch (error) {
        assert.ok(error instanceof ConfigError, String(error));
        return [...error.lines];
      }
      assert.fail(`accepted ${JSON.stringify(env)}`);
    };
    assert.deepEqual(
      lines({ PREDICT_MIN_PROBABILITY: "1.5", PREDICT_HORIZON_SECONDS: "0" }),
      [
        "config error: PREDICT_MIN_PROBABILITY: expected a decimal from 0 to 1, e.g. 0.2",
        "config error: PREDICT_HORIZON_SECONDS: expected an integer number of seconds from 1 to 86400",
      ],
    );
    for (const bad of ["-0.1", "20%", ".5", "abc"]) {
      assert.equal(lines({ PREDICT_MIN_PROBABILITY: bad }).length, 1, bad);
    }
    assert.deepEqual(lines({ PREDICT_HORIZON_SECONDS: "60" }), [
      "config error: PREDICT_HORIZON_SECONDS: set PREDICT_MIN_PROBABILITY too, or the prediction is off",
    ]);
  });
});

describe("orderTargets", () => {
  it("liquidatable first by health, then near-line by probability at or above the threshold", () => {
    const ordered = orderTargets(
      [atRisk(1, 95), atRisk(2, 40), atRisk(3, 80)],
      [
        nearLine(4, 0.3),
        nearLine(5, 0.9, 130),
        nearLine(6, 0.9, 110), // same probability, lower health: first
        nearLine(7, 0.19), // below the threshold
        nearLine(8, 0.2), // at it
      ],
      0.2,
    );
    assert.deepEqual(
      ordered.map((r) => r.address),
      [2, 3, 1, 6, 5, 4, 8].map(who),
    );
  });

  it("an account in both lists is worked on once, as at risk; duplicates once", () => {
    const ordered = orderTargets(
      [atRisk(1, 90)],
      [nearLine(1, 1, 90), nearLine(2, 0.5), nearLine(2, 0.5)],
      0.1,
    );
    assert.deepEqual(
      ordered.map((r) => r.address),
      [who(1), who(2)],
    );
  });
});

describe("withNearLine", () => {
  it("without a source: the at-risk accounts as they are", async () => {
    const rows = [atRisk(1, 90)];
    assert.deepEqual(await withNearLine(rows, undefined, silentLogger), rows);
  });

  it("a failed near-line read never holds up the at-risk accounts, and says so", async () => {
    const logged: string[] = [];
    const logger = pino(
      { level: "warn" },
      new Writable({
        write(chunk, _encoding, done) {
          logged.push(String(chunk));
          done();
        },
      }),
    );
    const rows = await withNearLine(
      [atRisk(1, 90)],
      {
        minProbability: 0.1,
        fetch: async () => {
          throw new Error("connection refused");
        },
      },
      logger,
    );
    assert.deepEqual(
      rows.map((r) => r.address),
      [who(1)],
    );
    assert.equal(logged.length, 1);
    assert.match(logged[0]!, /"event":"near-line-unavailable"/);
    assert.match(logged[0]!, /connection refused/);
  });

  it("runPass works through the near-line accounts after the at-risk ones", async () => {
    const order: Address[] = [];
    const index: PassDeps["index"] = {
      status: async () => ({ latestBlock: 100n, latestTimestamp: 0n }),
      atRisk: async () => [atRisk(1, 90)],
      activeAuctions: async () => [],
    };
    const strategy: Strategy = {
      processAccount: async (account) => {
        order.push(account.address);
        return [];
      },
      processAuction: async () => [],
      preLiquidateAccount: async () => [],
    };
    const result = await runPass(
      passDeps(index, strategy, {
        concurrency: 1,
        nearLine: {
          minProbability: 0.25,
          fetch: async () => [nearLine(3, 0.2), nearLine(2, 0.6)],
        },
      }),
      100n,
    );
    assert.equal(result.kind, "done");
    assert.deepEqual(order, [who(1), who(2)]);
  });
});

describe("GET /accounts/crossing client", () => {
  const PREDICT = {
    minProbability: 0.25,
    minProbabilityText: "0.25",
    horizonSeconds: 120,
  };
  const ROW = {
    address: "0x000000000000000000000000000000000000a11c",
    healthWad: "1100000000000000000",
    equityWad: "110000000000000000000",
    maintenanceWad: "100000000000000000000",
    quoteBalanceWad: "0",
    breachBlock: null,
    block: "109",
    marketIds: ["0"],
    collateralIds: [],
    probability: 0.42,
    method: "single-asset",
  };
  const source = (respond: () => Response, urls: string[] = []) =>
    createNearLineSource({
      baseUrl: "http://indexer.test/",
      timeoutMs: 1_000,
      protocol: "perps",
      predict: PREDICT,
      fetch: (async (input: string | URL | Request) => {
        urls.push(String(input));
        return respond();
      }) as typeof fetch,
    });
  const json = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), { status });

  it("asks for the configured horizon and threshold and parses the rows", async () => {
    const urls: string[] = [];
    const rows = await source(
      () => json({ count: 1, accounts: [ROW], unrated: [] }),
      urls,
    ).fetch();
    assert.deepEqual(urls, [
      "http://indexer.test/accounts/crossing?horizonSeconds=120&minProbability=0.25&limit=100&protocol=perps",
    ]);
    assert.equal(
      crossingPath(PREDICT, "perps"),
      urls[0]!.slice("http://indexer.test".length),
    );
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.probability, 0.42);
    assert.equal(rows[0]!.healthWad, (11n * WAD) / 10n);
    assert.deepEqual(rows[0]!.marketIds, [0]);
    assert.equal(rows[0]!.breachBlock, null);
  });

  it("refuses a bad probability and reports HTTP errors", async () => {
    await assert.rejects(
      source(() => json({ accounts: [{ ...ROW, probability: 1.5 }] })).fetch(),
      (error: unknown) =>
        error instanceof IndexerResponseError &&
        /accounts\.0\.probability/.test(error.details ?? ""),
    );
    await assert.rejects(
      source(() =>
        json({ accounts: [{ ...ROW, probability: "0.4" }] }),
      ).fetch(),
      IndexerResponseError,
    );
    await assert.rejects(
      source(() => json({ error: "minProbability must be ..." }, 400)).fetch(),
      (error: unknown) =>
        error instanceof IndexerHttpError && error.status === 400,
    );
  });
});
