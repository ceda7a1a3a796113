/**
 * Prioritising by the predicted crossing probability (the indexer's `GET /accounts/crossing`): the accounts below
 * maintenance first, lowest health first, then the accounts still above it whose probability of crossing within the
 * horizon is at least `PREDICT_MIN_PROBABILITY`, most likely first. A near-line account is re-checked on-chain at the
 * chain head in every pass, so a crossing is acted on in the first pass that sees it, even before the index lists the
 * account as at risk. Off unless `PREDICT_MIN_PROBABILITY` is set.
 */
import { describeError } from "./errors.ts";
import type { AtRiskAccount } from "./index-client.ts";
import type { Logger } from "./logger.ts";
import {
  loadProbabilityConfig,
  type ProbabilityConfig,
} from "./probability-config.ts";

/** One row of `GET /accounts/crossing`: an at-risk row and its predicted probability. */
export type NearLineAccount = AtRiskAccount & {
  /** Probability of crossing maintenance within the horizon, in [0, 1]; 1 when already past it. */
  probability: number;
};

export type PredictConfig = ProbabilityConfig;

export const PREDICT_ENV = {
  minProbability: "PREDICT_MIN_PROBABILITY",
  horizonSeconds: "PREDICT_HORIZON_SECONDS",
} as const;

/**
 * The prediction settings from the environment; undefined (prediction off) when PREDICT_MIN_PROBABILITY is unset.
 * Throws a ConfigError with one `config error: VAR: problem` line per bad variable.
 */
export function loadPredictConfig(
  env: Readonly<Record<string, string | undefined>>,
): PredictConfig | undefined {
  return loadProbabilityConfig(env, PREDICT_ENV, {
    example: "0.2",
    offWhat: "the prediction",
  });
}

const byHealth = (a: AtRiskAccount, b: AtRiskAccount) =>
  a.healthWad < b.healthWad ? -1 : a.healthWad > b.healthWad ? 1 : 0;

/**
 * The order the pass works through accounts: every at-risk account (below maintenance) by health, lowest first; then
 * every near-line account not among them with probability ≥ `minProbability`, highest first (then lowest health).
 * Each account appears once.
 */
export function orderTargets(
  atRisk: readonly AtRiskAccount[],
  nearLine: readonly NearLineAccount[],
  minProbability: number,
): AtRiskAccount[] {
  const ordered = [...atRisk].sort(byHealth);
  const seen = new Set(ordered.map((row) => row.address.toLowerCase()));
  const predicted = nearLine
    .filter((row) => row.probability >= minProbability)
    .sort((a, b) => b.probability - a.probability || byHealth(a, b));
  for (const row of predicted) {
    const key = row.address.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    ordered.push(row);
  }
  return ordered;
}

/** Where the near-line accounts come from (./crossing-client.ts) and the threshold applied to them. */
export type NearLineSource = {
  minProbability: number;
  fetch: () => Promise<NearLineAccount[]>;
};

/**
 * The pass's accounts: `atRisk` ordered with the near-line accounts after it. When the near-line list cannot be
 * read, the at-risk accounts alone, with a warning: a failed prediction never holds up a liquidation.
 */
export async function withNearLine(
  atRisk: readonly AtRiskAccount[],
  source: NearLineSource | undefined,
  logger: Logger,
): Promise<AtRiskAccount[]> {
  if (source === undefined) return [...atRisk];
  let nearLine: NearLineAccount[];
  try {
    nearLine = await source.fetch();
  } catch (error) {
    logger.warn(
      { event: "near-line-unavailable", error: describeError(error) },
      "indexer failed to list near-line accounts: only at-risk accounts this pass",
    );
    return orderTargets(atRisk, [], source.minProbability);
  }
  return orderTargets(atRisk, nearLine, source.minProbability);
}
