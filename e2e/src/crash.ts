/**
 * One run of the demo crash under one liquidation pattern, on a fresh system: anvil, deploy, indexer, the book, the
 * keeper, the crash, the keeper settling the solvency waterfall (bond sales, revenue, redemptions), the report. Used by
 * `npm run demo` and by the pattern benchmark.
 */
import path from "node:path";
import { clients } from "./contracts.ts";
import { DEMO_AUCTION_STEP_SECONDS, type Pattern } from "./patterns.ts";
import {
  buildReport,
  keeperAddress,
  readParameters,
  reportProblems,
  takeBaseline,
  type Parameters,
  type Report,
} from "./report.ts";
import {
  demoBook,
  demoCrash,
  openBook,
  runCrash,
  type ScenarioResult,
  type StepResult,
} from "./scenario.ts";
import {
  DEFAULT_INSURANCE_STAKE_USDC,
  KEEPER_FEE_SWEEP_MIN_QUOTE,
  startSystem,
} from "./system.ts";
import { waitForWaterfallSettled } from "./waterfall.ts";
import {
  DEMO_OPT_OUTS,
  PRE_LIQUIDATION_KEEPER_ENV,
  optOut,
  preLiquidationSummary,
  warmUpPrices,
  type PreLiquidationMode,
  type PreLiquidationSummary,
} from "./preLiquidation.ts";
import {
  lendingDemoSummary,
  lendingFlows,
  openLending,
  waitForLendingCleared,
  type LendingDemo,
  type LendingMode,
} from "./lendingDemo.ts";
import {
  isPortfolioTrader,
  optIn,
  portfolioBook,
  portfolioSummary,
  PORTFOLIO_TILTED,
  type PortfolioMode,
  type PortfolioSummary,
} from "./portfolio.ts";

const WAD = 10n ** 18n;

export type CrashRun = {
  pattern: Pattern;
  parameters: Parameters;
  scenario: ScenarioResult;
  report: Report;
  problems: string[];
  /** The insurance fund's stake [whole USDC], and whether the crash's bad debt must reach the bonds. */
  insuranceStakeUsdc: bigint;
  expectBonds: boolean;
  /** Wall-clock seconds of the crash itself (first push to the last step cleared). */
  crashSeconds: number;
  logDir: string;
  preLiquidationMode: PreLiquidationMode;
  /** Read from the chain and checked against the index; undefined when off. */
  preLiquidation?: PreLiquidationSummary;
  lendingMode: LendingMode;
  /** The lending market's crash, read from the chain and checked against the index; undefined when off. */
  lending?: LendingDemo;
  portfolioMode: PortfolioMode;
  /** The opted-in accounts' requirements (portfolio vs standard) and index = chain; undefined when off. */
  portfolio?: PortfolioSummary;
};

export type CrashOptions = {
  pattern: Pattern;
  logDir: string;
  /** The auction curve's step; the demo's 2 s for the auction pattern, the deploy default (10 s) otherwise. */
  auctionStepSeconds?: number;
  clearTimeoutMs?: number;
  say?: (msg: string) => void;
  onStep?: (s: StepResult) => void;
  /** PRE_LIQUIDATION: on by default. */
  preLiquidation?: PreLiquidationMode;
  /** LENDING: on by default; LENDING_COLLATERAL_PATTERN: `pattern` by default. */
  lending?: LendingMode;
  lendingPattern?: Pattern;
  /** PORTFOLIO_MARGIN: on by default. */
  portfolio?: PortfolioMode;
};

/** The keeper's minimum profit over gas in the demo [quote]: the keeper's default, not the harness's 0.5. */
export const DEMO_MIN_PROFIT_QUOTE = "0";

export const demoAuctionStep = (pattern: Pattern) =>
  pattern === "dutch-auction" ? DEMO_AUCTION_STEP_SECONDS : 10;

/**
 * The insurance fund's stake in the demo [whole USDC]: $10,000, small enough that the whale's bad debt at the gap
 * outruns the fund (its stake and the revenue routed to it before) and opens a bond series. The auction pattern keeps
 * the deploy default, which covers the whale's bad debt: its runs open no bond series.
 */
export const demoInsuranceStake = (pattern: Pattern): bigint =>
  pattern === "dutch-auction" ? DEFAULT_INSURANCE_STAKE_USDC : 10_000n;

export async function runPatternCrash(
  options: CrashOptions,
): Promise<CrashRun> {
  const say = options.say ?? (() => {});
  const { pattern, logDir } = options;
  say(
    `starting anvil, deploying (${pattern}), starting the indexer (PGlite); logs in ${path.relative(process.cwd(), logDir) || logDir}`,
  );
  const insuranceStakeUsdc = demoInsuranceStake(pattern);
  const expectBonds = insuranceStakeUsdc < DEFAULT_INSURANCE_STAKE_USDC;
  const preLiquidationMode = options.preLiquidation ?? "on";
  const lendingMode = options.lending ?? "on";
  const lendingPattern = options.lendingPattern ?? pattern;
  const portfolioMode = options.portfolio ?? "on";
  const system = await startSystem({
    preLiquidation: preLiquidationMode,
    lendingPattern: options.lendingPattern ?? pattern,
    keeperEnv: {
      // Dust-sized residuals (a long liquidated to the target health at one step, then taken near zero by the next)
      // pay the keeper cents over gas: the keeper's own default (any profit over gas) clears them.
      MIN_PROFIT_QUOTE: DEMO_MIN_PROFIT_QUOTE,
      ...(preLiquidationMode === "on" ? PRE_LIQUIDATION_KEEPER_ENV : {}),
    },
    blockTimeSeconds: 1,
    logDir,
    pattern,
    auctionStepSeconds: options.auctionStepSeconds ?? demoAuctionStep(pattern),
    insuranceStakeUsdc,
  });
  try {
    say(
      `chain ${system.rpcUrl}, indexer ${system.indexerUrl} (GraphQL at /graphql, SQL at /sql)`,
    );
    const parameters = await readParameters(
      system.rpcUrl,
      system.deployment,
      pattern,
    );
    // The crossing model (and so the keeper's pre-liquidations) needs a price history to rate anyone.
    if (preLiquidationMode === "on")
      await warmUpPrices(system.rpcUrl, system.deployment);
    const plans = [
      ...demoBook(),
      ...(portfolioMode === "on" ? portfolioBook() : []),
    ];
    say(`opening ${plans.length} leveraged accounts`);
    const traders = await openBook(system.rpcUrl, system.deployment, plans);
    if (portfolioMode === "on") {
      const opted = traders.filter(isPortfolioTrader);
      await optIn(system.rpcUrl, system.deployment, opted);
      say(`${opted.length} accounts opted in to portfolio margin`);
    }
    // The tilted portfolio book opts out too: the engine, not the soft call, is what the report shows it meeting.
    if (preLiquidationMode === "on")
      await optOut(system.rpcUrl, system.deployment, traders, [
        ...DEMO_OPT_OUTS,
        PORTFOLIO_TILTED,
      ]);
    const borrowers =
      lendingMode === "on"
        ? await openLending(system.rpcUrl, system.deployment)
        : [];
    if (lendingMode === "on")
      say(
        `opened ${borrowers.length} lending borrowers near their borrow limit (lending pattern ${lendingPattern})`,
      );
    const baseline = await takeBaseline(system.rpcUrl, system.deployment);

    say("starting the keeper");
    await system.startKeeper();
    say("crashing the market");
    const started = Date.now();
    const scenario = await runCrash(
      system.rpcUrl,
      system.deployment,
      traders,
      demoCrash(),
      {
        clearTimeoutMs: options.clearTimeoutMs ?? 90_000,
        onStep: options.onStep,
      },
    );
    if (lendingMode === "on")
      await waitForLendingCleared(
        system.rpcUrl,
        system.deployment,
        borrowers,
        options.clearTimeoutMs ?? 90_000,
      );
    const crashSeconds = (Date.now() - started) / 1000;
    say(
      "waiting for the keeper to settle the solvency waterfall (bond sales, revenue, redemptions)",
    );
    const settledBlock = await waitForWaterfallSettled(
      system.rpcUrl,
      system.deployment,
      {
        holder: keeperAddress(),
        feeSweepMinWad: KEEPER_FEE_SWEEP_MIN_QUOTE * WAD,
        timeoutMs: 150_000,
        keeper: system.keeper,
      },
    );
    // The report covers the crash and its aftermath on the waterfall.
    const ended: ScenarioResult = {
      ...scenario,
      endBlock:
        settledBlock > scenario.endBlock ? settledBlock : scenario.endBlock,
    };
    await indexCaughtUp(system.rpcUrl, system.indexerUrl);
    const lending =
      lendingMode === "on"
        ? await lendingDemoSummary(
            system.rpcUrl,
            system.indexerUrl,
            system.deployment,
            lendingPattern,
            borrowers,
            ended.steps,
            { fromBlock: baseline.block, toBlock: ended.endBlock },
          )
        : undefined;
    const portfolio =
      portfolioMode === "on"
        ? await portfolioSummary(
            system.rpcUrl,
            system.indexerUrl,
            system.deployment,
            traders,
            ended.breaches,
            {
              before: baseline.block,
              after: ended.endBlock,
              head: await clients(system.rpcUrl).publicClient.getBlockNumber(),
            },
          )
        : undefined;
    const report = await buildReport(
      system.rpcUrl,
      system.indexerUrl,
      system.deployment,
      ended,
      baseline,
      pattern,
      lendingFlows(lending),
    );
    const preLiquidation =
      preLiquidationMode === "on"
        ? await preLiquidationSummary(
            system.rpcUrl,
            system.indexerUrl,
            system.deployment,
            BigInt(system.deployment.startBlock),
            ended.endBlock,
          )
        : undefined;
    return {
      pattern,
      parameters,
      scenario: ended,
      report,
      preLiquidationMode,
      preLiquidation,
      lendingMode,
      lending,
      portfolioMode,
      portfolio,
      problems: [
        ...reportProblems(report, ended, { expectBonds }),
        ...(preLiquidation?.mismatches ?? []),
        ...(lending?.problems ?? []),
        ...(portfolio?.problems ?? []),
      ],
      insuranceStakeUsdc,
      expectBonds,
      crashSeconds,
      logDir,
    };
  } finally {
    await system.stop();
  }
}

/** Waits (up to 20 s) until the index has processed the chain's head as it is now. */
export async function indexCaughtUp(
  rpcUrl: string,
  indexerUrl: string,
): Promise<void> {
  const { publicClient } = clients(rpcUrl);
  const head = await publicClient.getBlockNumber();
  for (let i = 0; i < 80; i++) {
    const status = (await (
      await fetch(`${indexerUrl}/status/latest`)
    ).json()) as { latestBlock?: string | number };
    if (status.latestBlock !== undefined && BigInt(status.latestBlock) >= head)
      return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the index did not reach block ${head} within 20 s`);
}
