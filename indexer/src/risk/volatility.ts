// Realized volatility from pushed prices: of one asset, or of a book of several
// (their log returns weighted), from the same price history.
//
// Estimator: zero-mean realized variance per second,
//   σ² = Σⱼ Rⱼ² / Σⱼ Δtⱼ,  Rⱼ = Σ_k w_k·ln(p_k(tⱼ) / p_k(tⱼ₋₁)),  Δtⱼ = tⱼ − tⱼ₋₁ [s],
// over the last intervals of a window. Pushes come at irregular times (a
// heartbeat, a deviation trigger, a demo's steps), so the squared returns are
// summed and divided by the time they span: under a driftless geometric
// Brownian motion E[Rⱼ²] ≈ σ²·Δtⱼ, so this is unbiased whatever the spacing.
// The mean return is taken as zero rather than estimated (RiskMetrics'
// convention): over minutes to hours the drift is noise, and subtracting a
// noisy mean would bias σ down. A simple window rather than EWMA: one parameter
// (the number of returns), a known sampling error (≈ 1/√(2n) relative), and
// the calibration (benchmarks/crossing-calibration.md) measures what that error
// does to the predicted probabilities.
//
// Several assets are sampled at refresh times (Barndorff-Nielsen, Hansen, Lunde
// & Shephard, 2011): the first time at which every asset has been pushed again
// since the previous one, each at its latest price. Pushes in the same second
// are one observation. A book's return over an interval is then its weighted
// sum, so the covariance of the assets enters through the history itself: no
// correlation matrix to estimate, and the variance is never negative.

/** One pushed price: when it was observed [unix seconds] and the price [quote per whole token], > 0 to be used. */
export type PricePoint = { timestampSeconds: number; price: number };

export const SECONDS_PER_YEAR = 365 * 24 * 60 * 60;
/** Fewer returns than this: no estimate (σ̂ from n returns is off by ≈ 1/√(2n) relative; 10 gives ≈ 22%). */
export const MIN_RETURNS = 10;

/** Log returns of several assets between their common refresh times, oldest first. */
export type JointReturns = {
  assets: number; // how many assets, in the order given
  returns: number[][]; // [interval][asset]
  seconds: number[]; // Δt of each interval [s], > 0
  firstTimestampSeconds: number | null; // the first refresh time; null with none
  lastTimestampSeconds: number | null;
};

export type VolatilityEstimate =
  | {
      kind: "estimated";
      variancePerSecond: number; // σ² [1/s]
      volPerSqrtSecond: number; // σ [1/√s]
      returns: number; // intervals used
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

function checkOrder(points: readonly PricePoint[], asset: number) {
  for (let i = 0; i < points.length; i++) {
    const t = points[i]!.timestampSeconds;
    if (!Number.isFinite(t)) throw new RangeError(`timestamp ${t} not finite`);
    if (i > 0 && t < points[i - 1]!.timestampSeconds) {
      throw new RangeError(
        `prices of asset ${asset} out of order: ${t} after ${points[i - 1]!.timestampSeconds}`,
      );
    }
  }
}

/**
 * The assets' log returns between refresh times. Each history is oldest first;
 * a price ≤ 0 or not finite (a broken source) is skipped, so the next return
 * spans it.
 */
export function jointReturns(
  histories: readonly (readonly PricePoint[])[],
): JointReturns {
  const assets = histories.length;
  histories.forEach(checkOrder);
  const events = histories
    .flatMap((points, asset) =>
      points
        .filter((p) => p.price > 0 && Number.isFinite(p.price))
        .map((p) => ({ asset, t: p.timestampSeconds, price: p.price })),
    )
    .sort((a, b) => a.t - b.t); // stable: each asset's own order is kept

  const out: JointReturns = {
    assets,
    returns: [],
    seconds: [],
    firstTimestampSeconds: null,
    lastTimestampSeconds: null,
  };
  if (assets === 0) return out;
  const latest: (number | undefined)[] = new Array(assets).fill(undefined);
  const pushedSince: boolean[] = new Array(assets).fill(false);
  let refreshed: number[] | undefined; // prices at the last refresh time
  let refreshedAt = 0;
  for (let i = 0; i < events.length;) {
    const t = events[i]!.t;
    for (; i < events.length && events[i]!.t === t; i++) {
      latest[events[i]!.asset] = events[i]!.price;
      pushedSince[events[i]!.asset] = true;
    }
    if (!pushedSince.every(Boolean)) continue;
    const prices = latest as number[];
    if (refreshed === undefined) {
      out.firstTimestampSeconds = t;
    } else {
      out.returns.push(prices.map((p, k) => Math.log(p / refreshed![k]!)));
      out.seconds.push(t - refreshedAt);
    }
    out.lastTimestampSeconds = t;
    refreshed = [...prices];
    refreshedAt = t;
    pushedSince.fill(false);
  }
  return out;
}

/**
 * σ per √second of the weighted sum of the assets' log returns (one weight
 * per asset, in the order of `joint`). Fewer than `minReturns` intervals give
 * `kind: "insufficient"` with the reason: never NaN.
 */
export function volatilityOf(
  joint: JointReturns,
  weights: readonly number[],
  minReturns: number = MIN_RETURNS,
): VolatilityEstimate {
  if (!Number.isInteger(minReturns) || minReturns < 1) {
    throw new RangeError(
      `minReturns must be a positive integer, got ${minReturns}`,
    );
  }
  if (weights.length !== joint.assets || !weights.every(Number.isFinite)) {
    throw new RangeError(
      `${weights.length} finite weights needed for ${joint.assets} assets`,
    );
  }
  const returns = joint.returns.length;
  if (returns < minReturns) {
    return {
      kind: "insufficient",
      returns,
      minReturns,
      reason: `${returns} price returns${joint.assets > 1 ? " common to the assets" : ""}, at least ${minReturns} needed`,
    };
  }
  let sumSquares = 0;
  let seconds = 0;
  joint.returns.forEach((row, j) => {
    const r = row.reduce((sum, x, k) => sum + weights[k]! * x, 0);
    sumSquares += r * r;
    seconds += joint.seconds[j]!;
  });
  const variancePerSecond = sumSquares / seconds;
  return {
    kind: "estimated",
    variancePerSecond,
    volPerSqrtSecond: Math.sqrt(variancePerSecond),
    returns,
    windowSeconds: seconds,
    firstTimestampSeconds: joint.firstTimestampSeconds!,
    lastTimestampSeconds: joint.lastTimestampSeconds!,
  };
}

/** σ per √second of one asset from its prices, oldest first (see volatilityOf). */
export function realizedVolatility(
  points: readonly PricePoint[],
  minReturns: number = MIN_RETURNS,
): VolatilityEstimate {
  return volatilityOf(jointReturns([points]), [1], minReturns);
}

/** σ per √second → σ per √year (the usual quote: 0.8 = "80% annualized"). */
export function annualizedVolatility(volPerSqrtSecond: number): number {
  return volPerSqrtSecond * Math.sqrt(SECONDS_PER_YEAR);
}

/** σ per √year → σ per √second. */
export function volPerSqrtSecondFromAnnual(annualVol: number): number {
  return annualVol / Math.sqrt(SECONDS_PER_YEAR);
}
