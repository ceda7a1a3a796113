/**
 * End to end: anvil, the deployed contracts, the indexer and the keeper liquidate an account.
 * Run once on the embedded PGlite and once on a real PostgreSQL (a throwaway cluster).
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { iMarginProtocolAbi } from "../../abi/src/generated.ts";
import { clients, contracts, send } from "../src/contracts.ts";
import { startCluster, type Cluster } from "../src/postgres.ts";
import { waitFor } from "../src/processes.ts";
import {
  liquidatableAt,
  openBook,
  pushPrices,
  type TraderPlan,
} from "../src/scenario.ts";
import { DEPLOYER_KEY, startSystem, type System } from "../src/system.ts";

const WAD = 10n ** 18n;

/** One account the crash takes below maintenance, one cautious account it must not touch. */
const book: TraderPlan[] = [
  {
    label: "leveraged",
    quoteUsdc: 1_000n,
    wethWad: 0n,
    wbtcSats: 0n,
    ethSizeWad: 2n * WAD,
    btcSizeWad: 0n,
  },
  {
    label: "cautious",
    quoteUsdc: 5_000n,
    wethWad: 0n,
    wbtcSats: 0n,
    ethSizeWad: 1n * WAD,
    btcSizeWad: 0n,
  },
];

type Row = {
  address: string;
  healthWad: string;
  equityWad: string;
  maintenanceWad: string;
};

async function indexedHealth(
  indexerUrl: string,
  account: string,
): Promise<Row | undefined> {
  const response = await fetch(`${indexerUrl}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      query: `{ accountHealth(account: "${account.toLowerCase()}") { healthWad equityWad maintenanceWad } }`,
    }),
  });
  const body = (await response.json()) as {
    data?: { accountHealth: Row | null };
  };
  return body.data?.accountHealth ?? undefined;
}

async function liquidationsOf(
  indexerUrl: string,
  account: string,
): Promise<number> {
  const response = await fetch(`${indexerUrl}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      query: `{ liquidations(where: { account: "${account.toLowerCase()}" }) { items { id } } }`,
    }),
  });
  const body = (await response.json()) as {
    data?: { liquidations: { items: unknown[] } };
  };
  return body.data?.liquidations.items.length ?? 0;
}

async function liquidateOneAccount(system: System) {
  const { publicClient } = clients(system.rpcUrl);
  const c = contracts(system.deployment, publicClient);
  const [leveraged, cautious] = await openBook(
    system.rpcUrl,
    system.deployment,
    book,
  );
  await system.startKeeper();

  // −15%: the 6× long (equity ≈ 97, maintenance ≈ 255) crosses maintenance; the 0.6× long does not.
  const block = await pushPrices(system.rpcUrl, system.deployment, {
    ethUsd: 2_550n,
    btcUsd: 60_000n,
  });
  assert.deepEqual(
    await liquidatableAt(
      publicClient,
      system.deployment,
      [leveraged!, cautious!],
      block,
    ),
    [leveraged!.address],
  );

  await waitFor(
    "the keeper to liquidate the leveraged account",
    async () => !(await c.protocol.read.isLiquidatable([leveraged!.address])),
    { timeoutMs: 60_000, intervalMs: 250, proc: system.keeper },
  );
  const [size] = await c.protocol.read.position([leveraged!.address, 0n]);
  assert.ok(size < 2n * WAD, "the position was reduced");
  const [cautiousSize] = await c.protocol.read.position([
    cautious!.address,
    0n,
  ]);
  assert.equal(cautiousSize, 1n * WAD, "the healthy account was not touched");

  // The index recorded the liquidation, and its health matches the contract's at the same state.
  await waitFor(
    "the index to record the liquidation",
    async () =>
      (await liquidationsOf(system.indexerUrl, leveraged!.address)) > 0,
    {
      timeoutMs: 30_000,
      proc: system.indexer,
    },
  );
  for (const account of [leveraged!.address, cautious!.address]) {
    const chain = await c.protocol.read.health([account]);
    await waitFor(
      `the indexed health of ${account} to match the chain`,
      async () =>
        (await indexedHealth(system.indexerUrl, account))?.equityWad ===
        chain.equityWad.toString(),
      { timeoutMs: 30_000, proc: system.indexer },
    );
    const indexed = (await indexedHealth(system.indexerUrl, account))!;
    assert.equal(indexed.maintenanceWad, chain.maintenanceWad.toString());
    assert.equal(indexed.healthWad, chain.healthWad.toString());
  }

  // The guardian (here the owner) raises the circuit breaker; the index shows it.
  const { wallet } = clients(system.rpcUrl);
  await send(publicClient, wallet(DEPLOYER_KEY), {
    address: system.deployment.protocol,
    abi: iMarginProtocolAbi,
    functionName: "setBreakerLevel",
    args: [1],
  });
  await waitFor(
    "the index to show breaker level 1",
    async () => {
      const stats = (await (
        await fetch(`${system.indexerUrl}/stats`)
      ).json()) as { breakerLevel?: number };
      return stats.breakerLevel === 1;
    },
    { timeoutMs: 30_000, proc: system.indexer },
  );
}

describe("end to end", { concurrency: false }, () => {
  const systems: System[] = [];
  let cluster: Cluster | undefined;
  after(async () => {
    for (const s of systems) await s.stop();
    await cluster?.stop();
  });

  it(
    "liquidates an account with the index on PGlite",
    { timeout: 240_000 },
    async () => {
      const system = await startSystem({ blockTimeSeconds: 1 });
      systems.push(system);
      await liquidateOneAccount(system);
      await system.stop();
    },
  );

  it(
    "liquidates an account with the index on PostgreSQL",
    { timeout: 240_000 },
    async () => {
      cluster = await startCluster();
      const system = await startSystem({
        blockTimeSeconds: 1,
        databaseUrl: cluster.url,
      });
      systems.push(system);
      await liquidateOneAccount(system);
      await system.stop();
    },
  );
});
