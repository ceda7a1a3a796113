import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { binomialQuantile, calibrate } from "../calibration/buckets.ts";
import { calibrationOf, JOINT_LEVEL } from "../calibration/report.ts";
import { Rng } from "../calibration/rng.ts";
import {
  type CalibrationConfig,
  DEFAULT_CONFIG,
  simulate,
} from "../calibration/simulate.ts";

describe("seeded generator", () => {
  test("the same seed gives the same draws; another seed others", () => {
    const a = new Rng(7);
    const b = new Rng(7);
    const c = new Rng(8);
    const draws = (rng: Rng) =>
      Array.from({ length: 5 }, () => rng.nextUint32());
    const first = draws(a);
    assert.deepEqual(first, draws(b));
    assert.notDeepEqual(first, draws(c));
    assert.throws(() => new Rng(-1), RangeError);
  });

  test("uniforms in [0, 1) and standard normals with the right moments", () => {
    const rng = new Rng(1);
    const n = 200_000;
    let sum = 0;
    let sumSquares = 0;
    let below = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.uniform();
      assert.ok(u >= 0 && u < 1, `uniform ${u}`);
      const z = rng.normal();
      sum += z;
      sumSquares += z * z;
      if (z < -1.959963984540054) below += 1;
    }
    // Standard errors: mean 1/√n ≈ 0.0022, variance √(2/n) ≈ 0.0032, tail √(0.025·0.975/n) ≈ 0.00035.
    assert.ok(Math.abs(sum / n) < 0.01, `mean ${sum / n}`);
    assert.ok(
      Math.abs(sumSquares / n - 1) < 0.015,
      `variance ${sumSquares / n}`,
    );
    assert.ok(Math.abs(below / n - 0.025) < 0.0015, `tail ${below / n}`);
  });
});

describe("calibration statistics", () => {
  test("binomial quantiles", () => {
    // Binomial(10, ½): P(X ≤ 1) = 0.0107, P(X ≤ 2) = 0.0547, P(X ≤ 7) = 0.9453, P(X ≤ 8) = 0.9893.
    assert.equal(binomialQuantile(10, 0.5, 0.025), 2);
    assert.equal(binomialQuantile(10, 0.5, 0.975), 8);
    assert.equal(binomialQuantile(1_000, 0.01, 0.5), 10);
    assert.equal(binomialQuantile(50_000, 0.5, 0.5), 25_000); // no underflow at (½)^50000
    assert.equal(binomialQuantile(7, 0, 0.975), 0);
    assert.equal(binomialQuantile(7, 1, 0.025), 7);
    assert.throws(() => binomialQuantile(10, 1.5, 0.5), RangeError);
  });

  test("buckets, Brier score and ECE by hand", () => {
    const c = calibrate(
      [
        { predicted: 0.02, observed: false },
        { predicted: 0.04, observed: true },
        { predicted: 0.9, observed: true },
        { predicted: 1, observed: true }, // 1 falls in the last bucket
      ],
      20,
    );
    assert.equal(c.count, 4);
    assert.deepEqual(
      c.buckets.map((b) => [b.low, b.count, b.observedFrequency]),
      [
        [0, 2, 0.5],
        [0.9, 1, 1],
        [0.95, 1, 1],
      ],
    );
    const brier = (0.02 ** 2 + 0.96 ** 2 + 0.1 ** 2 + 0) / 4;
    assert.ok(Math.abs(c.brier - brier) < 1e-15, `brier ${c.brier}`);
    assert.ok(
      Math.abs(c.ece - (2 * 0.47 + 0.1 + 0) / 4) < 1e-15,
      `ece ${c.ece}`,
    );
    assert.equal(c.brierReference, 0.75 * 0.25);
    // Binomial(2, 3%): P(X ≤ 0) = 0.9409, P(X ≤ 1) = 0.9991: the interval is 0–1 of 2.
    const first = c.buckets[0]!;
    assert.deepEqual(
      [first.intervalLow, first.intervalHigh, first.inside],
      [0, 0.5, true],
    );
  });
});

// A small run of the benchmark's experiment: fast, and strict enough that a
// wrong volatility fails it.
const SMALL: CalibrationConfig = {
  ...DEFAULT_CONFIG,
  seed: 11,
  accounts: 3_000,
  horizonSeconds: 1_800,
  stepSeconds: 30,
  historyReturns: 60,
};

describe("the crossing model against simulated paths", () => {
  const outcomes = simulate(SMALL);

  test("is reproducible from its seed", () => {
    const again = simulate({ ...SMALL, accounts: 30 });
    assert.deepEqual(again, outcomes.slice(0, 30));
  });

  test("observed frequency inside the binomial interval of the prediction in every bucket (joint 95%)", () => {
    const joint = calibrationOf(outcomes, "model", JOINT_LEVEL);
    assert.ok(
      joint.buckets.length >= 18,
      `${joint.buckets.length} buckets populated`,
    );
    for (const b of joint.buckets) {
      assert.ok(
        b.inside,
        `bucket ${b.low}: ${b.count} accounts, predicted ${b.meanPredicted}, observed ${b.observedFrequency}, interval ${b.intervalLow}–${b.intervalHigh}`,
      );
    }
    const c = calibrationOf(outcomes, "model");
    assert.ok(c.ece < 0.05, `ECE ${c.ece}`);
    assert.ok(
      c.brier < 0.8 * c.brierReference,
      `Brier ${c.brier} vs ${c.brierReference}`,
    );
  });

  test("a mis-scaled volatility fails the same criterion", () => {
    for (const variant of ["sigma-x0.5", "sigma-x2"] as const) {
      const joint = calibrationOf(outcomes, variant, JOINT_LEVEL);
      const outside = joint.buckets.filter((b) => !b.inside).length;
      assert.ok(outside >= 5, `${variant}: ${outside} buckets outside`);
      assert.ok(calibrationOf(outcomes, variant).ece > 0.1, variant);
    }
  });
});

describe("two-asset books against simulated paths", () => {
  const outcomes = simulate({
    ...SMALL,
    seed: 12,
    accounts: 2_000,
    kinds: ["long-eth-wbtc", "short-eth-wbtc"],
  });

  test("the book's volatility from the common history is calibrated", () => {
    const joint = calibrationOf(outcomes, "model", JOINT_LEVEL);
    for (const b of joint.buckets) {
      assert.ok(
        b.inside,
        `bucket ${b.low}: ${b.count} accounts, predicted ${b.meanPredicted}, observed ${b.observedFrequency}`,
      );
    }
    const c = calibrationOf(outcomes, "model");
    assert.ok(c.ece < 0.06, `ECE ${c.ece}`);
  });

  test("the worst-case fallback over-predicts a book whose legs offset", () => {
    const mixed = outcomes.filter((o) => o.kind === "short-eth-wbtc");
    const mean = (f: (o: (typeof mixed)[number]) => number) =>
      mixed.reduce((sum, o) => sum + f(o), 0) / mixed.length;
    const observed = mean((o) => (o.crossed ? 1 : 0));
    const worst = mean((o) => o.predicted["worst-case"]);
    const model = mean((o) => o.predicted.model);
    assert.ok(
      worst > observed + 0.1,
      `worst case ${worst}, observed ${observed}`,
    );
    assert.ok(
      Math.abs(model - observed) < 0.04,
      `model ${model}, observed ${observed}`,
    );
  });
});
