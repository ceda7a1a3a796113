/**
 * Keeper configuration: environment variables, optionally over a JSON file named by KEEPER_CONFIG_FILE
 * (environment wins). Every field is validated at start; each bad field yields one line naming it.
 */
import { parseUnits, type Hex } from "viem";
import { z } from "zod";
import { KEEPER_ACTIONS, type KeeperAction } from "./decisions.ts";
import { ConfigError } from "./errors.ts";
import { parseShard, type Shard } from "./shard.ts";

const SHARD_EXPECTED =
  "expected index/count with 0 ≤ index < count ≤ 1024, e.g. 0/2 and 1/2 for two keepers";

export const LOG_LEVELS = [
  "fatal",
  "error",
  "warn",
  "info",
  "debug",
  "trace",
  "silent",
] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type Config = {
  rpcUrls: string[];
  privateKey: Hex;
  indexerUrl: string;
  deploymentFile: string;
  /** ε as given, in quote units, e.g. "0.5". */
  minProfitQuote: string;
  minProfitQuoteWad: bigint;
  /** ε of a take (a trade against a pool, so it carries its own margin), in quote units. */
  takeMinProfitQuote: string;
  takeMinProfitQuoteWad: bigint;
  /** The transactions the keeper may send; the others are logged as `skip-disabled`. */
  actions: KeeperAction[];
  /** Gas price cap as given, in gwei, or "none" (the default: the profit rule alone decides). */
  gasPriceCapGwei: string;
  /** Null: no cap. */
  gasPriceCapWei: bigint | null;
  pollIntervalMs: number;
  dryRun: boolean;
  /** The protocols of the deployments file the keeper works on, by name; undefined: every one listed. */
  protocols: string[] | undefined;
  maxIndexLagBlocks: bigint;
  actUnprofitable: boolean;
  logLevel: LogLevel;
  metricsPort: number | undefined;
  metricsEveryPasses: number;
  concurrency: number;
  /** Positions per `liquidateBatch` transaction of the liquidation lane (./liquidation-lane.ts). */
  batchPositions: number;
  /** This keeper's share of the accounts and auctions, as given ("0/1": all of them) (./shard.ts). */
  shard: string;
  ownShard: Shard;
  indexerTimeoutMs: number;
  receiptTimeoutMs: number;
  chainStallAlertMs: number;
  /** The highest price the keeper pays for one unit of bond face, as given ("0.95" or a wad integer). */
  bondMaxPrice: string;
  bondMaxPriceWad: bigint;
  /** Quote the keeper may spend on bonds since it started, as given in quote units. */
  bondBudgetQuote: string;
  bondBudgetQuoteWad: bigint;
  /** The protocol's fee share is swept to the waterfall once it owes more than this, in quote units. */
  feeSweepMinQuote: string;
  feeSweepMinQuoteWad: bigint;
};

/** Environment variable, JSON file key (the schema key) and default of each field. */
export const CONFIG_FIELDS = {
  rpcUrls: { env: "RPC_URL", default: "http://127.0.0.1:8545" },
  privateKey: { env: "KEEPER_PRIVATE_KEY", default: undefined },
  indexerUrl: { env: "INDEXER_URL", default: "http://127.0.0.1:42069" },
  deploymentFile: { env: "DEPLOYMENT_FILE", default: undefined },
  minProfitQuote: { env: "MIN_PROFIT_QUOTE", default: "0" },
  takeMinProfitQuote: { env: "TAKE_MIN_PROFIT_QUOTE", default: "1" },
  actions: { env: "KEEPER_ACTIONS", default: KEEPER_ACTIONS.join(",") },
  gasPriceCapGwei: { env: "GAS_PRICE_CAP_GWEI", default: "none" },
  pollIntervalMs: { env: "POLL_INTERVAL_MS", default: "1000" },
  dryRun: { env: "DRY_RUN", default: "false" },
  protocols: { env: "KEEPER_PROTOCOLS", default: undefined },
  maxIndexLagBlocks: { env: "MAX_INDEX_LAG_BLOCKS", default: "5" },
  actUnprofitable: { env: "ACT_UNPROFITABLE", default: "false" },
  logLevel: { env: "LOG_LEVEL", default: "info" },
  metricsPort: { env: "METRICS_PORT", default: undefined },
  metricsEveryPasses: { env: "METRICS_LOG_EVERY_PASSES", default: "100" },
  concurrency: { env: "KEEPER_CONCURRENCY", default: "8" },
  batchPositions: { env: "LIQUIDATION_BATCH_POSITIONS", default: "50" },
  shard: { env: "KEEPER_SHARD", default: "0/1" },
  indexerTimeoutMs: { env: "INDEXER_TIMEOUT_MS", default: "5000" },
  receiptTimeoutMs: { env: "RECEIPT_TIMEOUT_MS", default: "30000" },
  chainStallAlertMs: { env: "CHAIN_STALL_ALERT_MS", default: "60000" },
  bondMaxPrice: { env: "BOND_MAX_PRICE", default: "0.95" },
  bondBudgetQuote: { env: "BOND_BUDGET_QUOTE", default: "25000" },
  feeSweepMinQuote: { env: "FEE_SWEEP_MIN_QUOTE", default: "10" },
} as const satisfies Record<
  string,
  { env: string; default: string | undefined }
>;

export type ConfigKey = keyof typeof CONFIG_FIELDS;
export const CONFIG_FILE_ENV = "KEEPER_CONFIG_FILE";

/*//////////////////////////////////////////////////////////////
                          FIELD SCHEMAS
//////////////////////////////////////////////////////////////*/

const required = (expected: string) => ({
  error: (issue: { input: unknown }) =>
    issue.input === undefined ? `is required: ${expected}` : expected,
});

/** Env values are strings; file values may be numbers or booleans: normalise to a trimmed string. */
const asText = (value: unknown): unknown =>
  typeof value === "number" || typeof value === "boolean"
    ? String(value)
    : typeof value === "string"
      ? value.trim()
      : value;

function integer(expected: string, minimum: number, maximum: number) {
  return z.preprocess(
    asText,
    z
      .string(required(expected))
      .regex(/^\d+$/, { error: expected, abort: true })
      .transform(Number)
      .refine((n) => n >= minimum && n <= maximum, { error: expected }),
  );
}

const GAS_CAP_EXPECTED =
  'expected "none" or a positive decimal number of gwei, at most 9 decimals';

function decimal(expected: string, maxFractionDigits: number) {
  const pattern = new RegExp(`^\\d+(\\.\\d{1,${maxFractionDigits}})?$`);
  // abort: later refinements (which parse the number) must not run on a malformed value.
  return z.preprocess(
    asText,
    z
      .string(required(expected))
      .regex(pattern, { error: expected, abort: true }),
  );
}

/**
 * A price per unit of bond face in (0, 1], as a decimal ("0.95", "1") or as a wad integer ("950000000000000000"): an
 * integer above 1 is read as wad. Returns null when the text is neither or out of range.
 */
export function parseBondPriceWad(text: string): bigint | null {
  if (!/^\d+(\.\d{1,18})?$/.test(text)) return null;
  const wad = text.includes(".")
    ? parseUnits(text, 18)
    : BigInt(text) <= 1n
      ? BigInt(text) * 10n ** 18n
      : BigInt(text);
  return wad > 0n && wad <= 10n ** 18n ? wad : null;
}

function bondPrice(expected: string) {
  return z.preprocess(
    asText,
    z
      .string(required(expected))
      .refine((text) => parseBondPriceWad(text) !== null, { error: expected }),
  );
}

function boolean(expected: string) {
  return z.preprocess(
    asText,
    z
      .string(required(expected))
      .transform((s) => s.toLowerCase())
      .refine((s) => ["true", "false", "1", "0", "yes", "no"].includes(s), {
        error: expected,
      })
      .transform((s) => s === "true" || s === "1" || s === "yes"),
  );
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

/** A comma-separated string (env) or an array of strings (file): trimmed, empty parts dropped. */
const PROTOCOLS_EXPECTED =
  "expected a comma-separated list of protocol names from the deployments file (e.g. perps,lending), or unset for all";

const asList = (value: unknown): unknown =>
  typeof value === "string"
    ? value
        .split(",")
        .map((part) => part.trim())
        .filter((part) => part.length > 0)
    : Array.isArray(value)
      ? value.map((part) => (typeof part === "string" ? part.trim() : part))
      : value;

const rpcUrlsExpected = "expected one or more http(s) URLs, comma-separated";
const actionsExpected = `expected one or more of ${KEEPER_ACTIONS.join(", ")}, comma-separated`;
const isKeeperAction = (value: unknown): value is KeeperAction =>
  (KEEPER_ACTIONS as readonly unknown[]).includes(value);
const indexerUrlExpected = "expected an http(s) URL";

const configSchema = z.object({
  rpcUrls: z.preprocess(
    asList,
    z
      .array(z.string(), required(rpcUrlsExpected))
      .min(1, { error: `is required: ${rpcUrlsExpected}` })
      .refine((urls) => urls.every(isHttpUrl), {
        // Never echo the URLs: they often carry an API key.
        error: (issue) => {
          const urls = issue.input as string[];
          const bad = urls
            .map((url, i) => (isHttpUrl(url) ? -1 : i + 1))
            .filter((i) => i > 0);
          return `${rpcUrlsExpected} (entry ${bad.join(", ")} is not one)`;
        },
      }),
  ),
  privateKey: z
    .string(required("expected 0x followed by 64 hex characters"))
    .regex(/^0x[0-9a-fA-F]{64}$/, {
      error: "expected 0x followed by 64 hex characters",
    })
    .transform((key) => key as Hex),
  indexerUrl: z
    .preprocess(asText, z.string(required(indexerUrlExpected)))
    .refine((url) => isHttpUrl(url as string), { error: indexerUrlExpected })
    .transform((url) => (url as string).replace(/\/+$/, "")),
  deploymentFile: z.preprocess(
    asText,
    z.string(required("expected the path of the deployments JSON")).min(1, {
      error: "is required: expected the path of the deployments JSON",
    }),
  ),
  minProfitQuote: decimal(
    "expected a non-negative decimal number of quote units, e.g. 0.5",
    18,
  ),
  takeMinProfitQuote: decimal(
    "expected a non-negative decimal number of quote units, e.g. 1",
    18,
  ),
  actions: z.preprocess(
    asList,
    z
      .array(z.unknown(), required(actionsExpected))
      .min(1, { error: `is required: ${actionsExpected}` })
      .refine((list) => list.every(isKeeperAction), {
        error: (issue) => {
          const unknown = (issue.input as unknown[]).filter(
            (value) => !isKeeperAction(value),
          );
          return `${actionsExpected} (unknown: ${unknown.map(String).join(", ")})`;
        },
      })
      .transform((list) => [...new Set(list as KeeperAction[])]),
  ),
  gasPriceCapGwei: z.preprocess(
    asText,
    z
      .string(required(GAS_CAP_EXPECTED))
      .refine(
        (text) =>
          text === "none" ||
          (/^\d+(\.\d{1,9})?$/.test(text) && parseUnits(text, 9) > 0n),
        { error: GAS_CAP_EXPECTED },
      ),
  ),
  pollIntervalMs: integer(
    "expected an integer number of milliseconds between 10 and 600000",
    10,
    600_000,
  ),
  dryRun: boolean("expected true or false"),
  protocols: z.preprocess(
    asList,
    z.union(
      [
        z.undefined(),
        z
          .array(z.string().regex(/^[a-z][a-z0-9-]{0,31}$/), PROTOCOLS_EXPECTED)
          .min(1, { error: PROTOCOLS_EXPECTED })
          .transform((list) => [...new Set(list)]),
      ],
      { error: PROTOCOLS_EXPECTED },
    ),
  ),
  maxIndexLagBlocks: integer(
    "expected a non-negative integer number of blocks",
    0,
    Number.MAX_SAFE_INTEGER,
  ),
  actUnprofitable: boolean("expected true or false"),
  logLevel: z.preprocess(
    (value) => (typeof value === "string" ? value.trim().toLowerCase() : value),
    z.enum(LOG_LEVELS, { error: `expected one of ${LOG_LEVELS.join(", ")}` }),
  ),
  metricsPort: z.union([
    z.undefined(),
    integer("expected a TCP port between 1 and 65535", 1, 65_535),
  ]),
  metricsEveryPasses: integer(
    "expected a positive integer number of passes",
    1,
    Number.MAX_SAFE_INTEGER,
  ),
  concurrency: integer(
    "expected an integer number of accounts worked on at once between 1 and 64",
    1,
    64,
  ),
  batchPositions: integer(
    "expected an integer number of positions per batch between 1 and 200",
    1,
    200,
  ),
  shard: z.preprocess(
    asText,
    z
      .string(required(SHARD_EXPECTED))
      .refine((text) => parseShard(text) !== null, { error: SHARD_EXPECTED }),
  ),
  indexerTimeoutMs: integer(
    "expected an integer number of milliseconds between 100 and 600000",
    100,
    600_000,
  ),
  receiptTimeoutMs: integer(
    "expected an integer number of milliseconds between 1000 and 3600000",
    1_000,
    3_600_000,
  ),
  chainStallAlertMs: integer(
    "expected an integer number of milliseconds between 1000 and 86400000",
    1_000,
    86_400_000,
  ),
  bondMaxPrice: bondPrice(
    "expected a price per unit of bond face in (0, 1]: a decimal such as 0.95, or a wad integer such as 950000000000000000",
  ),
  bondBudgetQuote: decimal(
    "expected a non-negative decimal number of quote units, e.g. 25000",
    18,
  ),
  feeSweepMinQuote: decimal(
    "expected a non-negative decimal number of quote units, e.g. 10",
    18,
  ),
});

/*//////////////////////////////////////////////////////////////
                             LOADING
//////////////////////////////////////////////////////////////*/

export type Env = Readonly<Record<string, string | undefined>>;
export type FileReader = (path: string) => string;

/**
 * Builds the configuration from `env` and, when KEEPER_CONFIG_FILE is set, the JSON file it names (read with
 * `readFile`). Throws a ConfigError whose `lines` hold one `config error: FIELD: problem` line per bad field.
 */
export function loadConfig(env: Env, readFile: FileReader): Config {
  const lines: string[] = [];
  const file = readConfigFile(env, readFile, lines);

  const raw: Record<string, unknown> = {};
  const labels: Record<string, string> = {};
  for (const [key, field] of Object.entries(CONFIG_FIELDS)) {
    const envValue = env[field.env];
    if (envValue !== undefined && envValue.trim() !== "") {
      raw[key] = envValue;
      labels[key] = field.env;
    } else if (file && file.values[key] !== undefined) {
      raw[key] = file.values[key];
      labels[key] = `${key} (in ${file.path})`;
    } else {
      raw[key] = field.default;
      labels[key] = field.env;
    }
  }

  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const reported = new Set<string>();
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? "");
      if (reported.has(key)) continue; // one line per field
      reported.add(key);
      lines.push(`config error: ${labels[key] ?? key}: ${issue.message}`);
    }
  }
  if (lines.length > 0 || !parsed.success) throw new ConfigError(lines);

  const values = parsed.data;
  return {
    ...values,
    minProfitQuoteWad: parseUnits(values.minProfitQuote, 18),
    takeMinProfitQuoteWad: parseUnits(values.takeMinProfitQuote, 18),
    gasPriceCapWei:
      values.gasPriceCapGwei === "none"
        ? null
        : parseUnits(values.gasPriceCapGwei, 9),
    maxIndexLagBlocks: BigInt(values.maxIndexLagBlocks),
    // Validated by the schema: never null here.
    ownShard: parseShard(values.shard)!,
    bondMaxPriceWad: parseBondPriceWad(values.bondMaxPrice)!,
    bondBudgetQuoteWad: parseUnits(values.bondBudgetQuote, 18),
    feeSweepMinQuoteWad: parseUnits(values.feeSweepMinQuote, 18),
  };
}

function readConfigFile(
  env: Env,
  readFile: FileReader,
  lines: string[],
): { path: string; values: Record<string, unknown> } | undefined {
  const path = env[CONFIG_FILE_ENV]?.trim();
  if (!path) return undefined;
  let text: string;
  try {
    text = readFile(path);
  } catch (error) {
    lines.push(
      `config error: ${CONFIG_FILE_ENV}: cannot read ${path}: ${(error as Error).message}`,
    );
    return undefined;
  }
  let values: unknown;
  try {
    values = JSON.parse(text);
  } catch (error) {
    lines.push(
      `config error: ${CONFIG_FILE_ENV}: ${path} is not valid JSON: ${(error as Error).message}`,
    );
    return undefined;
  }
  if (typeof values !== "object" || values === null || Array.isArray(values)) {
    lines.push(
      `config error: ${CONFIG_FILE_ENV}: ${path} must hold a JSON object`,
    );
    return undefined;
  }
  for (const key of Object.keys(values)) {
    if (!(key in CONFIG_FIELDS)) {
      lines.push(
        `config error: ${key} (in ${path}): unknown field; known fields: ${Object.keys(CONFIG_FIELDS).join(", ")}`,
      );
    }
  }
  return { path, values: values as Record<string, unknown> };
}

/** The configuration as it may be logged: no private key, RPC URLs reduced to their count. */
export function configSummary(config: Config): Record<string, unknown> {
  return {
    rpcCount: config.rpcUrls.length,
    indexerUrl: config.indexerUrl,
    deploymentFile: config.deploymentFile,
    minProfitQuote: config.minProfitQuote,
    takeMinProfitQuote: config.takeMinProfitQuote,
    actions: config.actions,
    gasPriceCapGwei: config.gasPriceCapGwei,
    pollIntervalMs: config.pollIntervalMs,
    dryRun: config.dryRun,
    protocols: config.protocols ?? "all",
    maxIndexLagBlocks: config.maxIndexLagBlocks.toString(),
    actUnprofitable: config.actUnprofitable,
    logLevel: config.logLevel,
    metricsPort: config.metricsPort ?? null,
    metricsEveryPasses: config.metricsEveryPasses,
    concurrency: config.concurrency,
    batchPositions: config.batchPositions,
    shard: config.shard,
    bondMaxPrice: config.bondMaxPrice,
    bondBudgetQuote: config.bondBudgetQuote,
    feeSweepMinQuote: config.feeSweepMinQuote,
  };
}
