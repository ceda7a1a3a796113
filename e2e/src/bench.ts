/**
 * The pattern benchmark: the demo crash once under each liquidation pattern, each on a fresh system, compared in one
 * table, printed and written to benchmarks/patterns.md.
 * Usage: node --import tsx e2e/src/bench.ts   (`npm run bench:patterns` installs and builds first)
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  BENCHMARK_FILE,
  benchmarkMarkdown,
  comparisonTable,
} from "./compare.ts";
import { demoAuctionStep, runPatternCrash, type CrashRun } from "./crash.ts";
import { ROOT } from "./paths.ts";
import { PATTERNS } from "./patterns.ts";
import { stopAll, stopAllOnExit } from "./processes.ts";

async function main() {
  stopAllOnExit();
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const t0 = Date.now();
  const say = (msg: string) =>
    console.log(`[${((Date.now() - t0) / 1000).toFixed(1)} s] ${msg}`);
  const runs: CrashRun[] = [];
  for (const pattern of PATTERNS) {
    const logDir = path.join(ROOT, ".tmp", `bench-${stamp}`, pattern);
    mkdirSync(logDir, { recursive: true });
    say(
      `${pattern}: the demo crash on a fresh system (auction step ${demoAuctionStep(pattern)} s)`,
    );
    const run = await runPatternCrash({
      pattern,
      logDir,
      onStep: (s) =>
        say(
          `${pattern} step ${s.step}: ETH $${s.ethUsd}, BTC $${s.btcUsd}: ${s.newlyBreached.length} new breaches; clear after ${(s.clearedAfterMs / 1000).toFixed(1)} s`,
        ),
    });
    runs.push(run);
    say(
      `${pattern}: ${run.problems.length === 0 ? "ok" : `FAILED: ${run.problems.join("; ")}`}`,
    );
  }
  console.log(`\n${comparisonTable(runs)}\n`);
  const failed = runs.filter((r) => r.problems.length > 0);
  if (failed.length > 0) {
    console.error(
      `FAILED (${failed.map((r) => r.pattern).join(", ")}); ${path.relative(process.cwd(), BENCHMARK_FILE)} left as it was. Logs: ${failed.map((r) => r.logDir).join(", ")}`,
    );
    process.exitCode = 1;
    return;
  }
  mkdirSync(path.dirname(BENCHMARK_FILE), { recursive: true });
  writeFileSync(BENCHMARK_FILE, benchmarkMarkdown(runs, new Date()));
  say(`written to ${path.relative(process.cwd(), BENCHMARK_FILE)}`);
}

main().catch(async (error) => {
  console.error(error instanceof Error ? error.message : error);
  await stopAll();
  process.exit(1);
});
