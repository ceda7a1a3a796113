/**
 * The keeper's view of the chain: every read, simulation and send the strategy needs, behind one small interface
 * so the strategy can be tested with a fake. Reverts surface as ContractRevertError carrying the decoded error name.
 */
import type { Address, Hex } from "viem";

export type HealthView = {
  equityWad: bigint;
  initialWad: bigint;
  maintenanceWad: bigint;
  healthWad: bigint;
};

export type AccountMasks = { marketMask: bigint; collateralMask: bigint };

export type LiquidationPreview = {
  closeSizeWad: bigint;
  penaltyWad: bigint;
  keeperRewardWad: bigint;
};

export type CollateralState = {
  amount: bigint;
  priceWad: bigint;
  haircutWad: bigint;
  decimals: number;
};

export type LiquidationParams = {
  targetHealthWad: bigint;
  fullCloseHealthWad: bigint;
  penaltyWad: bigint;
  keeperShareWad: bigint;
  collateralDiscountWad: bigint;
  dustNotionalWad: bigint;
};

/** PriceStatus of IOracle: 0 Valid, 1 Stale, 2 NonPositive, 3 BelowFloor, 4 AboveCap. */
export const PRICE_STATUS = [
  "Valid",
  "Stale",
  "NonPositive",
  "BelowFloor",
  "AboveCap",
  "Recovering",
  "Volatile",
] as const;

/** A price good enough to measure with: `Valid`, or `Volatile` (a large recent move halts new exposure only). */
export function isUsablePrice(status: number): boolean {
  return status === 0 || status === 6;
}
export type PriceRead = { priceWad: bigint; status: number };

export type FeeQuote = { gasPriceWei: bigint; maxPriorityFeePerGasWei: bigint };

/** The keeper's quote-token balance and allowance to the protocol, scaled to [wad]. */
export type QuoteFunding = { balanceWad: bigint; allowanceWad: bigint };

export type EngineCall =
  | { functionName: "liquidate"; args: readonly [Address, bigint, bigint] }
  | {
      functionName: "buyCollateral";
      args: readonly [Address, bigint, bigint, bigint];
    };

export type Simulated<R> = { call: EngineCall; result: R; gasUnits: bigint };

export type SendFees = {
  maxFeePerGasWei: bigint;
  maxPriorityFeePerGasWei: bigint;
  /** Fee bumps of a stuck transaction never raise maxFeePerGas above this. */
  feeCeilingWei: bigint;
};

export type SentTransaction = {
  txHash: Hex;
  status: "success" | "reverted";
  gasUsed: bigint;
  effectiveGasPriceWei: bigint;
  /** Every hash sent for this nonce, first to last (more than one after fee bumps). */
  hashes: Hex[];
};

export interface ProtocolClient {
  readonly keeper: Address;
  isLiquidatable(account: Address): Promise<boolean>;
  health(account: Address): Promise<HealthView>;
  accountMasks(account: Address): Promise<AccountMasks>;
  /** Signed position size [wad base units]. */
  positionSize(account: Address, marketId: number): Promise<bigint>;
  quoteBalance(account: Address): Promise<bigint>;
  collateralState(
    account: Address,
    collateralId: number,
  ): Promise<CollateralState>;
  previewLiquidation(
    account: Address,
    marketId: number,
  ): Promise<LiquidationPreview>;
  liquidationParams(): Promise<LiquidationParams>;
  /** The engine's pattern for a collateral asset: 0 fixed fee (sold by `buyCollateral`), 1 Dutch auction. */
  collateralPattern(collateralId: number): Promise<number>;
  ethPrice(): Promise<PriceRead>;
  feeQuote(): Promise<FeeQuote>;
  quoteFunding(): Promise<QuoteFunding>;
  simulateLiquidate(
    account: Address,
    marketId: number,
    maxCloseSizeWad: bigint,
  ): Promise<Simulated<bigint>>;
  simulateBuyCollateral(
    account: Address,
    collateralId: number,
    maxAmount: bigint,
    maxPriceWad: bigint,
  ): Promise<Simulated<{ amount: bigint; quotePaidWad: bigint }>>;
  /** Sends a simulated call and waits for its receipt, bumping fees while it is stuck. */
  send(
    call: EngineCall,
    gasUnits: bigint,
    fees: SendFees,
  ): Promise<SentTransaction>;
}
