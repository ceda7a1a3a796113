// One budget of account recomputes a block, shared by the block's price pushes
// and the band refresh after them. A push recomputes every account it may take
// across the liquidation line, however many; the refresh (background work:
// bands above the line) gets what the pushes left. So a crash block is not
// delayed by the refresh, which catches up over the next blocks. Ponder runs a
// block's log handlers before its block handler, and a block processed again
// (a reorg, a restart) runs its pushes again first: the tally is by block hash.
import type { Hex } from "viem";

export class BlockRecomputes {
  private hash: Hex | undefined;
  private count = 0;

  /** `accounts` more recomputed in block `hash`. */
  add(hash: Hex, accounts: number): void {
    if (hash !== this.hash) {
      this.hash = hash;
      this.count = 0;
    }
    this.count += accounts;
  }

  /** What is left of `budget` in block `hash` after its pushes' recomputes, at least 0. */
  left(hash: Hex, budget: number): number {
    return Math.max(0, budget - (hash === this.hash ? this.count : 0));
  }
}
