/**
 * The keeper half of the scale benchmark: about 1,000 accounts crossing maintenance in one price move, on 1 s blocks,
 * with the keeper's liquidation lane against the index on PGlite or PostgreSQL (./crossing.ts). Measures breach →
 * first liquidation in blocks and the gas of each batch per position.
 */
import {
  gasPerPosition,
  runCrossing,
  type CrossingResult,
} from "./crossing.ts";
import { quantile } from "./stats.ts";
import { startBenchSystem, type BenchDatabase } from "./benchSystem.ts";

export type KeeperRunSpec = {
  database: "pglite" | "postgres";
  accounts: number;
};
export type KeeperScaleResult = KeeperRunSpec &
  CrossingResult & { gasPerPosition: number };

/** 7–9.5× leverage and a 9% fall: about 42% of the book crosses, none of it insolvent. */
const LEVERAGE = [7, 9.5] as const;
const FALL_BPS = 900n;
const WATCH_BLOCKS = 20n;

export async function runKeeperScale(
  spec: KeeperRunSpec,
  logDir: string,
  say: (msg: string) => void,
): Promise<KeeperScaleResult> {
  const bench = await startBenchSystem(spec.database, logDir);
  try {
    say(`keeper ${spec.database} ${spec.accounts}: opening, then the fall`);
    const result = await runCrossing(bench.system, {
      accounts: spec.accounts,
      leverage: LEVERAGE,
      fallBps: FALL_BPS,
      watchBlocks: WATCH_BLOCKS,
      // KEEPER_LOG_LEVEL=debug logs each block's lane run (its source, candidates and batches).
      keeperEnv: { LOG_LEVEL: process.env.KEEPER_LOG_LEVEL ?? "info" },
    });
    say(
      `keeper ${spec.database} ${spec.accounts}: ${result.crossers} crossers, max ${result.delaysBlocks.at(-1)} blocks, ${result.missed.length} missed`,
    );
    return {
      ...spec,
      ...result,
      gasPerPosition: gasPerPosition(result.batches),
    };
  } finally {
    await bench.stop();
  }
}

export function keeperMarkdown(results: readonly KeeperScaleResult[]): string {
  const n = (x: number) => x.toLocaleString("en-US");
  const rows = results.map((r) => {
    const delays = r.missed.length === 0 ? r.delaysBlocks : [];
    const spread =
      delays.length === 0
        ? `${n(r.missed.length)} never liquidated`
        : `${quantile(delays, 0.5)} / ${quantile(delays, 0.99)} / ${delays.at(-1)}`;
    const positions = r.batches.reduce((sum, b) => sum + b.positions, 0);
    return [
      r.database === "pglite" ? "PGlite" : "PostgreSQL",
      n(r.accounts),
      n(r.crossers),
      spread,
      `${n(r.batches.length)} (${n(positions)} positions)`,
      n(Math.round(r.gasPerPosition)),
    ].join(" | ");
  });
  return `## The keeper: about 1,000 accounts crossing in one move

- **Setup.** As above (1 s blocks, 300M gas), with the keeper (\`keeper/src/main.ts\`) polling blocks every 100 ms and its
  liquidation lane on (\`LIQUIDATION_BATCH_POSITIONS\` 50): while the index lags a push, it asks the chain about the accounts the
  push moved out of their line box.
- **Book.** N ETH accounts at 7×–9.5× leverage (otherwise as above), then one push 9% down: the accounts whose
  \`isLiquidatable\` is true at the push's block are the crossers (no account is insolvent at that price).
- **Breach → first liquidation.** Blocks from the push's block to the first \`Liquidated\` event of each crosser, within
  ${WATCH_BLOCKS} blocks; an account never liquidated is reported, never dropped.
- **Gas per position.** Over the transactions that closed more than one position: gas used ÷ positions closed (each
  batch pays its 21k base and calldata once). The forge snapshot (\`snapshots/GasTest.json\`) has the same for 50
  positions closed in full and partially.

| database | accounts | crossers | breach → first liquidation p50 / p99 / max [blocks] | batches | gas per position |
|---|---:|---:|---|---:|---:|
${rows.map((r) => `| ${r} |`).join("\n")}
`;
}
