/**
 * The pre-liquidation action (src/PreLiquidation.sol): before an account reaches maintenance, close a slice of it for
 * the module's incentive. The keeper reads the index's `GET /accounts/crossing` rows, which say whether an account is
 * in the zone (1 ≤ health < the market's top of the zone, not opted out) and how likely it is to cross maintenance
 * within the horizon; it pre-liquidates an account in the zone whose probability is at least
 * `PRELIQ_MIN_PROBABILITY`, after `previewPreLiquidation` on-chain, when the incentive pays for the gas plus ε (the
 * same rule as every other action: ./profit.ts). Off unless `PRELIQ_MIN_PROBABILITY` is set.
 */
import { z } from "zod";
import { describeError } from "./errors.ts";
import { crossingPath } from "./crossing-client.ts";
import { atRiskRow, getIndexJson, type AtRiskAccount } from "./index-client.ts";
import type { Logger } from "./logger.ts";
import {
  loadProbabilityConfig,
  type ProbabilityConfig,
} from "./probability-config.ts";

export const PRELIQ_ENV = {
  minProbability: "PRELIQ_MIN_PROBABILITY",
  horizonSeconds: "PRELIQ_HORIZON_SECONDS",
} as const;

export type PreLiquidationConfig = ProbabilityConfig;

/**
 * The pre-liquidation settings from the environment; undefined (the action off) when PRELIQ_MIN_PROBABILITY is
 * unset. Throws a ConfigError with one `config error: VAR: problem` line per bad variable.
 */
export function loadPreLiquidationConfig(
  env: Readonly<Record<string, string | undefined>>,
): PreLiquidationConfig | undefined {
  return loadProbabilityConfig(env, PRELIQ_ENV, {
    example: "0.3",
    offWhat: "pre-liquidation",
  });
}

/** One row of `GET /accounts/crossing` with its pre-liquidation zone. */
export type ZoneAccount = AtRiskAccount & {
  probability: number;
  liquidatable: boolean;
  /** The highest top of the zone among its markets that can pre-liquidate it [wad health]; null when none. */
  preHealthWad: bigint | null;
  inZone: boolean;
  /** The markets in which the account is in the zone. */
  preLiquidationMarketIds: number[];
};

const zoneRow = atRiskRow.extend({
  probability: z.number({ error: "expected a probability" }).min(0).max(1),
  liquidatable: z.boolean({ error: "expected true or false" }),
  preHealthWad: z
    .union([z.string().regex(/^\d+$/), z.null()], {
      error: "expected a wad integer or null",
    })
    .transform((value) => (value === null ? null : BigInt(value))),
  inZone: z.boolean({ error: "expected true or false" }),
  preLiquidationMarketIds: z.array(
    z.union([
      z.number().int().nonnegative(),
      z.string().regex(/^\d+$/).transform(Number),
    ]),
  ),
});

const zoneAnswer = z
  .object({ accounts: z.array(zoneRow) })
  .transform((answer) => answer.accounts);

/** Parses a `/accounts/crossing` body; throws with the first few issues. */
export function parseZoneAnswer(body: unknown): ZoneAccount[] {
  const parsed = zoneAnswer.safeParse(body);
  if (parsed.success) return parsed.data;
  throw new Error(
    parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
      .join("; "),
  );
}

/**
 * The accounts to pre-liquidate this pass, most likely to cross first (then lowest health): in the zone, at or
 * above the probability, not below maintenance (the engine's case) and not among `skip` (accounts the pass already
 * works on as at risk). Each account once.
 */
export function preLiquidationTargets(
  rows: readonly ZoneAccount[],
  minProbability: number,
  skip: ReadonlySet<string> = new Set(),
): ZoneAccount[] {
  const seen = new Set<string>();
  return rows
    .filter(
      (row) =>
        row.inZone &&
        !row.liquidatable &&
        row.preLiquidationMarketIds.length > 0 &&
        row.probability >= minProbability &&
        !skip.has(row.address.toLowerCase()),
    )
    .sort(
      (a, b) =>
        b.probability - a.probability ||
        (a.healthWad < b.healthWad ? -1 : a.healthWad > b.healthWad ? 1 : 0),
    )
    .filter((row) => {
      const key = row.address.toLowerCase();
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

/** Where the zone's accounts come from and the threshold applied to them. */
export type ZoneSource = {
  minProbability: number;
  fetch: () => Promise<ZoneAccount[]>;
};

export function createZoneSource(options: {
  baseUrl: string;
  timeoutMs: number;
  /** The protocol whose accounts are read (one with a pre-liquidation module). */
  protocol: string;
  config: PreLiquidationConfig;
  fetch?: typeof fetch;
}): ZoneSource {
  const fetchFn = options.fetch ?? globalThis.fetch;
  const url = `${options.baseUrl.replace(/\/+$/, "")}${crossingPath(options.config, options.protocol)}`;
  return {
    minProbability: options.config.minProbability,
    async fetch() {
      return parseZoneAnswer(
        await getIndexJson(fetchFn, url, options.timeoutMs),
      );
    },
  };
}

/** The pass's pre-liquidation targets; none (with a warning) when the index cannot list them. */
export async function zoneTargets(
  source: ZoneSource | undefined,
  skip: ReadonlySet<string>,
  logger: Logger,
): Promise<ZoneAccount[]> {
  if (source === undefined) return [];
  try {
    return preLiquidationTargets(
      await source.fetch(),
      source.minProbability,
      skip,
    );
  } catch (error) {
    logger.warn(
      { event: "zone-unavailable", error: describeError(error) },
      "indexer failed to list accounts in the pre-liquidation zone: none this pass",
    );
    return [];
  }
}
