/**
 * The liquidation pattern of both collateral assets, chosen by configuration (`COLLATERAL_PATTERN`), and the auction
 * curve's step on the fast local chain.
 */

export const PATTERNS = ["fixed-fee", "dutch-auction", "internal"] as const;
export type Pattern = (typeof PATTERNS)[number];

export const DEFAULT_PATTERN: Pattern = "fixed-fee";

/**
 * The auction curve's step on the demo chain (1 s blocks): −1% every 2 s instead of the deploy script's 10 s, so an
 * auction reaches the pool price within about ten blocks rather than a minute. Only the auction pattern uses it; the
 * backstop's floor buys in that pattern follow the same curve.
 */
export const DEMO_AUCTION_STEP_SECONDS = 2;

export function isPattern(value: unknown): value is Pattern {
  return (PATTERNS as readonly unknown[]).includes(value);
}

/** The pattern named by `value` (the default when unset or empty); one error line otherwise. */
export function parsePattern(value: string | undefined): Pattern {
  const name = value?.trim() ?? "";
  if (name === "") return DEFAULT_PATTERN;
  if (isPattern(name)) return name;
  throw new PatternError(
    `COLLATERAL_PATTERN must be one of ${PATTERNS.join(", ")}; got ${JSON.stringify(value)}`,
  );
}

export class PatternError extends Error {
  override name = "PatternError";
}
