// Tracks when an account's current breach (liquidatable spell) began. Pure,
// unit-tested.
//
// Health is recomputed after every event, so inside one transaction it passes
// through states no block ever showed (a liquidation emits PositionUpdated,
// then PenaltyCharged, then Liquidated). A breach therefore only ends if the
// account stays healthy past the end of a block: one that ends and restarts
// within a block resumes, and a liquidation later in the block that healed the
// account still finds when its breach began.

export type BreachState = {
  breachBlock: bigint | null; // first block of the current breach; null when healthy
  lastBreachBlock: bigint | null; // first block of the latest breach, kept after it ends
  breachEndedBlock: bigint | null; // block at which the latest breach ended; null while it lasts
};

export const NO_BREACH: BreachState = {
  breachBlock: null,
  lastBreachBlock: null,
  breachEndedBlock: null,
};

export function nextBreach(
  prev: BreachState,
  liquidatable: boolean,
  block: bigint,
): BreachState {
  if (liquidatable) {
    if (prev.breachBlock !== null) return prev;
    const resumed =
      prev.breachEndedBlock === block && prev.lastBreachBlock !== null;
    const start = resumed ? prev.lastBreachBlock! : block;
    return {
      breachBlock: start,
      lastBreachBlock: start,
      breachEndedBlock: null,
    };
  }
  if (prev.breachBlock === null) return prev;
  return {
    breachBlock: null,
    lastBreachBlock: prev.breachBlock,
    breachEndedBlock: block,
  };
}

// The first block of the breach a liquidation at `block` acted on: the current
// breach, or the one that ended in this very block (the liquidation's own
// events healed the account before its Liquidated event was indexed).
export function breachBlockAt(
  state: BreachState,
  block: bigint,
): bigint | null {
  if (state.breachBlock !== null) return state.breachBlock;
  return state.breachEndedBlock === block ? state.lastBreachBlock : null;
}
