/**
 * The keeper's liquidation lane against a crossing, on the embedded database and on Postgres: 480 accounts at 7–9.5×
 * leverage, then one 9% fall that takes about 200 of them below maintenance in one block. Every one must be
 * liquidated within 2 blocks of the push (the lane reads its candidates from the chain while the index catches up,
 * and sends its batches without waiting for each other's receipts), in batches of more than one position. On PGlite two
 * keepers share the work (KEEPER_SHARD 0/2 and 1/2, two keys): each crosser is liquidated by the keeper of its shard
 * alone, and both work.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { gasPerPosition, runCrossing } from "../src/crossing.ts";
import { startCluster, type Cluster } from "../src/postgres.ts";
import { getAddress } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { ownsAccount } from "../../keeper/src/shard.ts";
import {
  KEEPER_KEY,
  SECOND_KEEPER_KEY,
  startSystem,
  type System,
} from "../src/system.ts";

const SPEC = {
  accounts: 480,
  leverage: [7, 9.5] as const,
  fallBps: 900n,
  watchBlocks: 6n,
};
/** Blocks from the push to the last crosser's first liquidation, at most. */
const MAX_DELAY_BLOCKS = 2;

for (const database of ["PGlite", "Postgres"] as const) {
  describe(
    `the liquidation lane on ${database}`,
    { concurrency: false },
    () => {
      let system: System | undefined;
      let cluster: Cluster | undefined;
      after(async () => {
        await system?.stop();
        await cluster?.stop();
      });

      it(
        `liquidates every account a crash takes across within ${MAX_DELAY_BLOCKS} blocks`,
        { timeout: 400_000 },
        async (t) => {
          if (database === "Postgres") cluster = await startCluster();
          system = await startSystem({
            blockTimeSeconds: 1,
            blockGasLimit: 300_000_000n,
            preLiquidation: "off",
            databaseUrl: cluster?.url,
          });
          const keepers = database === "PGlite" ? 2 : 1;
          const result = await runCrossing(system, {
            ...SPEC,
            ...(keepers === 2 && {
              keeperEnv: { KEEPER_SHARD: "0/2" },
              moreKeepers: [
                {
                  KEEPER_SHARD: "1/2",
                  KEEPER_PRIVATE_KEY: SECOND_KEEPER_KEY,
                },
              ],
            }),
          });
          t.diagnostic(
            `${result.crossers} crossers of ${result.accounts}; delays ${JSON.stringify(result.delaysBlocks.filter((d, i, a) => a.indexOf(d) === i))} blocks; ${result.batches.length} batches, ${Math.round(gasPerPosition(result.batches))} gas a position`,
          );

          assert.ok(
            result.crossers >= 150,
            `the fall takes about 200 accounts across (took ${result.crossers})`,
          );
          assert.deepEqual(result.missed, [], "every crosser is liquidated");
          const slowest = result.delaysBlocks.at(-1)!;
          assert.ok(
            slowest <= MAX_DELAY_BLOCKS,
            `breach → first liquidation at most ${MAX_DELAY_BLOCKS} blocks (slowest ${slowest}; delays ${JSON.stringify(result.delaysBlocks)})`,
          );
          assert.ok(result.batches.length > 0, "liquidated in batches");
          const closedInBatches = result.batches.reduce(
            (n, b) => n + b.positions,
            0,
          );
          assert.ok(
            closedInBatches >= result.crossers,
            `every crosser's position closed by a batch (${closedInBatches} of ${result.crossers})`,
          );
          assert.ok(
            result.batches.every((b) => b.positions <= 50),
            "no batch above LIQUIDATION_BATCH_POSITIONS",
          );
          assert.ok(
            Number.isFinite(gasPerPosition(result.batches)),
            "batch gas is measured",
          );
          if (keepers === 2) {
            const keys = [KEEPER_KEY, SECOND_KEEPER_KEY].map((k) =>
              privateKeyToAccount(k).address.toLowerCase(),
            );
            const byKeeper = [0, 0];
            for (const [account, by] of result.liquidators) {
              const owner = ownsAccount(
                { index: 0, count: 2 },
                getAddress(account),
              )
                ? 0
                : 1;
              assert.deepEqual(
                [...by],
                [keys[owner]],
                `${account} is liquidated by its shard's keeper alone`,
              );
              byKeeper[owner]! += 1;
            }
            assert.ok(
              byKeeper.every((n) => n > 0),
              `both keepers liquidated (${byKeeper.join(" and ")})`,
            );
          }
        },
      );
    },
  );
}
