// Markdown for benchmarks/crossing-calibration.md: tables of predicted against
// observed per probability bucket, and one summary line per model variant.
import { type Calibration, calibrate } from "./buckets.ts";
import type { AccountOutcome, Variant } from "./simulate.ts";

export const BUCKETS = 20;
export const LEVEL = 0.95;
/** Bonferroni: every bucket at once at 95% (what the unit test asserts). */
export const JOINT_LEVEL = 1 - (1 - LEVEL) / BUCKETS;

const percent = (x: number) => `${(100 * x).toFixed(1)}%`;
/** 40000 → "40,000". */
export const count = (n: number) => n.toLocaleString("en-US");

export function calibrationOf(
  outcomes: readonly AccountOutcome[],
  variant: Variant,
  level = LEVEL,
): Calibration {
  return calibrate(
    outcomes.map((o) => ({
      predicted: o.predicted[variant],
      observed: o.crossed,
    })),
    BUCKETS,
    level,
  );
}

/** Per bucket: count, mean predicted, observed, the 95% binomial interval, inside or not. */
export function bucketTable(calibration: Calibration): string {
  const lines = [
    "| predicted | accounts | mean predicted | observed | 95% interval if right | inside |",
    "|---|---:|---:|---:|---:|:---:|",
  ];
  for (const b of calibration.buckets) {
    lines.push(
      `| ${Math.round(b.low * 100)}–${Math.round(b.high * 100)}% | ${count(b.count)} | ${percent(b.meanPredicted)} | ${percent(b.observedFrequency)} | ${percent(b.intervalLow)}–${percent(b.intervalHigh)} | ${b.inside ? "yes" : "**no**"} |`,
    );
  }
  return lines.join("\n");
}

export type SummaryRow = {
  name: string;
  outcomes: readonly AccountOutcome[];
  variant: Variant;
};

/** One line per variant: Brier score (and the base rate's), ECE, mean predicted and observed, buckets inside. */
export function summaryTable(rows: readonly SummaryRow[]): string {
  const lines = [
    "| variant | accounts | Brier (base rate's) | ECE | mean predicted | observed | buckets inside 95% | all inside, Bonferroni |",
    "|---|---:|---:|---:|---:|---:|---:|:---:|",
  ];
  for (const { name, outcomes, variant } of rows) {
    const c = calibrationOf(outcomes, variant);
    const joint = calibrationOf(outcomes, variant, JOINT_LEVEL);
    const meanPredicted =
      outcomes.reduce((sum, o) => sum + o.predicted[variant], 0) /
      outcomes.length;
    const observed = outcomes.filter((o) => o.crossed).length / outcomes.length;
    lines.push(
      `| ${name} | ${count(c.count)} | ${c.brier.toFixed(4)} (${c.brierReference.toFixed(4)}) | ${percent(c.ece)} | ${percent(meanPredicted)} | ${percent(observed)} | ${c.bucketsInside} / ${c.buckets.length} | ${joint.bucketsInside === joint.buckets.length ? "yes" : "**no**"} |`,
    );
  }
  return lines.join("\n");
}
