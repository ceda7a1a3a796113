/**
 * What the keeper decided for one account and one market, collateral or auction, or for one bond series or the
 * waterfall's revenue, and how it is logged.
 */
import type { Address, Hex } from "viem";
import type { Logger } from "./logger.ts";
import { formatWad } from "./math.ts";

/**
 * `liquidate`: a keeper transaction was sent and succeeded, whatever its action. Skips name their reason:
 * `skip-auctioned` an account that already has a lot in auction (one at a time), `skip-no-room` no room for a kick
 * under the auction caps, `skip-no-capacity` a backstop that cannot buy (the keeper falls back to `buyCollateral`),
 * `skip-no-pool` no pool to sell a lot into, `skip-dust` a take the dust rules refuse, `skip-breaker` a circuit
 * breaker halts the action, `skip-disabled` an action left out of KEEPER_ACTIONS, `skip-above-price` a bond price
 * above BOND_MAX_PRICE, `skip-budget` a bond budget (BOND_BUDGET_QUOTE) already spent, `skip-hedge` a step the
 * protocol refuses because it would lower a solvent portfolio-margin account's health (closing or selling a hedge).
 * above BOND_MAX_PRICE, `skip-budget` a bond budget (BOND_BUDGET_QUOTE) already spent, `skip-not-in-zone` a
 * pre-liquidation the module would not run (outside the zone, opted out, or market disabled).
 */
export const DECISION_KINDS = [
  "liquidate",
  "skip-unprofitable",
  "skip-healthy",
  "skip-invalid-price",
  "skip-gas-cap",
  "skip-insufficient-quote",
  "skip-auctioned",
  "skip-no-room",
  "skip-no-capacity",
  "skip-no-pool",
  "skip-dust",
  "skip-breaker",
  "skip-disabled",
  "skip-above-price",
  "skip-budget",
  "skip-hedge",
  "skip-not-in-zone",
  "dry-run",
  "lost-race",
  "error",
] as const;
export type DecisionKind = (typeof DECISION_KINDS)[number];

/** Transactions the keeper sends, by the function it calls. */
export const KEEPER_ACTIONS = [
  "liquidate",
  "liquidateBatch",
  "buyCollateral",
  "settleBadDebt",
  "kick",
  "take",
  "redo",
  "buyAuction",
  "absorb",
  "buyBonds",
  "closeSeries",
  "route",
  "sweepFees",
  "redeem",
  "preLiquidate",
] as const;
export type KeeperAction = (typeof KEEPER_ACTIONS)[number];

/** The actions on the solvency waterfall (and the protocol's fee share): worked once a pass, with no account. */
export const WATERFALL_ACTIONS = [
  "buyBonds",
  "closeSeries",
  "route",
  "sweepFees",
  "redeem",
] as const satisfies readonly KeeperAction[];
export type WaterfallAction = (typeof WATERFALL_ACTIONS)[number];

/** `check` is the re-check of an account (or an auction), before any market, collateral or action is looked at. */
export type DecisionAction = "check" | KeeperAction;

export type Decision = {
  decision: DecisionKind;
  action: DecisionAction;
  /** The account acted on; null for the waterfall's actions, which have none. */
  account: Address | null;
  marketId?: number;
  collateralId?: number;
  auctionId?: bigint;
  /** The bond series acted on. */
  seriesId?: bigint;
  healthWad?: bigint;
  rewardQuoteWad?: bigint;
  gasCostQuoteWad?: bigint;
  /** reward − gas cost [wad quote]; for a take the reward is the pool's proceeds − what the auction is paid. */
  profitQuoteWad?: bigint;
  gasUnits?: bigint;
  gasPriceWei?: bigint;
  txHash?: Hex;
  /** Blocks between the index's breach block and the chain head of the pass; null when unknown. */
  blocksSinceBreach: bigint | null;
  reason?: string;
  errorName?: string;
  /** Extra facts for the log line (amounts as bigint are turned into decimal strings). */
  facts?: Record<string, bigint | string | number | boolean | null>;
};

/** The one JSON log line of a decision: bigints as decimal strings, quote amounts in whole quote units. */
export function decisionLogFields(decision: Decision): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    event: "decision",
    decision: decision.decision,
    action: decision.action,
    account: decision.account,
    marketId: decision.marketId ?? null,
    collateralId: decision.collateralId ?? null,
    auctionId: decision.auctionId?.toString() ?? null,
    seriesId: decision.seriesId?.toString() ?? null,
    healthWad: decision.healthWad?.toString() ?? null,
    rewardQuote:
      decision.rewardQuoteWad === undefined
        ? null
        : formatWad(decision.rewardQuoteWad),
    gasCostQuote:
      decision.gasCostQuoteWad === undefined
        ? null
        : formatWad(decision.gasCostQuoteWad),
    profitQuote:
      decision.profitQuoteWad === undefined
        ? null
        : formatWad(decision.profitQuoteWad),
    txHash: decision.txHash ?? null,
    blocksSinceBreach: decision.blocksSinceBreach?.toString() ?? null,
  };
  if (decision.gasUnits !== undefined)
    fields.gasUnits = decision.gasUnits.toString();
  if (decision.gasPriceWei !== undefined)
    fields.gasPriceWei = decision.gasPriceWei.toString();
  if (decision.reason !== undefined) fields.reason = decision.reason;
  if (decision.errorName !== undefined) fields.errorName = decision.errorName;
  for (const [key, value] of Object.entries(decision.facts ?? {})) {
    fields[key] = typeof value === "bigint" ? value.toString() : value;
  }
  return fields;
}

export function logDecision(logger: Logger, decision: Decision): void {
  const fields = decisionLogFields(decision);
  if (decision.decision === "error") logger.error(fields, "decision");
  else logger.info(fields, "decision");
}
