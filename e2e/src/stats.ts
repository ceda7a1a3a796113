/** Summary statistics of the benchmarks. */

/** The value at quantile q of a list (sorted here; index ⌊q·n⌋, clamped); NaN for an empty list. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
