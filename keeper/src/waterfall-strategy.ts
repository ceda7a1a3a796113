/**
 * The keeper's work on the solvency waterfall, once a pass, every step re-read on-chain and simulated before it is
 * sent, every act or skip one decision:
 * 1. sweep the protocol's fee share to the waterfall once it owes more than FEE_SWEEP_MIN_QUOTE;
 * 2. for each bond series still on sale: buy its bonds while the price is at most BOND_MAX_PRICE and the budget
 *    (BOND_BUDGET_QUOTE, counted since start) lasts; close it once its sale is over (`closableAt` passed);
 * 3. route the revenue the waterfall holds when the oldest series not yet repaid is closed (revenue waits while it is
 *    on sale, and with no bond owed it is the fund's, which counts it already) and route() would move some of it (it
 *    keeps the reward reserve back);
 * 4. redeem what the keeper's bonds have earned.
 *
 * A purchase's reward is the face bought − its cost (what the bonds pay at full repayment), a redemption's is the
 * claim: both are sent when the reward pays for the gas + ε. Closing, routing and sweeping pay the keeper nothing
 * directly (they move revenue toward the bondholders, the keeper among them): they are sent whenever they are listed
 * in KEEPER_ACTIONS and the gas price is under the cap.
 */
import type { Config } from "./config.ts";
import type { Decision, DecisionKind, WaterfallAction } from "./decisions.ts";
import type { Logger } from "./logger.ts";
import { min } from "./math.ts";
import {
  exceedsGasPriceCap,
  feeCeilingWei,
  gasCostQuoteWad,
  maxProfitableGasPriceWei,
  sendFees,
  shouldAct,
} from "./profit.ts";
import {
  PRICE_STATUS,
  isUsablePrice,
  type BondSeriesView,
  type KeeperCall,
  type ProtocolClient,
  type SentTransaction,
} from "./protocol-client.ts";
import {
  errorFacts,
  revertFacts,
  revertName,
  type PassContext,
} from "./strategy.ts";

export type WaterfallStrategyConfig = Pick<
  Config,
  | "minProfitQuoteWad"
  | "gasPriceCapWei"
  | "dryRun"
  | "actUnprofitable"
  | "actions"
  | "bondMaxPriceWad"
  | "bondBudgetQuoteWad"
  | "feeSweepMinQuoteWad"
>;

export type WaterfallStrategyDeps = {
  chain: ProtocolClient;
  config: WaterfallStrategyConfig;
  report: (decision: Decision) => void;
  logger: Logger;
};

export interface WaterfallStrategy {
  /** Sweeps, buys, closes, routes and redeems as the waterfall's state warrants; returns the decisions in order. */
  processWaterfall(context: PassContext): Promise<Decision[]>;
  /** Quote committed to bonds since start: each purchase sent counts its cost limit [wad]. */
  bondSpentQuoteWad(): bigint;
}

/** Reverts that mean someone else acted first: logged as a lost race. */
export const WATERFALL_LOST_RACE_ERRORS: ReadonlySet<string> = new Set([
  "SeriesAlreadyClosed", // closed by another buyer (sold out) or another keeper
  "NothingToBuy", // sold out between the read and the simulation
  "NothingToRedeem", // redeemed already
  "ZeroAmount", // the fee share was swept by someone else
]);

/** Sent when the reward pays for the gas + ε (purchases, redemptions), or whenever enabled (housekeeping). */
type Rule = "profit" | "housekeeping";
type Facts = Record<string, bigint | string | number | boolean | null>;
type Here = {
  account: null;
  blocksSinceBreach: null;
  /** `check`: reading the waterfall's state, before any action. */
  action: WaterfallAction | "check";
  seriesId?: bigint;
};
type Emit = (decision: Decision) => void;

export function createWaterfallStrategy(
  deps: WaterfallStrategyDeps,
): WaterfallStrategy {
  const { chain, config, logger } = deps;
  const enabled = new Set(config.actions);
  const unit = chain.quoteUnitWad;
  /** Quote units committed to bond purchases since start. */
  let spentUnits = 0n;

  return {
    bondSpentQuoteWad: () => spentUnits * unit,

    async processWaterfall() {
      const decisions: Decision[] = [];
      const emit: Emit = (decision) => {
        decisions.push(decision);
        deps.report(decision);
      };
      if (enabled.has("sweepFees") && chain.hasFeeShare)
        await step(here("sweepFees"), emit, sweep);
      const count = await readOrReport(() => chain.bondSeriesCount(), emit);
      if (count === undefined) return decisions;
      for (let id = 0n; id < count; id++) {
        const seriesHere = (action: WaterfallAction) => here(action, id);
        if (enabled.has("buyBonds"))
          await step(seriesHere("buyBonds"), emit, buy);
        if (enabled.has("closeSeries"))
          await step(seriesHere("closeSeries"), emit, close);
      }
      if (enabled.has("route") && count > 0n)
        await step(here("route"), emit, (h, e) => route(h, e, count));
      if (enabled.has("redeem"))
        for (let id = 0n; id < count; id++)
          await step(here("redeem", id), emit, redeem);
      return decisions;
    },
  };

  function here(action: Here["action"], seriesId?: bigint): Here {
    return {
      account: null,
      blocksSinceBreach: null,
      action,
      ...(seriesId === undefined ? {} : { seriesId }),
    };
  }

  /** Runs one step; a failure becomes its decision and the next step still runs. */
  async function step(
    at: Here,
    emit: Emit,
    run: (at: Here, emit: Emit) => Promise<void>,
  ): Promise<void> {
    try {
      await run(at, emit);
    } catch (error) {
      emitFailure(at, error, emit);
    }
  }

  async function readOrReport<T>(
    read: () => Promise<T>,
    emit: Emit,
  ): Promise<T | undefined> {
    try {
      return await read();
    } catch (error) {
      emitFailure(here("check"), error, emit);
      return undefined;
    }
  }

  /*//////////////////////////////////////////////////////////////
                              FEE SHARE
  //////////////////////////////////////////////////////////////*/

  async function sweep(at: Here, emit: Emit): Promise<void> {
    const feesOwedWad = await chain.feesOwedWad();
    if (feesOwedWad === 0n || feesOwedWad <= config.feeSweepMinQuoteWad) {
      logger.debug(
        { event: "no-sweep", feesOwedWad: feesOwedWad.toString() },
        "fee share owed is not above the sweep threshold",
      );
      return;
    }
    const simulated = await chain.simulateSweepFees();
    await decideAndSend({
      at,
      rule: "housekeeping",
      call: simulated.call,
      gasUnits: simulated.gasUnits,
      rewardQuoteWad: 0n,
      facts: {
        feesOwedWad,
        feeSweepMinQuoteWad: config.feeSweepMinQuoteWad,
      },
      emit,
      gone: async () => (await chain.feesOwedWad()) === 0n,
    });
  }

  /*//////////////////////////////////////////////////////////////
                             BOND SALES
  //////////////////////////////////////////////////////////////*/

  /** Buys what the sale has left, within the budget and the keeper's balance, when the price is at most the limit. */
  async function buy(at: Here, emit: Emit): Promise<void> {
    const id = at.seriesId!;
    const series = await chain.bondSeries(id);
    if (series.closed) return;
    const priceWad = await chain.bondPriceWad(id);
    const leftUnits = series.deficit - series.raised;
    const budgetLeftUnits =
      config.bondBudgetQuoteWad / unit > spentUnits
        ? config.bondBudgetQuoteWad / unit - spentUnits
        : 0n;
    const facts: Facts = {
      priceWad,
      maxPriceWad: config.bondMaxPriceWad,
      deficitUnits: series.deficit,
      raisedUnits: series.raised,
      leftUnits,
      budgetLeftUnits,
    };
    if (priceWad > config.bondMaxPriceWad) {
      emit({
        ...at,
        decision: "skip-above-price",
        reason: "the bond price is above BOND_MAX_PRICE",
        facts,
      });
      return;
    }
    if (budgetLeftUnits === 0n) {
      emit({
        ...at,
        decision: "skip-budget",
        reason: "BOND_BUDGET_QUOTE is spent",
        facts,
      });
      return;
    }
    const funding = await chain.quoteFunding();
    const balanceUnits = funding.balanceWad / unit;
    const costUnits = min(min(leftUnits, budgetLeftUnits), balanceUnits);
    Object.assign(facts, { keeperQuoteUnits: balanceUnits, costUnits });
    if (costUnits === 0n) {
      emit({
        ...at,
        decision: "skip-insufficient-quote",
        reason: "the keeper holds no quote to buy bonds with",
        facts,
      });
      return;
    }
    if ((await chain.bondAllowanceWad()) < costUnits * unit) {
      // Only in a dry run (the allowance is set at start otherwise): the simulation would fail on the transfer.
      emit({
        ...at,
        decision: config.dryRun ? "dry-run" : "error",
        reason: "quote allowance to the waterfall too low: not simulated",
        facts: { ...facts, simulated: false },
      });
      return;
    }
    const simulated = await chain.simulateBuyBonds(
      id,
      costUnits,
      config.bondMaxPriceWad,
    );
    const { cost, face } = simulated.result;
    const sent = await decideAndSend({
      at,
      rule: "profit",
      call: simulated.call,
      gasUnits: simulated.gasUnits,
      // What the bonds pay at full repayment over what they cost.
      rewardQuoteWad: (face - cost) * unit,
      facts: { ...facts, costUnits: cost, faceUnits: face },
      emit,
      gone: async () => (await chain.bondSeries(id)).closed,
    });
    // The cost limit sent counts against the budget (the cost paid is at most that).
    if (sent !== undefined) spentUnits += costUnits;
  }

  /** Closes a series whose sale is over: what it has not raised is socialized, and waiting revenue is routed. */
  async function close(at: Here, emit: Emit): Promise<void> {
    const id = at.seriesId!;
    const series = await chain.bondSeries(id);
    if (series.closed) return;
    const [closableAt, now] = await Promise.all([
      chain.bondClosableAt(id),
      chain.latestTimestamp(),
    ]);
    if (now < closableAt) {
      logger.debug(
        {
          event: "sale-running",
          seriesId: id.toString(),
          closableAt: closableAt.toString(),
          now: now.toString(),
        },
        "the bond sale is not over",
      );
      return;
    }
    const simulated = await chain.simulateCloseSeries(id);
    await decideAndSend({
      at,
      rule: "housekeeping",
      call: simulated.call,
      gasUnits: simulated.gasUnits,
      rewardQuoteWad: 0n,
      facts: {
        closableAt,
        now,
        deficitUnits: series.deficit,
        raisedUnits: series.raised,
        unsoldUnits: simulated.result,
      },
      emit,
      gone: async () => (await chain.bondSeries(id)).closed,
    });
  }

  /*//////////////////////////////////////////////////////////////
                        REVENUE AND REDEMPTION
  //////////////////////////////////////////////////////////////*/

  /**
   * Routes waiting revenue when the oldest series not fully repaid is closed and owed, and the simulation moves some
   * of it: route() spends only the revenue beyond the reward reserve, so pending revenue within it stays put.
   */
  async function route(at: Here, emit: Emit, count: bigint): Promise<void> {
    const pendingUnits = await chain.waterfallPendingRevenue();
    if (pendingUnits === 0n) return;
    let owed: { id: bigint; series: BondSeriesView } | undefined;
    for (let id = 0n; id < count; id++) {
      const series = await chain.bondSeries(id);
      if (!series.closed || series.repaid < series.faceSold) {
        owed = { id, series };
        break;
      }
    }
    if (owed === undefined || !owed.series.closed) {
      logger.debug(
        {
          event: "revenue-waits",
          pendingUnits: pendingUnits.toString(),
          seriesOnSale: owed?.id.toString() ?? null,
        },
        owed === undefined
          ? "no bond is owed: the revenue is the fund's"
          : "revenue waits for the series on sale",
      );
      return;
    }
    const simulated = await chain.simulateRoute();
    const routes = (r: { toBonds: bigint; toFund: bigint }) =>
      r.toBonds + r.toFund > 0n;
    if (!routes(simulated.result)) {
      logger.debug(
        {
          event: "revenue-reserved",
          pendingUnits: pendingUnits.toString(),
          seriesOwed: owed.id.toString(),
        },
        "the pending revenue is within the reward reserve: route() would move none of it",
      );
      return;
    }
    await decideAndSend({
      at: { ...at, seriesId: owed.id },
      rule: "housekeeping",
      call: simulated.call,
      gasUnits: simulated.gasUnits,
      rewardQuoteWad: 0n,
      facts: {
        pendingUnits,
        owedUnits: owed.series.faceSold - owed.series.repaid,
        toBondsUnits: simulated.result.toBonds,
        toFundUnits: simulated.result.toFund,
      },
      emit,
      gone: async () => !routes((await chain.simulateRoute()).result),
    });
  }

  async function redeem(at: Here, emit: Emit): Promise<void> {
    const id = at.seriesId!;
    const claimableUnits = await chain.bondClaimable(id);
    if (claimableUnits === 0n) return;
    const simulated = await chain.simulateRedeem(id);
    await decideAndSend({
      at,
      rule: "profit",
      call: simulated.call,
      gasUnits: simulated.gasUnits,
      rewardQuoteWad: simulated.result * unit,
      facts: { claimableUnits, redeemedUnits: simulated.result },
      emit,
      gone: async () => (await chain.bondClaimable(id)) === 0n,
    });
  }

  /*//////////////////////////////////////////////////////////////
                                SEND
  //////////////////////////////////////////////////////////////*/

  /**
   * Values the gas in quote, applies the gas cap (and for `profit` the profit rule), and sends, or in a dry run
   * reports what it would send. Returns the transaction when one succeeded. `gone` says, after a revert, whether
   * someone else acted first.
   */
  async function decideAndSend(args: {
    at: Here;
    rule: Rule;
    call: KeeperCall;
    gasUnits: bigint;
    rewardQuoteWad: bigint;
    facts: Facts;
    emit: Emit;
    gone: () => Promise<boolean>;
  }): Promise<SentTransaction | undefined> {
    const { at, rule, call, gasUnits, rewardQuoteWad, emit } = args;
    const [fees, ethPrice] = await Promise.all([
      chain.feeQuote(),
      chain.ethPrice(),
    ]);
    const gasCost = gasCostQuoteWad({
      gasUnits,
      gasPriceWei: fees.gasPriceWei,
      ethPriceWad: ethPrice.priceWad,
    });
    const facts = { ...args.facts, ethPriceWad: ethPrice.priceWad };
    const priced = {
      ...at,
      rewardQuoteWad,
      gasCostQuoteWad: gasCost,
      profitQuoteWad: rewardQuoteWad - gasCost,
      gasUnits,
      gasPriceWei: fees.gasPriceWei,
      facts,
    };
    const skip = (decision: DecisionKind, extra: Partial<Decision> = {}) => {
      emit({ ...priced, decision, ...extra });
      return undefined;
    };
    if (exceedsGasPriceCap(fees.gasPriceWei, config.gasPriceCapWei))
      return skip("skip-gas-cap", {
        facts: { ...facts, gasPriceCapWei: config.gasPriceCapWei },
      });
    let profitableCeilingWei: bigint | null = null;
    if (rule === "profit" && !config.actUnprofitable) {
      if (!isUsablePrice(ethPrice.status))
        return skip("skip-invalid-price", {
          reason: `ETH feed price is ${PRICE_STATUS[ethPrice.status] ?? ethPrice.status}: gas cannot be valued`,
        });
      const act = shouldAct({
        rewardQuoteWad,
        gasCostQuoteWad: gasCost,
        minProfitQuoteWad: config.minProfitQuoteWad,
        actUnprofitable: false,
      });
      if (!act)
        return skip("skip-unprofitable", {
          facts: { ...facts, minProfitQuoteWad: config.minProfitQuoteWad },
        });
      // Bumps of a stuck transaction stop where it stops paying.
      profitableCeilingWei = maxProfitableGasPriceWei({
        rewardQuoteWad,
        minProfitQuoteWad: config.minProfitQuoteWad,
        gasUnits,
        ethPriceWad: ethPrice.priceWad,
      });
    }
    if (config.dryRun) return skip("dry-run");

    const sent = await chain.send(
      call,
      gasUnits,
      sendFees({
        ...fees,
        feeCeilingWei: feeCeilingWei({
          gasPriceWei: fees.gasPriceWei,
          gasPriceCapWei: config.gasPriceCapWei,
          profitableCeilingWei,
        }),
      }),
    );
    const sentFacts = {
      ...facts,
      gasUsed: sent.gasUsed,
      attempts: sent.hashes.length,
    };
    if (sent.status === "success") {
      emit({
        ...priced,
        decision: "liquidate",
        txHash: sent.txHash,
        facts: sentFacts,
      });
      return sent;
    }
    emit({
      ...priced,
      decision: (await args.gone()) ? "lost-race" : "error",
      txHash: sent.txHash,
      reason: "transaction reverted on-chain",
      facts: sentFacts,
    });
    return undefined;
  }

  function emitFailure(at: Here, error: unknown, emit: Emit): void {
    const name = revertName(error);
    if (name !== undefined && WATERFALL_LOST_RACE_ERRORS.has(name)) {
      emit({ ...at, decision: "lost-race", ...revertFacts(error) });
      return;
    }
    if (name === "PriceAboveLimit") {
      emit({ ...at, decision: "skip-above-price", ...revertFacts(error) });
      return;
    }
    emit({ ...at, decision: "error", ...errorFacts(error) });
  }
}
