/**
 * Dust collateral: an account with no positions, in debt, whose collateral is worth less than both the dust minimum
 * and its debt, is cleared by `settleBadDebt` (LiquidationEngine): the collateral goes to the caller, the debt to the
 * waterfall, and the caller's gas comes back at cost with the insolvent tip. All bigint; [wad] is 18-decimal fixed
 * point.
 */
import { WAD, mulDivUp } from "./math.ts";
import { engineGasAtCostWad } from "./profit.ts";
import type {
  CollateralState,
  EngineGasReimbursement,
  FeeQuote,
} from "./protocol-client.ts";

/** The collateral's value at the oracle price, no haircut, rounded up as the engine rounds it [wad quote]. */
export function collateralValueAtOracleWad(
  states: readonly CollateralState[],
): bigint {
  return states.reduce(
    (total, s) =>
      total +
      mulDivUp(s.amount * 10n ** BigInt(18 - s.decimals), s.priceWad, WAD),
    0n,
  );
}

/** Whether the engine sweeps this collateral: worth less than the dust minimum and than the debt. */
export function isSweepableDust(args: {
  valueWad: bigint;
  debtQuoteWad: bigint;
  dustNotionalWad: bigint;
}): boolean {
  return (
    args.debtQuoteWad > 0n &&
    args.valueWad < args.dustNotionalWad &&
    args.valueWad < args.debtQuoteWad
  );
}

/**
 * What a sweep pays the caller [wad quote], rounded down: the dust, the tip, and the gas the engine reimburses at cost
 * within the notional share of the dust minimum (`engineGasAtCostWad`).
 */
export function dustSweepRewardWad(args: {
  valueWad: bigint;
  dustNotionalWad: bigint;
  gasUnits: bigint;
  gas: EngineGasReimbursement;
  fees: FeeQuote;
  ethPriceWad: bigint;
}): bigint {
  const gasWad = engineGasAtCostWad({
    ...args,
    notionalWad: args.dustNotionalWad,
  });
  // The collateral is the keeper's to sell: its value was rounded up, so one wad comes off.
  const valueDownWad = args.valueWad > 0n ? args.valueWad - 1n : 0n;
  return gasWad + args.gas.insolventTipWad + valueDownWad;
}
