/**
 * Pure profit math, all bigint. Units are in the names: [wad] is 18-decimal fixed point, [wei] is the native
 * token's smallest unit, quote amounts are valued in the protocol's quote asset.
 * Every estimate rounds against the keeper: costs up, rewards down.
 */
import { WAD, mulDivDown, mulDivUp, min } from "./math.ts";
import type {
  EngineGasReimbursement,
  FeeQuote,
  SendFees,
} from "./protocol-client.ts";

const MAX_UINT256 = 2n ** 256n - 1n;
/** maxFeePerGas leaves this headroom over the network gas price for a rising base fee (never above the ceiling). */
const FEE_HEADROOM_NUMERATOR = 125n;
const FEE_HEADROOM_DENOMINATOR = 100n;

/**
 * Gas cost valued in quote [wad], rounded up:
 * gasUnits × gasPriceWei is the cost in wei, i.e. in ETH [wad]; × ethPriceWad / 1e18 values it in quote [wad].
 */
export function gasCostQuoteWad(args: {
  gasUnits: bigint;
  gasPriceWei: bigint;
  ethPriceWad: bigint;
}): bigint {
  return mulDivUp(args.gasUnits * args.gasPriceWei, args.ethPriceWad, WAD);
}

/** True when the reward pays for the gas plus the minimum profit ε, strictly: reward == gas + ε is not enough. */
export function isProfitable(args: {
  rewardQuoteWad: bigint;
  gasCostQuoteWad: bigint;
  minProfitQuoteWad: bigint;
}): boolean {
  return args.rewardQuoteWad > args.gasCostQuoteWad + args.minProfitQuoteWad;
}

/** Whether to act: when profitable, or always when configured to act on unprofitable liquidations. */
export function shouldAct(args: {
  rewardQuoteWad: bigint;
  gasCostQuoteWad: bigint;
  minProfitQuoteWad: bigint;
  actUnprofitable: boolean;
}): boolean {
  return args.actUnprofitable || isProfitable(args);
}

/**
 * The highest gas price [wei] at which the action is still profitable, or null when none is.
 * Used as the ceiling for fee bumps of a stuck transaction.
 */
export function maxProfitableGasPriceWei(args: {
  rewardQuoteWad: bigint;
  minProfitQuoteWad: bigint;
  gasUnits: bigint;
  ethPriceWad: bigint;
}): bigint | null {
  // Profitable ⟺ ceil(g·p·e / 1e18) ≤ reward − ε − 1 ⟺ g·p·e ≤ (reward − ε − 1)·1e18.
  const budgetQuoteWad = args.rewardQuoteWad - args.minProfitQuoteWad - 1n;
  if (budgetQuoteWad < 0n) return null;
  const weiToQuoteScaled = args.gasUnits * args.ethPriceWad; // quote [wad] per wei of gas price, × 1e18
  if (weiToQuoteScaled === 0n) return MAX_UINT256;
  return (budgetQuoteWad * WAD) / weiToQuoteScaled;
}

/**
 * The fees a transaction is sent with: the network gas price plus headroom for a rising base fee, never above the
 * ceiling (which fee bumps of a stuck transaction never pass either); the tip never above the fee.
 */
export function sendFees(args: FeeQuote & { feeCeilingWei: bigint }): SendFees {
  const maxFeePerGasWei = min(
    (args.gasPriceWei * FEE_HEADROOM_NUMERATOR) / FEE_HEADROOM_DENOMINATOR,
    args.feeCeilingWei,
  );
  return {
    maxFeePerGasWei,
    maxPriorityFeePerGasWei: min(args.maxPriorityFeePerGasWei, maxFeePerGasWei),
    feeCeilingWei: args.feeCeilingWei,
  };
}

/** Gas price above the configured cap (null: no cap): the keeper does not act. */
export function exceedsGasPriceCap(
  gasPriceWei: bigint,
  gasPriceCapWei: bigint | null,
): boolean {
  return gasPriceCapWei !== null && gasPriceWei > gasPriceCapWei;
}

/**
 * Without a configured cap, fee bumps of a transaction that no profit rule bounds (a waterfall chore, an action sent at
 * a loss by choice) stop at this multiple of the gas price it was priced at: about twelve blocks of base fee rises of
 * 12.5% each.
 */
export const UNCAPPED_FEE_CEILING_FACTOR = 4n;

/**
 * The gas price fee bumps never pass: the configured cap, and the price where the action stops paying when a profit
 * rule bounds it (`profitableCeilingWei`, null when none does). With neither a cap nor a profit bound, a multiple of
 * the gas price now.
 */
export function feeCeilingWei(args: {
  gasPriceWei: bigint;
  gasPriceCapWei: bigint | null;
  profitableCeilingWei: bigint | null;
}): bigint {
  if (args.profitableCeilingWei === null)
    return (
      args.gasPriceCapWei ?? args.gasPriceWei * UNCAPPED_FEE_CEILING_FACTOR
    );
  return args.gasPriceCapWei === null
    ? args.profitableCeilingWei
    : min(args.gasPriceCapWei, args.profitableCeilingWei);
}

/** Value of `amount` collateral [token units] in quote [wad], rounded down: amount × 10^(18−decimals) × price / 1e18. */
export function collateralValueQuoteWad(
  amount: bigint,
  priceWad: bigint,
  decimals: number,
): bigint {
  return mulDivDown(amount, priceWad, 10n ** BigInt(decimals));
}

export type CollateralBuyEstimate = {
  /** Collateral the engine is expected to sell [token units]: enough to cover the debt, at most the balance. */
  amount: bigint;
  /** Oracle value of `amount` [wad quote]. */
  valueQuoteWad: bigint;
  /** Estimated quote the keeper pays: value × (1 − discount), about the debt at most [wad quote]. */
  paidQuoteWad: bigint;
  /** The keeper's profit before gas: value − paid [wad quote]. */
  rewardQuoteWad: bigint;
};

/**
 * Estimates a collateral purchase from an indebted, position-free account, for the funding check and the logs (the
 * decision uses the simulated purchase). The engine sells at the oracle price × (1 − discount), never below the
 * haircut value (so the sale cannot lower the account's equity), and only as much as covers the debt.
 */
export function estimateCollateralBuy(args: {
  balance: bigint;
  priceWad: bigint;
  decimals: number;
  haircutWad: bigint;
  collateralDiscountWad: bigint;
  debtQuoteWad: bigint;
}): CollateralBuyEstimate {
  const {
    balance,
    priceWad,
    decimals,
    haircutWad,
    collateralDiscountWad,
    debtQuoteWad,
  } = args;
  const discountedFractionWad = WAD - collateralDiscountWad;
  const payFractionWad =
    discountedFractionWad > haircutWad ? discountedFractionWad : haircutWad;
  const unitScale = 10n ** BigInt(decimals);
  const salePriceWad = mulDivUp(priceWad, payFractionWad, WAD); // quote [wad] per whole token
  // Token units whose sale value covers the debt, rounded up.
  const amountForDebt =
    salePriceWad === 0n
      ? balance
      : mulDivUp(debtQuoteWad, unitScale, salePriceWad);
  const amount = min(balance, amountForDebt);
  const valueQuoteWad = collateralValueQuoteWad(amount, priceWad, decimals);
  const paidQuoteWad = mulDivUp(amount, salePriceWad, unitScale);
  const rewardQuoteWad =
    valueQuoteWad > paidQuoteWad ? valueQuoteWad - paidQuoteWad : 0n;
  return { amount, valueQuoteWad, paidQuoteWad, rewardQuoteWad };
}

/** The keeper's profit from a purchase the engine reported (or simulated): oracle value − quote paid [wad quote]. */
export function collateralBuyRewardQuoteWad(args: {
  amount: bigint;
  priceWad: bigint;
  decimals: number;
  quotePaidWad: bigint;
}): bigint {
  return (
    collateralValueQuoteWad(args.amount, args.priceWad, args.decimals) -
    args.quotePaidWad
  );
}

/**
 * The gas the engine pays back at cost for a call [wad quote], rounded down: the call's simulated gas (the engine's
 * `callGas` covers what a simulation counts beyond the call) × base fee × ETH price, within the notional share of
 * `notionalWad` (a close's notional, a sale's quote paid, the dust minimum of a sweep). The base fee is taken as the
 * gas price less the tip, an estimate of the next block's.
 */
export function engineGasAtCostWad(args: {
  gasUnits: bigint;
  gas: EngineGasReimbursement;
  fees: FeeQuote;
  ethPriceWad: bigint;
  notionalWad: bigint;
}): bigint {
  const { fees } = args;
  const baseFeeWei =
    fees.gasPriceWei > fees.maxPriorityFeePerGasWei
      ? fees.gasPriceWei - fees.maxPriorityFeePerGasWei
      : 0n;
  const atCostWad = mulDivDown(
    args.gasUnits * baseFeeWei,
    args.ethPriceWad,
    WAD,
  );
  const capWad = mulDivDown(
    args.notionalWad,
    args.gas.maxNotionalShareWad,
    WAD,
  );
  return min(atCostWad, capWad);
}
