/**
 * Keeper entry point: validate the configuration (one line per bad field, exit 2), connect, approve the quote token
 * once (to the protocol for collateral purchases, to the auction house for takes, to the waterfall for bond
 * purchases), then run a pass on every new block until SIGINT or SIGTERM.
 */
import { readFileSync } from "node:fs";
import type { Server } from "node:http";
import { createClients } from "./chain.ts";
import { configSummary, loadConfig, type Config } from "./config.ts";
import { createNearLineSource } from "./crossing-client.ts";
import { WATERFALL_ACTIONS, logDecision, type Decision } from "./decisions.ts";
import { loadDeployments, type Deployments } from "./deployments.ts";
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
import { approveLending, runLendingPass } from "./lending/pass.ts";
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

  // One nonce manager for the key: the lane, the pass and the lending pass all send with it.
  const nonces = accountNonces(clients);
  const chain = await createViemProtocolClient({
    clients,
    nonces,
    deployments,
    receiptTimeoutMs: config.receiptTimeoutMs,
    logger,
  });
  logger.info(
    {
      event: "startup",
      address: chain.keeper,
      chainId,
      protocol: deployments.protocol,
      engine: deployments.engine,
      ...configSummary(config),
      preLiquidation: preLiquidation ?? null,
    },
    "keeper starting",
  );

  const actions = new Set(config.actions);
  if (!config.dryRun) {
    const spenders = [
      ...(actions.has("buyCollateral")
        ? [{ name: "protocol", address: deployments.protocol }]
        : []),
      ...(actions.has("take")
        ? [{ name: "auction house", address: deployments.auctionHouse }]
        : []),
      ...(actions.has("buyBonds")
        ? [{ name: "waterfall", address: deployments.waterfall }]
        : []),
    ];
    for (const spender of spenders) {
      const txHash = await chain.ensureQuoteAllowance(spender.address);
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

  const report = (decision: Decision) => {
    logDecision(logger, decision);
    metrics.recordDecision(decision);
  };
  const strategy = createStrategy({ chain, config, logger, report });
  // Several keepers on one index split the accounts and auctions (KEEPER_SHARD); shard 0 works the waterfall.
  const shard = config.ownShard;
  const waterfall =
    ownsChores(shard) && WATERFALL_ACTIONS.some((action) => actions.has(action))
      ? createWaterfallStrategy({ chain, config, logger, report })
      : undefined;
  const index = createIndexClient({
    baseUrl: config.indexerUrl,
    timeoutMs: config.indexerTimeoutMs,
  });
  // The liquidation lane (./liquidation-lane.ts) owns every position; the passes do the rest.
  const lane = actions.has("liquidateBatch")
    ? createLiquidationLane({
        index,
        chain,
        liquidator: strategy,
        metrics,
        logger,
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
    logger,
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
        predict,
      }),
    zone:
      preLiquidation &&
      createZoneSource({
        baseUrl: config.indexerUrl,
        timeoutMs: config.indexerTimeoutMs,
        config: preLiquidation,
      }),
  };

  const lendingDeps =
    config.lending && !config.dryRun
      ? {
          publicClient: clients.publicClient,
          walletClient: clients.walletClient,
          nonces,
          receiptTimeoutMs: config.receiptTimeoutMs,
          shard,
          deployments,
          indexerUrl: config.indexerUrl,
          logger,
          auctionCursor: { next: 0n },
        }
      : undefined;
  if (lendingDeps) await approveLending(lendingDeps);

  const watcher = startWatcher({
    watch: (handlers) =>
      clients.publicClient.watchBlockNumber({
        ...handlers,
        emitMissed: true,
        poll: true,
        pollingInterval: config.pollIntervalMs,
      }),
    lanePass: lane && ((blockNumber) => lane.onBlock(blockNumber)),
    runPass: async (blockNumber) => {
      await runPass(passDeps, blockNumber);
      // The lending market's pass, with its own engine, auction house and backstop (./lending/pass.ts).
      if (lendingDeps)
        await runLendingPass(lendingDeps).catch((error: unknown) =>
          logger.warn(
            {
              event: "lending-pass-error",
              reason: describeError(error).message,
            },
            "lending pass failed",
          ),
        );
    },
    logger,
    metrics,
    chainStallAlertMs: config.chainStallAlertMs,
  });

  logger.info(
    { event: "watching", liquidationLane: lane !== undefined },
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
        .then(() => lane?.idle())
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
