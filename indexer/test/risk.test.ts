import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { computeHealth, WAD } from "../src/health.ts";
import { crossingEstimate } from "../src/risk/crossing.ts";
import {
  accountRisk,
  crossingPrice,
  type RiskCollateral,
  type RiskInput,
  type RiskPosition,
} from "../src/risk/exposure.ts";
import {
  BROADIE_GLASSERMAN_BETA,
  firstPassageProbability,
} from "../src/risk/firstPassage.ts";
import { erfc, normalCdf } from "../src/risk/normal.ts";
import {
  annualizedVolatility,
  jointReturns,
  type PricePoint,
  realizedVolatility,
  SECONDS_PER_YEAR,
  type VolatilityEstimate,
  volatilityOf,
  volPerSqrtSecondFromAnnual,
} from "../src/risk/volatility.ts";

const close = (actual: number, expected: number, relative: number) =>
  assert.ok(
    Math.abs(actual - expected) <= relative * Math.abs(expected),
    `${actual} differs from ${expected} by more than ${relative} relative`,
  );

describe("normal distribution", () => {
  // 30-digit values (mpmath 1.3: ncdf, erfc).
  const PHI: [number, number][] = [
    [-37, 5.72557122252457682268319254827e-300],
    [-20, 2.75362411860623369507562278086e-89],
    [-10, 7.6198530241605260659733432516e-24],
    [-8, 6.22096057427178412351599517259e-16],
    [-5, 2.86651571879193911673752332875e-7],
    [-3, 0.0013498980316300945266518147676],
    [-2, 0.0227501319481792072002826371665],
    [-1, 0.158655253931457051414767454368],
    [-0.5, 0.308537538725986896362295389392],
    [-0.1, 0.460172162722971016331066092298],
    [0, 0.5],
    [0.3, 0.617911422188952633072273622764],
    [1, 0.841344746068542948585232545632],
    [1.959963984540054, 0.975],
    [3, 0.998650101968369905473348185232],
  ];
  const ERFC: [number, number][] = [
    [0.1, 0.887537083981715101595287748986],
    [0.46875, 0.507386526782062008411823898065], // the first interval's edge
    [0.5, 0.479500122186953462317253346108],
    [1, 0.157299207050285130658779364917],
    [2, 0.00467773498104726583793074363275],
    [4, 1.54172579002800188521596734869e-8], // the second interval's edge
    [4.1, 6.70002765408491844169409490455e-9],
    [6, 2.15197367124989131165933503992e-17],
    [10, 2.08848758376254475700078629496e-45],
    [26, 5.66319240885614284647572789693e-296],
  ];

  test("erfc matches 30-digit values to 1e-15 relative, in every interval", () => {
    for (const [x, value] of ERFC) close(erfc(x), value, 1e-15);
    for (const [x, value] of ERFC) close(erfc(-x), 2 - value, 1e-15);
    assert.equal(erfc(0), 1);
    assert.equal(erfc(27), 0); // below the smallest double
    assert.equal(erfc(Infinity), 0);
    assert.equal(erfc(-Infinity), 2);
  });

  test("Φ matches 30-digit values: 1e-14 relative to z = −10, 2e-13 in the far tail", () => {
    for (const [z, value] of PHI)
      close(normalCdf(z), value, z < -10 ? 2e-13 : 1e-14);
    for (const z of [-6, -2.5, -0.7, 0.2, 1.3, 4]) {
      close(normalCdf(z) + normalCdf(-z), 1, 1e-15);
    }
  });

  test("NaN is refused, not propagated", () => {
    assert.throws(() => erfc(NaN), RangeError);
    assert.throws(() => normalCdf(NaN), RangeError);
  });
});

describe("realized volatility", () => {
  // A zig-zag of ±1% log moves every 10 s: σ² = 0.01² / 10 per second.
  const zigzag = (n: number, stepSeconds = 10): PricePoint[] =>
    Array.from({ length: n + 1 }, (_, i) => ({
      timestampSeconds: 1_000 + i * stepSeconds,
      price: 2_000 * Math.exp(i % 2 === 0 ? 0 : 0.01),
    }));

  test("Σ r² / Σ Δt, per second", () => {
    const estimate = realizedVolatility(zigzag(20));
    assert.equal(estimate.kind, "estimated");
    if (estimate.kind !== "estimated") return;
    close(estimate.variancePerSecond, 1e-4 / 10, 1e-9);
    close(estimate.volPerSqrtSecond, Math.sqrt(1e-5), 1e-9);
    assert.equal(estimate.returns, 20);
    assert.equal(estimate.windowSeconds, 200);
    assert.equal(estimate.firstTimestampSeconds, 1_000);
    assert.equal(estimate.lastTimestampSeconds, 1_200);
  });

  test("irregular spacing: each return's time counts, not the number of pushes", () => {
    // The same 20 returns spread over 50 s steps: the variance per second is 5× lower.
    const slow = realizedVolatility(zigzag(20, 50));
    assert.equal(slow.kind, "estimated");
    if (slow.kind === "estimated")
      close(slow.variancePerSecond, 1e-4 / 50, 1e-9);
    // A long quiet spell (no move for an hour) lowers σ as it should.
    const points = zigzag(20);
    points.push({
      timestampSeconds: 1_200 + 3_600,
      price: points.at(-1)!.price,
    });
    const quiet = realizedVolatility(points);
    assert.equal(quiet.kind, "estimated");
    if (quiet.kind === "estimated")
      close(quiet.variancePerSecond, (20 * 1e-4) / (200 + 3_600), 1e-9);
  });

  test("too few returns: a reason, never NaN", () => {
    const estimate = realizedVolatility(zigzag(9));
    assert.deepEqual(estimate, {
      kind: "insufficient",
      returns: 9,
      minReturns: 10,
      reason: "9 price returns, at least 10 needed",
    });
    assert.equal(realizedVolatility([]).kind, "insufficient");
    // Pushes in the same second are one observation: no return, no division by 0.
    const sameSecond = Array.from({ length: 12 }, (_, i) => ({
      timestampSeconds: 5,
      price: 100 + i,
    }));
    assert.deepEqual(realizedVolatility(sameSecond), {
      kind: "insufficient",
      returns: 0,
      minReturns: 10,
      reason: "0 price returns, at least 10 needed",
    });
  });

  test("a price ≤ 0 is skipped: the next return spans it", () => {
    const points = zigzag(22);
    points[5] = { ...points[5]!, price: 0 }; // between two equal prices: +0 over 20 s
    points[12] = { ...points[12]!, price: -3 };
    const estimate = realizedVolatility(points);
    assert.equal(estimate.kind, "estimated");
    if (estimate.kind !== "estimated") return;
    assert.equal(estimate.returns, 20);
    assert.equal(estimate.windowSeconds, 220);
    close(estimate.variancePerSecond, (18 * 1e-4) / 220, 1e-9);
  });

  test("out-of-order prices and a bad minimum are refused", () => {
    const points = zigzag(12);
    [points[3], points[4]] = [points[4]!, points[3]!];
    assert.throws(() => realizedVolatility(points), /out of order/);
    assert.throws(() => realizedVolatility(zigzag(12), 0), RangeError);
  });

  test("several assets: returns at refresh times, each at its latest price", () => {
    const a: PricePoint[] = [
      { timestampSeconds: 0, price: 100 },
      { timestampSeconds: 10, price: 110 },
      { timestampSeconds: 15, price: 121 }, // a second push before b's: the latest counts
      { timestampSeconds: 30, price: 110 },
    ];
    const b: PricePoint[] = [
      { timestampSeconds: 5, price: 50 }, // the first refresh: both have a price
      { timestampSeconds: 20, price: 40 },
      { timestampSeconds: 30, price: 50 },
    ];
    const joint = jointReturns([a, b]);
    assert.equal(joint.firstTimestampSeconds, 5);
    assert.equal(joint.lastTimestampSeconds, 30);
    assert.deepEqual(joint.seconds, [15, 10]);
    assert.equal(joint.returns.length, 2);
    close(joint.returns[0]![0]!, Math.log(121 / 100), 1e-12);
    close(joint.returns[0]![1]!, Math.log(40 / 50), 1e-12);
    close(joint.returns[1]![0]!, Math.log(110 / 121), 1e-12);
    close(joint.returns[1]![1]!, Math.log(50 / 40), 1e-12);
    // A book of both: the weighted return; weights of one asset give its own σ.
    const book = volatilityOf(joint, [0.5, -0.5], 2);
    assert.equal(book.kind, "estimated");
    if (book.kind === "estimated") {
      const r = joint.returns.map((row) => 0.5 * row[0]! - 0.5 * row[1]!);
      close(book.variancePerSecond, (r[0]! ** 2 + r[1]! ** 2) / 25, 1e-12);
    }
    assert.throws(() => volatilityOf(joint, [1]), RangeError);
  });

  test("perfectly correlated assets: the book's σ is the weighted sum; opposite legs cancel", () => {
    const common = zigzag(20);
    const twice = common.map((p) => ({ ...p, price: p.price ** 2 })); // log returns × 2
    const joint = jointReturns([common, twice]);
    const one = realizedVolatility(common);
    assert.equal(one.kind, "estimated");
    if (one.kind !== "estimated") return;
    const longBoth = volatilityOf(joint, [0.5, 0.5]);
    const hedged = volatilityOf(joint, [2 / 3, -1 / 3]);
    assert.equal(
      longBoth.kind === "estimated" && hedged.kind === "estimated",
      true,
    );
    if (longBoth.kind !== "estimated" || hedged.kind !== "estimated") return;
    close(longBoth.volPerSqrtSecond, 1.5 * one.volPerSqrtSecond, 1e-12);
    assert.ok(
      hedged.volPerSqrtSecond < 1e-12,
      `hedged σ ${hedged.volPerSqrtSecond}`,
    );
  });

  test("annualized ↔ per √second", () => {
    close(annualizedVolatility(volPerSqrtSecondFromAnnual(0.8)), 0.8, 1e-15);
    close(annualizedVolatility(1), Math.sqrt(SECONDS_PER_YEAR), 1e-15);
  });
});

describe("first-passage probability", () => {
  const sigma80 = volPerSqrtSecondFromAnnual(0.8);
  // Independent values: the first-passage time density of Brownian motion with
  // drift (inverse Gaussian) integrated to T with mpmath.quad, 30 digits.
  const REFERENCE = [
    {
      direction: "down",
      b: 0.97,
      s: sigma80,
      T: 3600,
      p: 0.000371510175225253987819584791919,
    },
    {
      direction: "down",
      b: 0.99,
      s: sigma80,
      T: 3600,
      p: 0.240870982003586650491808431283,
    },
    {
      direction: "up",
      b: 1.02,
      s: sigma80,
      T: 3600,
      p: 0.0203134184742277048117451370467,
    },
    {
      direction: "down",
      b: 0.9,
      s: 0.02,
      T: 1,
      p: 1.45351218417721906103567646699e-7,
    },
    {
      direction: "up",
      b: 1.1,
      s: 0.02,
      T: 1,
      p: 1.79602573257390480696683468409e-6,
    },
    {
      direction: "down",
      b: 0.5,
      s: 0.5,
      T: 1,
      p: 0.229694690674472689585766163294,
    },
    {
      direction: "up",
      b: 2,
      s: 0.5,
      T: 1,
      p: 0.114847345337236344792883081647,
    },
    {
      direction: "up",
      b: 1.5,
      s: 1,
      T: 2,
      p: 0.602092229724836677810121723376,
    },
  ] as const;

  test("matches the integrated first-passage density to 1e-14", () => {
    for (const r of REFERENCE) {
      const p = firstPassageProbability({
        direction: r.direction,
        barrierRatio: r.b,
        volPerSqrtSecond: r.s,
        horizonSeconds: r.T,
      });
      close(p, r.p, 1e-14);
    }
  });

  test("edge cases: at or past the line 1; no volatility, no time or an unreachable line 0", () => {
    const p = (
      direction: "down" | "up",
      barrierRatio: number,
      sigma = 0.01,
      T = 60,
    ) =>
      firstPassageProbability({
        direction,
        barrierRatio,
        volPerSqrtSecond: sigma,
        horizonSeconds: T,
      });
    assert.equal(p("down", 1), 1);
    assert.equal(p("down", 1.2), 1);
    assert.equal(p("up", 1), 1);
    assert.equal(p("up", 0.7), 1);
    assert.equal(p("down", 1, 0, 0), 1); // at the line even with σ = 0
    assert.equal(p("down", 0.99, 0), 0);
    assert.equal(p("down", 0.99, 0.01, 0), 0);
    assert.equal(p("down", 0), 0);
    assert.equal(p("down", -1), 0);
    assert.equal(p("up", Infinity), 0);
    assert.equal(p("down", 1e-320, 1, 1), 0); // b⁻¹ overflows, Φ underflows: 0, not NaN
    assert.equal(p("up", 1e300, 1, 1), 0);
    for (const bad of [
      { volPerSqrtSecond: -1 },
      { volPerSqrtSecond: NaN },
      { horizonSeconds: Infinity },
      { monitoringIntervalSeconds: -5 },
      { barrierRatio: NaN },
    ]) {
      assert.throws(
        () =>
          firstPassageProbability({
            direction: "down",
            barrierRatio: 0.9,
            volPerSqrtSecond: 0.01,
            horizonSeconds: 60,
            ...bad,
          }),
        RangeError,
      );
    }
  });

  test("grows with volatility and horizon, falls with distance", () => {
    const p = (barrierRatio: number, sigma: number, T: number) =>
      firstPassageProbability({
        direction: "down",
        barrierRatio,
        volPerSqrtSecond: sigma,
        horizonSeconds: T,
      });
    let previous = 0;
    for (const T of [60, 600, 3600, 86_400]) {
      const now = p(0.97, sigma80, T);
      assert.ok(now > previous, `T=${T}`);
      previous = now;
    }
    assert.ok(
      p(0.97, 2 * sigma80, 3600) > p(0.97, sigma80, 3600),
      "more volatility",
    );
    assert.ok(p(0.95, sigma80, 3600) < p(0.97, sigma80, 3600), "farther line");
  });

  test("discrete monitoring: the barrier moved away by exp(β σ √Δ)", () => {
    const continuous = (direction: "down" | "up", barrierRatio: number) =>
      firstPassageProbability({
        direction,
        barrierRatio,
        volPerSqrtSecond: 0.001,
        horizonSeconds: 3600,
      });
    const discrete = (direction: "down" | "up", barrierRatio: number) =>
      firstPassageProbability({
        direction,
        barrierRatio,
        volPerSqrtSecond: 0.001,
        horizonSeconds: 3600,
        monitoringIntervalSeconds: 25,
      });
    const shift = Math.exp(BROADIE_GLASSERMAN_BETA * 0.001 * 5);
    close(discrete("down", 0.95), continuous("down", 0.95 / shift), 1e-12);
    close(discrete("up", 1.05), continuous("up", 1.05 * shift), 1e-12);
    assert.ok(
      discrete("down", 0.95) < continuous("down", 0.95),
      "discrete below continuous",
    );
    close(BROADIE_GLASSERMAN_BETA, 0.58259715793901067, 1e-15); // −ζ(½)/√(2π), mpmath
  });
});

// An account on a 5%-maintenance ETH market (oracle E) and a WBTC collateral (oracle B).
const E = "0x00000000000000000000000000000000000000e0";
const B = "0x00000000000000000000000000000000000000b0";
const wad = (x: number) => BigInt(Math.round(x * 1e6)) * 10n ** 12n;
const perp = (sizeEth: number, entry: number, price: number): RiskPosition => ({
  oracle: E,
  sizeWad: wad(sizeEth),
  openNotionalWad: wad(sizeEth * entry),
  priceWad: wad(price),
  maintenanceFractionWad: WAD / 20n,
  initialFractionWad: WAD / 10n,
});
const wbtc = (amount: number, price: number): RiskCollateral => ({
  oracle: B,
  amount: BigInt(Math.round(amount * 1e8)),
  decimals: 8,
  priceWad: wad(price),
  haircutWad: (WAD * 9n) / 10n,
});

describe("distance to the line", () => {
  test("a long perp: slope size × (1 − m), and the liquidatable flag flips at the crossing price", () => {
    const input: RiskInput = {
      quoteBalanceWad: wad(2_000),
      positions: [perp(10, 2_000, 2_000)],
      collaterals: [],
    };
    const risk = accountRisk(input);
    assert.equal(risk.factors.length, 1);
    const factor = risk.factors[0]!;
    assert.equal(factor.oracle, E);
    close(factor.slope, 10 * 0.95, 1e-12);
    close(factor.exposure, 10 * 0.95 * 2_000, 1e-12);
    close(risk.surplus, 2_000 - 0.05 * 20_000, 1e-12); // equity 2,000, maintenance 1,000
    const pStar = crossingPrice(risk.surplus, factor)!;
    close(pStar, 2_000 - 1_000 / 9.5, 1e-12);
    const at = (price: number) =>
      computeHealth({ ...input, positions: [perp(10, 2_000, price)] })
        .liquidatable;
    assert.equal(at(pStar * (1 + 1e-6)), false);
    assert.equal(at(pStar * (1 - 1e-6)), true);
  });

  test("a short perp crosses above; same-asset collateral and position make one factor", () => {
    const short = accountRisk({
      quoteBalanceWad: wad(2_000),
      positions: [perp(-10, 2_000, 2_000)],
      collaterals: [],
    });
    const factor = short.factors[0]!;
    close(factor.slope, -10 * 1.05, 1e-12);
    const pStar = crossingPrice(short.surplus, factor)!;
    assert.ok(pStar > 2_000, `crossing price ${pStar}`);
    close(pStar, 2_000 + 1_000 / 10.5, 1e-12);

    const hedged = accountRisk({
      quoteBalanceWad: 0n,
      positions: [{ ...perp(-1, 2_000, 2_000), oracle: B }],
      collaterals: [wbtc(1, 2_000)],
    });
    assert.equal(hedged.factors.length, 1);
    close(hedged.factors[0]!.slope, 0.9 - 1.05, 1e-12);
  });

  test("two assets: one factor each, ordered; a long whose surplus exceeds its exposure never crosses", () => {
    const risk = accountRisk({
      quoteBalanceWad: wad(-50_000),
      positions: [perp(10, 2_000, 2_000)],
      collaterals: [wbtc(1, 60_000)],
    });
    assert.deepEqual(
      risk.factors.map((f) => f.oracle),
      [B, E],
    );
    close(risk.factors[0]!.exposure, 0.9 * 60_000, 1e-12);
    const safe = accountRisk({
      quoteBalanceWad: wad(100_000),
      positions: [],
      collaterals: [wbtc(1, 60_000)],
    });
    assert.equal(crossingPrice(safe.surplus, safe.factors[0]!), null);
  });
});

describe("crossing probability of an account", () => {
  const sigma = volPerSqrtSecondFromAnnual(0.8);
  const estimated = (volPerSqrtSecond: number): VolatilityEstimate => ({
    kind: "estimated",
    variancePerSecond: volPerSqrtSecond ** 2,
    volPerSqrtSecond,
    returns: 100,
    windowSeconds: 1_000,
    firstTimestampSeconds: 0,
    lastTimestampSeconds: 1_000,
  });
  const vols = new Map([
    [E, estimated(sigma)],
    [B, estimated(sigma / 2)],
  ]);
  const longInput: RiskInput = {
    quoteBalanceWad: wad(1_200),
    positions: [perp(10, 2_000, 2_000)],
    collaterals: [],
  };

  test("one asset: the first-passage probability at the crossing price", () => {
    const risk = accountRisk(longInput);
    const estimate = crossingEstimate({
      risk,
      volatility: vols,
      horizonSeconds: 3600,
    });
    assert.equal(estimate.kind, "rated");
    if (estimate.kind !== "rated") return;
    const pStar = crossingPrice(risk.surplus, risk.factors[0]!)!;
    const expected = firstPassageProbability({
      direction: "down",
      barrierRatio: pStar / 2_000,
      volPerSqrtSecond: sigma,
      horizonSeconds: 3600,
    });
    close(estimate.probability, expected, 1e-12);
    assert.ok(
      estimate.probability > 0.01 && estimate.probability < 0.99,
      `probability ${estimate.probability}`,
    );
    assert.equal(estimate.method, "single-asset");
    assert.equal(estimate.direction, "down");
    close(estimate.crossingMove!, pStar / 2_000 - 1, 1e-12);
    close(
      estimate.distanceSigmas!,
      -Math.log(pStar / 2_000) / (sigma * 60),
      1e-12,
    );
    close(estimate.factors[0]!.crossingPrice!, pStar, 1e-12);
  });

  test("past the line 1, no exposure 0, whatever the volatility", () => {
    const crossed = crossingEstimate({
      risk: accountRisk({ ...longInput, quoteBalanceWad: wad(500) }),
      volatility: new Map(),
      horizonSeconds: 3600,
    });
    assert.equal(crossed.kind === "rated" && crossed.probability, 1);
    assert.equal(crossed.kind === "rated" && crossed.method, "already-crossed");
    const flat = crossingEstimate({
      risk: accountRisk({
        quoteBalanceWad: wad(10),
        positions: [],
        collaterals: [],
      }),
      volatility: new Map(),
      horizonSeconds: 3600,
    });
    assert.equal(flat.kind === "rated" && flat.probability, 0);
    assert.equal(flat.kind === "rated" && flat.method, "no-exposure");
  });

  test("unrated, with the reason, when a volatility or a price is missing", () => {
    const risk = accountRisk({
      ...longInput,
      collaterals: [wbtc(0.1, 60_000)],
    });
    const estimate = crossingEstimate({
      risk,
      volatility: new Map([
        [E, estimated(sigma)],
        [
          B,
          {
            kind: "insufficient",
            returns: 3,
            minReturns: 10,
            reason: "3 price returns, at least 10 needed",
          },
        ],
      ]),
      horizonSeconds: 3600,
    });
    assert.deepEqual(estimate, {
      kind: "unrated",
      reason: "volatility-unavailable",
      detail: `${B}: 3 price returns, at least 10 needed; together: no common price history of the account's assets`,
    });
    const noPrice = crossingEstimate({
      risk: accountRisk({
        ...longInput,
        positions: [{ ...perp(10, 2_000, 2_000), priceWad: undefined }],
      }),
      volatility: vols,
      horizonSeconds: 3600,
    });
    assert.equal(
      noPrice.kind === "unrated" && noPrice.reason,
      "prices-unusable",
    );
  });

  test("two long assets without common history: gross exposure and the worst-case (ρ = 1) volatility", () => {
    const risk = accountRisk({
      ...longInput,
      quoteBalanceWad: wad(-4_000),
      collaterals: [wbtc(0.1, 60_000)],
    });
    const estimate = crossingEstimate({
      risk,
      volatility: vols,
      horizonSeconds: 3600,
    });
    assert.equal(estimate.kind, "rated");
    if (estimate.kind !== "rated") return;
    const xE = 10 * 0.95 * 2_000;
    const xB = 0.1 * 0.9 * 60_000;
    const sigmaG = (xE * sigma + xB * (sigma / 2)) / (xE + xB);
    close(estimate.grossExposure, xE + xB, 1e-12);
    close(estimate.volPerSqrtSecond!, sigmaG, 1e-12);
    assert.equal(estimate.method, "portfolio-worst-case");
    assert.equal(estimate.direction, "down");
    close(
      estimate.probability,
      firstPassageProbability({
        direction: "down",
        barrierRatio: 1 - risk.surplus / (xE + xB),
        volPerSqrtSecond: sigmaG,
        horizonSeconds: 3600,
      }),
      1e-12,
    );
  });

  test("two assets with common history: the book's σ measured on it, below the worst case", () => {
    const risk = accountRisk({
      ...longInput,
      quoteBalanceWad: wad(-4_000),
      collaterals: [wbtc(0.1, 60_000)],
    });
    // B moves against E half of the time: a correlation of 0 over the window.
    const e = Array.from({ length: 41 }, (_, i) => ({
      timestampSeconds: 10 * i,
      price: 2_000 * Math.exp(0.001 * (i % 2)),
    }));
    const b = e.map((p, i) => ({
      ...p,
      price: 60_000 * Math.exp(0.0005 * (Math.floor(i / 2) % 2)),
    }));
    const joint = jointReturns([b, e]);
    const own = new Map([
      [E, realizedVolatility(e)],
      [B, realizedVolatility(b)],
    ]);
    const estimate = crossingEstimate({
      risk,
      volatility: own,
      joint: { oracles: [B, E], returns: joint },
      horizonSeconds: 3600,
    });
    assert.equal(estimate.kind, "rated");
    if (estimate.kind !== "rated") return;
    assert.equal(estimate.method, "portfolio");
    const g = estimate.grossExposure;
    const [xB, xE] = [risk.factors[0]!.exposure, risk.factors[1]!.exposure];
    const book = volatilityOf(joint, [xB / g, xE / g]);
    assert.equal(book.kind, "estimated");
    if (book.kind !== "estimated") return;
    close(estimate.volPerSqrtSecond!, book.volPerSqrtSecond, 1e-12);
    const worst = crossingEstimate({
      risk,
      volatility: own,
      horizonSeconds: 3600,
    });
    assert.equal(worst.kind, "rated");
    if (worst.kind !== "rated") return;
    assert.ok(
      estimate.probability > 0.05 &&
        estimate.probability < worst.probability &&
        estimate.volPerSqrtSecond! < 0.95 * worst.volPerSqrtSecond!,
      `${estimate.probability} vs worst case ${worst.probability}`,
    );

    // Too little common history: the worst case, or unrated when a σ is missing too.
    const short = jointReturns([b.slice(0, 5), e.slice(0, 5)]);
    const fallback = crossingEstimate({
      risk,
      volatility: own,
      joint: { oracles: [B, E], returns: short },
      horizonSeconds: 3600,
    });
    assert.equal(
      fallback.kind === "rated" && fallback.method,
      "portfolio-worst-case",
    );
    const none = crossingEstimate({
      risk,
      volatility: new Map([[E, own.get(E)!]]),
      joint: { oracles: [B, E], returns: short },
      horizonSeconds: 3600,
    });
    assert.deepEqual(none, {
      kind: "unrated",
      reason: "volatility-unavailable",
      detail: `${B}: no price history; together: 4 price returns common to the assets, at least 10 needed`,
    });
  });

  test("a book with both signs takes the larger of the two directions", () => {
    // Long WBTC collateral, short ETH perp: equity 1,400, maintenance 1,000.
    const risk = accountRisk({
      quoteBalanceWad: wad(-4_000),
      positions: [perp(-10, 2_000, 2_000)],
      collaterals: [wbtc(0.1, 60_000)],
    });
    const estimate = crossingEstimate({
      risk,
      volatility: vols,
      horizonSeconds: 3600,
    });
    assert.equal(estimate.kind, "rated");
    if (estimate.kind !== "rated") return;
    assert.equal(estimate.direction, "either");
    const g = estimate.grossExposure;
    const common = {
      volPerSqrtSecond: estimate.volPerSqrtSecond!,
      horizonSeconds: 3600,
    };
    const down = firstPassageProbability({
      direction: "down",
      barrierRatio: 1 - risk.surplus / g,
      ...common,
    });
    const up = firstPassageProbability({
      direction: "up",
      barrierRatio: 1 + risk.surplus / g,
      ...common,
    });
    // The upper barrier is nearer in log terms.
    assert.ok(up > down, `up ${up}, down ${down}`);
    close(estimate.probability, up, 1e-12);
    close(estimate.crossingMove!, risk.surplus / g, 1e-12);
  });
});
