// The probability that an account crosses its maintenance line within a
// horizon: its distance to the line (./exposure.ts), the realized volatility of
// its assets (./volatility.ts), and the first-passage probability of a
// driftless GBM (./firstPassage.ts).
//
// One asset: exact under the model. The surplus is S₀ + c·(p − p⁰), so the
// account crosses when the price touches p* = p⁰ − S₀/c: a lower barrier for a
// net long (c > 0), an upper one for a net short.
//
// Several assets: one lognormal factor stands for the book. Its size is the
// gross exposure G = Σ|x_k| and its return the book's, Σ_k x_k·r_k / G, so the
// line is the factor falling by S₀/G: a barrier ratio 1 − S₀/G (down) when
// every exposure is long, 1 + S₀/G (up) when every one is short, and for a book
// with both signs the larger of the two probabilities (which way the factor's
// lognormal skew points depends on which leg moves). Its volatility σ_G is
// measured on the assets' common price history (`joint`: the book's own
// return at each refresh time, so their covariance is in it). Without enough
// common history it falls back to the worst case over every correlation
// matrix, σ_G = Σ|x_k|·σ_k / G (the triangle inequality bounds the book's
// √(xᵀΣx) by Σ|x_k|σ_k), which errs towards a higher probability. With one
// asset both are the exact case above.
import { type AccountRisk, crossingPrice } from "./exposure.ts";
import {
  type BarrierDirection,
  firstPassageProbability,
} from "./firstPassage.ts";
import {
  type JointReturns,
  MIN_RETURNS,
  type VolatilityEstimate,
  volatilityOf,
} from "./volatility.ts";

export type CrossingMethod =
  | "already-crossed" // surplus ≤ 0: at or past the line
  | "no-exposure" // no price moves the surplus
  | "single-asset"
  | "portfolio" // σ_G from the assets' common history
  | "portfolio-worst-case"; // σ_G bounded by Σ|x_k|σ_k / G

export type FactorUsed = {
  oracle: string;
  exposure: number; // x_k [quote per unit relative move]
  volPerSqrtSecond: number | null; // σ_k; null when not needed (already crossed) or not estimated
  crossingPrice: number | null; // this asset's price at the line, the others unchanged; null if unreachable
};

export type CrossingEstimate =
  | {
      kind: "rated";
      probability: number; // in [0, 1]
      method: CrossingMethod;
      direction: BarrierDirection | "either" | null; // null: no barrier (already crossed, no exposure)
      surplus: number; // S₀ = equity − maintenance [quote]
      grossExposure: number; // G = Σ|x_k| [quote]
      volPerSqrtSecond: number | null; // σ_G of the factor [1/√s]
      // The factor's relative move that reaches the line: −0.04 is a 4% fall,
      // null when no move does or none is needed.
      crossingMove: number | null;
      // |ln(barrier ratio)| / (σ_G·√T): the distance in standard deviations of
      // the horizon's log move.
      distanceSigmas: number | null;
      factors: FactorUsed[];
    }
  | {
      kind: "unrated";
      reason: "prices-unusable" | "volatility-unavailable";
      detail: string;
    };

export type CrossingInput = {
  risk: AccountRisk;
  /** Per lowercase oracle: one-asset accounts, the fallback for several, and the figures shown. */
  volatility: ReadonlyMap<string, VolatilityEstimate>;
  /** Several assets: their returns at common refresh times, `oracles` (lowercase) in the order of `returns`. */
  joint?: { oracles: readonly string[]; returns: JointReturns };
  horizonSeconds: number;
  /** The price is seen every this many seconds (0 = continuously): see ./firstPassage.ts. */
  monitoringIntervalSeconds?: number;
};

export function crossingEstimate(input: CrossingInput): CrossingEstimate {
  const { risk, horizonSeconds } = input;
  if (!risk.pricesUsable) {
    return {
      kind: "unrated",
      reason: "prices-unusable",
      detail: "a price the account depends on is missing or ≤ 0",
    };
  }
  const grossExposure = risk.factors.reduce(
    (sum, f) => sum + Math.abs(f.exposure),
    0,
  );
  const base = { kind: "rated" as const, surplus: risk.surplus, grossExposure };
  const prices = (vol: (oracle: string) => number | null) =>
    risk.factors.map((f) => ({
      oracle: f.oracle,
      exposure: f.exposure,
      volPerSqrtSecond: vol(f.oracle),
      crossingPrice: crossingPrice(risk.surplus, f),
    }));
  if (risk.surplus <= 0) {
    return {
      ...base,
      probability: 1,
      method: "already-crossed",
      direction: null,
      volPerSqrtSecond: null,
      crossingMove: null,
      distanceSigmas: null,
      factors: prices(() => null),
    };
  }
  if (grossExposure === 0) {
    return {
      ...base,
      probability: 0,
      method: "no-exposure",
      direction: null,
      volPerSqrtSecond: null,
      crossingMove: null,
      distanceSigmas: null,
      factors: [],
    };
  }

  const sigmas = new Map<string, number>();
  const missing: string[] = [];
  for (const f of risk.factors) {
    const estimate = input.volatility.get(f.oracle);
    if (estimate?.kind === "estimated") {
      sigmas.set(f.oracle, estimate.volPerSqrtSecond);
    } else {
      missing.push(
        `${f.oracle}: ${estimate === undefined ? "no price history" : estimate.reason}`,
      );
    }
  }
  const book =
    risk.factors.length > 1 ? bookVolatility(input, grossExposure) : undefined;
  let sigma: number;
  let method: CrossingMethod;
  if (book?.kind === "estimated") {
    sigma = book.volPerSqrtSecond;
    method = "portfolio";
  } else if (missing.length > 0) {
    return {
      kind: "unrated",
      reason: "volatility-unavailable",
      detail: [...missing, ...(book ? [`together: ${book.reason}`] : [])].join(
        "; ",
      ),
    };
  } else {
    sigma =
      risk.factors.reduce(
        (sum, f) => sum + Math.abs(f.exposure) * sigmas.get(f.oracle)!,
        0,
      ) / grossExposure;
    method = book ? "portfolio-worst-case" : "single-asset";
  }
  const move = risk.surplus / grossExposure; // the factor's fall to the line, as a fraction
  const anyLong = risk.factors.some((f) => f.exposure > 0);
  const anyShort = risk.factors.some((f) => f.exposure < 0);
  const probabilityOf = (direction: BarrierDirection) =>
    firstPassageProbability({
      direction,
      barrierRatio: direction === "down" ? 1 - move : 1 + move,
      volPerSqrtSecond: sigma,
      horizonSeconds,
      monitoringIntervalSeconds: input.monitoringIntervalSeconds,
    });
  const down = anyLong ? probabilityOf("down") : 0;
  const up = anyShort ? probabilityOf("up") : 0;
  // Mixed books: the larger probability, and the direction it comes from.
  const direction: BarrierDirection | "either" =
    anyLong && anyShort ? "either" : anyLong ? "down" : "up";
  const worst: BarrierDirection =
    direction === "either" ? (down >= up ? "down" : "up") : direction;
  const barrierRatio = worst === "down" ? 1 - move : 1 + move;
  const scale = sigma * Math.sqrt(horizonSeconds);
  return {
    ...base,
    probability: Math.max(down, up),
    method,
    direction,
    volPerSqrtSecond: sigma,
    crossingMove: barrierRatio > 0 ? barrierRatio - 1 : null,
    distanceSigmas:
      barrierRatio > 0 && scale > 0
        ? Math.abs(Math.log(barrierRatio)) / scale
        : null,
    factors: prices((oracle) => sigmas.get(oracle) ?? null),
  };
}

// σ_G of a book of several assets from their common history: the volatility of
// Σ_k (x_k / G)·r_k at the refresh times. "insufficient" when there is no
// common history of every asset, or too little.
function bookVolatility(
  input: CrossingInput,
  grossExposure: number,
): VolatilityEstimate {
  const joint = input.joint;
  const weights = joint?.oracles.map(
    (oracle) =>
      (input.risk.factors.find((f) => f.oracle === oracle)?.exposure ?? 0) /
      grossExposure,
  );
  const covered = input.risk.factors.every((f) =>
    joint?.oracles.includes(f.oracle),
  );
  if (joint === undefined || weights === undefined || !covered) {
    return {
      kind: "insufficient",
      returns: 0,
      minReturns: MIN_RETURNS,
      reason: "no common price history of the account's assets",
    };
  }
  return volatilityOf(joint.returns, weights);
}
