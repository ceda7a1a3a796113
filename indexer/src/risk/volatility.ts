// Realized volatility of one asset from its pushed prices.
//
// Estimator: zero-mean realized variance per second,
//   σ² = Σ rᵢ² / Σ Δtᵢ,  rᵢ = ln(pᵢ / pᵢ₋₁),  Δtᵢ = tᵢ − tᵢ₋₁ [s],
// over the last pushes of a window. Pushes come at irregular times (a
// heartbeat, a deviation trigger, a demo's steps), so the squared returns are
// summed and divided by the time they span: under a driftless geometric
// Brownian motion E[rᵢ²] ≈ σ²·Δtᵢ, so this is unbiased whatever the spacing. The mean return is taken as zero rather than estimated
// (RiskMetrics' convention): over minutes to hours the drift is noise, and
// subtracting a noisy mean would bias σ down. A simple window rather than EWMA:
// one parameter (the number of returns), an obvious sampling error (≈ σ/√(2n)
// relative), and the calibration (benchmarks/crossing-calibration.md) measures
// what that error does to the predicted probabilities.

/** One pushed price: when it was observed [unix seconds] and the price [quote per whole token], > 0 to be used. */
export type PricePoint = { timestampSeconds: number; price: number };

export const SECONDS_PER_YEAR = 365 * 24 * 60 * 60;
/** Fewer returns than this: no estimate (σ̂ from n returns is off by ≈ 1/√(2n) relative; 10 gives ≈ 22%). */
export const MIN_RETURNS = 10;

export type VolatilityEstimate =
  | {
      kind: "estimated";
      variancePerSecond: number; // σ² [1/s]
      volPerSqrtSecond: number; // σ [1/√s]
      returns: number; // returns used
      windowSeconds: number; // time they span [s]
      firstTimestampSeconds: number;
      lastTimestampSeconds: number;
    }
  | {
      kind: "insufficient";
      returns: number;
      minReturns: number;
      reason: string;
    };

/**
 * σ per √second from `points`, oldest first. A price ≤ 0 (a broken source) is
 * skipped with the returns on either side of it. Fewer than `minReturns`
 * usable returns, or returns spanning no time, give `kind: "insufficient"`
 * with the reason: never NaN.
 */
export function realizedVolatility(
  points: readonly PricePoint[],
  minReturns: number = MIN_RETURNS,
): VolatilityEstimate {
  if (!Number.isInteger(minReturns) || minReturns < 1) {
    throw new RangeError(
      `minReturns must be a positive integer, got ${minReturns}`,
    );
  }
  let sumSquares = 0;
  let seconds = 0;
  let returns = 0;
  let first: number | undefined;
  let last: number | undefined;
  let previous: PricePoint | undefined;
  for (const point of points) {
    if (!Number.isFinite(point.timestampSeconds)) {
      throw new RangeError(`timestamp ${point.timestampSeconds} not finite`);
    }
    if (
      previous !== undefined &&
      point.timestampSeconds < previous.timestampSeconds
    ) {
      throw new RangeError(
        `prices out of order: ${point.timestampSeconds} after ${previous.timestampSeconds}`,
      );
    }
    if (!(point.price > 0) || !Number.isFinite(point.price)) {
      previous = undefined; // no return across an unusable price
      continue;
    }
    if (previous !== undefined) {
      const r = Math.log(point.price / previous.price);
      sumSquares += r * r;
      seconds += point.timestampSeconds - previous.timestampSeconds;
      returns += 1;
      first ??= previous.timestampSeconds;
      last = point.timestampSeconds;
    }
    previous = point;
  }
  if (returns < minReturns) {
    return {
      kind: "insufficient",
      returns,
      minReturns,
      reason: `${returns} usable price returns, at least ${minReturns} needed`,
    };
  }
  if (seconds <= 0) {
    return {
      kind: "insufficient",
      returns,
      minReturns,
      reason: `${returns} price returns span no time`,
    };
  }
  const variancePerSecond = sumSquares / seconds;
  return {
    kind: "estimated",
    variancePerSecond,
    volPerSqrtSecond: Math.sqrt(variancePerSecond),
    returns,
    windowSeconds: seconds,
    firstTimestampSeconds: first!,
    lastTimestampSeconds: last!,
  };
}

/** σ per √second → σ per √year (the usual quote: 0.8 = "80% annualized"). */
export function annualizedVolatility(volPerSqrtSecond: number): number {
  return volPerSqrtSecond * Math.sqrt(SECONDS_PER_YEAR);
}

/** σ per √year → σ per √second. */
export function volPerSqrtSecondFromAnnual(annualVol: number): number {
  return annualVol / Math.sqrt(SECONDS_PER_YEAR);
}
