/**
 * The keeper's view of the chain: every read, simulation and send the strategy needs, behind one small interface
 * so the strategy can be tested with a fake. Reverts surface as ContractRevertError carrying the decoded error name.
 */
import type { Address, Hex } from "viem";

/** ILiquidatable's `marginState`, and health = equity ÷ maintenance (./math.ts healthWadDown). */
export type HealthView = {
  equityWad: bigint;
  maintenanceWad: bigint;
  healthWad: bigint;
};

export type AccountMasks = { marketMask: bigint; collateralMask: bigint };

export type LiquidationPreview = {
  closeSizeWad: bigint;
  penaltyWad: bigint;
  keeperRewardWad: bigint;
};

/** `previewPreLiquidation`: what a pre-liquidation would close now and pay the caller; zeros where it would revert. */
export type PreLiquidationPreview = {
  closeSizeWad: bigint;
  incentiveWad: bigint;
  healthWad: bigint;
};

export type CollateralState = {
  amount: bigint;
  priceWad: bigint;
  haircutWad: bigint;
  decimals: number;
};

/**
 * The engine's gas reimbursement (`GasReimbursementParams`): the gas a call measures plus `callGas`, at cost, within a
 * share of the notional closed.
 */
export type EngineGasReimbursement = {
  /** What a call uses but cannot measure: the transaction, its calldata, the payment. */
  callGas: bigint;
  /** A close's measured gas as previews estimate it. */
  previewGas: bigint;
  maxNotionalShareWad: bigint;
  /** At equity ≤ 0 the keeper's part of the penalty is at most this; a dust sweep earns it [wad]. */
  insolventTipWad: bigint;
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

/** The engine's liquidation pattern of a collateral asset (`CollateralPattern` in ILiquidationEngine). */
export const COLLATERAL_PATTERN = {
  FixedFee: 0,
  DutchAuction: 1,
  Internal: 2,
} as const;
export const COLLATERAL_PATTERN_NAMES = [
  "FixedFee",
  "DutchAuction",
  "Internal",
] as const;

/** One position of `liquidateBatch` (LiquidationOrder in ILiquidationEngine). */
export type LiquidationOrder = { account: Address; marketId: bigint };

/** `liquidateBatch`'s simulated outcome: the size each order closes (0: skipped) and the keeper's reward [wad]. */
export type BatchOutcome = {
  closedSizesWad: readonly bigint[];
  keeperRewardWad: bigint;
};

/** An account below maintenance as the LiquidationLens reads it from the chain. */
export type ChainCandidate = {
  account: Address;
  equityWad: bigint;
  maintenanceWad: bigint;
  marketMask: bigint;
  collateralMask: bigint;
  quoteWad: bigint;
};

/** A transaction the keeper sends. Function names are unique across the contracts it calls. */
export type KeeperCall =
  | { functionName: "liquidate"; args: readonly [Address, bigint, bigint] }
  | {
      functionName: "liquidateBatch";
      args: readonly [readonly LiquidationOrder[]];
    }
  | {
      functionName: "buyCollateral";
      args: readonly [Address, bigint, bigint, bigint];
    }
  | { functionName: "kick"; args: readonly [Address, bigint] }
  | {
      functionName: "take";
      args: readonly [bigint, bigint, bigint, Address, Hex];
    }
  | { functionName: "redo"; args: readonly [bigint] }
  | { functionName: "buyAuction"; args: readonly [bigint] }
  | { functionName: "absorb"; args: readonly [Address, bigint] }
  | {
      functionName: "buyBonds";
      args: readonly [bigint, bigint, bigint, Address];
    }
  | { functionName: "closeSeries"; args: readonly [bigint] }
  | { functionName: "route"; args: readonly [] }
  | { functionName: "redeem"; args: readonly [bigint, Address] }
  | { functionName: "sweepFees"; args: readonly [] }
  | { functionName: "preLiquidate"; args: readonly [Address, bigint, bigint] }
  | { functionName: "settleBadDebt"; args: readonly [Address] };

export type KeeperFunction = KeeperCall["functionName"];

/** The contract each keeper call is sent to. */
export const CALL_CONTRACT = {
  liquidate: "engine",
  liquidateBatch: "engine",
  buyCollateral: "engine",
  settleBadDebt: "engine",
  kick: "auctionHouse",
  take: "auctionHouse",
  redo: "auctionHouse",
  buyAuction: "backstop",
  absorb: "backstop",
  buyBonds: "waterfall",
  closeSeries: "waterfall",
  route: "waterfall",
  redeem: "waterfall",
  sweepFees: "protocol",
  preLiquidate: "preLiquidation",
} as const satisfies Record<KeeperFunction, string>;
export type CallContract = (typeof CALL_CONTRACT)[KeeperFunction];

export type Simulated<R> = { call: KeeperCall; result: R; gasUnits: bigint };

/** An auction as the auction house stores it; `lot` is 0 once it has ended. */
export type AuctionView = {
  account: Address;
  collateralId: number;
  startedAt: bigint;
  /** What the auction's resets and floor buys may still pay their keepers [whole quote units]. */
  rewardLeft: bigint;
  lot: bigint;
  targetWad: bigint;
  startPriceWad: bigint;
  penaltyLeftWad: bigint;
};

/** `status(id)`: the curve's price now and whether the auction must be reset before anyone can take. */
export type AuctionStatus = { priceWad: bigint; needsReset: boolean };

/** The parts of an asset's `AuctionParams` the keeper uses [wad fractions]. */
export type AuctionAssetParams = {
  startBufferWad: bigint;
  resetAfterSeconds: number;
  /** The floor: oracle price × this. */
  resetBelowWad: bigint;
  penaltyWad: bigint;
  capWad: bigint;
};

/** Gas figures the auction house's kick and reset rewards are computed with. */
export type AuctionRewardGas = { kickGas: number; redoGas: number };

/** A listed collateral's token and decimals. */
export type CollateralAsset = { token: Address; decimals: number };

/** What a backstop buy (absorb or buyAuction) returned in simulation. */
export type BackstopBuy = {
  amount: bigint;
  paidWad: bigint;
  rewardWad: bigint;
};

/**
 * A solvency bond series as the waterfall stores it (`BondSeries`), the parts the keeper uses. Amounts in quote token
 * units (face: one unit of face is a claim on one quote unit of revenue).
 */
export type BondSeriesView = {
  closed: boolean;
  /** What the sale must raise, and what it has raised [quote units]. */
  deficit: bigint;
  raised: bigint;
  /** Bonds sold, and revenue routed to them [quote units of face]. */
  faceSold: bigint;
  repaid: bigint;
};

/** What a simulated `buyBonds` returned: quote paid and bonds received [quote units]. */
export type BondPurchase = { cost: bigint; face: bigint };

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
  /** The wad value of one quote-token unit (1e12 for a 6-decimal quote token). */
  readonly quoteUnitWad: bigint;
  /** The auction house the keeper kicks, takes and resets on. */
  readonly auctionHouse: Address;
  /** The backstop vault (zero when none is deployed). */
  readonly backstop: Address;
  /** The flash-settlement receiver of takes (`PoolTakeCallee`). */
  readonly takeCallee: Address;
  /** Whether the protocol keeps a fee share for the waterfall that a keeper sweeps (`feesOwedWad`, `sweepFees`). */
  readonly hasFeeShare: boolean;
  /** equity < maintenance at the current prices (ILiquidatable's `marginState`). */
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
  engineGasReimbursement(): Promise<EngineGasReimbursement>;
  /** The engine's pattern for a collateral asset: see COLLATERAL_PATTERN. */
  collateralPattern(collateralId: number): Promise<number>;
  /** A listed collateral's token and decimals. */
  collateralAsset(collateralId: number): Promise<CollateralAsset>;
  /** The collateral's oracle price as read (no validity check; see `status`). */
  collateralPrice(collateralId: number): Promise<PriceRead>;

  /*  Dutch auctions  */
  /** Lots the account has in auction (a kick needs 0). */
  auctionLots(account: Address): Promise<bigint>;
  /** Room left for new target under the asset's and the global caps [wad]. */
  auctionRoom(collateralId: number): Promise<bigint>;
  /** A take never leaves less than this of target unraised, nor a lot worth less [wad]. */
  auctionDustWad(): Promise<bigint>;
  auctionParams(collateralId: number): Promise<AuctionAssetParams>;
  auctionRewardGas(): Promise<AuctionRewardGas>;
  /**
   * What a kick of a lot with this value at stake (the lesser of its target and its value at the oracle price) would
   * pay now [wad]; a reset pays the same within the auction's `rewardLeft`.
   */
  auctionKeeperReward(valueWad: bigint, gasUnits: number): Promise<bigint>;
  /**
   * What kick and reset rewards can draw on [wad]: the waterfall's pending revenue plus the insurance fund's balance
   * (rewards are paid from them, at most what they hold).
   */
  rewardCapacityWad(): Promise<bigint>;
  auctionStatus(auctionId: bigint): Promise<AuctionStatus>;
  auction(auctionId: bigint): Promise<AuctionView>;
  /** The pool a take of this collateral sells into through the take callee; null when there is none. */
  takePool(collateralId: number): Promise<Address | null>;
  /** What the pool pays for `amountIn` of `tokenIn`, after its fee [quote token units]. */
  poolQuoteOut(
    pool: Address,
    tokenIn: Address,
    amountIn: bigint,
  ): Promise<bigint>;
  /** The keeper's quote allowance to the auction house, which pulls what a take owes [wad]. */
  takeAllowanceWad(): Promise<bigint>;

  /*  Backstop vault  */
  /** The engine's discount for backstop purchases [wad]. */
  backstopDiscountWad(): Promise<bigint>;
  /** Quote the backstop can pay now for the asset at this discount [wad]. */
  backstopCapacity(collateralId: number, discountWad: bigint): Promise<bigint>;

  /*  Solvency waterfall (bonds) and the protocol's fee share  */
  /** The solvency waterfall the keeper buys bonds of, closes, routes and redeems on. */
  readonly waterfall: Address;
  bondSeriesCount(): Promise<bigint>;
  bondSeries(seriesId: bigint): Promise<BondSeriesView>;
  /** The price of one unit of face now [wad]. */
  bondPriceWad(seriesId: bigint): Promise<bigint>;
  /** When the series may be closed [unix seconds]. */
  bondClosableAt(seriesId: bigint): Promise<bigint>;
  /** What the keeper may redeem from the series now [quote units]. */
  bondClaimable(seriesId: bigint): Promise<bigint>;
  /** Revenue the waterfall holds and has not routed yet [quote units]. */
  waterfallPendingRevenue(): Promise<bigint>;
  /** The keeper's quote allowance to the waterfall, which pulls the cost of a bond purchase [wad]. */
  bondAllowanceWad(): Promise<bigint>;
  /** The fee share the protocol owes the waterfall, paid by `sweepFees` [wad]. */
  feesOwedWad(): Promise<bigint>;
  /** The latest block's timestamp [unix seconds]. */
  latestTimestamp(): Promise<bigint>;

  ethPrice(): Promise<PriceRead>;
  /** Any oracle's `read()`: its price [wad] and status. */
  oraclePrice(oracle: Address): Promise<PriceRead>;
  feeQuote(): Promise<FeeQuote>;
  quoteFunding(): Promise<QuoteFunding>;
  simulateLiquidate(
    account: Address,
    marketId: number,
    maxCloseSizeWad: bigint,
  ): Promise<Simulated<bigint>>;
  /** `liquidateBatch` at `blockNumber` (the lane's head): its outcome, and its gas from one execution there. */
  simulateLiquidateBatch(
    orders: readonly LiquidationOrder[],
    blockNumber?: bigint,
  ): Promise<Simulated<BatchOutcome>>;
  /** The accounts among `accounts` below maintenance now (the LiquidationLens, one call), in the given order. */
  belowMaintenance(accounts: readonly Address[]): Promise<ChainCandidate[]>;

  /*  Pre-liquidation (the soft margin call above maintenance)  */
  previewPreLiquidation(
    account: Address,
    marketId: number,
  ): Promise<PreLiquidationPreview>;
  /** `preLiquidate(account, marketId, maxCloseSizeWad)`: returns the closed size and the incentive [wad]. */
  simulatePreLiquidate(
    account: Address,
    marketId: number,
    maxCloseSizeWad: bigint,
  ): Promise<Simulated<{ closedSizeWad: bigint; incentiveWad: bigint }>>;
  simulateBuyCollateral(
    account: Address,
    collateralId: number,
    maxAmount: bigint,
    maxPriceWad: bigint,
  ): Promise<Simulated<{ amount: bigint; quotePaidWad: bigint }>>;
  /** `settleBadDebt(account)` on an account whose collateral is dust: the bad debt it writes off [wad]. */
  simulateSettleBadDebt(account: Address): Promise<Simulated<bigint>>;
  simulateKick(
    account: Address,
    collateralId: number,
  ): Promise<Simulated<bigint>>;
  simulateTake(
    auctionId: bigint,
    maxAmount: bigint,
    maxPriceWad: bigint,
    receiver: Address,
    data: Hex,
  ): Promise<Simulated<{ amount: bigint; paidWad: bigint }>>;
  simulateRedo(auctionId: bigint): Promise<Simulated<null>>;
  simulateBuyAuction(auctionId: bigint): Promise<Simulated<BackstopBuy>>;
  simulateAbsorb(
    account: Address,
    collateralId: number,
  ): Promise<Simulated<BackstopBuy>>;
  /** `buyBonds(seriesId, maxCostUnits, maxPriceWad, keeper)`: the bonds go to the keeper. */
  simulateBuyBonds(
    seriesId: bigint,
    maxCostUnits: bigint,
    maxPriceWad: bigint,
  ): Promise<Simulated<BondPurchase>>;
  /** `closeSeries(seriesId)`: returns the unsold deficit socialized [quote units]. */
  simulateCloseSeries(seriesId: bigint): Promise<Simulated<bigint>>;
  /** `route()`: returns the revenue sent to bonds and to the fund [quote units]. */
  simulateRoute(): Promise<Simulated<{ toBonds: bigint; toFund: bigint }>>;
  /** `redeem(seriesId, keeper)`: returns what was paid [quote units]. */
  simulateRedeem(seriesId: bigint): Promise<Simulated<bigint>>;
  /** `protocol.sweepFees()`: returns the fee share paid to the waterfall [wad]. */
  simulateSweepFees(): Promise<Simulated<bigint>>;
  /** Sends a simulated call and waits for its receipt, bumping fees while it is stuck. */
  send(
    call: KeeperCall,
    gasUnits: bigint,
    fees: SendFees,
  ): Promise<SentTransaction>;
}
