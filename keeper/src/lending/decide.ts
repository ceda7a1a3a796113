/**
 * What the keeper does for the lending market (liquidation as a service), decided from on-chain reads: pure, so the
 * unit tests run it directly. A liquidatable lending account is liquidated one collateral at a time, in that
 * collateral's pattern on the lending engine: a fixed-fee `buyCollateral`, a backstop `absorb` (the backstop buys
 * first; keepers buy only once it is full, which the engine enforces), or a `kick`. A live lending auction is taken
 * through the pool callee once the pool pays more than the curve price (the simulation proves it), and reset when it
 * must be.
 */

export type LendingPattern = "fixed-fee" | "dutch-auction" | "internal";

export const LENDING_PATTERNS: readonly LendingPattern[] = [
  "fixed-fee",
  "dutch-auction",
  "internal",
];

export type LendingCandidate = {
  account: `0x${string}`;
  liquidatable: boolean; // re-read on chain
  debtWad: bigint;
  auctionLots: bigint;
  /** Held collateral: id, balance [token units] and the lending engine's pattern for it. */
  collaterals: { id: number; amount: bigint; pattern: LendingPattern }[];
};

export type LendingAction =
  | { kind: "buyCollateral"; account: `0x${string}`; collateralId: number }
  | { kind: "absorb"; account: `0x${string}`; collateralId: number }
  | { kind: "kick"; account: `0x${string}`; collateralId: number };

/** One action per liquidatable, indebted account: its first held collateral, in that collateral's pattern. */
export function decideLending(c: LendingCandidate): LendingAction | undefined {
  if (!c.liquidatable || c.debtWad === 0n) return undefined;
  const held = c.collaterals.find((x) => x.amount > 0n);
  if (held === undefined) return undefined; // bad debt: the engine settles it when the last lot goes
  const target = { account: c.account, collateralId: held.id };
  switch (held.pattern) {
    case "fixed-fee":
      return { kind: "buyCollateral", ...target };
    case "internal":
      return { kind: "absorb", ...target };
    case "dutch-auction":
      // One lot at a time per account (the auction house refuses a second).
      return c.auctionLots === 0n ? { kind: "kick", ...target } : undefined;
  }
}

export type LiveLendingAuction = {
  id: bigint;
  lot: bigint;
  needsReset: boolean;
};

export type AuctionAction =
  { kind: "take"; auctionId: bigint } | { kind: "redo"; auctionId: bigint };

/** A live auction is reset when it must be, and otherwise tried (the callee's simulation decides if it pays). */
export function decideAuction(
  a: LiveLendingAuction,
): AuctionAction | undefined {
  if (a.lot === 0n) return undefined;
  return a.needsReset
    ? { kind: "redo", auctionId: a.id }
    : { kind: "take", auctionId: a.id };
}

/** The pattern name of `CollateralPattern` by its enum index. */
export function patternName(index: number): LendingPattern {
  const name = LENDING_PATTERNS[index];
  if (name === undefined)
    throw new RangeError(`unknown collateral pattern ${index}`);
  return name;
}
