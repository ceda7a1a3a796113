// ILiquidationEngine.CollateralPattern, by its enum index, as stored in
// collateral_asset.pattern. Pure, so the unit tests run it directly.

export const COLLATERAL_PATTERNS = [
  "fixed-fee",
  "dutch-auction",
  "internal",
] as const;

export const DEFAULT_PATTERN = COLLATERAL_PATTERNS[0];

// A pattern added to the engine after this list is stored as "pattern-<n>"
// rather than stopping the indexer.
export function collateralPatternName(index: number): string {
  return COLLATERAL_PATTERNS[index] ?? `pattern-${index}`;
}
