/**
 * The keeper against one crossing: accounts opened through the AccountFleet helper, the keeper started with its
 * liquidation lane, then one ETH push that takes many accounts below maintenance at once. For every account the push
 * took across, the blocks from the push's block to the block of its first liquidation; for every batch transaction,
 * its gas and the positions it closed.
 */
import { parseEventLogs, type Address, type Hex } from "viem";
import { iLiquidationEngineAbi } from "../../abi/src/generated.ts";
import { clients } from "./contracts.ts";
import { deployFleet, fleetOrders, openAccounts } from "./fleet.ts";
import { liquidatableOnChain, pushEth, waitIndexed } from "./scaleProbe.ts";
import type { System } from "./system.ts";

const WAD = 10n ** 18n;
export const CROSSING_START_PRICE_WAD = 3_000n * WAD;

export type CrossingSpec = {
  accounts: number;
  /** The fleet's leverage range: high leverage puts many accounts near the line without bad debt. */
  leverage: readonly [number, number];
  /** The push's fall from $3,000 [basis points]. */
  fallBps: bigint;
  /** How long to watch for liquidations after the push [blocks]. */
  watchBlocks: bigint;
  keeperEnv?: NodeJS.ProcessEnv;
  /** More keepers, each with its own environment (its key, its KEEPER_SHARD), started after the first. */
  moreKeepers?: NodeJS.ProcessEnv[];
};

export type BatchGas = { txHash: Hex; gasUsed: bigint; positions: number };

export type CrossingResult = {
  accounts: number;
  pushBlock: bigint;
  crossers: number;
  /** Blocks from the push to each crosser's first liquidation, ascending; crossers never liquidated are absent. */
  delaysBlocks: number[];
  /** Crossers with no liquidation within `watchBlocks`. */
  missed: Address[];
  /** Transactions that closed more than one position. */
  batches: BatchGas[];
  /** The keepers that liquidated each crosser (lowercase addresses). */
  liquidators: Map<string, Set<string>>;
};

/** Opens the fleet, starts the keeper, pushes the fall and watches the liquidations that follow. */
export async function runCrossing(
  system: System,
  spec: CrossingSpec,
): Promise<CrossingResult> {
  const { publicClient } = clients(system.rpcUrl);
  const orders = fleetOrders(
    spec.accounts,
    CROSSING_START_PRICE_WAD,
    11,
    spec.leverage,
  );
  const fleet = await deployFleet(system.rpcUrl, system.deployment, orders);
  const opened = await openAccounts(system.rpcUrl, fleet, orders, 100);
  await waitIndexed(system.indexerUrl, opened.lastBlock, 300_000);

  await system.startKeeper({ POLL_INTERVAL_MS: "100", ...spec.keeperEnv });
  for (const [i, env] of (spec.moreKeepers ?? []).entries())
    await system.startKeeper(
      { POLL_INTERVAL_MS: "100", ...spec.keeperEnv, ...env },
      `keeper-${i + 2}`,
    );
  // The keeper reads its watch list on the first block its index has caught up with.
  await waitBlocks(system, 3n);

  const push = await pushEth(
    system,
    (CROSSING_START_PRICE_WAD * (10_000n - spec.fallBps)) / 10_000n,
  );
  await waitBlocks(system, spec.watchBlocks);
  // Read afterwards, at the push's block: thousands of reads during the race would slow the node the keeper uses.
  const crossers = await liquidatableOnChain(
    system.rpcUrl,
    system.deployment.protocol,
    opened.accounts,
    push.block,
  );

  const logs = await publicClient.getContractEvents({
    address: system.deployment.engine,
    abi: iLiquidationEngineAbi,
    eventName: "Liquidated",
    fromBlock: push.block,
    toBlock: push.block + spec.watchBlocks,
  });
  const first = new Map<string, bigint>();
  const liquidators = new Map<string, Set<string>>();
  const positionsByTx = new Map<Hex, number>();
  for (const log of logs) {
    const account = log.args.account!.toLowerCase();
    if (!first.has(account)) first.set(account, log.blockNumber);
    const by = liquidators.get(account) ?? new Set<string>();
    by.add(log.args.keeper!.toLowerCase());
    liquidators.set(account, by);
    positionsByTx.set(
      log.transactionHash,
      (positionsByTx.get(log.transactionHash) ?? 0) + 1,
    );
  }
  const delaysBlocks: number[] = [];
  const missed: Address[] = [];
  for (const account of crossers) {
    const block = first.get(account);
    if (block === undefined) missed.push(account as Address);
    else delaysBlocks.push(Number(block - push.block));
  }
  delaysBlocks.sort((a, b) => a - b);

  const batches: BatchGas[] = [];
  for (const [txHash, positions] of positionsByTx) {
    if (positions < 2) continue;
    const receipt = await publicClient.getTransactionReceipt({
      hash: txHash,
    });
    // Only the engine's own Liquidated logs count as positions (parseEventLogs checks the signature).
    const closed = parseEventLogs({
      abi: iLiquidationEngineAbi,
      eventName: "Liquidated",
      logs: receipt.logs.filter(
        (l) =>
          l.address.toLowerCase() === system.deployment.engine.toLowerCase(),
      ),
    }).length;
    batches.push({ txHash, gasUsed: receipt.gasUsed, positions: closed });
  }
  return {
    accounts: opened.accounts.length,
    pushBlock: push.block,
    crossers: crossers.length,
    delaysBlocks,
    missed,
    batches,
    liquidators,
  };
}

/** Gas per position over the batches [gas]. */
export function gasPerPosition(batches: readonly BatchGas[]): number {
  const positions = batches.reduce((n, b) => n + b.positions, 0);
  const gas = batches.reduce((n, b) => n + b.gasUsed, 0n);
  return positions === 0 ? Number.NaN : Number(gas) / positions;
}

/** Resolves once the chain is `count` blocks past its head now. */
async function waitBlocks(system: System, count: bigint): Promise<void> {
  const { publicClient } = clients(system.rpcUrl);
  const target = (await publicClient.getBlockNumber()) + count;
  while ((await publicClient.getBlockNumber()) < target)
    await new Promise((r) => setTimeout(r, 100));
}
