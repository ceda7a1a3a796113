/**
 * The main job: the whole local system on the embedded database, a market crash, and a report.
 * Usage: node --import tsx e2e/src/demo.ts   (the README's `npm run demo` installs and builds first)
 * Env: COLLATERAL_PATTERN = fixed-fee (default) | dutch-auction | internal, the pattern of both collateral assets;
 * PRE_LIQUIDATION = on (default) | off, the soft margin call (the module's parameters and the keeper's action);
 * LENDING = on (default) | off, borrowers of the lending market liquidated in the same crash, with
 * LENDING_COLLATERAL_PATTERN = the lending engine's pattern (default: COLLATERAL_PATTERN);
 * PORTFOLIO_MARGIN = on (default) | off, hedged accounts (and one tilted book the crash liquidates) on portfolio margin.
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
import {
  formatLendingDemo,
  LendingConfigError,
  parseLendingMode,
  parseLendingPattern,
} from "./lendingDemo.ts";
import {
  formatPortfolio,
  parsePortfolioMargin,
  PortfolioConfigError,
} from "./portfolio.ts";

async function main() {
  let pattern;
  let preLiquidation;
  let lending;
  let lendingPattern;
  let portfolio;
  try {
    pattern = parsePattern(process.env.COLLATERAL_PATTERN);
    preLiquidation = parsePreLiquidation(process.env.PRE_LIQUIDATION);
    lending = parseLendingMode(process.env.LENDING);
    lendingPattern = parseLendingPattern(
      process.env.LENDING_COLLATERAL_PATTERN,
      pattern,
    );
    portfolio = parsePortfolioMargin(process.env.PORTFOLIO_MARGIN);
  } catch (error) {
    if (
      !(error instanceof PatternError) &&
      !(error instanceof PreLiquidationConfigError) &&
      !(error instanceof LendingConfigError) &&
      !(error instanceof PortfolioConfigError)
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
    lending,
    lendingPattern,
    portfolio,
    onStep: (s) =>
      say(
        `step ${s.step}: ETH $${s.ethUsd}, BTC $${s.btcUsd}: ${s.newlyBreached.length} new breaches; all clear after ${(s.clearedAfterMs / 1000).toFixed(1)} s`,
      ),
  });
  console.log(formatReport(run.report, run.scenario, run.parameters));
  console.log(
    formatPreLiquidation(run.preLiquidationMode, run.preLiquidation).join("\n"),
  );
  console.log(formatLendingDemo(run.lendingMode, run.lending).join("\n"));
  console.log(formatPortfolio(run.portfolioMode, run.portfolio).join("\n"));
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
