/**
 * One run of the demo crash under one liquidation pattern, on a fresh system: anvil, deploy, indexer, the book, the
 * keeper, the crash, the report. Used by `npm run demo` and by the pattern benchmark.
 */
import path from "node:path";
import { clients } from "./contracts.ts";
import { DEMO_AUCTION_STEP_SECONDS, type Pattern } from "./patterns.ts";
import {
  buildReport,
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
import { startSystem } from "./system.ts";

export type CrashRun = {
  pattern: Pattern;
  parameters: Parameters;
  scenario: ScenarioResult;
  report: Report;
  problems: string[];
  /** Wall-clock seconds of the crash itself (first push to the last step cleared). */
  crashSeconds: number;
  logDir: string;
};

export type CrashOptions = {
  pattern: Pattern;
  logDir: string;
  /** The auction curve's step; the demo's 2 s for the auction pattern, the deploy default (10 s) otherwise. */
  auctionStepSeconds?: number;
  clearTimeoutMs?: number;
  say?: (msg: string) => void;
  onStep?: (s: StepResult) => void;
};

export const demoAuctionStep = (pattern: Pattern) =>
  pattern === "dutch-auction" ? DEMO_AUCTION_STEP_SECONDS : 10;

export async function runPatternCrash(
  options: CrashOptions,
): Promise<CrashRun> {
  const say = options.say ?? (() => {});
  const { pattern, logDir } = options;
  say(
    `starting anvil, deploying (${pattern}), starting the indexer (PGlite); logs in ${path.relative(process.cwd(), logDir) || logDir}`,
  );
  const system = await startSystem({
    blockTimeSeconds: 1,
    logDir,
    pattern,
    auctionStepSeconds: options.auctionStepSeconds ?? demoAuctionStep(pattern),
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
    const plans = demoBook();
    say(`opening ${plans.length} leveraged accounts`);
    const traders = await openBook(system.rpcUrl, system.deployment, plans);
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
    const crashSeconds = (Date.now() - started) / 1000;
    await indexCaughtUp(system.rpcUrl, system.indexerUrl);
    const report = await buildReport(
      system.rpcUrl,
      system.indexerUrl,
      system.deployment,
      scenario,
      baseline,
      pattern,
    );
    return {
      pattern,
      parameters,
      scenario,
      report,
      problems: reportProblems(report, scenario),
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
