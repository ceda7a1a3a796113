/**
 * The scale benchmark: N accounts opened on chain through the AccountFleet helper, the index on PGlite or
 * PostgreSQL, then price pushes. It measures how fast the index follows: events per second while the accounts open,
 * each push's freshness (receipt → the index's head at that block), the crash push that takes ~1.3% of the book
 * across the line (and checks the index's liquidatable set against the chain's at that block), and the at-risk
 * route's latency reading every page. Writes benchmarks/scale.md.
 * With --keeper, the keeper's half (./keeperScale.ts): about 1,000 accounts crossing in one move.
 * Usage: node --import tsx e2e/src/scale.ts [--runs pglite:1000,postgres:100000|none] [--keeper pglite:2400|none]
 * (`npm run bench:scale`)
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { type Address, createPublicClient, http, parseEventLogs } from "viem";
import { foundry } from "viem/chains";
import {
  iMarginProtocolAbi,
  pushPriceFeedAbi,
} from "../../abi/src/generated.ts";
import { clients } from "./contracts.ts";
import { quantile } from "./stats.ts";
import {
  deployFleet,
  FLEET_WAVE,
  fleetOrders,
  openAccounts,
  rng,
} from "./fleet.ts";
import { ROOT } from "./paths.ts";
import type { Cluster } from "./postgres.ts";
import { stop, stopAll, stopAllOnExit } from "./processes.ts";
import {
  liquidatableInIndex,
  liquidatableOnChain,
  pushEth,
  waitIndexed,
  sampleAtRisk,
  withMiningPaused,
  type AtRiskTimes,
} from "./scaleProbe.ts";
import { startIndexer, type System } from "./system.ts";
import {
  BENCH_BLOCK_SECONDS,
  startBenchSystem,
  type BenchDatabase,
} from "./benchSystem.ts";
import {
  keeperMarkdown,
  runKeeperScale,
  type KeeperRunSpec,
  type KeeperScaleResult,
} from "./keeperScale.ts";

const WAD = 10n ** 18n;
const START_PRICE_WAD = 3_000n * WAD;
const BATCH = 100; // accounts per fleet transaction
const SMALL_PUSHES = 20; // ±0.2% moves before the crash
const CRASH_FRACTION_BPS = 600n; // −6%
const AT_RISK_BLOCKS = 10; // blocks the at-risk route is read at after the crash
const AT_RISK_READS_PER_BLOCK = 5; // complete reads at each
/**
 * From this many accounts anvil keeps only its last states (a full history of 100,000 accounts outgrows this
 * machine's memory), so no second indexer can replay the history: the history figure is measured below it.
 */
const PRUNE_FROM_ACCOUNTS = 50_000;
const KEPT_STATES = 16;
export const SCALE_FILE = path.join(ROOT, "benchmarks", "scale.md");

type Database = BenchDatabase;
type RunSpec = { database: Database; accounts: number };

export type ScaleResult = RunSpec & {
  transactions: number;
  gasPerAccount: bigint;
  protocolEvents: number;
  openSeconds: number; // first transaction sent → the index's head at the last opening block
  liveEventsPerSecond: number;
  indexLagAfterOpenMs: number; // last opening receipt → the index at its block
  pushFreshnessMs: number[]; // small moves
  crashFreshnessMs: number;
  crashAnswerMs: number; // the crash push's receipt → the at-risk route's complete answer
  crossers: number;
  chainCrossers: number;
  atRisk: AtRiskTimes; // complete reads (every page) of /accounts/at-risk?maxHealth=1 after the crash
  history?: History; // not measured on a pruned chain
};

type History = {
  events: number; // events a fresh indexer synced, blocks and logs
  seconds: number; // Ponder's backfill: from its start to its end, fetching from anvil included
  handlerSeconds: number; // of which in the handlers
};

/** A second indexer on a fresh schema syncs the chain's history; its events and times. */
async function replayHistory(
  system: System,
  cluster: Cluster | undefined,
  logDir: string,
): Promise<History> {
  const replay = await startIndexer({
    name: "indexer-replay",
    rpcUrl: system.rpcUrl,
    deploymentFile: system.deploymentFile,
    logDir,
    databaseUrl: cluster?.url,
    readyTimeoutMs: 3_600_000,
  });
  try {
    const metrics = await (await fetch(`${replay.indexerUrl}/metrics`)).text();
    return {
      events: eventsIndexed(metrics),
      seconds: backfillSeconds(readFileSync(replay.indexer.logFile, "utf8")),
      handlerSeconds: handlerSeconds(metrics),
    };
  } finally {
    await stop(replay.indexer);
  }
}

/** Seconds between Ponder's "Started backfill indexing" and "Completed backfill indexing" log lines. */
function backfillSeconds(log: string): number {
  const at = (what: string) => {
    const m = new RegExp(
      `^(\\d+):(\\d+):(\\d+)\\.(\\d+) INFO  ${what}`,
      "m",
    ).exec(log);
    if (m === null) throw new Error(`no "${what}" line in the replay's log`);
    const [h, min, sec, ms] = m.slice(1).map(Number) as [
      number,
      number,
      number,
      number,
    ];
    return ((h * 60 + min) * 60 + sec) * 1000 + ms;
  };
  return (
    (at("Completed backfill indexing") - at("Started backfill indexing")) / 1000
  );
}

/** Seconds Ponder spent in the handlers, from its /metrics text. */
function handlerSeconds(metrics: string): number {
  let ms = 0;
  for (const m of metrics.matchAll(
    /^ponder_indexing_function_duration_sum\{[^}]*\} ([\d.]+)/gm,
  ))
    ms += Number(m[1]);
  return ms / 1000;
}

/** Events Ponder ran handlers for (logs and block intervals), from its /metrics text. */
function eventsIndexed(metrics: string): number {
  let total = 0;
  for (const m of metrics.matchAll(
    /^ponder_indexing_function_duration_count\{[^}]*\} (\d+)/gm,
  ))
    total += Number(m[1]);
  return total;
}

export async function runScale(
  spec: RunSpec,
  logDir: string,
  say: (msg: string) => void,
): Promise<ScaleResult> {
  const pruned = spec.accounts >= PRUNE_FROM_ACCOUNTS;
  const bench = await startBenchSystem(spec.database, logDir, {
    slotsInAnEpoch: 1,
    pruneHistory: pruned ? KEPT_STATES : undefined,
  });
  const { system, cluster } = bench;
  try {
    const orders = fleetOrders(spec.accounts, START_PRICE_WAD);
    const fleet = await deployFleet(system.rpcUrl, system.deployment, orders);
    say(`${spec.database} ${spec.accounts}: opening the accounts`);
    const opened = await openAccounts(system.rpcUrl, fleet, orders, BATCH);
    const lastReceiptMs = Date.now();
    if (opened.accounts.length !== spec.accounts)
      throw new Error(
        `opened ${opened.accounts.length} accounts, expected ${spec.accounts}`,
      );
    // A pruned anvil (see PRUNE_FROM_ACCOUNTS) still grows ~0.5 KB per account with every block it mines, even
    // an empty one: it mines none while no transaction needs a block.
    const idle = <T>(read: () => Promise<T>) =>
      pruned
        ? withMiningPaused(system.rpcUrl, BENCH_BLOCK_SECONDS, read)
        : read();
    const caughtUpMs = await idle(() =>
      waitIndexed(system.indexerUrl, opened.lastBlock, 3_600_000),
    );
    const openSeconds = (caughtUpMs - opened.sentAtMs) / 1000;
    say(
      `${spec.database} ${spec.accounts}: ${opened.protocolEvents} events indexed ${openSeconds.toFixed(1)} s after the first batch went out`,
    );

    const r = rng(5);
    let price = START_PRICE_WAD;
    const pushFreshnessMs: number[] = [];
    for (let i = 0; i < SMALL_PUSHES; i++) {
      // Within ±0.2% of the opening price: a walk that stays where the book was opened.
      price =
        (START_PRICE_WAD * BigInt(9_980 + Math.floor(r() * 41))) / 10_000n;
      const push = await pushEth(system, price);
      const at = await waitIndexed(system.indexerUrl, push.block, 600_000);
      pushFreshnessMs.push(at - push.seenAtMs);
    }
    say(
      `${spec.database} ${spec.accounts}: small pushes p50 ${quantile(pushFreshnessMs, 0.5)} ms`,
    );

    price = (START_PRICE_WAD * (10_000n - CRASH_FRACTION_BPS)) / 10_000n;
    const crash = await pushEth(system, price);
    const crashAt = await waitIndexed(system.indexerUrl, crash.block, 600_000);
    const indexed = await liquidatableInIndex(system.indexerUrl);
    const answeredAt = Date.now();
    const chain = await withMiningPaused(
      system.rpcUrl,
      BENCH_BLOCK_SECONDS,
      () =>
        liquidatableOnChain(
          system.rpcUrl,
          system.deployment.protocol,
          opened.accounts,
          crash.block,
        ),
    );
    const missing = chain.filter((a) => !indexed.includes(a));
    const extra = indexed.filter((a) => !chain.includes(a));
    if (missing.length > 0 || extra.length > 0)
      throw new Error(
        `index ≠ chain at block ${crash.block}: ${missing.length} liquidatable accounts missing from the index, ${extra.length} listed but not liquidatable`,
      );
    say(
      `${spec.database} ${spec.accounts}: crash push: ${indexed.length} liquidatable (index = chain), answered ${answeredAt - crash.seenAtMs} ms after the receipt`,
    );

    // Ponder's own timings (handler and store durations), kept beside the logs for a closer look.
    writeFileSync(
      path.join(logDir, "indexer-metrics.txt"),
      await (await fetch(`${system.indexerUrl}/metrics`)).text(),
    );
    const atRisk = await sampleAtRisk(
      system,
      BENCH_BLOCK_SECONDS,
      AT_RISK_BLOCKS,
      AT_RISK_READS_PER_BLOCK,
    );

    // History: a second indexer on a fresh schema (PGlite: its own directory) syncs everything so far; anvil's
    // finalized block (head − 2) lets Ponder do it in batches.
    const history =
      spec.accounts >= PRUNE_FROM_ACCOUNTS
        ? undefined
        : await replayHistory(system, cluster, logDir);
    if (history !== undefined)
      say(
        `${spec.database} ${spec.accounts}: history: ${history.events} events synced in ${history.seconds.toFixed(1)} s (handlers ${history.handlerSeconds.toFixed(1)} s)`,
      );
    return {
      ...spec,
      history,
      transactions: opened.transactions,
      gasPerAccount: opened.gasUsed / BigInt(spec.accounts),
      protocolEvents: opened.protocolEvents,
      openSeconds,
      liveEventsPerSecond: opened.protocolEvents / openSeconds,
      indexLagAfterOpenMs: caughtUpMs - lastReceiptMs,
      pushFreshnessMs,
      crashFreshnessMs: crashAt - crash.seenAtMs,
      crashAnswerMs: answeredAt - crash.seenAtMs,
      crossers: indexed.length,
      chainCrossers: chain.length,
      atRisk,
    };
  } finally {
    await bench.stop();
  }
}

/**
 * The index section: the rows of `results`, and the rows of `kept` (the section as the file has it) for the database
 * and size pairs not measured again, so that a long run (100,000 accounts) can be measured on its own.
 */
export function scaleMarkdown(
  results: readonly ScaleResult[],
  kept = "",
): string {
  const ms = (x: number) => `${Math.round(x).toLocaleString("en-US")} ms`;
  const fresh = results.map((r) =>
    [
      r.database === "pglite" ? "PGlite" : "PostgreSQL",
      r.accounts.toLocaleString("en-US"),
      `${r.liveEventsPerSecond.toFixed(0)} (${r.protocolEvents.toLocaleString("en-US")} in ${r.openSeconds.toFixed(1)} s)`,
      ms(r.indexLagAfterOpenMs),
      `${ms(quantile(r.pushFreshnessMs, 0.5))} / ${ms(quantile(r.pushFreshnessMs, 0.99))}`,
      `${ms(r.crashFreshnessMs)} / ${ms(r.crashAnswerMs)}`,
      `${r.crossers.toLocaleString("en-US")} (chain ${r.chainCrossers.toLocaleString("en-US")})`,
      [r.atRisk.firstMs, r.atRisk.laterMs]
        .map(
          (t) =>
            `${quantile(t, 0.5).toFixed(1)} / ${quantile(t, 0.99).toFixed(1)}`,
        )
        .join(" · ") + " ms",
      r.history === undefined
        ? "not run (pruned chain)"
        : `${(r.history.events / r.history.seconds).toFixed(0)} (${r.history.events.toLocaleString("en-US")} in ${r.history.seconds.toFixed(1)} s; handlers ${(r.history.events / r.history.handlerSeconds).toFixed(0)}/s)`,
      r.gasPerAccount.toLocaleString("en-US"),
    ].join(" | "),
  );
  const keyOf = (row: string) => row.split(" | ").slice(0, 2).join(" | ");
  const measured = new Set(fresh.map(keyOf));
  const older = kept
    .split("\n")
    .filter((line) => /^\| (PGlite|PostgreSQL) \| [\d,]+ \|/.test(line))
    .map((line) => line.slice(2, -2))
    .filter((row) => !measured.has(keyOf(row)));
  const size = (row: string) => Number(row.split(" | ")[1]!.replace(/,/g, ""));
  const rows = [...fresh, ...older].sort(
    (a, b) =>
      (a.startsWith("PGlite") ? 0 : 1) - (b.startsWith("PGlite") ? 0 : 1) ||
      size(a) - size(b),
  );
  return `## The index

Last written on ${new Date().toISOString().slice(0, 10)}: a run rewrites the rows of the database and size it measured and keeps
the others (their date is in this file's history).

- **Setup.** anvil with 1 s blocks, a 300M block gas limit and \`--slots-in-an-epoch 1\`; the contracts as deployed by the demo (pre-liquidation off); the indexer
  (\`ponder start\`) on embedded PGlite or on a throwaway PostgreSQL 15 cluster. No keeper runs: these are the index's figures.
- **Book.** N ETH accounts opened by the AccountFleet helper (script/bench/AccountFleet.sol), ${BATCH} per transaction, the
  transactions sent in waves of ${FLEET_WAVE} (each wave's receipts awaited; anvil lost part of a burst of 1,000): half long, half
  short, $100–$1,000 of quote, 2×–9.5× leverage at $3,000.
- **Events/s (live).** The protocol events the opening emitted, over the time from the first transaction sent to the index's
  head reaching the last opening block. While the index keeps up this is bounded by how fast anvil mines the batches.
- **Lag after opening.** From the last opening receipt to the index at its block.
- **Push freshness.** ${SMALL_PUSHES} ETH pushes within ±0.2% of $3,000, one at a time: from the push's receipt (polled every 20 ms) to the
  index's \`/status/latest\` at the push's block (polled every 10 ms). It includes Ponder's 100 ms polling of the chain.
- **Crash push.** ETH to $2,820 (−6% from $3,000) in one push, about 1.3% of the book crossing maintenance. Freshness as above, then the time until the
  at-risk route (\`maxHealth=1\`, every page of 1,000) has answered. The liquidatable set it lists is checked against
  \`isLiquidatable\` on chain for every account at the push's block: a difference fails the benchmark.
- **At-risk.** Complete reads of that route (every page), sequential, at ${AT_RISK_BLOCKS} blocks after the crash that anvil
  mines one at a time (its block production paused): ${AT_RISK_READS_PER_BLOCK} reads once the index is at each. The first read of a block reads
  the liquidatable band and computes its accounts' health at the block's prices; their own inputs (positions, balances)
  are kept since their last own event, and these blocks bring none (the crash's answer above read them all). The API
  keeps each page's text until its next block, so a second keeper's reads (the later reads here) are served it.
- **Events/s history.** A second indexer started on a fresh schema after all of the above syncs the whole history
  (anvil runs with \`--slots-in-an-epoch 1\`, so everything but the last two blocks is finalized and Ponder syncs it in
  batches): the events it ran handlers for (logs and the per-block band refresh) over Ponder's backfill, from its
  "Started backfill indexing" to its "Completed backfill indexing" log line (fetching the logs and blocks from anvil
  included); and over the time spent in the handlers alone (Ponder's metrics). From ${PRUNE_FROM_ACCOUNTS.toLocaleString("en-US")} accounts anvil keeps
  only its last ${KEPT_STATES} states (\`--prune-history\`: the full history of that many accounts outgrows this machine's 24 GiB), so
  the history cannot be replayed there; and since even a pruned anvil grows by about 0.5 KB per account with every block it
  mines, it mines none while the index catches up after the opening (no transaction is waiting) and only the at-risk blocks during those reads.

| database | accounts | events/s live | lag after opening | push freshness p50 / p99 | crash: indexed / answered | liquidatable after the crash | at-risk p50 / p99: a block's first read · later reads | events/s history | gas per opened account |
|---|---:|---|---:|---|---|---:|---|---|---:|
${rows.map((r) => `| ${r} |`).join("\n")}
`;
}

/** `--<flag> pglite:1000,postgres:10000` (or `none`) as run specs; `fallback` when the flag is absent. */
function parseRuns<S extends { database: Database; accounts: number }>(
  argv: readonly string[],
  flag: string,
  fallback: string,
  multipleOf: number,
): S[] {
  const i = argv.indexOf(flag);
  const text = i === -1 ? fallback : argv[i + 1];
  if (text === undefined)
    throw new Error(`${flag} needs a value like pglite:1000,postgres:10000`);
  if (text === "none") return [];
  return text.split(",").map((part) => {
    const [database, count] = part.split(":");
    const accounts = Number(count);
    if (
      (database !== "pglite" && database !== "postgres") ||
      !Number.isInteger(accounts) ||
      accounts < multipleOf ||
      accounts % multipleOf !== 0
    )
      throw new Error(
        `${flag}: "${part}" is not <pglite|postgres>:<accounts, a multiple of ${multipleOf}>, nor none`,
      );
    return { database, accounts } as S;
  });
}

const SECTIONS = ["index", "keeper"] as const;
type Section = (typeof SECTIONS)[number];

/** A section as benchmarks/scale.md has it now; empty when the file or the section is missing. */
function keptSection(section: Section): string {
  let old = "";
  try {
    old = readFileSync(SCALE_FILE, "utf8");
  } catch {
    return "";
  }
  return (
    old.match(
      new RegExp(`<!-- ${section} -->\\n([\\s\\S]*?)<!-- /${section} -->`),
    )?.[1] ?? ""
  );
}

/**
 * benchmarks/scale.md with the sections this invocation measured; a section it did not run keeps the text the file
 * already has, so the long index runs and the keeper runs can be measured separately.
 */
function scaleFile(fresh: Partial<Record<Section, string>>): string {
  const body = SECTIONS.map(
    (section) =>
      `<!-- ${section} -->\n${fresh[section] ?? keptSection(section)}<!-- /${section} -->`,
  ).join("\n\n");
  return `# Scale: the index and the keeper under thousands of accounts

Written by \`npm run bench:scale\` (e2e/src/scale.ts, e2e/src/keeperScale.ts) on this repository's 2-core machine.

${body}
`;
}

async function main() {
  stopAllOnExit();
  const argv = process.argv.slice(2);
  const runs = parseRuns<RunSpec>(
    argv,
    "--runs",
    "pglite:1000,pglite:10000,postgres:1000,postgres:10000,postgres:100000",
    BATCH,
  );
  const keeperRuns = parseRuns<KeeperRunSpec>(
    argv,
    "--keeper",
    "pglite:2400,postgres:2400",
    BATCH,
  );
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const t0 = Date.now();
  const say = (msg: string) =>
    console.log(`[${((Date.now() - t0) / 1000).toFixed(1)} s] ${msg}`);
  const logDir = (name: string) => {
    const dir = path.join(ROOT, ".tmp", `scale-${stamp}`, name);
    mkdirSync(dir, { recursive: true });
    return dir;
  };
  const fresh: Partial<Record<Section, string>> = {};
  const results: ScaleResult[] = [];
  for (const spec of runs) {
    results.push(
      await runScale(spec, logDir(`${spec.database}-${spec.accounts}`), say),
    );
    fresh.index = scaleMarkdown(results, keptSection("index"));
    // After each run, so that a long series keeps what it measured.
    writeFileSync(SCALE_FILE, scaleFile(fresh));
  }
  const keeperResults: KeeperScaleResult[] = [];
  for (const spec of keeperRuns) {
    keeperResults.push(
      await runKeeperScale(
        spec,
        logDir(`keeper-${spec.database}-${spec.accounts}`),
        say,
      ),
    );
    fresh.keeper = keeperMarkdown(keeperResults);
    writeFileSync(SCALE_FILE, scaleFile(fresh));
  }
  console.log(`\n${scaleFile(fresh)}`);
  console.log(`written to ${path.relative(process.cwd(), SCALE_FILE)}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main()
    .catch((error) => {
      console.error(error);
      process.exitCode = 1;
    })
    .finally(() => stopAll());
}
