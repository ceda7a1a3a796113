/**
 * More than one machine, the index side: `ponder serve` replicas answer from the indexer's Postgres schema with no
 * indexing of their own, and give the same answers as the indexer's own server, at the same indexed block.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { deployFleet, fleetOrders, openAccounts } from "../src/fleet.ts";
import { startCluster, type Cluster } from "../src/postgres.ts";
import { stop, type Managed } from "../src/processes.ts";
import {
  atRiskInIndex,
  indexedBlock,
  pushEth,
  waitIndexed,
} from "../src/scaleProbe.ts";
import { startApiReplica, startSystem, type System } from "../src/system.ts";

const WAD = 10n ** 18n;

describe("API replicas on one Postgres", { concurrency: false }, () => {
  let cluster: Cluster | undefined;
  let system: System | undefined;
  const replicas: Managed[] = [];
  after(async () => {
    for (const r of replicas) await stop(r);
    await system?.stop();
    await cluster?.stop();
  });

  it(
    "two ponder serve replicas answer as the indexer does",
    { timeout: 300_000 },
    async () => {
      cluster = await startCluster();
      system = await startSystem({
        blockTimeSeconds: 1,
        databaseUrl: cluster.url,
        preLiquidation: "off",
      });
      const orders = fleetOrders(200, 3_000n * WAD);
      const fleet = await deployFleet(system.rpcUrl, system.deployment, orders);
      const opened = await openAccounts(system.rpcUrl, fleet, orders, 100);
      const urls = [system.indexerUrl];
      for (const name of ["api-replica-1", "api-replica-2"]) {
        const replica = await startApiReplica({
          name,
          schema: system.indexerSchema,
          databaseUrl: cluster.url,
          rpcUrl: system.rpcUrl,
          deploymentFile: system.deploymentFile,
          logDir: system.logDir,
        });
        replicas.push(replica.server);
        urls.push(replica.url);
      }
      // A fall that takes some accounts across the line, so that the lists are not empty.
      const push = await pushEth(system, 2_800n * WAD);
      for (const url of urls) await waitIndexed(url, push.block, 60_000);
      // Nothing else is mined meanwhile (the deployer is the only sender): every server is at the same block.
      const heads = await Promise.all(urls.map((u) => indexedBlock(u)));
      assert.ok(
        heads.every((h) => h === heads[0]),
        `heads ${heads.join(", ")}`,
      );

      const lists = await Promise.all(
        urls.map((u) => atRiskInIndex(u, "1.5", 50)),
      );
      assert.ok(
        lists[0]!.some((r) => r.liquidatable),
        "some accounts are liquidatable",
      );
      for (const list of lists.slice(1)) assert.deepEqual(list, lists[0]);

      const graphql = (url: string) =>
        fetch(`${url}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            query: `{ accounts(limit: 1000) { items { address quoteBalanceWad marketIds } totalCount } }`,
          }),
        }).then((r) => r.json());
      const bodies = await Promise.all(urls.map(graphql));
      assert.equal(
        (bodies[0] as { data: { accounts: { totalCount: number } } }).data
          .accounts.totalCount,
        opened.accounts.length,
      );
      for (const body of bodies.slice(1)) assert.deepEqual(body, bodies[0]);
    },
  );
});
