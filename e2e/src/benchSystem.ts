/**
 * The system the scale benchmarks run on: anvil with 1 s blocks and a 300M block gas limit, the demo's contracts with
 * pre-liquidation off, and the indexer on embedded PGlite or on a throwaway PostgreSQL cluster.
 */
import { startCluster, type Cluster } from "./postgres.ts";
import { startSystem, type System, type SystemOptions } from "./system.ts";

export type BenchDatabase = "pglite" | "postgres";

/** The benchmarks' block time [s]. */
export const BENCH_BLOCK_SECONDS = 1;

export type BenchSystem = {
  system: System;
  cluster: Cluster | undefined;
  stop: () => Promise<void>;
};

export async function startBenchSystem(
  database: BenchDatabase,
  logDir: string,
  more: Partial<SystemOptions> = {},
): Promise<BenchSystem> {
  const cluster = database === "postgres" ? await startCluster() : undefined;
  try {
    const system = await startSystem({
      blockTimeSeconds: BENCH_BLOCK_SECONDS,
      databaseUrl: cluster?.url,
      logDir,
      blockGasLimit: 300_000_000n,
      preLiquidation: "off",
      ...more,
    });
    return {
      system,
      cluster,
      stop: async () => {
        await system.stop();
        await cluster?.stop();
      },
    };
  } catch (error) {
    await cluster?.stop();
    throw error;
  }
}
