/**
 * What to do with one at-risk account. Every candidate is re-checked on-chain at the latest block; the index only
 * says where to look. Order: close positions (liquidate, one market at a time), then, once the account holds no
 * position but still owes quote, buy its collateral at the engine's discount. Each action is simulated right before
 * it is sent and sent only when the reward pays for the gas plus ε (or when configured to act anyway).
 */
import type { Address } from "viem";
import type { Config } from "./config.ts";
import type { Decision, DecisionAction } from "./decisions.ts";
import {
  ContractRevertError,
  describeError,
  shortMessageOf,
} from "./errors.ts";
import type { AtRiskAccount } from "./index-client.ts";
import type { Logger } from "./logger.ts";
import { abs, bitmapIds, min } from "./math.ts";
import {
  collateralBuyRewardQuoteWad,
  estimateCollateralBuy,
  exceedsGasPriceCap,
  gasCostQuoteWad,
  maxProfitableGasPriceWei,
  shouldAct,
} from "./profit.ts";
import {
  PRICE_STATUS,
  isUsablePrice,
  type EngineCall,
  type HealthView,
  type ProtocolClient,
  type SentTransaction,
} from "./protocol-client.ts";

/** Engine errors that mean someone else got there first: logged as a lost race, never retried in the pass. */
export const LOST_RACE_ERRORS: ReadonlySet<string> = new Set([
  "Healthy",
  "NoPosition",
  "NoDebt",
  "NoCollateral",
  "NotLiquidatable",
]);
export const INVALID_PRICE_ERROR = "InvalidPrice";

/** maxFeePerGas leaves this headroom over the network gas price for a rising base fee (never above the ceiling). */
const FEE_HEADROOM_NUMERATOR = 125n;
const FEE_HEADROOM_DENOMINATOR = 100n;

export type StrategyConfig = Pick<
  Config,
  "minProfitQuoteWad" | "gasPriceCapWei" | "dryRun" | "actUnprofitable"
>;

export type StrategyDeps = {
  chain: ProtocolClient;
  config: StrategyConfig;
  /** Receives every decision as it is made (logging, metrics). */
  report: (decision: Decision) => void;
  logger: Logger;
};

export type PassContext = { chainHeadBlock: bigint };

export interface Strategy {
  /** Runs every action the account warrants, waiting for each receipt; returns the decisions in order. */
  processAccount(row: AtRiskAccount, context: PassContext): Promise<Decision[]>;
}

/** After one market: try the next market, stop closing positions (go on to collateral), or drop the account. */
type Outcome = "next" | "positions-done" | "abort";

export function createStrategy(deps: StrategyDeps): Strategy {
  const { chain, config, logger } = deps;

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
        await buyCollateral({
          base,
          healthWad,
          liquidatable,
          collateralIds: row.collateralIds,
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
  };

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

  async function buyCollateral(args: {
    base: Base;
    healthWad: bigint;
    /** Whether the account was below maintenance at the check (else it is an indebted, position-free account). */
    liquidatable: boolean;
    collateralIds: readonly number[];
    emit: (decision: Decision) => void;
  }): Promise<void> {
    const { base, healthWad, emit } = args;
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
    if (ids.length === 0) return;
    const { collateralDiscountWad } = await chain.liquidationParams();

    for (const collateralId of ids) {
      const here = {
        ...base,
        action: "buyCollateral" as const,
        collateralId,
        healthWad,
      };
      try {
        const state = await chain.collateralState(account, collateralId);
        if (state.amount === 0n) continue;
        // An asset sold by Dutch auction is kicked on the auction house, not bought here.
        if ((await chain.collateralPattern(collateralId)) !== 0) {
          emit({
            ...here,
            decision: "skip-auctioned",
            reason: "this collateral is sold by Dutch auction",
          });
          continue;
        }
        const estimate = estimateCollateralBuy({
          balance: state.amount,
          priceWad: state.priceWad,
          decimals: state.decimals,
          haircutWad: state.haircutWad,
          collateralDiscountWad,
          debtQuoteWad,
        });
        if (estimate.amount === 0n) continue;
        const estimateFacts = {
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
          continue;
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
          continue;
        }

        // maxAmount is the whole balance: the engine itself sells only what covers the debt (a smaller cap can
        // revert when it would leave dust). maxPriceWad is the oracle price read above.
        const simulated = await chain.simulateBuyCollateral(
          account,
          collateralId,
          state.amount,
          state.priceWad,
        );
        const rewardQuoteWad = collateralBuyRewardQuoteWad({
          amount: simulated.result.amount,
          priceWad: state.priceWad,
          decimals: state.decimals,
          quotePaidWad: simulated.result.quotePaidWad,
        });
        const result = await decideAndSend({
          here,
          rewardQuoteWad,
          call: simulated.call,
          gasUnits: simulated.gasUnits,
          facts: {
            ...estimateFacts,
            amount: simulated.result.amount,
            quotePaidWad: simulated.result.quotePaidWad,
          },
          emit,
        });
        if (result.sent?.status === "reverted") return;
        if (result.sent !== undefined) {
          debtQuoteWad = -(await chain.quoteBalance(account));
          if (debtQuoteWad <= 0n) return;
        }
      } catch (error) {
        if (!args.liquidatable && revertName(error) === "Healthy") {
          // The engine sells collateral only below maintenance: nothing raced us, the account is just not eligible.
          emit({ ...here, decision: "skip-healthy", ...revertFacts(error) });
          return;
        }
        const failure = emitFailure(here, error, emit);
        // `NoCollateral` ends only this collateral; a paid debt or any error ends the account.
        if (failure === "invalid-price" || revertName(error) === "NoCollateral")
          continue;
        return;
      }
    }
  }

  /*//////////////////////////////////////////////////////////////
                        PROFIT, SEND, OUTCOME
  //////////////////////////////////////////////////////////////*/

  /**
   * Values the gas in quote, applies the cap and the profit rule, and sends (or, in a dry run, reports what it
   * would send). Returns the sent transaction when one was sent.
   */
  async function decideAndSend(args: {
    here: Here;
    rewardQuoteWad: bigint;
    call: EngineCall;
    gasUnits: bigint;
    facts: Record<string, bigint | string | number | boolean | null>;
    emit: (decision: Decision) => void;
  }): Promise<{ sent?: SentTransaction }> {
    const { here, rewardQuoteWad, call, gasUnits, emit } = args;
    const [fees, ethPrice] = await Promise.all([
      chain.feeQuote(),
      chain.ethPrice(),
    ]);
    const gasPriceWei = fees.gasPriceWei;
    const gasCost = gasCostQuoteWad({
      gasUnits,
      gasPriceWei,
      ethPriceWad: ethPrice.priceWad,
    });
    const facts = { ...args.facts, ethPriceWad: ethPrice.priceWad };
    const priced = {
      ...here,
      rewardQuoteWad,
      gasCostQuoteWad: gasCost,
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
    if (!isUsablePrice(ethPrice.status) && !config.actUnprofitable) {
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
      minProfitQuoteWad: config.minProfitQuoteWad,
      actUnprofitable: config.actUnprofitable,
    });
    if (!act) {
      emit({
        ...priced,
        decision: "skip-unprofitable",
        facts: { ...facts, minProfitQuoteWad: config.minProfitQuoteWad },
      });
      return {};
    }
    if (config.dryRun) {
      emit({ ...priced, decision: "dry-run" });
      return {};
    }

    // Bumps of a stuck transaction stop at the cap, and at the price where the action stops paying.
    const profitableCeilingWei = maxProfitableGasPriceWei({
      rewardQuoteWad,
      minProfitQuoteWad: config.minProfitQuoteWad,
      gasUnits,
      ethPriceWad: ethPrice.priceWad,
    });
    const feeCeilingWei =
      config.actUnprofitable || profitableCeilingWei === null
        ? config.gasPriceCapWei
        : min(config.gasPriceCapWei, profitableCeilingWei);
    // The ceiling is at least the gas price here: under the cap (checked above) and profitable at it.
    const maxFeePerGasWei = min(
      (gasPriceWei * FEE_HEADROOM_NUMERATOR) / FEE_HEADROOM_DENOMINATOR,
      feeCeilingWei,
    );
    const maxPriorityFeePerGasWei = min(
      fees.maxPriorityFeePerGasWei,
      maxFeePerGasWei,
    );

    const sent = await chain.send(call, gasUnits, {
      maxFeePerGasWei,
      maxPriorityFeePerGasWei,
      feeCeilingWei,
    });
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
        decision: (await lostRaceAfterRevert(here)) ? "lost-race" : "error",
        txHash: sent.txHash,
        reason: "transaction reverted on-chain",
        facts: sentFacts,
      });
    }
    return { sent };
  }

  /** After a reverted send: did the target disappear (position closed, account healthy, debt gone)? */
  async function lostRaceAfterRevert(here: Here): Promise<boolean> {
    try {
      if (here.marketId !== undefined) {
        if ((await chain.positionSize(here.account, here.marketId)) === 0n)
          return true;
        return !(await chain.isLiquidatable(here.account));
      }
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

  /** Turns a failure into a decision: a lost race or an invalid price are expected; anything else is an error. */
  function emitFailure(
    here: Here,
    error: unknown,
    emit: (decision: Decision) => void,
  ): "invalid-price" | "lost-race" | "error" {
    const name = revertName(error);
    if (name === INVALID_PRICE_ERROR) {
      emit({ ...here, decision: "skip-invalid-price", ...revertFacts(error) });
      return "invalid-price";
    }
    if (name !== undefined && LOST_RACE_ERRORS.has(name)) {
      emit({ ...here, decision: "lost-race", ...revertFacts(error) });
      return "lost-race";
    }
    emit({ ...here, decision: "error", ...errorFacts(error) });
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
  healthWad: bigint;
};

function revertName(error: unknown): string | undefined {
  return error instanceof ContractRevertError ? error.errorName : undefined;
}

function revertFacts(error: unknown): { errorName?: string; reason: string } {
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

function errorFacts(error: unknown): { errorName?: string; reason: string } {
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
