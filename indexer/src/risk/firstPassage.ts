// The probability that a driftless geometric Brownian motion touches a barrier
// within a horizon (first passage, continuous monitoring).
//
// Price X_t = X₀·exp(νt + σW_t) with ν = −σ²/2, so that E[X_t] = X₀ (a
// martingale: no drift over a short horizon). With b = B/X₀ the barrier as a
// ratio of today's level, ℓ = ln b and s = σ√T:
//   lower barrier (b < 1): P = Φ((ℓ − νT)/s) + b^(2ν/σ²)·Φ((ℓ + νT)/s)
//                            = Φ((ℓ + s²/2)/s) + b⁻¹·Φ((ℓ − s²/2)/s)
//   upper barrier (b > 1): P = Φ((−ℓ + νT)/s) + b^(2ν/σ²)·Φ((−ℓ − νT)/s)
//                            = Φ((−ℓ − s²/2)/s) + b⁻¹·Φ((−ℓ + s²/2)/s)
// (the reflection principle for Brownian motion with drift; e.g. Shreve,
// Stochastic Calculus for Finance II, §7.2). Units: σ per √second, T seconds.
//
// Discrete monitoring: a price pushed every Δ seconds can only be seen past the
// line at a push, so it crosses less often than the continuous formula says.
// Broadie, Glasserman & Kou (1997) show the discrete probability is the
// continuous one with the barrier moved away by exp(β·σ·√Δ), β = −ζ(½)/√(2π)
// ≈ 0.5826, to o(1/√n). `monitoringIntervalSeconds` applies that shift; 0 (the
// default) is the continuous, larger, probability.
import { normalCdf } from "./normal.ts";

/** β = −ζ(1/2)/√(2π) (Broadie–Glasserman–Kou continuity correction). */
export const BROADIE_GLASSERMAN_BETA = 0.5825971579390107;

export type BarrierDirection = "down" | "up";

export type FirstPassageInput = {
  direction: BarrierDirection;
  /** Barrier / current level: < 1 below, > 1 above; at or past it gives 1. */
  barrierRatio: number;
  volPerSqrtSecond: number; // σ ≥ 0 [1/√s]
  horizonSeconds: number; // T ≥ 0 [s]
  /** Δ ≥ 0 [s]: the barrier is watched every Δ seconds; 0 = continuously. */
  monitoringIntervalSeconds?: number;
};

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`${name} must be finite and ≥ 0, got ${value}`);
  }
  return value;
}

/** P(the level touches the barrier within T) under a driftless GBM, in [0, 1]. */
export function firstPassageProbability(input: FirstPassageInput): number {
  const sigma = nonNegative("volPerSqrtSecond", input.volPerSqrtSecond);
  const horizon = nonNegative("horizonSeconds", input.horizonSeconds);
  const interval = nonNegative(
    "monitoringIntervalSeconds",
    input.monitoringIntervalSeconds ?? 0,
  );
  const ratio = input.barrierRatio;
  if (Number.isNaN(ratio)) throw new RangeError("barrierRatio is NaN");
  const down = input.direction === "down";

  // At or past the line.
  if (down ? ratio >= 1 : ratio <= 1) return 1;
  // A lower barrier at ≤ 0 or an upper one at +∞ is never reached.
  if (down ? ratio <= 0 : ratio === Infinity) return 0;
  const s = sigma * Math.sqrt(horizon);
  if (s === 0) return 0;

  // Discrete monitoring: move the barrier away from the level.
  const shift = BROADIE_GLASSERMAN_BETA * sigma * Math.sqrt(interval);
  const l = Math.log(ratio) + (down ? -shift : shift);
  const half = (s * s) / 2;
  // The second term is b⁻¹·Φ(·) = exp(−ℓ + ln Φ(·)): b⁻¹ may overflow where Φ
  // underflows, and exp(−∞) is 0.
  const [first, tail] = down
    ? [normalCdf((l + half) / s), normalCdf((l - half) / s)]
    : [normalCdf((-l - half) / s), normalCdf((-l + half) / s)];
  const second = Math.exp(-l + Math.log(tail));
  return Math.min(1, Math.max(0, first + second));
}
