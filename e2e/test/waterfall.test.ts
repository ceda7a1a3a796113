/**
 * The solvency waterfall end to end, driven by the keeper alone: on a real chain with a small insurance fund, a gap
 * leaves one account's bad debt beyond the fund; a bond series opens in the same transaction, the keeper buys it out at
 * or below its price limit (which closes the sale), a later liquidation's penalty share repays the bonds before the
 * fund sees any of it, the keeper routes and redeems, and the report's books (and the index) agree with the chain.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import {
  insuranceFundAbi,
  solvencyWaterfallAbi,
} from "../../abi/src/generated.ts";
import { clients } from "../src/contracts.ts";
import { indexCaughtUp } from "../src/crash.ts";
import { waitFor } from "../src/processes.ts";
import {
  buildReport,
  keeperAddress,
  reportProblems,
  takeBaseline,
} from "../src/report.ts";
import {
  openBook,
  runCrash,
  type ScenarioResult,
  type TraderPlan,
} from "../src/scenario.ts";
import {
  KEEPER_FEE_SWEEP_MIN_QUOTE,
  startSystem,
  type System,
} from "../src/system.ts";
import { waitForWaterfallSettled } from "../src/waterfall.ts";

const WAD = 10n ** 18n;
/** The keeper's default BOND_MAX_PRICE. */
const BOND_MAX_PRICE_WAD = (95n * WAD) / 100n;

const book: TraderPlan[] = [
  // 7.5× on $4,000: at $2,400 its equity is about −$2,000, and the keeper's share of the penalty adds $240.
  {
    label: "underwater",
    quoteUsdc: 4_000n,
    wethWad: 0n,
    wbtcSats: 0n,
    ethSizeWad: 10n * WAD,
    btcSizeWad: 0n,
  },
  // 3.4× on $52,800: healthy at $2,400 (health 2.3); at $2,200 its health is 0.71 and the keeper closes about $92k of
  // it, whose penalty share (about $1,380) is revenue for the bonds.
  {
    label: "later",
    quoteUsdc: 52_800n,
    wethWad: 0n,
    wbtcSats: 0n,
    ethSizeWad: 60n * WAD,
    btcSizeWad: 0n,
  },
];

async function bondsThroughTheKeeper(system: System) {
  const { publicClient } = clients(system.rpcUrl);
  const d = system.deployment;
  const keeper = keeperAddress();
  const read = <T>(functionName: string, args: readonly unknown[] = []) =>
    publicClient.readContract({
      address: d.waterfall,
      abi: solvencyWaterfallAbi,
      functionName,
      args,
    } as never) as Promise<T>;
  const traders = await openBook(system.rpcUrl, d, book);
  const baseline = await takeBaseline(system.rpcUrl, d);
  await system.startKeeper();

  // 1. The gap: the underwater account's bad debt outruns the $1,500 fund and opens series 0.
  const gap = await runCrash(
    system.rpcUrl,
    d,
    traders,
    [{ ethUsd: 2_400n, btcUsd: 60_000n }],
    { clearTimeoutMs: 60_000 },
  );
  await waitFor(
    "the bad debt to open a bond series",
    async () => (await read<bigint>("seriesCount")) >= 1n,
    { timeoutMs: 30_000, proc: system.keeper },
  );
  // 2. The keeper buys the series out once its price falls to its limit (0.98 → 0.95 takes about 14 s).
  await waitFor(
    "the keeper to buy series 0 out",
    async () => (await read<{ closed: boolean }>("series", [0n])).closed,
    { timeoutMs: 60_000, proc: system.keeper },
  );
  // 3. A later liquidation: its penalty share is revenue, routed to the closed series first.
  const later = await runCrash(
    system.rpcUrl,
    d,
    traders,
    [{ ethUsd: 2_200n, btcUsd: 60_000n }],
    { clearTimeoutMs: 60_000 },
  );
  const settledBlock = await waitForWaterfallSettled(system.rpcUrl, d, {
    holder: keeper,
    feeSweepMinWad: KEEPER_FEE_SWEEP_MIN_QUOTE * WAD,
    timeoutMs: 120_000,
    keeper: system.keeper,
  });
  const scenario: ScenarioResult = {
    ...later,
    steps: [...gap.steps, { ...later.steps[0]!, step: 2 }],
    breaches: [
      ...gap.breaches,
      ...later.breaches.map((b) => ({ ...b, step: 2 })),
    ],
    startBlock: gap.startBlock,
    endBlock: settledBlock,
  };
  await indexCaughtUp(system.rpcUrl, system.indexerUrl);
  const report = await buildReport(
    system.rpcUrl,
    system.indexerUrl,
    d,
    scenario,
    baseline,
    "fixed-fee",
  );
  return { report, scenario, baseline, settledBlock };
}

describe("the solvency waterfall", { concurrency: false }, () => {
  const systems: System[] = [];
  after(async () => {
    for (const s of systems) await s.stop();
  });

  it(
    "issues bonds for bad debt beyond the fund, sells them to the keeper, repays them from later penalties before the fund",
    { timeout: 300_000 },
    async () => {
      const system = await startSystem({
        blockTimeSeconds: 1,
        insuranceStakeUsdc: 1_500n,
      });
      systems.push(system);
      const d = system.deployment;
      const { publicClient } = clients(system.rpcUrl);
      const { report, scenario, settledBlock } =
        await bondsThroughTheKeeper(system);
      const w = report.waterfall;

      // The run's own checks: every breach liquidated and cleared, the fund's and the revenue's books, the waterfall's
      // identity and its events, and the index against the chain (GET /solvency, /stats).
      assert.deepEqual(
        reportProblems(report, scenario, { expectBonds: true }),
        [],
      );
      assert.ok(report.indexMatchesChain, report.indexMismatches.join("; "));

      // A series, issued in the transaction of the BadDebtAbsorbed that produced it, for exactly its rest.
      assert.ok(w.series.length >= 1, "a bond series was issued");
      const events = await publicClient.getContractEvents({
        address: d.waterfall,
        abi: solvencyWaterfallAbi,
        fromBlock: BigInt(d.startBlock),
        toBlock: settledBlock,
      });
      const issued = events.find((l) => l.eventName === "SeriesIssued");
      assert.ok(issued?.eventName === "SeriesIssued");
      const absorbed = events.find(
        (l) =>
          l.eventName === "BadDebtAbsorbed" &&
          l.transactionHash === issued.transactionHash,
      );
      assert.ok(
        absorbed?.eventName === "BadDebtAbsorbed",
        "the bad debt and its series share one transaction",
      );
      assert.equal(absorbed.blockNumber, issued.blockNumber);
      assert.equal(absorbed.args.toBonds, issued.args.deficit);
      assert.ok(absorbed.args.coveredByFund! > 0n, "the fund paid first");
      assert.equal(
        absorbed.args.amount,
        absorbed.args.coveredByFund! + absorbed.args.toBonds!,
      );

      // Sold out to the keeper at or below its limit: the sale closed with everything raised.
      const s0 = w.series[0]!;
      assert.ok(s0.closed);
      assert.equal(s0.raised, s0.deficit);
      assert.deepEqual(
        s0.buyers.map((b) => b.buyer.toLowerCase()),
        [keeperAddress().toLowerCase()],
      );
      assert.ok(
        s0.raised * WAD <= s0.faceSold * BOND_MAX_PRICE_WAD,
        "bought at 0.95 or less per unit of face",
      );
      assert.equal(s0.unsoldSocialized, 0n);

      // Repaid from the later penalty, never more than its face; the keeper redeemed what it earned.
      assert.ok(s0.repaid > 0n, "revenue reached the bonds");
      assert.ok(s0.repaid < s0.faceSold || s0.repaid === s0.faceSold);
      assert.ok(w.revenueAfterIssue.penaltyShare > 0n);
      const repaid = w.series.reduce((a, s) => a + s.repaid, 0n);
      const redeemed = w.series.reduce((a, s) => a + s.redeemed, 0n);
      assert.ok(redeemed <= repaid, "Σ redeemed ≤ Σ repaid");
      assert.equal(w.holder.redeemed, redeemed, "the keeper redeemed it all");

      // The identity, at the end and as the index serves it.
      assert.equal(
        w.recognized,
        w.coveredByFund + w.raisedByBonds + w.socialized + w.open,
      );
      assert.equal(w.open, 0n);

      // The fund received revenue only once the bonds were repaid: replaying the events in order, every RevenueRouted
      // after the issue that paid the fund anything comes when every series is closed and repaid in full.
      const books = new Map<
        bigint,
        { closed: boolean; face: bigint; repaid: bigint }
      >();
      let toFundAfterIssue = 0n;
      for (const l of events) {
        if (l.eventName === "SeriesIssued")
          books.set(l.args.id!, { closed: false, face: 0n, repaid: 0n });
        if (l.eventName === "BondsBought")
          books.get(l.args.id!)!.face += l.args.face!;
        if (l.eventName === "SeriesClosed")
          books.get(l.args.id!)!.closed = true;
        if (l.eventName === "SeriesRepaid")
          books.get(l.args.id!)!.repaid += l.args.amount!;
        if (
          l.eventName === "RevenueRouted" &&
          books.size > 0 &&
          l.args.toFund! > 0n
        ) {
          toFundAfterIssue += l.args.toFund!;
          for (const [id, b] of books)
            assert.ok(
              b.closed && b.repaid === b.face,
              `series ${id} repaid in full when the fund took revenue at block ${l.blockNumber}`,
            );
        }
      }
      // The fund was drained by the bad debt, and took nothing while the bonds were owed.
      const fundBalance = (blockNumber: bigint) =>
        publicClient.readContract({
          address: d.insuranceFund,
          abi: insuranceFundAbi,
          functionName: "balance",
          blockNumber,
        });
      assert.equal(await fundBalance(issued.blockNumber!), 0n);
      if (toFundAfterIssue === 0n)
        assert.equal(await fundBalance(settledBlock), 0n);
      else
        assert.ok(
          repaid === w.series.reduce((a, s) => a + s.faceSold, 0n),
          "revenue passed on to the fund, so every bond is repaid",
        );
      await system.stop();
    },
  );
});
