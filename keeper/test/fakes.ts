/** Test doubles: an in-memory ProtocolClient and a silent logger. */
import {
  decodeAbiParameters,
  getAddress,
  maxUint256,
  type Address,
  type Hex,
} from "viem";
import { pino } from "pino";
import { auctionSlice } from "../src/auction-math.ts";
import { ContractRevertError } from "../src/errors.ts";
import type { ActiveAuction, AtRiskAccount } from "../src/index-client.ts";
import type { Logger } from "../src/logger.ts";
import { Metrics } from "../src/metrics.ts";
import type { PassDeps } from "../src/pass.ts";
import { WAD } from "../src/math.ts";
import type {
  EngineGasReimbursement,
  AccountMasks,
  AuctionAssetParams,
  AuctionRewardGas,
  AuctionStatus,
  AuctionView,
  BackstopBuy,
  BondSeriesView,
  ChainCandidate,
  CollateralAsset,
  CollateralState,
  FeeQuote,
  KeeperCall,
  KeeperFunction,
  LiquidationOrder,
  LiquidationParams,
  LiquidationPreview,
  PreLiquidationPreview,
  PriceRead,
  ProtocolClient,
  QuoteFunding,
  SendFees,
  SentTransaction,
} from "../src/protocol-client.ts";

export const KEEPER: Address = getAddress(
  "0x00000000000000000000000000000000000000ee",
);
export const ALICE: Address = getAddress(
  "0x000000000000000000000000000000000000a11c",
);
export const ORACLE: Address = getAddress(
  "0x00000000000000000000000000000000000000f0",
);
export const AUCTION_HOUSE: Address = getAddress(
  "0x00000000000000000000000000000000000000a1",
);
export const BACKSTOP: Address = getAddress(
  "0x00000000000000000000000000000000000000b5",
);
export const TAKE_CALLEE: Address = getAddress(
  "0x00000000000000000000000000000000000000ca",
);
export const WETH_POOL: Address = getAddress(
  "0x00000000000000000000000000000000000000d1",
);
export const WETH_TOKEN: Address = getAddress(
  "0x00000000000000000000000000000000000000e1",
);
export const WATERFALL: Address = getAddress(
  "0x00000000000000000000000000000000000000fa",
);
export const TX_HASH: Hex = `0x${"ab".repeat(32)}`;
/** One quote-token unit of a 6-decimal quote asset [wad]. */
export const QUOTE_UNIT_WAD = 10n ** 12n;
export const GWEI = 10n ** 9n;

export const silentLogger: Logger = pino({ level: "silent" });

/** A pass's dependencies with fresh metrics, no log, a 5-block lag bound and `more` on top. */
export function passDeps(
  index: PassDeps["index"],
  strategy: PassDeps["strategy"],
  more: Partial<PassDeps> = {},
): PassDeps {
  return {
    index,
    strategy,
    metrics: new Metrics(),
    logger: silentLogger,
    maxIndexLagBlocks: 5n,
    metricsEveryPasses: 10,
    ...more,
  };
}

export function revert(
  functionName: string,
  errorName: string,
  args: readonly unknown[] = [],
): ContractRevertError {
  return new ContractRevertError(functionName, errorName, args);
}

export function row(overrides: Partial<AtRiskAccount> = {}): AtRiskAccount {
  return {
    address: ALICE,
    healthWad: (9n * WAD) / 10n,
    equityWad: 90n * WAD,
    maintenanceWad: 100n * WAD,
    quoteBalanceWad: 0n,
    breachBlock: 100n,
    block: 109n,
    marketIds: [0],
    collateralIds: [],
    ...overrides,
  };
}

/** A row of the indexer's `/auctions/active` for auction `id` of ALICE's WETH. */
export function auctionRow(
  overrides: Partial<ActiveAuction> = {},
): ActiveAuction {
  return {
    id: 7n,
    house: AUCTION_HOUSE,
    account: ALICE,
    collateralId: 0,
    lot: 10n ** 18n,
    targetWad: 1050n * WAD,
    priceWad: 2000n * WAD,
    needsReset: false,
    ...overrides,
  };
}

type Method = keyof ProtocolClient;

/**
 * An account with one long position in market 0 below maintenance. Defaults: reward 20 quote; gas 300k units at
 * 1 gwei with ETH at 2000 quote costs 0.6 quote.
 */
export class FakeChain implements ProtocolClient {
  readonly keeper = KEEPER;
  readonly quoteUnitWad = QUOTE_UNIT_WAD;
  readonly auctionHouse = AUCTION_HOUSE;
  backstop: Address = BACKSTOP;
  readonly takeCallee = TAKE_CALLEE;
  hasFeeShare = true;
  liquidatable = true;
  healthWad = (9n * WAD) / 10n;
  masks: AccountMasks = { marketMask: 1n, collateralMask: 0n };
  sizes = new Map<number, bigint>([[0, 10n * WAD]]);
  quoteWad = 0n;
  collaterals = new Map<number, CollateralState>();
  previews = new Map<number, LiquidationPreview>([
    [
      0,
      {
        closeSizeWad: -10n * WAD,
        penaltyWad: 50n * WAD,
        keeperRewardWad: 20n * WAD,
      },
    ],
  ]);
  /** Pre-liquidation previews by market id (zeros where absent). */
  preLiquidationPreviews = new Map<number, PreLiquidationPreview>();
  params: LiquidationParams = {
    targetHealthWad: (12n * WAD) / 10n,
    fullCloseHealthWad: (5n * WAD) / 10n,
    penaltyWad: (5n * WAD) / 100n,
    keeperShareWad: (4n * WAD) / 10n,
    collateralDiscountWad: (5n * WAD) / 100n,
    dustNotionalWad: 10n * WAD,
  };
  gasReimbursement: EngineGasReimbursement = {
    callGas: 60_000n,
    previewGas: 100_000n,
    maxNotionalShareWad: WAD / 2n,
    insolventTipWad: WAD,
  };
  eth: PriceRead = { priceWad: 2000n * WAD, status: 0 };
  fees: FeeQuote = {
    gasPriceWei: 1n * GWEI,
    maxPriorityFeePerGasWei: 1n * GWEI,
  };
  funding: QuoteFunding = {
    balanceWad: 1_000_000n * WAD,
    allowanceWad: maxUint256,
  };
  gasUnits = 300_000n;
  /** Gas of a simulated call by function, where it differs from `gasUnits`. */
  gasByFunction = new Map<KeeperFunction, bigint>();
  /** Simulated result of buyCollateral, by collateral id. */
  purchases = new Map<number, { amount: bigint; quotePaidWad: bigint }>();
  /** Errors thrown by a method (every call), by method name. */
  failures = new Map<Method, unknown>();
  sendStatus: SentTransaction["status"] = "success";
  /** Runs when a transaction is sent: mutate the state as the chain would. */
  afterSend: (call: KeeperCall) => void = () => {};

  /* Patterns and collateral listings. */
  /** Collateral patterns by id (0 fixed fee, 1 Dutch auction, 2 internal); every other id is fixed fee. */
  patterns = new Map<number, number>();
  assets = new Map<number, CollateralAsset>([
    [0, { token: WETH_TOKEN, decimals: 18 }],
  ]);
  /** Oracle prices by collateral id (default 2000, valid). */
  prices = new Map<number, PriceRead>();

  /* Auctions: the demo deployment's parameters. */
  auctionLotsOf = 0n;
  roomWad = 2_000_000n * WAD;
  dustWad = 10n * WAD;
  auctionAssetParams: AuctionAssetParams = {
    startBufferWad: (11n * WAD) / 10n,
    resetAfterSeconds: 600,
    resetBelowWad: (85n * WAD) / 100n,
    penaltyWad: (5n * WAD) / 100n,
    capWad: 2_000_000n * WAD,
  };
  rewardGas: AuctionRewardGas = { kickGas: 310_000, redoGas: 100_000 };
  /** The auction house's keeper reward: $5 + 0.1% of the value at stake by default. */
  keeperReward: (valueWad: bigint, gasUnits: number) => bigint = (v) =>
    5n * WAD + v / 1000n;
  readonly rewardQueries: { valueWad: bigint; gasUnits: number }[] = [];
  rewardPayerWad = 50_000n * WAD;
  auctions = new Map<bigint, AuctionView>();
  statuses = new Map<bigint, AuctionStatus>();
  /** Auction id a simulated kick returns. */
  kickId = 7n;
  /** Pools by collateral id. */
  pools = new Map<number, Address>([[0, WETH_POOL]]);
  /** Constant-product reserves by pool [token units; quote in 6-decimal units]. */
  reserves = new Map<Address, { collateral: bigint; quote: bigint }>([
    [
      WETH_POOL,
      { collateral: 1_000n * 10n ** 18n, quote: 2_000_000n * 10n ** 6n },
    ],
  ]);
  takeAllowance = maxUint256;

  /* Backstop. */
  backstopDiscount = (2n * WAD) / 100n;
  capacityWad = 1_000_000n * WAD;
  absorbResult: BackstopBuy = {
    amount: 5n * 10n ** 17n,
    paidWad: 980n * WAD,
    rewardWad: 10n * WAD,
  };
  buyAuctionResult: BackstopBuy = {
    amount: 10n ** 18n,
    paidWad: 1700n * WAD,
    rewardWad: 40n * WAD,
  };

  /* Solvency waterfall: quote units; series as the contract stores them, with its rules for buys and closes. */
  readonly waterfall = WATERFALL;
  series: BondSeriesView[] = [];
  /** Bond price by series id [wad]; 0.98 (the demo's start price) by default. */
  bondPrices = new Map<bigint, bigint>();
  /** When each series may be closed [unix seconds]; 1,090 by default. */
  closableAts = new Map<bigint, bigint>();
  /** The latest block's timestamp [unix seconds]. */
  now = 1_000n;
  /** What the keeper may redeem, by series id [quote units]. */
  claimables = new Map<bigint, bigint>();
  pendingRevenueUnits = 0n;
  /** Revenue route() keeps back for keeper rewards [quote units]. */
  rewardReserveUnits = 0n;
  bondAllowance = maxUint256;
  feesOwed = 0n;

  readonly calls: Method[] = [];
  readonly sent: { call: KeeperCall; gasUnits: bigint; fees: SendFees }[] = [];
  /** Every simulated call, in order. */
  readonly simulated: KeeperCall[] = [];

  private enter(method: Method): void {
    this.calls.push(method);
    const failure = this.failures.get(method);
    if (failure !== undefined) throw failure;
  }

  count(method: Method): number {
    return this.calls.filter((m) => m === method).length;
  }

  async isLiquidatable() {
    this.enter("isLiquidatable");
    return this.liquidatable;
  }
  async health() {
    this.enter("health");
    return {
      equityWad: 90n * WAD,
      maintenanceWad: 100n * WAD,
      healthWad: this.healthWad,
    };
  }
  async accountMasks() {
    this.enter("accountMasks");
    return this.masks;
  }
  async positionSize(_account: Address, marketId: number) {
    this.enter("positionSize");
    return this.sizes.get(marketId) ?? 0n;
  }
  async quoteBalance() {
    this.enter("quoteBalance");
    return this.quoteWad;
  }
  async collateralState(_account: Address, collateralId: number) {
    this.enter("collateralState");
    return (
      this.collaterals.get(collateralId) ?? {
        amount: 0n,
        priceWad: 0n,
        haircutWad: 0n,
        decimals: 18,
      }
    );
  }
  async previewLiquidation(_account: Address, marketId: number) {
    this.enter("previewLiquidation");
    return (
      this.previews.get(marketId) ?? {
        closeSizeWad: 0n,
        penaltyWad: 0n,
        keeperRewardWad: 0n,
      }
    );
  }
  async previewPreLiquidation(_account: Address, marketId: number) {
    this.enter("previewPreLiquidation");
    return (
      this.preLiquidationPreviews.get(marketId) ?? {
        closeSizeWad: 0n,
        incentiveWad: 0n,
        healthWad: this.healthWad,
      }
    );
  }
  async liquidationParams() {
    this.enter("liquidationParams");
    return this.params;
  }
  async engineGasReimbursement() {
    this.enter("engineGasReimbursement");
    return this.gasReimbursement;
  }
  async collateralPattern(collateralId: number) {
    this.enter("collateralPattern");
    return this.patterns.get(collateralId) ?? 0;
  }
  async collateralAsset(collateralId: number) {
    this.enter("collateralAsset");
    const asset = this.assets.get(collateralId);
    if (asset === undefined)
      throw revert("collateral", "UnknownCollateral", [BigInt(collateralId)]);
    return asset;
  }
  async collateralPrice(collateralId: number) {
    this.enter("collateralPrice");
    return (
      this.prices.get(collateralId) ?? { priceWad: 2000n * WAD, status: 0 }
    );
  }

  async auctionLots() {
    this.enter("auctionLots");
    return this.auctionLotsOf;
  }
  async auctionRoom() {
    this.enter("auctionRoom");
    return this.roomWad;
  }
  async auctionDustWad() {
    this.enter("auctionDustWad");
    return this.dustWad;
  }
  async auctionParams() {
    this.enter("auctionParams");
    return this.auctionAssetParams;
  }
  async auctionRewardGas() {
    this.enter("auctionRewardGas");
    return this.rewardGas;
  }
  async auctionKeeperReward(valueWad: bigint, gasUnits: number) {
    this.enter("auctionKeeperReward");
    this.rewardQueries.push({ valueWad, gasUnits });
    return this.keeperReward(valueWad, gasUnits);
  }
  async rewardCapacityWad() {
    this.enter("rewardCapacityWad");
    return this.rewardPayerWad;
  }
  private liveAuction(auctionId: bigint, functionName: string): AuctionView {
    const a = this.auctions.get(auctionId);
    if (a === undefined || a.lot === 0n)
      throw revert(functionName, "NoAuction", [auctionId]);
    return a;
  }
  async auctionStatus(auctionId: bigint) {
    this.enter("auctionStatus");
    this.liveAuction(auctionId, "status");
    return this.statuses.get(auctionId) ?? { priceWad: 0n, needsReset: true };
  }
  async auction(auctionId: bigint) {
    this.enter("auction");
    return (
      this.auctions.get(auctionId) ?? {
        account: getAddress("0x0000000000000000000000000000000000000000"),
        collateralId: 0,
        startedAt: 0n,
        rewardLeft: 0n,
        lot: 0n,
        targetWad: 0n,
        startPriceWad: 0n,
        penaltyLeftWad: 0n,
      }
    );
  }
  async takePool(collateralId: number) {
    this.enter("takePool");
    return this.pools.get(collateralId) ?? null;
  }
  /** ConstantProductPool.quoteOut for collateral in: 0.3% fee, rounded down [quote units]. */
  quoteOutOf(pool: Address, amountIn: bigint): bigint {
    const r = this.reserves.get(pool);
    if (r === undefined) throw new Error(`no reserves for ${pool}`);
    const inAfterFee = amountIn * 9_970n;
    return (inAfterFee * r.quote) / (r.collateral * 10_000n + inAfterFee);
  }
  readonly poolQuotes: bigint[] = [];
  async poolQuoteOut(pool: Address, _tokenIn: Address, amountIn: bigint) {
    this.enter("poolQuoteOut");
    this.poolQuotes.push(amountIn);
    return this.quoteOutOf(pool, amountIn);
  }
  async takeAllowanceWad() {
    this.enter("takeAllowanceWad");
    return this.takeAllowance;
  }
  async backstopDiscountWad() {
    this.enter("backstopDiscountWad");
    return this.backstopDiscount;
  }
  async backstopCapacity() {
    this.enter("backstopCapacity");
    return this.capacityWad;
  }

  private gasOf(functionName: KeeperFunction): bigint {
    return this.gasByFunction.get(functionName) ?? this.gasUnits;
  }
  private simulation<R>(call: KeeperCall, result: R) {
    this.simulated.push(call);
    return { call, result, gasUnits: this.gasOf(call.functionName) };
  }
  async simulateKick(account: Address, collateralId: number) {
    this.enter("simulateKick");
    return this.simulation(
      { functionName: "kick", args: [account, BigInt(collateralId)] },
      this.kickId,
    );
  }
  /**
   * The auction house's take with the pool callback: the slice rules, the price limit, then the callee's sale into
   * the pool, which reverts `Unprofitable` when the pool pays less than owed + the minimum profit.
   */
  async simulateTake(
    auctionId: bigint,
    maxAmount: bigint,
    maxPriceWad: bigint,
    receiver: Address,
    data: Hex,
  ) {
    this.enter("simulateTake");
    const call: KeeperCall = {
      functionName: "take",
      args: [auctionId, maxAmount, maxPriceWad, receiver, data],
    };
    this.simulated.push(call);
    const a = this.liveAuction(auctionId, "take");
    const status = this.statuses.get(auctionId)!;
    if (status.needsReset) throw revert("take", "NeedsReset", [auctionId]);
    if (status.priceWad > maxPriceWad)
      throw revert("take", "PriceLimit", [status.priceWad, maxPriceWad]);
    const decimals = this.assets.get(a.collateralId)?.decimals ?? 18;
    const slice = auctionSlice(
      {
        lot: a.lot,
        targetWad: a.targetWad,
        priceWad: status.priceWad,
        decimals,
        dustWad: this.dustWad,
        quoteUnitWad: QUOTE_UNIT_WAD,
      },
      maxAmount,
    );
    if (!slice.ok) throw revert("take", slice.errorName);
    const [pool, minProfitUnits] = decodeAbiParameters(
      [{ type: "address" }, { type: "uint256" }],
      data,
    );
    const outUnits = this.quoteOutOf(pool, slice.amount);
    const owedUnits = slice.paidWad / QUOTE_UNIT_WAD;
    if (outUnits < owedUnits + minProfitUnits)
      throw revert("take", "Unprofitable", [
        outUnits,
        owedUnits,
        minProfitUnits,
      ]);
    return {
      call,
      result: { amount: slice.amount, paidWad: slice.paidWad },
      gasUnits: this.gasOf("take"),
    };
  }
  async simulateRedo(auctionId: bigint) {
    this.enter("simulateRedo");
    return this.simulation({ functionName: "redo", args: [auctionId] }, null);
  }
  async simulateBuyAuction(auctionId: bigint) {
    this.enter("simulateBuyAuction");
    return this.simulation(
      { functionName: "buyAuction", args: [auctionId] },
      this.buyAuctionResult,
    );
  }
  async simulateAbsorb(account: Address, collateralId: number) {
    this.enter("simulateAbsorb");
    return this.simulation(
      { functionName: "absorb", args: [account, BigInt(collateralId)] },
      this.absorbResult,
    );
  }
  private seriesOf(seriesId: bigint, functionName: string): BondSeriesView {
    const s = this.series[Number(seriesId)];
    if (s === undefined)
      throw revert(functionName, "UnknownSeries", [seriesId]);
    return s;
  }
  async bondSeriesCount() {
    this.enter("bondSeriesCount");
    return BigInt(this.series.length);
  }
  async bondSeries(seriesId: bigint) {
    this.enter("bondSeries");
    return { ...this.seriesOf(seriesId, "series") };
  }
  async bondPriceWad(seriesId: bigint) {
    this.enter("bondPriceWad");
    this.seriesOf(seriesId, "priceWad");
    return this.bondPrices.get(seriesId) ?? (98n * WAD) / 100n;
  }
  async bondClosableAt(seriesId: bigint) {
    this.enter("bondClosableAt");
    this.seriesOf(seriesId, "closableAt");
    return this.closableAts.get(seriesId) ?? 1_090n;
  }
  async bondClaimable(seriesId: bigint) {
    this.enter("bondClaimable");
    return this.claimables.get(seriesId) ?? 0n;
  }
  async waterfallPendingRevenue() {
    this.enter("waterfallPendingRevenue");
    return this.pendingRevenueUnits;
  }
  async bondAllowanceWad() {
    this.enter("bondAllowanceWad");
    return this.bondAllowance;
  }
  async feesOwedWad() {
    this.enter("feesOwedWad");
    return this.feesOwed;
  }
  async latestTimestamp() {
    this.enter("latestTimestamp");
    return this.now;
  }
  /** The waterfall's `buyBonds`: the price limit, then cost = min(maxCost, left), face = cost ÷ price rounded down. */
  private bondPurchase(seriesId: bigint, maxCost: bigint, maxPriceWad: bigint) {
    const s = this.seriesOf(seriesId, "buyBonds");
    if (s.closed) throw revert("buyBonds", "SeriesAlreadyClosed", [seriesId]);
    const priceWad = this.bondPrices.get(seriesId) ?? (98n * WAD) / 100n;
    if (priceWad > maxPriceWad)
      throw revert("buyBonds", "PriceAboveLimit", [priceWad, maxPriceWad]);
    const left = s.deficit - s.raised;
    const cost = maxCost < left ? maxCost : left;
    const face = (cost * WAD) / priceWad;
    if (face === 0n) throw revert("buyBonds", "NothingToBuy", [seriesId]);
    return { cost, face };
  }
  async simulateBuyBonds(
    seriesId: bigint,
    maxCostUnits: bigint,
    maxPriceWad: bigint,
  ) {
    this.enter("simulateBuyBonds");
    return this.simulation(
      {
        functionName: "buyBonds",
        args: [seriesId, maxCostUnits, maxPriceWad, KEEPER],
      },
      this.bondPurchase(seriesId, maxCostUnits, maxPriceWad),
    );
  }
  async simulateCloseSeries(seriesId: bigint) {
    this.enter("simulateCloseSeries");
    const s = this.seriesOf(seriesId, "closeSeries");
    if (s.closed)
      throw revert("closeSeries", "SeriesAlreadyClosed", [seriesId]);
    const closableAt = this.closableAts.get(seriesId) ?? 1_090n;
    if (this.now < closableAt)
      throw revert("closeSeries", "SaleNotOver", [seriesId, closableAt]);
    return this.simulation(
      { functionName: "closeSeries", args: [seriesId] },
      s.deficit - s.raised,
    );
  }
  async simulateRoute() {
    this.enter("simulateRoute");
    return this.simulation(
      { functionName: "route", args: [] },
      { toBonds: this.routeToBonds(), toFund: 0n },
    );
  }
  /** What route() pays the oldest owed series: of the revenue beyond the reward reserve, what it is owed. */
  private routeToBonds(): bigint {
    const owed = this.series.find((s) => s.repaid < s.faceSold);
    if (owed === undefined) return 0n;
    const routable =
      this.pendingRevenueUnits > this.rewardReserveUnits
        ? this.pendingRevenueUnits - this.rewardReserveUnits
        : 0n;
    const due = owed.faceSold - owed.repaid;
    return routable < due ? routable : due;
  }
  async simulateRedeem(seriesId: bigint) {
    this.enter("simulateRedeem");
    const amount = this.claimables.get(seriesId) ?? 0n;
    if (amount === 0n)
      throw revert("redeem", "NothingToRedeem", [seriesId, KEEPER]);
    return this.simulation(
      { functionName: "redeem", args: [seriesId, KEEPER] },
      amount,
    );
  }
  async simulateSweepFees() {
    this.enter("simulateSweepFees");
    if (this.feesOwed === 0n) throw revert("sweepFees", "ZeroAmount");
    return this.simulation(
      { functionName: "sweepFees", args: [] },
      this.feesOwed,
    );
  }
  /** What the waterfall's calls do to its state once mined. */
  private applyWaterfall(call: KeeperCall): void {
    switch (call.functionName) {
      case "buyBonds": {
        const [seriesId, maxCost, maxPriceWad] = call.args;
        const { cost, face } = this.bondPurchase(
          seriesId,
          maxCost,
          maxPriceWad,
        );
        const s = this.series[Number(seriesId)]!;
        s.raised += cost;
        s.faceSold += face;
        if (s.raised === s.deficit) s.closed = true;
        this.funding = {
          ...this.funding,
          balanceWad: this.funding.balanceWad - cost * QUOTE_UNIT_WAD,
        };
        break;
      }
      case "closeSeries":
        this.series[Number(call.args[0])]!.closed = true;
        break;
      case "route": {
        const pay = this.routeToBonds();
        const owed = this.series.find((s) => s.repaid < s.faceSold);
        if (owed) owed.repaid += pay;
        this.pendingRevenueUnits -= pay;
        break;
      }
      case "redeem":
        this.claimables.set(call.args[0], 0n);
        break;
      case "sweepFees":
        this.pendingRevenueUnits += this.feesOwed / QUOTE_UNIT_WAD;
        this.feesOwed = 0n;
        break;
    }
  }

  async ethPrice() {
    this.enter("ethPrice");
    return this.eth;
  }
  /** Oracle reads by address (ETH's price where absent). */
  oraclePrices = new Map<Address, PriceRead>();
  async oraclePrice(oracle: Address) {
    this.enter("oraclePrice");
    return this.oraclePrices.get(oracle) ?? this.eth;
  }
  async feeQuote() {
    this.enter("feeQuote");
    return this.fees;
  }
  async quoteFunding() {
    this.enter("quoteFunding");
    return this.funding;
  }
  async simulateLiquidate(
    account: Address,
    marketId: number,
    maxCloseSizeWad: bigint,
  ) {
    this.enter("simulateLiquidate");
    const size = this.sizes.get(marketId) ?? 0n;
    return {
      call: {
        functionName: "liquidate" as const,
        args: [account, BigInt(marketId), maxCloseSizeWad] as const,
      },
      result: size > 0n ? -maxCloseSizeWad : maxCloseSizeWad,
      gasUnits: this.gasUnits,
    };
  }
  /**
   * The batch closes 1 wad of every order whose account is in `belowLine` (all of them when it is unset), paying
   * `batchRewardPerOrderWad` each; an order of an account in `refusing` reverts the whole batch, as a portfolio
   * account's hedge does on chain.
   */
  belowLine: Set<Address> | undefined;
  refusing = new Set<Address>();
  batchRewardPerOrderWad = 2n * WAD;
  readonly batches: (readonly LiquidationOrder[])[] = [];
  async simulateLiquidateBatch(orders: readonly LiquidationOrder[]) {
    this.enter("simulateLiquidateBatch");
    this.batches.push(orders);
    const refused = orders.find((o) => this.refusing.has(o.account));
    if (refused)
      throw new ContractRevertError("liquidateBatch", "HealthNotKept", [
        refused.account,
      ]);
    const closedSizesWad = orders.map((o) =>
      this.belowLine === undefined || this.belowLine.has(o.account) ? -WAD : 0n,
    );
    const closing = closedSizesWad.filter((size) => size !== 0n).length;
    return {
      call: {
        functionName: "liquidateBatch" as const,
        args: [orders] as const,
      },
      result: {
        closedSizesWad,
        keeperRewardWad: BigInt(closing) * this.batchRewardPerOrderWad,
      },
      gasUnits:
        this.gasByFunction.get("liquidateBatch") ??
        60_000n * BigInt(orders.length),
    };
  }
  /** Accounts the lens finds below maintenance, by address; `lensCalls` records each call's accounts. */
  chainCandidates = new Map<Address, ChainCandidate>();
  readonly lensCalls: (readonly Address[])[] = [];
  async belowMaintenance(accounts: readonly Address[]) {
    this.enter("belowMaintenance");
    this.lensCalls.push(accounts);
    return accounts.flatMap((a) => {
      const found = this.chainCandidates.get(a);
      return found ? [found] : [];
    });
  }
  async simulatePreLiquidate(
    account: Address,
    marketId: number,
    maxCloseSizeWad: bigint,
  ) {
    this.enter("simulatePreLiquidate");
    const call = {
      functionName: "preLiquidate" as const,
      args: [account, BigInt(marketId), maxCloseSizeWad] as const,
    };
    this.simulated.push(call);
    const size = this.sizes.get(marketId) ?? 0n;
    return {
      call,
      result: {
        closedSizeWad: size > 0n ? -maxCloseSizeWad : maxCloseSizeWad,
        incentiveWad:
          this.preLiquidationPreviews.get(marketId)?.incentiveWad ?? 0n,
      },
      gasUnits: this.gasByFunction.get("preLiquidate") ?? this.gasUnits,
    };
  }
  async simulateBuyCollateral(
    account: Address,
    collateralId: number,
    maxAmount: bigint,
    maxPriceWad: bigint,
  ) {
    this.enter("simulateBuyCollateral");
    const result = this.purchases.get(collateralId) ?? {
      amount: 0n,
      quotePaidWad: 0n,
    };
    return {
      call: {
        functionName: "buyCollateral" as const,
        args: [account, BigInt(collateralId), maxAmount, maxPriceWad] as const,
      },
      result,
      gasUnits: this.gasUnits,
    };
  }
  async simulateSettleBadDebt(account: Address) {
    this.enter("simulateSettleBadDebt");
    return {
      call: {
        functionName: "settleBadDebt" as const,
        args: [account] as const,
      },
      result: -this.quoteWad,
      gasUnits: this.gasByFunction.get("settleBadDebt") ?? this.gasUnits,
    };
  }
  async send(
    call: KeeperCall,
    gasUnits: bigint,
    fees: SendFees,
  ): Promise<SentTransaction> {
    this.enter("send");
    this.sent.push({ call, gasUnits, fees });
    if (this.sendStatus === "success") this.applyWaterfall(call);
    this.afterSend(call);
    return {
      txHash: TX_HASH,
      status: this.sendStatus,
      gasUsed: gasUnits,
      effectiveGasPriceWei: fees.maxFeePerGasWei,
      hashes: [TX_HASH],
    };
  }
}
