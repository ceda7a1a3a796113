import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  type CandidateAccount,
  type CrossingParams,
  crossingBody,
  parseCrossingParams,
  pricePoint,
} from "../src/api/crossing.ts";
import { ParamError } from "../src/api/params.ts";
import { WAD } from "../src/health.ts";
import { firstPassageProbability } from "../src/risk/firstPassage.ts";
import { type PricePoint, realizedVolatility } from "../src/risk/volatility.ts";

const query =
  (values: Record<string, string>) =>
  (name: string): string | undefined =>
    values[name];

describe("GET /accounts/crossing parameters", () => {
  test("defaults and valid values", () => {
    assert.deepEqual(parseCrossingParams(query({})), {
      horizonSeconds: 3_600,
      minProbability: 0.05,
      limit: 100,
      maxHealthWad: 3n * WAD,
      monitoringIntervalSeconds: 0,
    });
    assert.deepEqual(
      parseCrossingParams(
        query({
          horizonSeconds: "60",
          minProbability: "0.5",
          limit: "7",
          maxHealth: "1.25",
          monitoringIntervalSeconds: "12",
        }),
      ),
      {
        horizonSeconds: 60,
        minProbability: 0.5,
        limit: 7,
        maxHealthWad: (5n * WAD) / 4n,
        monitoringIntervalSeconds: 12,
      },
    );
    assert.equal(
      parseCrossingParams(query({ minProbability: "0" })).minProbability,
      0,
    );
    assert.equal(
      parseCrossingParams(query({ minProbability: "1.0" })).minProbability,
      1,
    );
  });

  test("each bad parameter: one error naming it", () => {
    const bad: Record<string, string[]> = {
      horizonSeconds: ["0", "1.5", "-60", "x", "2592001", "1e3"],
      minProbability: ["1.5", "-0.1", ".5", "abc", "1.01", "0.5%"],
      limit: ["0", "1001", "ten"],
      maxHealth: ["-1", "x"],
      monitoringIntervalSeconds: ["-1", "86401", "0.5"],
    };
    for (const [name, values] of Object.entries(bad)) {
      for (const value of values) {
        assert.throws(
          () => parseCrossingParams(query({ [name]: value })),
          (error: unknown) =>
            error instanceof ParamError &&
            error.message.startsWith(`${name} must be`) &&
            error.message.includes(`"${value}"`),
          `${name}=${value}`,
        );
      }
    }
  });
});

// Accounts on a 5%-maintenance ETH market (oracle E) with WBTC collateral (oracle B).
const E = "0x00000000000000000000000000000000000000e0";
const B = "0x00000000000000000000000000000000000000b0";
const HEAD = { block: 500n, timestamp: 10_000n };
const PARAMS: CrossingParams = {
  horizonSeconds: 3_600,
  minProbability: 0.05,
  limit: 100,
  maxHealthWad: 2n * WAD,
  monitoringIntervalSeconds: 0,
};
const wad = (x: number) => BigInt(Math.round(x * 1e6)) * 10n ** 12n;

// ±0.2% every 30 s up to 9,970 s: σ ≈ 3.7e-4 /√s (≈ 2.1 annualized).
const history = (base: number, move: number, count = 41): PricePoint[] =>
  Array.from({ length: count }, (_, i) => ({
    timestampSeconds: 9_970 - 30 * (count - 1 - i),
    price: base * Math.exp(move * (i % 2)),
  }));

function candidate(
  address: string,
  quoteBalance: number,
  extra: Partial<CandidateAccount> = {},
): CandidateAccount {
  return {
    address,
    healthWad: WAD,
    equityWad: 0n,
    initialWad: 0n,
    maintenanceWad: 0n,
    liquidatable: false,
    quoteBalanceWad: wad(quoteBalance),
    breachBlock: null,
    block: 480n,
    timestamp: 9_900n,
    positions: [
      {
        marketId: 0n,
        oracle: E,
        sizeWad: wad(10),
        openNotionalWad: wad(20_000),
        priceWad: wad(2_000),
        maintenanceFractionWad: WAD / 20n,
        initialFractionWad: WAD / 10n,
      },
    ],
    collaterals: [],
    ...extra,
  };
}

describe("GET /accounts/crossing body", () => {
  const histories = new Map([
    [E, history(2_000, 0.002)],
    [B, history(60_000, 0.001)],
  ]);

  test("a long near the line: the model's probability, its distance, the volatility and the inputs' age", () => {
    // Equity 1,150, maintenance 1,000: the line is 150 / 9.5 = $15.79 below $2,000.
    const body = crossingBody(
      [candidate("0xa1", 1_150)],
      histories,
      PARAMS,
      HEAD,
      false,
    );
    assert.equal(body.count, 1);
    const row = body.accounts[0]!;
    const sigma = realizedVolatility(histories.get(E)!);
    assert.equal(sigma.kind, "estimated");
    if (sigma.kind !== "estimated") return;
    const pStar = 2_000 - 150 / 9.5;
    const expected = firstPassageProbability({
      direction: "down",
      barrierRatio: pStar / 2_000,
      volPerSqrtSecond: sigma.volPerSqrtSecond,
      horizonSeconds: 3_600,
    });
    assert.ok(
      Math.abs(row.probability - expected) < 1e-9,
      `${row.probability} vs ${expected}`,
    );
    assert.equal(row.method, "single-asset");
    assert.equal(row.direction, "down");
    assert.equal(row.surplusWad, wad(150));
    assert.deepEqual(row.marketIds, [0n]);
    assert.deepEqual(row.collateralIds, []);
    assert.ok(Math.abs(row.factors[0]!.crossingPrice! - pStar) < 1e-9);
    assert.equal(row.factors[0]!.returns, 40);
    assert.equal(row.factors[0]!.windowSeconds, 1_200);
    assert.equal(row.volPerSqrtSecond, sigma.volPerSqrtSecond);
    assert.deepEqual(row.inputsAgeSeconds, {
      health: 100,
      oldestPrice: 30,
      volatilityWindow: 1_200,
    });
    assert.equal(body.scanned, 1);
    assert.deepEqual(body.unrated, []);
  });

  test("filtered by minProbability, sorted by probability then health, cut at the limit", () => {
    const candidates = [
      candidate("0xfa", 20_000), // far from the line
      candidate("0xb2", 1_100, { healthWad: (11n * WAD) / 10n }),
      candidate("0xc3", 1_100, { healthWad: (105n * WAD) / 100n }), // same probability, lower health
      candidate("0xd4", 1_300),
      candidate("0xe5", 900, {
        liquidatable: true,
        healthWad: (9n * WAD) / 10n,
      }), // past the line
    ];
    const body = crossingBody(candidates, histories, PARAMS, HEAD, true);
    assert.deepEqual(
      body.accounts.map((a) => a.address),
      ["0xe5", "0xc3", "0xb2", "0xd4"],
    );
    assert.equal(body.accounts[0]!.probability, 1);
    assert.equal(body.accounts[0]!.method, "already-crossed");
    assert.equal(body.truncated, true);
    const probabilities = body.accounts.map((a) => a.probability);
    assert.deepEqual(
      probabilities,
      [...probabilities].sort((a, b) => b - a),
    );
    assert.ok(probabilities.at(-1)! >= 0.05, `${probabilities.at(-1)}`);
    const limited = crossingBody(
      candidates,
      histories,
      { ...PARAMS, limit: 2 },
      HEAD,
      false,
    );
    assert.deepEqual(
      limited.accounts.map((a) => a.address),
      ["0xe5", "0xc3"],
    );
    const all = crossingBody(
      candidates,
      histories,
      { ...PARAMS, minProbability: 0 },
      HEAD,
      false,
    );
    assert.equal(all.count, 5);
  });

  test("too little history: unrated with the reason, not dropped silently", () => {
    const body = crossingBody(
      [candidate("0xa1", 1_150)],
      new Map([[E, history(2_000, 0.002, 6)]]),
      PARAMS,
      HEAD,
      false,
    );
    assert.equal(body.count, 0);
    assert.deepEqual(body.unrated, [
      {
        address: "0xa1",
        reason: "volatility-unavailable",
        detail: `${E}: 5 price returns, at least 10 needed`,
      },
    ]);
  });

  test("two assets: the book's volatility from their common pushes", () => {
    const body = crossingBody(
      [
        candidate("0xa1", -3_300, {
          collaterals: [
            {
              collateralId: 1n,
              oracle: B,
              amount: 10_000_000n, // 0.1 WBTC
              decimals: 8,
              priceWad: wad(60_000),
              haircutWad: (WAD * 3n) / 4n,
            },
          ],
        }),
      ],
      histories,
      { ...PARAMS, minProbability: 0 },
      HEAD,
      false,
    );
    const row = body.accounts[0]!;
    assert.equal(row.method, "portfolio");
    assert.deepEqual(row.collateralIds, [1n]);
    assert.deepEqual(
      row.factors.map((f) => f.oracle),
      [B, E],
    );
    assert.ok(row.probability > 0 && row.probability < 1, `${row.probability}`);
  });

  test("a history row becomes a point in quote per token", () => {
    assert.deepEqual(
      pricePoint({ timestamp: 1_700_000_000n, priceWad: wad(2_000.5) }),
      {
        timestampSeconds: 1_700_000_000,
        price: 2_000.5,
      },
    );
  });
});
