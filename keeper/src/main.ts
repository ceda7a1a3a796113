/**
 * Keeper entry point: validate the configuration (one line per bad field, exit 2), connect, approve the quote token
 * once per protocol (to the protocol for collateral purchases, to its auction house for takes) and to the waterfall
 * for bond purchases, then run every protocol's liquidation lane and pass on every new block until SIGINT or SIGTERM.
 * Each protocol of the deployments file (or of KEEPER_PROTOCOLS) gets the same client, strategy, lane and pass, on
 * one key, one nonce manager, one decision log and one metrics set; the shared waterfall's chores run once.
 */
import { readFileSync } from "node:fs";
import type { Server } from "node:http";
import { createClients } from "./chain.ts";
import { configSummary, loadConfig, type Config } from "./config.ts";
import { createNearLineSource } from "./crossing-client.ts";
import { WATERFALL_ACTIONS, logDecision, type Decision } from "./decisions.ts";
import {
  loadDeployments,
  selectProtocols,
  type Deployments,
} from "./deployments.ts";
import { ConfigError, describeError } from "./errors.ts";
import { createIndexClient } from "./index-client.ts";
import { createLogger } from "./logger.ts";
import { Metrics, serveMetrics } from "./metrics.ts";
import { runPass } from "./pass.ts";
import { loadPredictConfig } from "./predict.ts";
import {
  createZoneSource,
  loadPreLiquidationConfig,
} from "./pre-liquidation.ts";
import { createStrategy } from "./strategy.ts";
import { createViemProtocolClient } from "./viem-protocol-client.ts";
import { createWaterfallStrategy } from "./waterfall-strategy.ts";
import { startWatcher } from "./watcher.ts";
import { createLiquidationLane } from "./liquidation-lane.ts";
import { accountNonces } from "./nonces.ts";
import { ownsChores } from "./shard.ts";

const EXIT_BAD_CONFIG = 2;
const EXIT_STARTUP_FAILED = 1;
/** How long a shutdown waits for a running pass (a transaction awaiting its receipt) [ms]. */
const SHUTDOWN_GRACE_MS = 10_000;

const readText = (path: string) => readFileSync(path, "utf8");

function loadOrExit<T>(load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const line of error.lines) process.stderr.write(`${line}\n`);
    process.exit(EXIT_BAD_CONFIG);
  }
}

async function main(): Promise<void> {
  const config: Config = loadOrExit(() => loadConfig(process.env, readText));
  const deployments: Deployments = loadOrExit(() =>
    loadDeployments(config.deploymentFile, readText),
  );
  const predict = loadOrExit(() => loadPredictConfig(process.env));
  const preLiquidation = loadOrExit(() =>
    loadPreLiquidationConfig(process.env),
  );
  const logger = createLogger(config.logLevel);

  const clients = createClients({
    rpcUrls: config.rpcUrls,
    privateKey: config.privateKey,
    chainId: deployments.chainId,
    pollingIntervalMs: config.pollIntervalMs,
  });
  const chainId = await clients.publicClient.getChainId();
  if (chainId !== deployments.chainId) {
    process.stderr.write(
      `config error: RPC_URL: the node's chain id ${chainId} differs from chainId ${deployments.chainId} in ${config.deploymentFile}\n`,
    );
    process.exit(EXIT_BAD_CONFIG);
  }

  const targets = loadOrExit(() =>
    selectProtocols(deployments, config.protocols, config.deploymentFile),
  );
  // One nonce manager for the key: every protocol's lane and pass send with it.
  const nonces = accountNonces(clients);
  const chains = await Promise.all(
    targets.map((target) =>
      createViemProtocolClient({
        clients,
        nonces,
        deployments,
        target,
        receiptTimeoutMs: config.receiptTimeoutMs,
        logger: logger.child({ protocol: target.name }),
      }),
    ),
  );
  logger.info(
    {
      event: "startup",
      address: chains[0]!.keeper,
      chainId,
      protocols: targets.map((t) => ({
        name: t.name,
        protocol: t.protocol,
        engine: t.engine,
      })),
      ...configSummary(config),
      preLiquidation: preLiquidation ?? null,
    },
    "keeper starting",
  );

  const actions = new Set(config.actions);
  if (!config.dryRun) {
    const spenders = [
      ...targets.flatMap((target) => [
        ...(actions.has("buyCollateral")
          ? [{ name: `${target.name} protocol`, address: target.protocol }]
          : []),
        ...(actions.has("take")
          ? [
              {
                name: `${target.name} auction house`,
                address: target.auctionHouse,
              },
            ]
          : []),
      ]),
      ...(actions.has("buyBonds")
        ? [{ name: "waterfall", address: deployments.waterfall }]
        : []),
    ];
    for (const spender of spenders) {
      const txHash = await chains[0]!.ensureQuoteAllowance(spender.address);
      logger.info(
        {
          event: "quote-allowance",
          spender: spender.address,
          txHash: txHash ?? null,
          alreadySet: txHash === null,
        },
        `quote allowance to the ${spender.name} is max`,
      );
    }
  }

  const metrics = new Metrics();
  let server: Server | undefined;
  if (config.metricsPort !== undefined) {
    server = await serveMetrics(metrics, config.metricsPort);
    logger.info(
      { event: "metrics-server", port: config.metricsPort },
      "serving /metrics",
    );
  }

  // Several keepers on one index split the accounts and auctions (KEEPER_SHARD); shard 0 works the waterfall.
  const shard = config.ownShard;
  // The waterfall is shared: its chores run once, with the first protocol that keeps a fee share to sweep.
  const waterfallChain = chains.find((c) => c.hasFeeShare) ?? chains[0]!;
  const works = targets.map((target, i) => {
    const chain = chains[i]!;
    const protocolLogger = logger.child({ protocol: target.name });
    const report = (decision: Decision) => {
      logDecision(protocolLogger, decision);
      metrics.recordDecision(decision);
    };
    const strategy = createStrategy({
      chain,
      config,
      logger: protocolLogger,
      report,
    });
    const waterfall =
      chain === waterfallChain &&
      ownsChores(shard) &&
      WATERFALL_ACTIONS.some((action) => actions.has(action))
        ? createWaterfallStrategy({
            chain,
            config,
            logger: protocolLogger,
            report,
          })
        : undefined;
    const index = createIndexClient({
      baseUrl: config.indexerUrl,
      timeoutMs: config.indexerTimeoutMs,
      protocol: target.name,
    });
    // The liquidation lane (./liquidation-lane.ts) owns every position; the passes do the rest.
    const lane = actions.has("liquidateBatch")
      ? createLiquidationLane({
          index,
          chain,
          liquidator: strategy,
          metrics,
          logger: protocolLogger,
          batchPositions: config.batchPositions,
          shard,
        })
      : undefined;
    const passDeps = {
      index,
      shard,
      leaveToLane: lane?.owns,
      strategy,
      metrics,
      logger: protocolLogger,
      maxIndexLagBlocks: config.maxIndexLagBlocks,
      metricsEveryPasses: config.metricsEveryPasses,
      concurrency: config.concurrency,
      watchAuctions: (["take", "redo", "buyAuction"] as const).some((action) =>
        actions.has(action),
      ),
      waterfall,
      nearLine:
        predict &&
        createNearLineSource({
          baseUrl: config.indexerUrl,
          timeoutMs: config.indexerTimeoutMs,
          protocol: target.name,
          predict,
        }),
      // Pre-liquidation needs the protocol's module.
      zone:
        preLiquidation && target.preLiquidation !== null
          ? createZoneSource({
              baseUrl: config.indexerUrl,
              timeoutMs: config.indexerTimeoutMs,
              protocol: target.name,
              config: preLiquidation,
            })
          : undefined,
    };
    return { lane, passDeps };
  });
  const lanes = works.flatMap((work) => (work.lane ? [work.lane] : []));

  const watcher = startWatcher({
    watch: (handlers) =>
      clients.publicClient.watchBlockNumber({
        ...handlers,
        emitMissed: true,
        poll: true,
        pollingInterval: config.pollIntervalMs,
      }),
    lanePass:
      lanes.length > 0
        ? (blockNumber) =>
            Promise.all(lanes.map((lane) => lane.onBlock(blockNumber)))
        : undefined,
    runPass: (blockNumber) =>
      Promise.all(works.map((work) => runPass(work.passDeps, blockNumber))),
    logger,
    metrics,
    chainStallAlertMs: config.chainStallAlertMs,
  });

  logger.info(
    {
      event: "watching",
      protocols: targets.map((t) => t.name),
      liquidationLane: lanes.length > 0,
    },
    "watching new blocks",
  );

  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ event: "shutdown", signal }, "stopping");
    const grace = new Promise<"timeout">((resolve) =>
      setTimeout(() => resolve("timeout"), SHUTDOWN_GRACE_MS).unref(),
    );
    const ended = await Promise.race([
      watcher
        .stop()
        .then(() => Promise.all(lanes.map((lane) => lane.idle())))
        .then(() => "stopped" as const),
      grace,
    ]);
    if (ended === "timeout")
      logger.warn({ event: "shutdown-timeout" }, "a pass was still running");
    server?.close();
    logger.info({ event: "stopped", ...metrics.snapshot() }, "stopped");
    process.exit(0);
  };
  process.on("SIGINT", (signal) => void shutdown(signal));
  process.on("SIGTERM", (signal) => void shutdown(signal));
}

main().catch((error: unknown) => {
  // Startup failed after the configuration was valid (e.g. no RPC endpoint answers): one line, exit 1.
  const described = describeError(error);
  process.stderr.write(
    `startup error: ${described.message}${described.details ? ` (${described.details})` : ""}\n`,
  );
  process.exit(EXIT_STARTUP_FAILED);
});
