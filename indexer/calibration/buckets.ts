// Calibration statistics: predicted probabilities against observed outcomes,
// per probability bucket, with the binomial interval the observed count should
// fall in if the predictions are right.

export type Prediction = { predicted: number; observed: boolean };

export type Bucket = {
  low: number; // [low, high) of the predicted probability; the last bucket includes 1
  high: number;
  count: number;
  meanPredicted: number;
  observedFrequency: number;
  // Central interval of Binomial(count, meanPredicted) / count at the level
  // asked: where the observed frequency falls with at least that probability if
  // the model is right.
  intervalLow: number;
  intervalHigh: number;
  inside: boolean;
};

export type Calibration = {
  count: number;
  buckets: Bucket[]; // populated buckets only
  brier: number; // mean (p − y)²
  brierReference: number; // the same for a constant prediction at the base rate
  ece: number; // Σ count·|observed − mean predicted| / total
  bucketsInside: number;
};

/**
 * The smallest k with P(X ≤ k) ≥ q, X ~ Binomial(n, p). The probabilities are
 * summed from k = 0 in log space, so no term overflows and the underflowing
 * ones are negligible.
 */
export function binomialQuantile(n: number, p: number, q: number): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n = ${n}`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`p = ${p}`);
  if (!(q > 0 && q < 1)) throw new RangeError(`q = ${q}`);
  if (p === 0) return 0;
  if (p === 1) return n;
  const logRatio = Math.log(p) - Math.log1p(-p);
  let logPmf = n * Math.log1p(-p);
  let cumulative = 0;
  for (let k = 0; k < n; k++) {
    cumulative += Math.exp(logPmf);
    if (cumulative >= q) return k;
    logPmf += Math.log(n - k) - Math.log(k + 1) + logRatio;
  }
  return n;
}

/**
 * Groups predictions into `bucketCount` equal buckets of predicted
 * probability, each with the central binomial interval at `level` (0.95: the
 * 2.5% and 97.5% quantiles).
 */
export function calibrate(
  predictions: readonly Prediction[],
  bucketCount = 20,
  level = 0.95,
): Calibration {
  const sums = Array.from({ length: bucketCount }, () => ({
    count: 0,
    predicted: 0,
    observed: 0,
  }));
  let brier = 0;
  let hits = 0;
  for (const { predicted, observed } of predictions) {
    if (!(predicted >= 0 && predicted <= 1)) {
      throw new RangeError(`prediction ${predicted} outside [0, 1]`);
    }
    const index = Math.min(
      bucketCount - 1,
      Math.floor(predicted * bucketCount),
    );
    const bucket = sums[index]!;
    bucket.count += 1;
    bucket.predicted += predicted;
    const y = observed ? 1 : 0;
    bucket.observed += y;
    brier += (predicted - y) ** 2;
    hits += y;
  }
  const total = predictions.length;
  const tail = (1 - level) / 2;
  const buckets: Bucket[] = [];
  let ece = 0;
  sums.forEach((sum, index) => {
    if (sum.count === 0) return;
    const meanPredicted = sum.predicted / sum.count;
    const lowCount = binomialQuantile(sum.count, meanPredicted, tail);
    const highCount = binomialQuantile(sum.count, meanPredicted, 1 - tail);
    const observedFrequency = sum.observed / sum.count;
    ece += sum.count * Math.abs(observedFrequency - meanPredicted);
    buckets.push({
      low: index / bucketCount,
      high: (index + 1) / bucketCount,
      count: sum.count,
      meanPredicted,
      observedFrequency,
      intervalLow: lowCount / sum.count,
      intervalHigh: highCount / sum.count,
      inside: sum.observed >= lowCount && sum.observed <= highCount,
    });
  });
  const baseRate = total === 0 ? 0 : hits / total;
  return {
    count: total,
    buckets,
    brier: total === 0 ? 0 : brier / total,
    brierReference: baseRate * (1 - baseRate),
    ece: total === 0 ? 0 : ece / total,
    bucketsInside: buckets.filter((b) => b.inside).length,
  };
}
