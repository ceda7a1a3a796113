/** What the keeper decided for one account and one market or collateral, and how it is logged. */
import type { Address, Hex } from "viem";
import type { Logger } from "./logger.ts";
import { formatWad } from "./math.ts";

export const DECISION_KINDS = [
  "liquidate",
  "skip-unprofitable",
  "skip-healthy",
  "skip-invalid-price",
  "skip-gas-cap",
  "skip-insufficient-quote",
  "skip-auctioned",
  "dry-run",
  "lost-race",
  "error",
] as const;
export type DecisionKind = (typeof DECISION_KINDS)[number];

/** `check` is the account-level re-check, before any market or collateral is looked at. */
export type DecisionAction = "check" | "liquidate" | "buyCollateral";

export type Decision = {
  decision: DecisionKind;
  action: DecisionAction;
  account: Address;
  marketId?: number;
  collateralId?: number;
  healthWad?: bigint;
  rewardQuoteWad?: bigint;
  gasCostQuoteWad?: bigint;
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
    healthWad: decision.healthWad?.toString() ?? null,
    rewardQuote:
      decision.rewardQuoteWad === undefined
        ? null
        : formatWad(decision.rewardQuoteWad),
    gasCostQuote:
      decision.gasCostQuoteWad === undefined
        ? null
        : formatWad(decision.gasCostQuoteWad),
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
