// npm run calibrate: the crossing-probability model against simulated price
// paths, written to benchmarks/crossing-calibration.md. Deterministic: the same
// seeds write the same file.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  BUCKETS,
  bucketTable,
  calibrationOf,
  count,
  JOINT_LEVEL,
  summaryTable,
} from "./report.ts";
import {
  type AccountOutcome,
  type CalibrationConfig,
  DEFAULT_CONFIG,
  simulate,
} from "./simulate.ts";

const OUT = fileURLToPath(
  new URL("../../benchmarks/crossing-calibration.md", import.meta.url),
);

function run(name: string, config: CalibrationConfig): AccountOutcome[] {
  const started = Date.now();
  const outcomes = simulate(config);
  process.stdout.write(
    `${name}: ${config.accounts} accounts in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
  return outcomes;
}

const percent = (x: number) => `${(100 * x).toFixed(1)}%`;
const main = DEFAULT_CONFIG;
const annual = (range: readonly [number, number]) =>
  `${percent(range[0])}–${percent(range[1])}`;

const mainRun = run("one asset, 10 s pushes", main);
const slow = { ...main, accounts: 20_000 };
const minuteRun = run("one asset, 60 s pushes", {
  ...slow,
  seed: main.seed + 1,
  stepSeconds: 60,
});
const fiveMinuteRun = run("one asset, 300 s pushes", {
  ...slow,
  seed: main.seed + 2,
  stepSeconds: 300,
});
const twoAsset = { ...main, accounts: 20_000 };
const longPairRun = run("long ETH + WBTC, ρ 0.7", {
  ...twoAsset,
  seed: main.seed + 3,
  kinds: ["long-eth-wbtc"],
});
const mixedPairRun = run("short ETH + WBTC, ρ 0.7", {
  ...twoAsset,
  seed: main.seed + 4,
  kinds: ["short-eth-wbtc"],
});
const coarseContinuous = calibrationOf(fiveMinuteRun, "continuous");
const coarseShifted = calibrationOf(fiveMinuteRun, "model");
const coarseTop = coarseShifted.buckets.at(-1)!;
const model = calibrationOf(mainRun, "model");
const joint = calibrationOf(mainRun, "model", JOINT_LEVEL);
const worst = model.buckets.reduce((a, b) =>
  Math.abs(b.observedFrequency - b.meanPredicted) >
  Math.abs(a.observedFrequency - a.meanPredicted)
    ? b
    : a,
);
const headline =
  `${count(model.count)} one-asset accounts: Brier ${model.brier.toFixed(4)} (a constant forecast at the base rate: ` +
  `${model.brierReference.toFixed(4)}), ECE ${percent(model.ece)}, observed inside the 95% binomial interval ` +
  `in ${model.bucketsInside} of ${model.buckets.length} buckets (all ${joint.buckets.length} inside the ` +
  `Bonferroni-joint interval: ${joint.bucketsInside === joint.buckets.length ? "yes" : "no"}); largest gap ` +
  `${percent(Math.abs(worst.observedFrequency - worst.meanPredicted))} in the ` +
  `${Math.round(worst.low * 100)}–${Math.round(worst.high * 100)}% bucket.`;

const text = `# Crossing-probability calibration

The predictive margin-call model (docs/design.md, "Predictive margin call: the crossing-probability model")
against simulated price paths: for each account the probability it gives of crossing maintenance within the horizon,
and whether the account did cross. Rerun with \`npm run calibrate\` (indexer/calibration/; seeded, so the same code
writes the same file).

**Headline.** ${headline}

## How

- Accounts on the demo's parameters: a 5%-maintenance ETH market, WETH collateral at an 80% haircut, WBTC at 75%.
  One-asset books: a long ETH perp on quote, a short ETH perp on quote, a long ETH perp on WETH (one asset each), in
  turn; notional $5,000–$50,000.
- Prices: driftless geometric Brownian motion (log step −σ²Δ/2 + σ√Δ·z), annualized σ drawn per account in
  ${annual(main.ethAnnualVol)} for ETH and ${annual(main.btcAnnualVol)} for BTC, log returns correlated at
  ρ = ${main.correlation} where an account holds both; pushed every Δ = ${main.stepSeconds} s.
- The model sees ${main.historyReturns} pushes of history before t = 0 and estimates σ from them
  (\`realizedVolatility\`), as the index does: it never sees the true σ. It predicts the probability of crossing within
  ${main.horizonSeconds} s with the Broadie–Glasserman shift for the push interval.
- Observed: the account is liquidatable (\`computeHealth\`, the index's own margin math, in wad) at any push up to the
  horizon.
- Where each account's line sits: a target u is drawn uniformly in [0.2%, 99.8%] and the quote balance set so that the
  model *with the true σ* predicts u. This only spreads the accounts over the buckets; the buckets are by the
  prediction from the estimated σ.
- Per bucket of ${100 / BUCKETS} points of predicted probability: the accounts, their mean prediction, the observed
  frequency, and the central 95% interval of Binomial(accounts, mean prediction) / accounts: where the observed
  frequency falls 95% of the time if the predictions are right (conservative: the predictions within a bucket
  differ, which only narrows the true spread). "Bonferroni" asks all buckets at once at 1 − 5%/${BUCKETS}
  (level ${JOINT_LEVEL}): the unit test's criterion. ECE = Σ accounts × |observed − mean predicted| / all accounts.
  Brier = mean (p − crossed)²; the base rate's is what always predicting the overall frequency scores.
- Seeds ${main.seed} to ${main.seed + 4}, one per section.

## One asset, pushes every ${main.stepSeconds} s (the model as the index serves it, σ estimated)

${bucketTable(model)}

### Variants on the same accounts and paths

${summaryTable([
  { name: "model: σ̂, shift for Δ", outcomes: mainRun, variant: "model" },
  {
    name: "continuous barrier (no shift)",
    outcomes: mainRun,
    variant: "continuous",
  },
  { name: "true σ, shift for Δ", outcomes: mainRun, variant: "true-sigma" },
  {
    name: "σ̂ × 0.5 (wrong on purpose)",
    outcomes: mainRun,
    variant: "sigma-x0.5",
  },
  { name: "σ̂ × 2 (wrong on purpose)", outcomes: mainRun, variant: "sigma-x2" },
])}

The deliberately mis-scaled volatilities fail by a wide margin, so the test has the power to see a wrong model. The
estimation error of σ̂ from ${main.historyReturns} returns (≈ 1/√${2 * main.historyReturns} ≈
${percent(1 / Math.sqrt(2 * main.historyReturns))} relative) costs little against the true σ.

## Discrete monitoring (Broadie–Glasserman)

The chain sees a price only when it is pushed, so an account can dip below the line between pushes and come back
unseen: a discretely watched barrier is crossed less often than the continuous formula says. Broadie, Glasserman and
Kou (1997): the discrete probability is the continuous one with the barrier moved away by exp(β·σ·√Δ),
β = −ζ(½)/√(2π) ≈ 0.5826. The bias grows with √(Δ/T); measured on one-asset accounts, ${count(slow.accounts)} per interval:

${summaryTable([
  { name: "Δ = 10 s, continuous", outcomes: mainRun, variant: "continuous" },
  { name: "Δ = 10 s, shifted", outcomes: mainRun, variant: "model" },
  { name: "Δ = 60 s, continuous", outcomes: minuteRun, variant: "continuous" },
  { name: "Δ = 60 s, shifted", outcomes: minuteRun, variant: "model" },
  {
    name: "Δ = 300 s, continuous",
    outcomes: fiveMinuteRun,
    variant: "continuous",
  },
  { name: "Δ = 300 s, shifted", outcomes: fiveMinuteRun, variant: "model" },
])}

Pushes every 300 s (12 a horizon), continuous formula:

${bucketTable(coarseContinuous)}

The same accounts with the shift:

${bucketTable(coarseShifted)}

The shift is an asymptotic correction (its error vanishes faster than 1/√m for m pushes a horizon). With 360 or 60
pushes a horizon it leaves the predictions inside their intervals; with 12 it still removes most of the bias (ECE
from ${percent(coarseContinuous.ece)} to ${percent(coarseShifted.ece)}) but misses a few middle buckets, and the accounts
nearest the line: the top bucket predicts ${percent(coarseTop.meanPredicted)} where ${percent(coarseTop.observedFrequency)}
crossed at a push.

The index serves the continuous probability by default (\`monitoringIntervalSeconds=0\`): a feed's push interval is not
a constant (a deviation trigger pushes faster when prices move), and the unshifted figure is the larger one, so it
errs towards warning early. A caller who knows the interval passes it and gets the shifted figure.

## Two assets: the book's volatility from the common history

A book on two assets is priced as one lognormal factor of its gross exposure whose volatility is the book's own,
measured on both assets' pushes at common refresh times (so their correlation is in it), and, when the exposures have
both signs, the larger of the two directions. Without enough common history the index falls back to the worst
case over every correlation, Σ|x_k|σ_k / Σ|x_k|: both on the same accounts, ρ = ${main.correlation} between ETH and
BTC, ${count(twoAsset.accounts)} accounts each:

${summaryTable([
  {
    name: "long ETH perp + WBTC collateral: common history",
    outcomes: longPairRun,
    variant: "model",
  },
  {
    name: "long ETH perp + WBTC collateral: worst case",
    outcomes: longPairRun,
    variant: "worst-case",
  },
  {
    name: "short ETH perp + WBTC collateral: common history",
    outcomes: mixedPairRun,
    variant: "model",
  },
  {
    name: "short ETH perp + WBTC collateral: worst case",
    outcomes: mixedPairRun,
    variant: "worst-case",
  },
])}

Short ETH perp + WBTC collateral (the legs offset), from the common history:

${bucketTable(calibrationOf(mixedPairRun, "model"))}

The same accounts under the worst-case fallback (conservative: the book's legs hedge each other, the bound assumes
they add up):

${bucketTable(calibrationOf(mixedPairRun, "worst-case"))}

## Limits

- The paths are the model's own: driftless GBM. Jumps (the demo's −12% gap), volatility clustering and fat tails are
  not in them, so this measures the estimator and the formula, not the market. A price that gaps past the line is
  a crossing the model underrates whatever its calibration here.
- One σ̂ per asset over a fixed window: after a regime change the estimate lags by about the window.
`;

writeFileSync(OUT, text);
process.stdout.write(`\n${headline}\nwritten to ${OUT}\n`);
