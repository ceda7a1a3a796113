/**
 * A probability threshold and a horizon from two environment variables, shared by the prediction (./predict.ts) and
 * the pre-liquidation action (./pre-liquidation.ts): off when the probability is unset; one
 * `config error: VAR: problem` line per bad variable otherwise.
 */
import { ConfigError } from "./errors.ts";

export type ProbabilityConfig = {
  /** Accounts at or above this probability of crossing within the horizon are acted on. */
  minProbability: number;
  /** The same as given (a decimal string), for the indexer's query. */
  minProbabilityText: string;
  /** The horizon the probability is asked for [s]. */
  horizonSeconds: number;
};

const DEFAULT_HORIZON_SECONDS = 300;
const MAX_HORIZON_SECONDS = 86_400;

/**
 * Reads `names.minProbability` (a decimal from 0 to 1) and `names.horizonSeconds` (1 to 86,400 s, default 300).
 * `example` goes in the probability's error line; `offWhat` names what is off when only the horizon is set.
 */
export function loadProbabilityConfig(
  env: Readonly<Record<string, string | undefined>>,
  names: { minProbability: string; horizonSeconds: string },
  wording: { example: string; offWhat: string },
): ProbabilityConfig | undefined {
  const probability = env[names.minProbability]?.trim();
  const horizon = env[names.horizonSeconds]?.trim();
  if (!probability) {
    if (horizon) {
      throw new ConfigError([
        `config error: ${names.horizonSeconds}: set ${names.minProbability} too, or ${wording.offWhat} is off`,
      ]);
    }
    return undefined;
  }
  const lines: string[] = [];
  if (!/^(0(\.\d{1,18})?|1(\.0{1,18})?)$/.test(probability)) {
    lines.push(
      `config error: ${names.minProbability}: expected a decimal from 0 to 1, e.g. ${wording.example}`,
    );
  }
  const horizonSeconds = horizon ? Number(horizon) : DEFAULT_HORIZON_SECONDS;
  if (
    horizon &&
    (!/^\d+$/.test(horizon) ||
      horizonSeconds < 1 ||
      horizonSeconds > MAX_HORIZON_SECONDS)
  ) {
    lines.push(
      `config error: ${names.horizonSeconds}: expected an integer number of seconds from 1 to ${MAX_HORIZON_SECONDS}`,
    );
  }
  if (lines.length > 0) throw new ConfigError(lines);
  return {
    minProbability: Number(probability),
    minProbabilityText: probability,
    horizonSeconds,
  };
}
