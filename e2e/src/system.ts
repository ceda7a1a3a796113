/** The whole local system: anvil, the deployed contracts, the indexer and the keeper. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { type Address } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { testnetTokenAbi } from "../../abi/src/generated.ts";
import { parseDeploymentJson } from "../../abi/src/deployment.ts";
import { type Deployment, demoDeployment } from "./demoDeployment.ts";
import { clients, send } from "./contracts.ts";
import { ROOT, foundryBin } from "./paths.ts";
import { DEFAULT_PATTERN, type Pattern } from "./patterns.ts";
import {
  onCleanup,
  freePort,
  run,
  start,
  stop,
  waitFor,
  type Managed,
} from "./processes.ts";

/** anvil's default mnemonic accounts 0 (deployer, price pusher) and 1 (keeper). */
export type { Deployment };

export const DEPLOYER_KEY =
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80" as const;
export const KEEPER_KEY =
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d" as const;
/** anvil's third account: a second keeper's key. */
export const SECOND_KEEPER_KEY =
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a" as const;

export type SystemOptions = {
  /** Postgres connection string; embedded PGlite when absent. */
  databaseUrl?: string;
  /** Seconds per block (interval mining, like a live chain). */
  blockTimeSeconds: number;
  logDir?: string;
  keeperEnv?: NodeJS.ProcessEnv;
  /** Liquidation pattern of both collateral assets (the deploy script's `COLLATERAL_PATTERN`); fixed fee by default. */
  pattern?: Pattern;
  /** The auction curve's step, −1% per step (the deploy script's `AUCTION_STEP_SECONDS`); 10 s by default. */
  auctionStepSeconds?: number;
  /** The owner's stake that seeds the insurance fund [whole USDC] (the deploy script's `INSURANCE_FUND_STAKE`). */
  insuranceStakeUsdc?: bigint;
  /** The deploy script's `PRE_LIQUIDATION`: the module's demo parameters (on, the default) or none (off). */
  preLiquidation?: "on" | "off";
  /** The lending engine's pattern (the deploy script's `LENDING_COLLATERAL_PATTERN`); `pattern` by default. */
  lendingPattern?: Pattern;
  /** anvil's block gas limit; 100M by default (the scale benchmark opens thousands of accounts per block). */
  blockGasLimit?: bigint;
  /** anvil's `--slots-in-an-epoch`: 1 makes `finalized` the head − 2, so a later indexer syncs history in batches. */
  slotsInAnEpoch?: number;
  /** anvil's `--prune-history`: keep this many states only (a 100,000-account chain's history outgrows memory). */
  pruneHistory?: number;
  /** Extra environment of the indexer (its settings, e.g. `BAND_REFRESH_PER_BLOCK`). */
  indexerEnv?: NodeJS.ProcessEnv;
};

/** The deploy script's default stake, which the contract tests use too [whole USDC]. */
export const DEFAULT_INSURANCE_STAKE_USDC = 50_000n;
/** The keeper sweeps the protocol's fee share to the waterfall once it owes more than this [whole quote units]. */
export const KEEPER_FEE_SWEEP_MIN_QUOTE = 10n;

export type System = {
  pattern: Pattern;
  auctionStepSeconds: number;
  insuranceStakeUsdc: bigint;
  rpcUrl: string;
  indexerUrl: string;
  /** The indexer's database schema (`ponder serve --schema` serves it again). */
  indexerSchema: string;
  deployment: Deployment;
  deploymentFile: string;
  logDir: string;
  anvil: Managed;
  indexer: Managed;
  keeper?: Managed;
  /** Starts a keeper (`name` names its log; a second keeper needs its own, and its own KEEPER_PRIVATE_KEY). */
  startKeeper: (env?: NodeJS.ProcessEnv, name?: string) => Promise<Managed>;
  stop: () => Promise<void>;
};

export async function startSystem(options: SystemOptions): Promise<System> {
  const pattern = options.pattern ?? DEFAULT_PATTERN;
  const auctionStepSeconds = options.auctionStepSeconds ?? 10;
  const insuranceStakeUsdc =
    options.insuranceStakeUsdc ?? DEFAULT_INSURANCE_STAKE_USDC;
  const logDir =
    options.logDir ??
    mkdtempSync(path.join(os.tmpdir(), "liquidation-engine-"));
  mkdirSync(logDir, { recursive: true });
  const started: Managed[] = [];
  let deploymentFileToRemove: string | undefined;
  const stopAllStarted = async () => {
    for (const m of started.reverse()) await stop(m);
    if (deploymentFileToRemove) rmSync(deploymentFileToRemove, { force: true });
  };
  try {
    // 1. anvil
    const rpcPort = await freePort();
    const rpcUrl = `http://127.0.0.1:${rpcPort}`;
    const anvil = start(
      "anvil",
      foundryBin("anvil"),
      [
        "--host",
        "127.0.0.1",
        "--port",
        String(rpcPort),
        "--block-time",
        String(options.blockTimeSeconds),
        "--accounts",
        "10",
        // The deployment is one burst of ~60 transactions (~40M gas). On anvil's default 30M-gas blocks the
        // transactions that spill over a full block are dropped from its pool and the deploy waits forever.
        "--gas-limit",
        String(options.blockGasLimit ?? 100_000_000n),
        ...(options.slotsInAnEpoch === undefined
          ? []
          : ["--slots-in-an-epoch", String(options.slotsInAnEpoch)]),
        ...(options.pruneHistory === undefined
          ? []
          : ["--prune-history", String(options.pruneHistory)]),
      ],
      { cwd: ROOT, logDir },
    );
    started.push(anvil);
    await waitFor("anvil", () => rpc(rpcUrl, "eth_chainId").then(() => true), {
      timeoutMs: 15_000,
      proc: anvil,
    });

    // 2. contracts
    // forge may only write under deployments/ (fs_permissions in foundry.toml).
    const deploymentFile = path.join(
      ROOT,
      "deployments",
      `local-${process.pid}-${Date.now()}.json`,
    );
    await run(
      foundryBin("forge"),
      [
        "script",
        "script/Deploy.s.sol:Deploy",
        "--rpc-url",
        rpcUrl,
        "--broadcast",
        "--non-interactive",
      ],
      {
        cwd: ROOT,
        env: {
          DEPLOYMENT_FILE: deploymentFile,
          DEPLOYER_PRIVATE_KEY: DEPLOYER_KEY,
          FOUNDRY_PROFILE: "default",
          // Always explicit, so a value in the caller's environment never leaks into a test's deployment.
          COLLATERAL_PATTERN: pattern,
          LENDING_COLLATERAL_PATTERN: options.lendingPattern ?? pattern,
          AUCTION_STEP_SECONDS: String(auctionStepSeconds),
          INSURANCE_FUND_STAKE: String(insuranceStakeUsdc),
          PRE_LIQUIDATION: options.preLiquidation ?? "on",
        },
      },
    );
    deploymentFileToRemove = deploymentFile;
    onCleanup(() => rmSync(deploymentFile, { force: true }));
    const parsed = parseDeploymentJson(
      JSON.parse(readFileSync(deploymentFile, "utf8")),
    );
    if (!parsed.ok) {
      throw new Error(
        `deploy script wrote a bad ${deploymentFile}: ${parsed.issues.map((i) => `${i.field} ${i.message}`).join("; ")}`,
      );
    }
    const deployment = demoDeployment(parsed.deployment);

    // The keeper buys collateral with its own quote: give it working capital.
    await fundKeeper(rpcUrl, deployment);

    // 3. indexer
    const { indexer, indexerUrl, schema } = await startIndexer({
      name: "indexer",
      rpcUrl,
      deploymentFile,
      logDir,
      databaseUrl: options.databaseUrl,
      env: options.indexerEnv,
    });
    started.push(indexer);

    const system: System = {
      pattern,
      auctionStepSeconds,
      insuranceStakeUsdc,
      rpcUrl,
      indexerUrl,
      indexerSchema: schema,
      deployment,
      deploymentFile,
      logDir,
      anvil,
      indexer,
      startKeeper: async (env, name = "keeper") => {
        const keeper = start(
          name,
          process.execPath,
          ["--import", "tsx", "src/main.ts"],
          {
            cwd: path.join(ROOT, "keeper"),
            logDir,
            env: {
              RPC_URL: rpcUrl,
              KEEPER_PRIVATE_KEY: KEEPER_KEY,
              DEPLOYMENT_FILE: deploymentFile,
              INDEXER_URL: indexerUrl,
              MIN_PROFIT_QUOTE: "0.5",
              POLL_INTERVAL_MS: "250",
              MAX_INDEX_LAG_BLOCKS: "3",
              LOG_LEVEL: "info",
              FEE_SWEEP_MIN_QUOTE: String(KEEPER_FEE_SWEEP_MIN_QUOTE),
              ...options.keeperEnv,
              ...env,
            },
          },
        );
        started.push(keeper);
        system.keeper = keeper;
        // Approvals sent, watching blocks.
        await waitFor(
          "the keeper to start",
          async () =>
            readFileSync(keeper.logFile, "utf8").includes('"event":"watching"'),
          {
            timeoutMs: 30_000,
            proc: keeper,
          },
        );
        return keeper;
      },
      stop: stopAllStarted,
    };
    return system;
  } catch (error) {
    await stopAllStarted();
    throw error;
  }
}

/**
 * A Ponder process of the indexer (`ponder start`, or `ponder serve` for an API replica) on a free port, ready when
 * /ready answers 200 (for `start`: its backfill is done); stopped again if it never is.
 */
async function startPonder(options: {
  name: string;
  command: "start" | "serve";
  schema: string;
  env: NodeJS.ProcessEnv;
  logDir: string;
  readyTimeoutMs: number;
}): Promise<{ proc: Managed; url: string }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = start(
    options.name,
    path.join(ROOT, "indexer/node_modules/.bin/ponder"),
    [options.command, "--port", String(port), "--schema", options.schema],
    {
      cwd: path.join(ROOT, "indexer"),
      logDir: options.logDir,
      env: { PONDER_TELEMETRY_DISABLED: "true", ...options.env },
    },
  );
  try {
    await waitFor(
      `the ${options.name} to be ready`,
      () => fetch(`${url}/ready`).then((r) => r.ok),
      { timeoutMs: options.readyTimeoutMs, intervalMs: 250, proc },
    );
  } catch (error) {
    await stop(proc);
    throw error;
  }
  return { proc, url };
}

/** A `ponder start` of the indexer on a fresh schema; on PGlite each name gets its own directory under `logDir`. */
export async function startIndexer(options: {
  name: string;
  rpcUrl: string;
  deploymentFile: string;
  logDir: string;
  databaseUrl?: string;
  readyTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}): Promise<{ indexer: Managed; indexerUrl: string; schema: string }> {
  const schema = `run_${Date.now()}`;
  const { proc, url } = await startPonder({
    name: options.name,
    command: "start",
    schema,
    logDir: options.logDir,
    readyTimeoutMs: options.readyTimeoutMs ?? 120_000,
    env: {
      DEPLOYMENT_FILE: options.deploymentFile,
      RPC_URL: options.rpcUrl,
      PGLITE_DIRECTORY: path.join(
        options.logDir,
        options.name === "indexer" ? "pglite" : `pglite-${options.name}`,
      ),
      DATABASE_URL: options.databaseUrl ?? "",
      // anvil here is a node of our own: no need for Ponder's adaptive limit, which starts at 20 requests a second.
      RPC_MAX_REQUESTS_PER_SECOND: "1000",
      ...options.env,
    },
  });
  return { indexer: proc, indexerUrl: url, schema };
}

/** `ponder serve`: another HTTP server for an indexer's Postgres schema, with no indexing of its own (an API replica). */
export async function startApiReplica(options: {
  name: string;
  schema: string;
  databaseUrl: string;
  rpcUrl: string;
  deploymentFile: string;
  logDir: string;
}): Promise<{ server: Managed; url: string }> {
  const { proc, url } = await startPonder({
    name: options.name,
    command: "serve",
    schema: options.schema,
    logDir: options.logDir,
    readyTimeoutMs: 60_000,
    env: {
      DEPLOYMENT_FILE: options.deploymentFile,
      RPC_URL: options.rpcUrl,
      DATABASE_URL: options.databaseUrl,
    },
  });
  return { server: proc, url };
}

async function rpc(
  url: string,
  method: string,
  params: unknown[] = [],
): Promise<unknown> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await response.json()) as { result?: unknown; error?: unknown };
  if (body.error) throw new Error(JSON.stringify(body.error));
  return body.result;
}

/**
 * Mints working capital in the quote asset to the keeper (the test token's owner is the deployer): for collateral
 * purchases and for the solvency bonds it buys (up to its BOND_BUDGET_QUOTE, $25k by default).
 */
async function fundKeeper(rpcUrl: string, d: Deployment): Promise<void> {
  const { publicClient, wallet } = clients(rpcUrl);
  const keeper = privateKeyToAccount(KEEPER_KEY).address;
  await send(publicClient, wallet(DEPLOYER_KEY), {
    address: d.quote,
    abi: testnetTokenAbi,
    functionName: "mint",
    args: [keeper, 5_000_000n * 10n ** 6n],
  });
}
