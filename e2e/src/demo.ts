/**
 * The main job: the whole local system on the embedded database, a market crash, and a report.
 * Usage: node --import tsx e2e/src/demo.ts   (the README's `npm run demo` installs and builds first)
 */
import path from "node:path";
import { clients, contracts } from "./contracts.ts";
import { stopAll, stopAllOnExit } from "./processes.ts";
import { buildReport, formatReport, reportProblems } from "./report.ts";
import { demoBook, demoCrash, openBook, runCrash } from "./scenario.ts";
import { startSystem } from "./system.ts";
import { ROOT } from "./paths.ts";

async function main() {
  stopAllOnExit();
  const logDir = path.join(
    ROOT,
    ".tmp",
    `demo-${new Date().toISOString().replace(/[:.]/g, "-")}`,
  );
  const t0 = Date.now();
  const say = (msg: string) =>
    console.log(`[${((Date.now() - t0) / 1000).toFixed(1)} s] ${msg}`);

  say(
    `starting anvil, deploying, starting the indexer (PGlite); logs in ${path.relative(process.cwd(), logDir)}`,
  );
  const system = await startSystem({ blockTimeSeconds: 1, logDir });
  say(
    `chain ${system.rpcUrl}, indexer ${system.indexerUrl} (GraphQL at /graphql, SQL at /sql)`,
  );

  const plans = demoBook();
  say(`opening ${plans.length} leveraged accounts`);
  const traders = await openBook(system.rpcUrl, system.deployment, plans);
  const { publicClient } = clients(system.rpcUrl);
  const insuranceStartWad =
    (await contracts(
      system.deployment,
      publicClient,
    ).insurance.read.balance()) *
    10n ** 12n;

  say("starting the keeper");
  await system.startKeeper();
  say("crashing the market");
  const scenario = await runCrash(
    system.rpcUrl,
    system.deployment,
    traders,
    demoCrash(),
    {
      clearTimeoutMs: 60_000,
      onStep: (s) =>
        say(
          `step ${s.step}: ETH $${s.ethUsd}, BTC $${s.btcUsd}: ${s.newlyBreached.length} new breaches; all clear after ${(s.clearedAfterMs / 1000).toFixed(1)} s`,
        ),
    },
  );
  // Let the index catch up with the last actions before reading it.
  const head = await publicClient.getBlockNumber();
  for (let i = 0; i < 40; i++) {
    const status = (await (
      await fetch(`${system.indexerUrl}/status/latest`)
    ).json()) as { latestBlock: string | number };
    if (BigInt(status.latestBlock) >= head) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const report = await buildReport(
    system.rpcUrl,
    system.indexerUrl,
    system.deployment,
    scenario,
    insuranceStartWad,
  );
  console.log(formatReport(report, scenario));
  const problems = reportProblems(report, scenario);
  await system.stop();
  if (problems.length > 0) {
    console.error(`\nFAILED:\n- ${problems.join("\n- ")}\nlogs: ${logDir}`);
    process.exitCode = 1;
  } else {
    say(
      "done: every account that crossed maintenance was liquidated, and the books balance",
    );
  }
}

main().catch(async (error) => {
  console.error(error instanceof Error ? error.message : error);
  await stopAll();
  process.exit(1);
});
