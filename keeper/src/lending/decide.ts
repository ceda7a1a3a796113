/**
 * What the keeper does for the lending market (liquidation as a service), decided from on-chain reads: pure, so the
 * unit tests run it directly. Accounts go lowest health factor first (Σ value × liquidation LTV ÷ debt; < 1 exactly
 * when the engine's equity, Σ value × liquidation LTV − debt, is negative). A liquidatable lending account is
 * liquidated one collateral at a time, the one with the lowest liquidation LTV first (each quote unit it raises
 * removes the least counted value: the largest gain in equity and health factor), in that collateral's pattern on the
 * lending engine: a fixed-fee `buyCollateral`, a backstop `absorb` (the backstop buys
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
  healthFactorWad: bigint; // re-read on chain (healthFactorOf)
  debtWad: bigint;
  auctionLots: bigint;
  /** Held collateral: id, balance [token units], liquidation LTV [wad] and the lending engine's pattern for it. */
  collaterals: {
    id: number;
    amount: bigint;
    liquidationLtvWad: bigint;
    pattern: LendingPattern;
  }[];
};

export type LendingAction =
  | { kind: "buyCollateral"; account: `0x${string}`; collateralId: number }
  | { kind: "absorb"; account: `0x${string}`; collateralId: number }
  | { kind: "kick"; account: `0x${string}`; collateralId: number };

/** Lowest health factor first (ties by address): the accounts closest to bad debt are served first. */
export function orderLending(cs: LendingCandidate[]): LendingCandidate[] {
  return [...cs].sort(
    (a, b) =>
      (a.healthFactorWad < b.healthFactorWad
        ? -1
        : a.healthFactorWad > b.healthFactorWad
          ? 1
          : 0) || a.account.localeCompare(b.account),
  );
}

/**
 * One action per liquidatable, indebted account: its held collateral with the lowest liquidation LTV (ties: lowest
 * id) that can be liquidated now, in that collateral's pattern.
 */
export function decideLending(c: LendingCandidate): LendingAction | undefined {
  if (!c.liquidatable || c.debtWad === 0n) return undefined;
  const held = c.collaterals
    .filter((x) => x.amount > 0n)
    .sort(
      (a, b) =>
        (a.liquidationLtvWad < b.liquidationLtvWad
          ? -1
          : a.liquidationLtvWad > b.liquidationLtvWad
            ? 1
            : 0) || a.id - b.id,
    );
  // None held: bad debt, which the engine settles when the last lot goes.
  for (const x of held) {
    const target = { account: c.account, collateralId: x.id };
    switch (x.pattern) {
      case "fixed-fee":
        return { kind: "buyCollateral", ...target };
      case "internal":
        return { kind: "absorb", ...target };
      case "dutch-auction":
        // One lot at a time per account (the auction house refuses a second): try the next collateral.
        if (c.auctionLots === 0n) return { kind: "kick", ...target };
    }
  }
  return undefined;
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
