/**
 * What to do with one at-risk account, and with one live auction. Every candidate is re-checked on-chain at the
 * latest block; the index only says where to look.
 *
 * An account: close positions (liquidate, one market at a time); then, once it holds no position but still owes
 * quote, turn each collateral into quote the way the engine's pattern for that asset says: buy it at the engine's
 * discount (fixed fee), kick an auction of it (Dutch auction), or have the backstop vault absorb it, falling back to
 * buying it when the backstop has no capacity (internal).
 * An auction: take it through the pool callback when the pool pays more than the auction asks, or, when it must be
 * reset, reset it, or have the backstop buy it at its floor when that pays more.
 * Each action is simulated right before it is sent and sent only when the reward pays for the gas plus ε (or when
 * configured to act anyway); every decision, act or skip, is reported once.
 */
import { encodeAbiParameters, zeroAddress, type Address } from "viem";
import {
  floorPriceWad,
  auctionValueAtStakeWad,
  kickTargetWad,
  planTake,
  priceToOracleWad,
  takeMinProfitUnits,
  takePriceLimitWad,
} from "./auction-math.ts";
import {
  collateralValueAtOracleWad,
  dustSweepRewardWad,
  isSweepableDust,
} from "./dust.ts";
import type { Config } from "./config.ts";
import type { Decision, DecisionAction, DecisionKind } from "./decisions.ts";
import {
  ContractRevertError,
  describeError,
  shortMessageOf,
} from "./errors.ts";
import type { ActiveAuction, AtRiskAccount } from "./index-client.ts";
import type { Logger } from "./logger.ts";
import { abs, bitmapIds, min } from "./math.ts";
import type { ZoneAccount } from "./pre-liquidation.ts";
import {
  collateralBuyRewardQuoteWad,
  collateralValueQuoteWad,
  engineGasAtCostWad,
  estimateCollateralBuy,
  exceedsGasPriceCap,
  feeCeilingWei,
  gasCostQuoteWad,
  maxProfitableGasPriceWei,
  sendFees,
  shouldAct,
} from "./profit.ts";
import {
  COLLATERAL_PATTERN,
  PRICE_STATUS,
  isUsablePrice,
  type AuctionStatus,
  type AuctionView,
  type CollateralAsset,
  type CollateralState,
  type FeeQuote,
  type HealthView,
  type KeeperCall,
  type LiquidationOrder,
  type PriceRead,
  type ProtocolClient,
  type SentTransaction,
} from "./protocol-client.ts";

/** Reverts that mean someone else got there first, or the state moved: logged as a lost race, never retried. */
export const LOST_RACE_ERRORS: ReadonlySet<string> = new Set([
  "Healthy",
  "NoPosition",
  "NoDebt",
  "NoCollateral",
  "NotLiquidatable",
  "AlreadyInAuction", // another keeper kicked the account
  "NoAuction", // the auction ended (taken or settled)
  "NoResetNeeded", // another keeper reset it
  "NeedsReset", // the auction fell below its floor or aged out since it was read
  "AboveFloor", // reset by another keeper before the backstop could buy it
  "BackstopFirst", // the backstop has priority: it gained capacity, or can buy a lot below its floor
  "NotInZone", // pre-liquidation: another keeper lifted the account out of the zone, or the price rose
  "BelowMaintenance", // pre-liquidation: the account crossed; the engine's liquidation takes over
]);
export const INVALID_PRICE_ERROR = "InvalidPrice";

/** Reverts that are an expected reason to skip, by the decision they are logged as (with the error's name). */
export const SKIP_ERRORS: ReadonlyMap<string, DecisionKind> = new Map([
  ["BreakerActive", "skip-breaker"],
  ["NoRoom", "skip-no-room"],
  ["NoCapacity", "skip-no-capacity"],
  ["LotDust", "skip-dust"],
  ["ZeroTake", "skip-dust"],
  ["Unprofitable", "skip-unprofitable"], // the take callee: the pool pays less than owed + the minimum profit
  ["InsufficientOutput", "skip-unprofitable"], // the pool itself
  // A portfolio-margin account's hedge leg (or hedging collateral): the step would lower its health; the next market
  // or asset may still be closable.
  ["PortfolioHealthLowered", "skip-hedge"],
  ["CloseTooSmall", "skip-dust"], // pre-liquidation: the slice to the top of the zone is under the dust notional
  ["OptedOut", "skip-not-in-zone"],
  ["MarketNotEnabled", "skip-not-in-zone"],
] as const);

/** A take's price limit is the price seen plus this [bps]: the price of a Dutch auction only falls until a reset. */
export const TAKE_PRICE_TOLERANCE_BPS = 1n;

export type StrategyConfig = Pick<
  Config,
  | "minProfitQuoteWad"
  | "takeMinProfitQuoteWad"
  | "gasPriceCapWei"
  | "dryRun"
  | "actUnprofitable"
  | "actions"
>;

export type StrategyDeps = {
  chain: ProtocolClient;
  config: StrategyConfig;
  /** Receives every decision as it is made (logging, metrics). */
  report: (decision: Decision) => void;
  logger: Logger;
};

/** Reads that do not change within a pass (patterns, parameters), shared by every account and auction of it. */
export type PassCache = Map<string, Promise<unknown>>;

export type PassContext = { chainHeadBlock: bigint; cache?: PassCache };

export interface Strategy {
  /** Runs every action the account warrants, waiting for each receipt; returns the decisions in order. */
  processAccount(row: AtRiskAccount, context: PassContext): Promise<Decision[]>;
  /** Takes, resets or has the backstop buy one live auction; returns the decisions in order. */
  processAuction(row: ActiveAuction, context: PassContext): Promise<Decision[]>;
  /** Pre-liquidates an account in the zone (./pre-liquidation.ts), one market at most; returns the decisions. */
  preLiquidateAccount(
    row: ZoneAccount,
    context: PassContext,
  ): Promise<Decision[]>;
}

/** The liquidation lane's one call into the strategy (./liquidation-lane.ts). */
export interface BatchLiquidator {
  /**
   * Liquidates the lane's positions in one `liquidateBatch` transaction if the batch pays (one profit rule over the
   * sum of its rewards and its gas), waiting for the receipt. `refused`: the whole batch reverted in simulation (one
   * order the engine refuses, such as a portfolio account's hedge), so the caller may split it.
   */
  liquidateBatch(
    orders: readonly LaneOrder[],
    context: PassContext,
  ): Promise<{ decisions: Decision[]; refused: boolean }>;
}

/** A position the liquidation lane hands over, with the block its account's breach began (null: not known). */
export type LaneOrder = LiquidationOrder & { breachBlock: bigint | null };

/** After one market: try the next market, stop closing positions (go on to collateral), or drop the account. */
type Outcome = "next" | "positions-done" | "abort";
/** After one collateral: go on to the next (after a send, once the debt is re-read), or drop the account. */
type CollateralOutcome = "next" | "sent" | "stop";

type Facts = Record<string, bigint | string | number | boolean | null>;
type Emit = (decision: Decision) => void;
type Pricing = { fees: FeeQuote; ethPrice: PriceRead };

export function createStrategy(deps: StrategyDeps): Strategy & BatchLiquidator {
  const { chain, config, logger } = deps;
  const enabled = new Set(config.actions);

  return {
    async processAccount(row, context) {
      const account = row.address;
      const decisions: Decision[] = [];
      const base = {
        account,
        blocksSinceBreach:
          row.breachBlock === null
            ? null
            : context.chainHeadBlock - row.breachBlock,
      };
      const emit = (decision: Decision) => {
        decisions.push(decision);
        deps.report(decision);
      };

      try {
        // 1. Re-check at the latest block; never act on an invalid price.
        let liquidatable: boolean;
        let health: HealthView;
        try {
          [liquidatable, health] = await Promise.all([
            chain.isLiquidatable(account),
            chain.health(account),
          ]);
        } catch (error) {
          if (revertName(error) !== INVALID_PRICE_ERROR) throw error;
          emit({
            ...base,
            action: "check",
            decision: "skip-invalid-price",
            ...revertFacts(error),
          });
          return decisions;
        }
        const healthWad = health.healthWad;
        const masks = await chain.accountMasks(account);

        if (liquidatable) {
          // 2. Positions, one market at a time, each receipt awaited before the next action.
          for (const marketId of union(
            row.marketIds,
            bitmapIds(masks.marketMask),
          )) {
            const outcome = await liquidateMarket({
              base,
              healthWad,
              marketId,
              emit,
            });
            if (outcome === "abort") return decisions;
            if (outcome === "positions-done") break;
          }
        } else {
          // Not liquidatable: only a position-free account in debt with collateral left still needs a keeper.
          const quoteWad = await chain.quoteBalance(account);
          if (
            masks.marketMask !== 0n ||
            quoteWad >= 0n ||
            masks.collateralMask === 0n
          ) {
            emit({
              ...base,
              action: "check",
              decision: "skip-healthy",
              healthWad,
            });
            return decisions;
          }
        }

        // 3. Collateral, once no position is left and the account still owes quote.
        await sellCollateral({
          base,
          healthWad,
          liquidatable,
          collateralIds: row.collateralIds,
          context,
          emit,
        });
        if (decisions.length === 0) {
          logger.debug(
            { event: "no-action", account },
            "nothing a keeper can do for this account now",
          );
        }
      } catch (error) {
        emit({
          ...base,
          action: "check",
          decision: "error",
          ...errorFacts(error),
        });
      }
      return decisions;
    },

    async liquidateBatch(orders, context) {
      const decisions: Decision[] = [];
      const emit = (decision: Decision) => {
        decisions.push(decision);
        deps.report(decision);
      };
      const breaches = orders.flatMap((o) =>
        o.breachBlock === null ? [] : [o.breachBlock],
      );
      const here: BatchHere = {
        account: null,
        action: "liquidateBatch",
        // The oldest breach of the batch.
        blocksSinceBreach:
          breaches.length === 0
            ? null
            : context.chainHeadBlock -
              breaches.reduce((a, b) => (a < b ? a : b)),
      };
      const facts: Facts = {
        positions: orders.length,
        accounts: new Set(orders.map((o) => o.account.toLowerCase())).size,
      };
      if (!enabled.has("liquidateBatch")) {
        skipDisabled(here, emit, facts);
        return { decisions, refused: false };
      }
      let simulated;
      try {
        simulated = await chain.simulateLiquidateBatch(
          orders.map(({ account, marketId }) => ({ account, marketId })),
          context.chainHeadBlock,
        );
      } catch (error) {
        emitFailure(here, error, emit, facts);
        // Split only what one order can cause (a revert other than the breaker's, which halts every order): a node
        // that fails to answer would only be asked twice as often.
        const name = revertName(error);
        return {
          decisions,
          refused: name !== undefined && name !== "BreakerActive",
        };
      }
      const closing = simulated.result.closedSizesWad.filter(
        (size) => size !== 0n,
      ).length;
      if (closing === 0) {
        emit({
          ...here,
          decision: "skip-healthy",
          reason: "every order would close nothing",
          facts,
        });
        return { decisions, refused: false };
      }
      try {
        await decideAndSend({
          here,
          rewardQuoteWad: simulated.result.keeperRewardWad,
          call: simulated.call,
          gasUnits: simulated.gasUnits,
          facts: { ...facts, closing },
          emit,
        });
      } catch (error) {
        emitFailure(here, error, emit, facts);
      }
      return { decisions, refused: false };
    },

    async preLiquidateAccount(row, _context) {
      const decisions: Decision[] = [];
      const emit = (decision: Decision) => {
        decisions.push(decision);
        deps.report(decision);
      };
      const base = { account: row.address, blocksSinceBreach: null };
      for (const marketId of row.preLiquidationMarketIds) {
        const sent = await preLiquidateMarket({ base, row, marketId, emit });
        // One slice lifts the account out of the zone (or it was refused): the next pass looks again.
        if (sent || decisions.at(-1)?.decision === "error") break;
      }
      return decisions;
    },

    async processAuction(row, context) {
      const decisions: Decision[] = [];
      const emit = (decision: Decision) => {
        decisions.push(decision);
        deps.report(decision);
      };
      const check: Here = {
        account: row.account,
        blocksSinceBreach: null,
        action: "check",
        collateralId: row.collateralId,
        auctionId: row.id,
      };
      if (row.house.toLowerCase() !== chain.auctionHouse.toLowerCase()) {
        logger.debug(
          {
            event: "foreign-auction",
            auctionId: row.id.toString(),
            house: row.house,
          },
          "the index lists an auction of another auction house",
        );
        return decisions;
      }
      try {
        await workAuction({ row, check, context, emit });
      } catch (error) {
        emitFailure(check, error, emit);
      }
      return decisions;
    },
  };

  /*//////////////////////////////////////////////////////////////
                            PRE-LIQUIDATION
  //////////////////////////////////////////////////////////////*/

  /** Previews, simulates and (when the incentive pays for the gas plus ε) sends one pre-liquidation; true if sent. */
  async function preLiquidateMarket(args: {
    base: Base;
    row: ZoneAccount;
    marketId: number;
    emit: Emit;
  }): Promise<boolean> {
    const { base, row, marketId, emit } = args;
    const here = {
      ...base,
      action: "preLiquidate" as const,
      marketId,
      healthWad: row.healthWad,
    };
    if (!enabled.has("preLiquidate")) {
      skipDisabled(here, emit);
      return false;
    }
    const facts: Facts = {
      probability: row.probability,
      preHealthWad: row.preHealthWad,
    };
    try {
      const preview = await chain.previewPreLiquidation(base.account, marketId);
      if (preview.closeSizeWad === 0n) {
        emit({
          ...here,
          healthWad: preview.healthWad,
          decision: "skip-not-in-zone",
          reason:
            "the module would close nothing: outside the zone, opted out, or a slice under the dust notional",
          facts,
        });
        return false;
      }
      const simulated = await chain.simulatePreLiquidate(
        base.account,
        marketId,
        abs(preview.closeSizeWad),
      );
      const result = await decideAndSend({
        here: { ...here, healthWad: preview.healthWad },
        rewardQuoteWad: preview.incentiveWad,
        call: simulated.call,
        gasUnits: simulated.gasUnits,
        facts: { ...facts, closeSizeWad: preview.closeSizeWad },
        emit,
      });
      return result.sent?.status === "success";
    } catch (error) {
      emitFailure(here, error, emit, facts);
      return false;
    }
  }

  /*//////////////////////////////////////////////////////////////
                              POSITIONS
  //////////////////////////////////////////////////////////////*/

  async function liquidateMarket(args: {
    base: Base;
    healthWad: bigint;
    marketId: number;
    emit: (decision: Decision) => void;
  }): Promise<Outcome> {
    const { base, healthWad, marketId, emit } = args;
    const account = base.account;
    const here = { ...base, action: "liquidate" as const, marketId, healthWad };
    if (!enabled.has("liquidate")) {
      skipDisabled(here, emit);
      return "next";
    }
    try {
      const sizeWad = await chain.positionSize(account, marketId);
      if (sizeWad === 0n) {
        logger.debug(
          { event: "no-position", account, marketId },
          "market listed by the index has no open position",
        );
        return "next";
      }
      const preview = await chain.previewLiquidation(account, marketId);
      if (preview.closeSizeWad === 0n) {
        emit({
          ...here,
          decision: "skip-healthy",
          reason: "engine would close nothing",
        });
        return "next";
      }
      const simulated = await chain.simulateLiquidate(
        account,
        marketId,
        abs(preview.closeSizeWad),
      );
      const result = await decideAndSend({
        here,
        rewardQuoteWad: preview.keeperRewardWad,
        call: simulated.call,
        gasUnits: simulated.gasUnits,
        facts: {
          closeSizeWad: preview.closeSizeWad,
          penaltyWad: preview.penaltyWad,
          sizeWad,
        },
        emit,
      });
      if (result.sent === undefined) return "next";
      if (result.sent.status === "reverted") return "abort";
      // Our close may have restored the account: the next market is liquidated only if it is still below maintenance.
      return (await chain.isLiquidatable(account)) ? "next" : "positions-done";
    } catch (error) {
      switch (emitFailure(here, error, emit)) {
        case "invalid-price":
        case "skip":
          return "next";
        case "lost-race":
          // `Healthy`: nothing more to close; `NoPosition`: only this market is gone.
          return revertName(error) === "NoPosition" ? "next" : "positions-done";
        case "error":
          return "abort";
      }
    }
  }

  /*//////////////////////////////////////////////////////////////
                             COLLATERAL
  //////////////////////////////////////////////////////////////*/

  async function sellCollateral(args: {
    base: Base;
    healthWad: bigint;
    /** Whether the account was below maintenance at the check (else it is an indebted, position-free account). */
    liquidatable: boolean;
    collateralIds: readonly number[];
    context: PassContext;
    emit: Emit;
  }): Promise<void> {
    const { base, healthWad, liquidatable, context, emit } = args;
    const account = base.account;
    const masks = await chain.accountMasks(account);
    if (masks.marketMask !== 0n) {
      logger.debug(
        { event: "positions-open", account },
        "collateral is sold only once every position is closed",
      );
      return;
    }
    let debtQuoteWad = -(await chain.quoteBalance(account));
    if (debtQuoteWad <= 0n) return;
    const ids = union(args.collateralIds, bitmapIds(masks.collateralMask));
    // One read per collateral, shared by the dust check and the sales; a failed read is reported with its asset.
    const reads = await Promise.allSettled(
      ids.map((id) => chain.collateralState(account, id)),
    );
    if (
      await sweepDust({ base, healthWad, reads, debtQuoteWad, context, emit })
    )
      return;

    for (const [i, collateralId] of ids.entries()) {
      const here: Here = { ...base, action: "check", collateralId, healthWad };
      let outcome: CollateralOutcome;
      try {
        const read = reads[i]!;
        if (read.status === "rejected") throw read.reason;
        const state = read.value;
        if (state.amount === 0n) continue;
        const pattern = await patternOf(collateralId, context);
        const job = { here, state, debtQuoteWad, liquidatable, context, emit };
        outcome =
          pattern === COLLATERAL_PATTERN.DutchAuction
            ? await kick(job)
            : pattern === COLLATERAL_PATTERN.Internal
              ? await absorbOrBuy(job)
              : await buyFixedFee(job);
      } catch (error) {
        outcome = collateralFailure(here, error, liquidatable, emit);
      }
      if (outcome === "stop") return;
      if (outcome === "sent") {
        debtQuoteWad = -(await chain.quoteBalance(account));
        if (debtQuoteWad <= 0n) return;
      }
    }
  }

  /**
   * Collateral worth less than the dust minimum and the debt pays no one to buy it: `settleBadDebt` hands it to the
   * keeper with its gas at cost and the tip, and writes the debt off. True when the account was dust (acted on or not).
   */
  async function sweepDust(args: {
    base: Base;
    healthWad: bigint;
    /** The account's collateral states; the dust check needs every one (a failed read is the sales' to report). */
    reads: readonly PromiseSettledResult<CollateralState>[];
    debtQuoteWad: bigint;
    context: PassContext;
    emit: Emit;
  }): Promise<boolean> {
    const { base, healthWad, debtQuoteWad, emit } = args;
    const here: Here = { ...base, action: "settleBadDebt", healthWad };
    const states = args.reads.flatMap((r) =>
      r.status === "fulfilled" ? [r.value] : [],
    );
    if (states.length !== args.reads.length) return false;
    const { dustNotionalWad } = await liquidationParams(args.context);
    const valueWad = collateralValueAtOracleWad(states);
    if (!isSweepableDust({ valueWad, debtQuoteWad, dustNotionalWad }))
      return false;
    const facts = { debtQuoteWad, collateralValueWad: valueWad };
    if (!enabled.has("settleBadDebt")) {
      skipDisabled(here, emit, facts);
      return true;
    }
    try {
      const [gas, pricing, simulated] = await Promise.all([
        engineGasReimbursement(args.context),
        readPricing(),
        chain.simulateSettleBadDebt(base.account),
      ]);
      await decideAndSend({
        here,
        rewardQuoteWad: dustSweepRewardWad({
          valueWad,
          dustNotionalWad,
          gasUnits: simulated.gasUnits,
          gas,
          fees: pricing.fees,
          ethPriceWad: pricing.ethPrice.priceWad,
        }),
        call: simulated.call,
        gasUnits: simulated.gasUnits,
        facts: { ...facts, badDebtWad: simulated.result },
        emit,
        pricing,
      });
    } catch (error) {
      emitFailure(here, error, emit, facts);
    }
    return true;
  }

  type CollateralJob = {
    here: Here;
    state: CollateralState;
    debtQuoteWad: bigint;
    liquidatable: boolean;
    context: PassContext;
    emit: Emit;
  };

  /** Fixed fee (and the internal pattern while the backstop is full): buy the collateral at the engine's discount. */
  async function buyFixedFee(
    job: CollateralJob,
    extraFacts: Facts = {},
  ): Promise<CollateralOutcome> {
    const { state, debtQuoteWad, emit } = job;
    const here: Here = { ...job.here, action: "buyCollateral" };
    const account = here.account;
    const collateralId = here.collateralId!;
    if (!enabled.has("buyCollateral"))
      return skipDisabled(here, emit, extraFacts);
    try {
      const { collateralDiscountWad } = await liquidationParams(job.context);
      const estimate = estimateCollateralBuy({
        balance: state.amount,
        priceWad: state.priceWad,
        decimals: state.decimals,
        haircutWad: state.haircutWad,
        collateralDiscountWad,
        debtQuoteWad,
      });
      if (estimate.amount === 0n) return "next";
      const estimateFacts = {
        ...extraFacts,
        debtQuoteWad,
        collateralBalance: state.amount,
        priceWad: state.priceWad,
        estimatedAmount: estimate.amount,
        estimatedPaidQuoteWad: estimate.paidQuoteWad,
      };

      // The keeper pays in quote tokens: it needs the balance, and the allowance set at start.
      const funding = await chain.quoteFunding();
      if (funding.balanceWad < estimate.paidQuoteWad) {
        emit({
          ...here,
          decision: "skip-insufficient-quote",
          rewardQuoteWad: estimate.rewardQuoteWad,
          reason:
            "keeper quote balance below the estimated price of the collateral",
          facts: {
            ...estimateFacts,
            keeperQuoteBalanceWad: funding.balanceWad,
          },
        });
        return "next";
      }
      if (funding.allowanceWad < estimate.paidQuoteWad) {
        // Only in a dry run (the allowance is set at start otherwise): the simulation would fail on the transfer.
        emit({
          ...here,
          decision: config.dryRun ? "dry-run" : "error",
          rewardQuoteWad: estimate.rewardQuoteWad,
          reason: "quote allowance to the protocol too low: not simulated",
          facts: { ...estimateFacts, simulated: false },
        });
        return "next";
      }

      // maxAmount is the whole balance: the engine itself sells only what covers the debt (a smaller cap can
      // revert when it would leave dust). maxPriceWad is the oracle price read above.
      const simulated = await chain.simulateBuyCollateral(
        account,
        collateralId,
        state.amount,
        state.priceWad,
      );
      // The discount, and the gas the engine pays back at cost within its share of the quote paid.
      const [gas, pricing] = await Promise.all([
        engineGasReimbursement(job.context),
        readPricing(),
      ]);
      const discountQuoteWad = collateralBuyRewardQuoteWad({
        amount: simulated.result.amount,
        priceWad: state.priceWad,
        decimals: state.decimals,
        quotePaidWad: simulated.result.quotePaidWad,
      });
      const gasBackQuoteWad = engineGasAtCostWad({
        gasUnits: simulated.gasUnits,
        gas,
        fees: pricing.fees,
        ethPriceWad: pricing.ethPrice.priceWad,
        notionalWad: simulated.result.quotePaidWad,
      });
      const result = await decideAndSend({
        here,
        rewardQuoteWad: discountQuoteWad + gasBackQuoteWad,
        call: simulated.call,
        gasUnits: simulated.gasUnits,
        facts: {
          ...estimateFacts,
          amount: simulated.result.amount,
          quotePaidWad: simulated.result.quotePaidWad,
          discountQuoteWad,
          gasBackQuoteWad,
        },
        emit,
        pricing,
      });
      return sendOutcome(result.sent);
    } catch (error) {
      return collateralFailure(here, error, job.liquidatable, emit);
    }
  }

  /**
   * Dutch auction: kick an auction of the collateral when the account has none yet, the caps leave room, and the
   * kick reward (from the insurance fund, at most what it holds) pays for the gas plus ε.
   */
  async function kick(job: CollateralJob): Promise<CollateralOutcome> {
    const { state, debtQuoteWad, context, emit } = job;
    const here: Here = { ...job.here, action: "kick" };
    const account = here.account;
    const collateralId = here.collateralId!;
    if (!enabled.has("kick")) return skipDisabled(here, emit);
    try {
      const auctionLots = await chain.auctionLots(account);
      const facts: Facts = {
        debtQuoteWad,
        collateralBalance: state.amount,
        oraclePriceWad: state.priceWad,
      };
      if (auctionLots !== 0n) {
        emit({
          ...here,
          decision: "skip-auctioned",
          reason:
            "the account already has a lot in auction (one auction per account at a time)",
          facts: { ...facts, auctionLots },
        });
        return "next";
      }
      const [roomWad, dustWad, params, rewardGas, fundWad] = await Promise.all([
        chain.auctionRoom(collateralId),
        auctionDustWad(context),
        auctionParams(collateralId, context),
        auctionRewardGas(context),
        chain.rewardCapacityWad(),
      ]);
      Object.assign(facts, { roomWad, dustWad });
      const target = kickTargetWad({
        debtWad: debtQuoteWad,
        penaltyWad: params.penaltyWad,
        roomWad,
        dustWad,
        quoteUnitWad: chain.quoteUnitWad,
      });
      if (target === null) {
        emit({
          ...here,
          decision: "skip-no-room",
          reason:
            "the auction caps leave less room than the dust minimum for this asset",
          facts,
        });
        return "next";
      }
      // The reward is on the value at stake, at most half of it and at most the auction's penalty: a small lot pays
      // little (AuctionHouse).
      const valueAtStakeWad = auctionValueAtStakeWad({
        targetWad: target.targetWad,
        amount: state.amount,
        decimals: state.decimals,
        oraclePriceWad: state.priceWad,
      });
      const listedRewardWad = min(
        await chain.auctionKeeperReward(valueAtStakeWad, rewardGas.kickGas),
        target.penaltyWad,
      );
      // The insurance fund pays the reward, never more than it holds.
      const rewardQuoteWad = min(listedRewardWad, fundWad);
      const simulated = await chain.simulateKick(account, collateralId);
      const result = await decideAndSend({
        here,
        rewardQuoteWad,
        call: simulated.call,
        gasUnits: simulated.gasUnits,
        facts: {
          ...facts,
          targetWad: target.targetWad,
          valueAtStakeWad,
          partialKick: target.partial,
          kickGas: rewardGas.kickGas,
          listedRewardQuoteWad: listedRewardWad,
          rewardPayerWad: fundWad,
          auctionId: simulated.result,
        },
        emit,
      });
      return sendOutcome(result.sent);
    } catch (error) {
      return collateralFailure(here, error, job.liquidatable, emit);
    }
  }

  /**
   * Internal: the backstop vault has priority. Absorb when it can buy (its reward read from the simulation); when it
   * cannot (capacity below the dust minimum, or the simulation says NoCapacity) buy at the engine's discount instead,
   * which the engine allows exactly then.
   */
  async function absorbOrBuy(job: CollateralJob): Promise<CollateralOutcome> {
    const { state, debtQuoteWad, context, emit } = job;
    const here: Here = { ...job.here, action: "absorb" };
    const account = here.account;
    const collateralId = here.collateralId!;
    try {
      const [discountWad, params] = await Promise.all([
        backstopDiscountWad(context),
        liquidationParams(context),
      ]);
      const capacityWad =
        chain.backstop === zeroAddress
          ? 0n
          : await chain.backstopCapacity(collateralId, discountWad);
      const facts: Facts = {
        debtQuoteWad,
        collateralBalance: state.amount,
        oraclePriceWad: state.priceWad,
        capacityWad,
        backstopDiscountWad: discountWad,
        dustNotionalWad: params.dustNotionalWad,
      };
      if (capacityWad < params.dustNotionalWad) {
        emit({
          ...here,
          decision: "skip-no-capacity",
          reason:
            "backstop capacity below the dust minimum: buying at the engine's discount instead",
          facts,
        });
        return buyFixedFee(job, { fallbackFrom: "absorb", capacityWad });
      }
      if (!enabled.has("absorb")) return skipDisabled(here, emit, facts);
      let simulated;
      try {
        simulated = await chain.simulateAbsorb(account, collateralId);
      } catch (error) {
        if (revertName(error) !== "NoCapacity") throw error;
        emit({
          ...here,
          decision: "skip-no-capacity",
          ...revertFacts(error),
          facts,
        });
        return buyFixedFee(job, { fallbackFrom: "absorb", capacityWad });
      }
      const { amount, paidWad, rewardWad } = simulated.result;
      const valueWad = collateralValueQuoteWad(
        amount,
        state.priceWad,
        state.decimals,
      );
      const result = await decideAndSend({
        here,
        rewardQuoteWad: rewardWad,
        call: simulated.call,
        gasUnits: simulated.gasUnits,
        facts: {
          ...facts,
          amount,
          paidQuoteWad: paidWad,
          backstopGainQuoteWad: valueWad > paidWad ? valueWad - paidWad : 0n,
        },
        emit,
      });
      return sendOutcome(result.sent);
    } catch (error) {
      return collateralFailure(here, error, job.liquidatable, emit);
    }
  }

  function sendOutcome(sent: SentTransaction | undefined): CollateralOutcome {
    if (sent === undefined) return "next";
    return sent.status === "reverted" ? "stop" : "sent";
  }

  /**
   * A failed collateral action as a decision. `NoCollateral`, an invalid price, an expected skip and a kick another
   * keeper made first end only this collateral; a paid debt or any error ends the account.
   */
  function collateralFailure(
    here: Here,
    error: unknown,
    liquidatable: boolean,
    emit: Emit,
  ): CollateralOutcome {
    const name = revertName(error);
    if (!liquidatable && (name === "Healthy" || name === "NotLiquidatable")) {
      // The engine sells collateral only below maintenance: nothing raced us, the account is just not eligible.
      emit({ ...here, decision: "skip-healthy", ...revertFacts(error) });
      return "stop";
    }
    const failure = emitFailure(here, error, emit);
    if (
      failure === "invalid-price" ||
      failure === "skip" ||
      name === "NoCollateral" ||
      name === "AlreadyInAuction"
    )
      return "next";
    return "stop";
  }

  function skipDisabled(
    here: Here | BatchHere,
    emit: Emit,
    facts: Facts = {},
  ): CollateralOutcome {
    emit({
      ...here,
      decision: "skip-disabled",
      reason: `${here.action} is not in KEEPER_ACTIONS`,
      facts,
    });
    return "next";
  }

  /*//////////////////////////////////////////////////////////////
                               AUCTIONS
  //////////////////////////////////////////////////////////////*/

  type AuctionJob = {
    here: Here;
    auction: AuctionView;
    status: AuctionStatus;
    asset: CollateralAsset;
    /** The collateral's oracle price when the auction was read [wad]. */
    oraclePriceWad: bigint;
    context: PassContext;
    facts: Facts;
    emit: Emit;
  };

  /** Re-reads the auction on-chain, then takes it, or resets it (or has the backstop buy it) when it must be reset. */
  async function workAuction(args: {
    row: ActiveAuction;
    check: Here;
    context: PassContext;
    emit: Emit;
  }): Promise<void> {
    const { row, check, context, emit } = args;
    const auctionId = row.id;
    // `status` reverts NoAuction once the auction has ended, and InvalidPrice while the asset's price is unusable.
    const [status, auction] = await Promise.all([
      chain.auctionStatus(auctionId),
      chain.auction(auctionId),
    ]);
    if (auction.lot === 0n) {
      emit({
        ...check,
        decision: "lost-race",
        reason: "the auction has ended",
      });
      return;
    }
    const collateralId = auction.collateralId;
    const [asset, oracle, params] = await Promise.all([
      chain.collateralAsset(collateralId),
      chain.collateralPrice(collateralId),
      auctionParams(collateralId, context),
    ]);
    const floorWad = floorPriceWad(oracle.priceWad, params.resetBelowWad);
    const facts: Facts = {
      lot: auction.lot,
      targetWad: auction.targetWad,
      priceWad: status.priceWad,
      oraclePriceWad: oracle.priceWad,
      floorWad,
      priceToOracleWad: priceToOracleWad(status.priceWad, oracle.priceWad),
      needsReset: status.needsReset,
      startedAt: auction.startedAt,
    };
    const job = {
      here: { ...check, account: auction.account, collateralId },
      auction,
      status,
      asset,
      oraclePriceWad: oracle.priceWad,
      context,
      facts,
      emit,
    };
    if (status.needsReset) await resetAuction(job, floorWad);
    else await take(job);
  }

  /**
   * Take through the pool callback, with no capital: the lot goes to the take callee, which sells it into the pool
   * and hands the keeper what it owes plus the profit before the auction house collects. The size is the most
   * profitable of the whole take and a few smaller slices; the price limit is the price seen (+ a tolerance); the
   * callee's minimum profit is the gas cost + ε, so a moved pool makes the take revert instead of losing money.
   */
  async function take(job: AuctionJob): Promise<void> {
    const { auction, status, asset, context, emit } = job;
    const here: Here = { ...job.here, action: "take" };
    const auctionId = here.auctionId!;
    if (!enabled.has("take")) {
      skipDisabled(here, emit, job.facts);
      return;
    }
    try {
      const pool = await chain.takePool(auction.collateralId);
      if (pool === null) {
        emit({
          ...here,
          decision: "skip-no-pool",
          reason: "no pool to sell this collateral into",
          facts: job.facts,
        });
        return;
      }
      const dustWad = await auctionDustWad(context);
      const plan = await planTake(
        {
          lot: auction.lot,
          targetWad: auction.targetWad,
          priceWad: status.priceWad,
          decimals: asset.decimals,
          dustWad,
          quoteUnitWad: chain.quoteUnitWad,
        },
        (amount) => chain.poolQuoteOut(pool, asset.token, amount),
      );
      const facts: Facts = {
        ...job.facts,
        pool,
        dustWad,
        slicesPriced: plan.options.length,
        slicesRefused: plan.refused.map((r) => r.errorName).join(",") || null,
      };
      const best = plan.best;
      if (best === null) {
        emit({
          ...here,
          decision: "skip-dust",
          errorName: plan.refused[0]?.errorName ?? "ZeroTake",
          reason: "every slice of the lot breaks the auction's dust rules",
          facts,
        });
        return;
      }
      Object.assign(facts, {
        maxAmount: best.maxAmount,
        amount: best.amount,
        owedQuoteWad: best.paidWad,
        proceedsQuoteWad: best.proceedsWad,
        wholeTake: best.maxAmount === auction.lot,
      });
      if (best.profitWad <= 0n) {
        emit({
          ...here,
          decision: "skip-unprofitable",
          rewardQuoteWad: best.profitWad,
          reason: "the pool pays no more than the auction asks",
          facts,
        });
        return;
      }
      // The auction house pulls what the take owes from the keeper once the callee has paid it.
      const allowanceWad = await chain.takeAllowanceWad();
      if (allowanceWad < best.paidWad) {
        emit({
          ...here,
          decision: config.dryRun ? "dry-run" : "error",
          rewardQuoteWad: best.profitWad,
          reason: "quote allowance to the auction house too low: not simulated",
          facts: { ...facts, simulated: false },
        });
        return;
      }

      const maxPriceWad = takePriceLimitWad(
        status.priceWad,
        TAKE_PRICE_TOLERANCE_BPS,
      );
      const data = (minProfitUnits: bigint) =>
        encodeAbiParameters(
          [{ type: "address" }, { type: "uint256" }],
          [pool, minProfitUnits],
        );
      // First simulation: the size, what is owed and the gas; the callee only requires proceeds ≥ owed here.
      const probe = await chain.simulateTake(
        auctionId,
        best.maxAmount,
        maxPriceWad,
        chain.takeCallee,
        data(0n),
      );
      const proceedsWad =
        probe.result.amount === best.amount
          ? best.proceedsWad
          : (await chain.poolQuoteOut(pool, asset.token, probe.result.amount)) *
            chain.quoteUnitWad;
      await decideAndSend({
        here,
        rewardQuoteWad: proceedsWad - probe.result.paidWad,
        call: probe.call,
        gasUnits: probe.gasUnits,
        facts: {
          ...facts,
          amount: probe.result.amount,
          owedQuoteWad: probe.result.paidWad,
          proceedsQuoteWad: proceedsWad,
          maxPriceWad,
        },
        emit,
        minProfitQuoteWad: config.takeMinProfitQuoteWad,
        // A take is a trade against a pool, never made at a loss.
        actUnprofitable: false,
        // The call sent carries the callee's minimum profit (gas + ε), simulated again as sent.
        finalize: async (gasCostWad) => {
          const minProfitUnits = takeMinProfitUnits({
            gasCostQuoteWad: gasCostWad,
            minProfitQuoteWad: config.takeMinProfitQuoteWad,
            quoteUnitWad: chain.quoteUnitWad,
          });
          const final = await chain.simulateTake(
            auctionId,
            best.maxAmount,
            maxPriceWad,
            chain.takeCallee,
            data(minProfitUnits),
          );
          return {
            call: final.call,
            gasUnits: final.gasUnits,
            facts: { minProfitUnits },
          };
        },
      });
    } catch (error) {
      emitFailure(here, error, emit);
    }
  }

  /**
   * An auction that must be reset: reset it for the auction house's reward, or, when its curve price is below the
   * floor, have the backstop buy the lot at the floor for the backstop's reward (read from the simulation) when that
   * pays more after gas. One decision line names the choice and carries both figures.
   */
  async function resetAuction(
    job: AuctionJob,
    floorWad: bigint,
  ): Promise<void> {
    const { auction, status, context, emit } = job;
    const auctionId = job.here.auctionId!;
    const redoHere: Here = { ...job.here, action: "redo" };
    const buyHere: Here = { ...job.here, action: "buyAuction" };
    const redoOn = enabled.has("redo");
    const buyOn = enabled.has("buyAuction");
    if (!redoOn && !buyOn) {
      skipDisabled(redoHere, emit, job.facts);
      return;
    }
    try {
      const pricing = await readPricing();
      const belowFloor = status.priceWad < floorWad;
      const facts: Facts = { ...job.facts, belowFloor };
      type Option = {
        here: Here;
        call: KeeperCall;
        gasUnits: bigint;
        rewardQuoteWad: bigint;
        netQuoteWad: bigint;
      };
      let redo: Option | undefined;
      let redoError: unknown;
      if (redoOn) {
        const [rewardGas, fundWad] = await Promise.all([
          auctionRewardGas(context),
          chain.rewardCapacityWad(),
        ]);
        // On the value at stake now, within what is left of the lot's reward budget.
        const valueAtStakeWad = auctionValueAtStakeWad({
          targetWad: auction.targetWad,
          amount: auction.lot,
          decimals: job.asset.decimals,
          oraclePriceWad: job.oraclePriceWad,
        });
        const listedRewardWad = min(
          await chain.auctionKeeperReward(valueAtStakeWad, rewardGas.redoGas),
          auction.rewardLeft * chain.quoteUnitWad,
        );
        Object.assign(facts, {
          redoGas: rewardGas.redoGas,
          redoValueAtStakeWad: valueAtStakeWad,
          rewardLeftQuoteWad: auction.rewardLeft * chain.quoteUnitWad,
          redoListedRewardQuoteWad: listedRewardWad,
          rewardPayerWad: fundWad,
        });
        try {
          const simulated = await chain.simulateRedo(auctionId);
          const rewardQuoteWad = min(listedRewardWad, fundWad);
          redo = {
            here: redoHere,
            call: simulated.call,
            gasUnits: simulated.gasUnits,
            rewardQuoteWad,
            netQuoteWad:
              rewardQuoteWad - gasCostOf(pricing, simulated.gasUnits),
          };
          facts.redoNetQuoteWad = redo.netQuoteWad;
        } catch (error) {
          if (!(error instanceof ContractRevertError)) throw error;
          redoError = error;
          facts.redoError = error.errorName;
        }
      } else facts.redoSkipped = "disabled";

      let buy: Option | undefined;
      let buyError: unknown;
      if (!buyOn) facts.buyAuctionSkipped = "disabled";
      else if (chain.backstop === zeroAddress)
        facts.buyAuctionSkipped = "no backstop";
      else if (!belowFloor)
        facts.buyAuctionSkipped = "price not below the floor (too old)";
      else {
        try {
          const simulated = await chain.simulateBuyAuction(auctionId);
          const { amount, paidWad, rewardWad } = simulated.result;
          buy = {
            here: buyHere,
            call: simulated.call,
            gasUnits: simulated.gasUnits,
            rewardQuoteWad: rewardWad,
            netQuoteWad: rewardWad - gasCostOf(pricing, simulated.gasUnits),
          };
          Object.assign(facts, {
            buyAuctionRewardQuoteWad: rewardWad,
            buyAuctionNetQuoteWad: buy.netQuoteWad,
            buyAuctionAmount: amount,
            buyAuctionPaidQuoteWad: paidWad,
          });
        } catch (error) {
          if (!(error instanceof ContractRevertError)) throw error;
          buyError = error;
          facts.buyAuctionError = error.errorName;
        }
      }

      // The backstop's buy when it pays more after gas; the reset otherwise (and on a tie).
      const chosen =
        buy !== undefined &&
        (redo === undefined || buy.netQuoteWad > redo.netQuoteWad)
          ? buy
          : redo;
      if (chosen === undefined) {
        // Neither can be done: report why (the reset's revert first, it is the usual way forward).
        const failed = redoError !== undefined ? redoHere : buyHere;
        emitFailure(failed, redoError ?? buyError, emit, facts);
        return;
      }
      facts.choice =
        chosen === buy
          ? redo === undefined
            ? "buyAuction (no reset possible)"
            : "buyAuction pays more than a reset"
          : buy === undefined
            ? "redo"
            : "redo pays at least as much as a backstop buy";
      try {
        await decideAndSend({
          here: chosen.here,
          rewardQuoteWad: chosen.rewardQuoteWad,
          call: chosen.call,
          gasUnits: chosen.gasUnits,
          facts,
          emit,
          pricing,
        });
      } catch (error) {
        emitFailure(chosen.here, error, emit, facts);
      }
    } catch (error) {
      emitFailure(redoHere, error, emit, job.facts);
    }
  }

  /*//////////////////////////////////////////////////////////////
                         READS CACHED PER PASS
  //////////////////////////////////////////////////////////////*/

  function cached<T>(
    context: PassContext,
    key: string,
    load: () => Promise<T>,
  ): Promise<T> {
    const cache = context.cache;
    if (cache === undefined) return load();
    let value = cache.get(key) as Promise<T> | undefined;
    if (value === undefined) {
      value = load();
      cache.set(key, value);
      // A failed read is not remembered: the next account tries again.
      value.catch(() => cache.delete(key));
    }
    return value;
  }

  function patternOf(collateralId: number, context: PassContext) {
    return cached(context, `pattern:${collateralId}`, () =>
      chain.collateralPattern(collateralId),
    );
  }
  function liquidationParams(context: PassContext) {
    return cached(context, "liquidationParams", () =>
      chain.liquidationParams(),
    );
  }
  function engineGasReimbursement(context: PassContext) {
    return cached(context, "engineGasReimbursement", () =>
      chain.engineGasReimbursement(),
    );
  }
  function auctionParams(collateralId: number, context: PassContext) {
    return cached(context, `auctionParams:${collateralId}`, () =>
      chain.auctionParams(collateralId),
    );
  }
  function auctionDustWad(context: PassContext) {
    return cached(context, "auctionDust", () => chain.auctionDustWad());
  }
  function auctionRewardGas(context: PassContext) {
    return cached(context, "auctionRewardGas", () => chain.auctionRewardGas());
  }
  function backstopDiscountWad(context: PassContext) {
    return cached(context, "backstopDiscount", () =>
      chain.backstopDiscountWad(),
    );
  }

  /*//////////////////////////////////////////////////////////////
                        PROFIT, SEND, OUTCOME
  //////////////////////////////////////////////////////////////*/

  async function readPricing(): Promise<Pricing> {
    const [fees, ethPrice] = await Promise.all([
      chain.feeQuote(),
      chain.ethPrice(),
    ]);
    return { fees, ethPrice };
  }

  function gasCostOf(pricing: Pricing, gasUnits: bigint): bigint {
    return gasCostQuoteWad({
      gasUnits,
      gasPriceWei: pricing.fees.gasPriceWei,
      ethPriceWad: pricing.ethPrice.priceWad,
    });
  }

  /**
   * Values the gas in quote, applies the cap and the profit rule, and sends (or, in a dry run, reports what it
   * would send). Returns the sent transaction when one was sent. `finalize` turns the simulated call into the one
   * sent once the gas cost is known (simulating it again); `minProfitQuoteWad` and `actUnprofitable` default to the
   * configuration's.
   */
  async function decideAndSend(args: {
    here: Here | BatchHere;
    rewardQuoteWad: bigint;
    call: KeeperCall;
    gasUnits: bigint;
    facts: Facts;
    emit: Emit;
    pricing?: Pricing;
    minProfitQuoteWad?: bigint;
    actUnprofitable?: boolean;
    finalize?: (
      gasCostQuoteWad: bigint,
    ) => Promise<{ call: KeeperCall; gasUnits: bigint; facts?: Facts }>;
  }): Promise<{ sent?: SentTransaction }> {
    const { here, rewardQuoteWad, emit } = args;
    const minProfitQuoteWad =
      args.minProfitQuoteWad ?? config.minProfitQuoteWad;
    const actUnprofitable = args.actUnprofitable ?? config.actUnprofitable;
    let { call, gasUnits } = args;
    const { fees, ethPrice } = args.pricing ?? (await readPricing());
    const gasPriceWei = fees.gasPriceWei;
    const gasCost = gasCostOf({ fees, ethPrice }, gasUnits);
    let facts: Facts = { ...args.facts, ethPriceWad: ethPrice.priceWad };
    const priced = {
      ...here,
      rewardQuoteWad,
      gasCostQuoteWad: gasCost,
      profitQuoteWad: rewardQuoteWad - gasCost,
      gasUnits,
      gasPriceWei,
      facts,
    };

    if (exceedsGasPriceCap(gasPriceWei, config.gasPriceCapWei)) {
      emit({
        ...priced,
        decision: "skip-gas-cap",
        facts: { ...facts, gasPriceCapWei: config.gasPriceCapWei },
      });
      return {};
    }
    if (!isUsablePrice(ethPrice.status) && !actUnprofitable) {
      emit({
        ...priced,
        decision: "skip-invalid-price",
        reason: `ETH feed price is ${PRICE_STATUS[ethPrice.status] ?? ethPrice.status}: gas cannot be valued`,
      });
      return {};
    }
    const act = shouldAct({
      rewardQuoteWad,
      gasCostQuoteWad: gasCost,
      minProfitQuoteWad,
      actUnprofitable,
    });
    if (!act) {
      emit({
        ...priced,
        decision: "skip-unprofitable",
        facts: { ...facts, minProfitQuoteWad },
      });
      return {};
    }
    if (args.finalize) {
      const final = await args.finalize(gasCost);
      call = final.call;
      gasUnits = final.gasUnits;
      facts = { ...facts, ...final.facts };
      priced.facts = facts;
    }
    if (config.dryRun) {
      emit({ ...priced, decision: "dry-run" });
      return {};
    }

    // Bumps of a stuck transaction stop at the cap, and at the price where the action stops paying.
    const profitableCeilingWei = maxProfitableGasPriceWei({
      rewardQuoteWad,
      minProfitQuoteWad,
      gasUnits,
      ethPriceWad: ethPrice.priceWad,
    });
    const ceilingWei = feeCeilingWei({
      gasPriceWei,
      gasPriceCapWei: config.gasPriceCapWei,
      profitableCeilingWei: actUnprofitable ? null : profitableCeilingWei,
    });
    // The ceiling is at least the gas price here: under the cap (checked above) and profitable at it.
    const sent = await chain.send(
      call,
      gasUnits,
      sendFees({ ...fees, feeCeilingWei: ceilingWei }),
    );
    const sentFacts = {
      ...facts,
      gasUsed: sent.gasUsed,
      gasCostPaidQuote: gasCostQuoteWad({
        gasUnits: sent.gasUsed,
        gasPriceWei: sent.effectiveGasPriceWei,
        ethPriceWad: ethPrice.priceWad,
      }),
      attempts: sent.hashes.length,
    };
    if (sent.status === "success") {
      emit({
        ...priced,
        decision: "liquidate",
        txHash: sent.txHash,
        facts: sentFacts,
      });
    } else {
      // Mined but reverted: someone else acted between our simulation and inclusion, or the state moved.
      emit({
        ...priced,
        // A batch skips the orders others settled first: its revert is never a lost race.
        decision:
          here.account !== null && (await lostRaceAfterRevert(here))
            ? "lost-race"
            : "error",
        txHash: sent.txHash,
        reason: "transaction reverted on-chain",
        facts: sentFacts,
      });
    }
    return { sent };
  }

  /**
   * After a reverted send: did the target disappear (position closed, account healthy, debt gone, auction ended or
   * already reset, account kicked by someone else)?
   */
  async function lostRaceAfterRevert(here: Here): Promise<boolean> {
    try {
      if (here.auctionId !== undefined) {
        if ((await chain.auction(here.auctionId)).lot === 0n) return true;
        if (here.action === "redo" || here.action === "buyAuction")
          return !(await chain.auctionStatus(here.auctionId)).needsReset;
        return false;
      }
      if (here.marketId !== undefined) {
        if ((await chain.positionSize(here.account, here.marketId)) === 0n)
          return true;
        if (here.action === "preLiquidate") {
          const preview = await chain.previewPreLiquidation(
            here.account,
            here.marketId,
          );
          return preview.closeSizeWad === 0n;
        }
        return !(await chain.isLiquidatable(here.account));
      }
      if (
        here.action === "kick" &&
        (await chain.auctionLots(here.account)) !== 0n
      )
        return true;
      return (await chain.quoteBalance(here.account)) >= 0n;
    } catch (error) {
      logger.warn(
        {
          event: "recheck-failed",
          account: here.account,
          error: describeError(error),
        },
        "re-check after revert failed",
      );
      return false;
    }
  }

  /**
   * Turns a failure into a decision: a lost race, an invalid price or an expected skip (with the revert's name) are
   * expected; anything else is an error.
   */
  function emitFailure(
    here: Here | BatchHere,
    error: unknown,
    emit: Emit,
    facts?: Facts,
  ): "invalid-price" | "lost-race" | "skip" | "error" {
    const name = revertName(error);
    const withFacts = facts === undefined ? {} : { facts };
    if (name === INVALID_PRICE_ERROR) {
      emit({
        ...here,
        decision: "skip-invalid-price",
        ...revertFacts(error),
        ...withFacts,
      });
      return "invalid-price";
    }
    if (name !== undefined && LOST_RACE_ERRORS.has(name)) {
      emit({
        ...here,
        decision: "lost-race",
        ...revertFacts(error),
        ...withFacts,
      });
      return "lost-race";
    }
    const skip = name === undefined ? undefined : SKIP_ERRORS.get(name);
    if (skip !== undefined) {
      emit({ ...here, decision: skip, ...revertFacts(error), ...withFacts });
      return "skip";
    }
    emit({ ...here, decision: "error", ...errorFacts(error), ...withFacts });
    return "error";
  }
}

/*//////////////////////////////////////////////////////////////
                             HELPERS
//////////////////////////////////////////////////////////////*/

type Base = { account: Address; blocksSinceBreach: bigint | null };
type Here = Base & {
  action: DecisionAction;
  marketId?: number;
  collateralId?: number;
  auctionId?: bigint;
  healthWad?: bigint;
};
/** A batch acts on many accounts: its decision names none (the facts count them). */
type BatchHere = {
  account: null;
  action: "liquidateBatch";
  blocksSinceBreach: bigint | null;
};

export function revertName(error: unknown): string | undefined {
  return error instanceof ContractRevertError ? error.errorName : undefined;
}

export function revertFacts(error: unknown): {
  errorName?: string;
  reason: string;
} {
  if (error instanceof ContractRevertError) {
    if (error.errorName === INVALID_PRICE_ERROR) {
      const [oracle, priceWad, status] = error.args as [
        unknown,
        unknown,
        unknown,
      ];
      return {
        errorName: error.errorName,
        reason: `oracle ${String(oracle)} price ${String(priceWad)} is ${PRICE_STATUS[Number(status)] ?? String(status)}`,
      };
    }
    return {
      errorName: error.errorName,
      reason: error.details ?? error.shortMessage,
    };
  }
  return { reason: shortMessageOf(error) };
}

export function errorFacts(error: unknown): {
  errorName?: string;
  reason: string;
} {
  const described = describeError(error);
  return {
    ...(error instanceof ContractRevertError
      ? { errorName: error.errorName }
      : { errorName: described.name }),
    reason: described.details
      ? `${described.message}: ${described.details}`
      : described.message,
  };
}

function union(a: readonly number[], b: readonly number[]): number[] {
  return [...new Set([...a, ...b])].sort((x, y) => x - y);
}
