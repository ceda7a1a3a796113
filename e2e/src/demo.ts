/**
 * The main job: the whole local system on the embedded database, a market crash, and a report.
 * Usage: node --import tsx e2e/src/demo.ts   (the README's `npm run demo` installs and builds first)
 * Env: COLLATERAL_PATTERN = fixed-fee (default) | dutch-auction | internal, the pattern of both collateral assets;
 * PRE_LIQUIDATION = on (default) | off, the soft margin call (the module's parameters and the keeper's action).
 */
import path from "node:path";
import { runPatternCrash } from "./crash.ts";
import { ROOT } from "./paths.ts";
import { PatternError, parsePattern } from "./patterns.ts";
import { stopAll, stopAllOnExit } from "./processes.ts";
import { formatReport } from "./report.ts";
import {
  formatPreLiquidation,
  parsePreLiquidation,
  PreLiquidationConfigError,
} from "./preLiquidation.ts";

async function main() {
  let pattern;
  let preLiquidation;
  try {
    pattern = parsePattern(process.env.COLLATERAL_PATTERN);
    preLiquidation = parsePreLiquidation(process.env.PRE_LIQUIDATION);
  } catch (error) {
    if (
      !(error instanceof PatternError) &&
      !(error instanceof PreLiquidationConfigError)
    )
      throw error;
    console.error(`config error: ${error.message}`);
    process.exitCode = 2;
    return;
  }
  stopAllOnExit();
  const logDir = path.join(
    ROOT,
    ".tmp",
    `demo-${pattern}-${new Date().toISOString().replace(/[:.]/g, "-")}`,
  );
  const t0 = Date.now();
  const say = (msg: string) =>
    console.log(`[${((Date.now() - t0) / 1000).toFixed(1)} s] ${msg}`);

  const run = await runPatternCrash({
    pattern,
    logDir,
    say,
    preLiquidation,
    onStep: (s) =>
      say(
        `step ${s.step}: ETH $${s.ethUsd}, BTC $${s.btcUsd}: ${s.newlyBreached.length} new breaches; all clear after ${(s.clearedAfterMs / 1000).toFixed(1)} s`,
      ),
  });
  console.log(formatReport(run.report, run.scenario, run.parameters));
  console.log(
    formatPreLiquidation(run.preLiquidationMode, run.preLiquidation).join("\n"),
  );
  if (run.problems.length > 0) {
    console.error(`\nFAILED:\n- ${run.problems.join("\n- ")}\nlogs: ${logDir}`);
    process.exitCode = 1;
  } else {
    say(
      "done: every account that crossed maintenance was liquidated and cleared, and the books balance",
    );
  }
}

main().catch(async (error) => {
  console.error(error instanceof Error ? error.message : error);
  await stopAll();
  process.exit(1);
});
