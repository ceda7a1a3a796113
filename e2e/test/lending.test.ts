/**
 * The lending market end to end: borrowers near their LTV, a crash, the keeper liquidating them through the lending
 * engine (fixed fee by default), bad debt through the shared waterfall to the lending vault, and the index equal to
 * the chain (scaled debts, collateral balances, bad debt).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, test } from "node:test";
import { pushPriceFeedAbi } from "../../abi/src/generated.ts";
import { clients, send } from "../src/contracts.ts";
import { indexCaughtUp } from "../src/crash.ts";
import {
  indexedLending,
  lendingOnChain,
  lendingReportLines,
  lendingSummary,
  openLendingBorrowers,
  parseLending,
} from "../src/lending.ts";
import { DEPLOYER_KEY, startSystem, type System } from "../src/system.ts";
import { iLendingMarketAbi } from "../../abi/src/generated.ts";

let system: System | undefined;
after(async () => {
  await system?.stop();
});

test("LENDING is on by default, off on request, and anything else is one config error line", () => {
  assert.equal(parseLending(undefined), true);
  assert.equal(parseLending("on"), true);
  assert.equal(parseLending("off"), false);
  assert.throws(
    () => parseLending("yes"),
    /^Error: config error: LENDING must be on or off; got "yes"$/,
  );
});

test("the crash liquidates the lending borrowers; bad debt reaches the lending vault through the waterfall; index = chain", async () => {
  system = await startSystem({ blockTimeSeconds: 1 });
  const d = system.deployment;
  const { publicClient, wallet } = clients(system.rpcUrl);
  const deployer = wallet(DEPLOYER_KEY);
  const borrowers = await openLendingBorrowers(system.rpcUrl, d, DEPLOYER_KEY);
  const before = await lendingOnChain(publicClient, d, borrowers);
  assert.deepEqual(before.liquidatable, [], "healthy before the crash");
  for (const hf of before.healthFactorsWad) {
    // Borrowed at 99.5–99.8% of the borrow LTV: health factor ≈ L ÷ borrow LTV ≈ 1.10–1.11.
    assert.ok(hf > 10n ** 18n && hf < 112n * 10n ** 16n, `health factor ${hf}`);
  }
  // The index's health factor and equity are the chain's, at the block it computed them.
  await indexCaughtUp(system.rpcUrl, system.indexerUrl);
  const opened = await indexedLending(system.indexerUrl);
  for (const b of borrowers) {
    const row = opened.health.find(
      (h) => h.account.toLowerCase() === b.toLowerCase(),
    );
    assert.ok(row, `${b}'s health indexed`);
    const at = { address: d.lending, abi: iLendingMarketAbi } as const;
    const blockNumber = BigInt(row.block);
    const hf = await publicClient.readContract({
      ...at,
      functionName: "healthFactorOf",
      args: [b],
      blockNumber,
    });
    const [equity, maintenance] = await publicClient.readContract({
      ...at,
      functionName: "marginState",
      args: [b],
      blockNumber,
    });
    assert.equal(
      BigInt(row.healthFactorWad),
      hf,
      "health factor: index = chain",
    );
    assert.equal(BigInt(row.equityWad), equity, "equity: index = chain");
    assert.equal(maintenance, 0n, "no maintenance without positions");
    assert.equal(BigInt(row.maintenanceWad), 0n);
    assert.equal(row.liquidatable, false);
  }
  await system.startKeeper();

  // ETH −20%: the WETH borrowers cross 82.5% LTV and their collateral covers the debt at 95%.
  // BTC −33%: the WBTC borrowers' collateral is worth less than their debt at 95%: bad debt.
  await send(publicClient, deployer, {
    address: d.ethFeed,
    abi: pushPriceFeedAbi,
    functionName: "push",
    args: [2_400n * 10n ** 18n],
  });
  await send(publicClient, deployer, {
    address: d.btcFeed,
    abi: pushPriceFeedAbi,
    functionName: "push",
    args: [40_000n * 10n ** 18n],
  });

  let chain = await lendingOnChain(publicClient, d, borrowers);
  for (
    let i = 0;
    i < 120 && (chain.liquidatable.length > 0 || chain.badDebtWad === 0n);
    i++
  ) {
    await new Promise((r) => setTimeout(r, 1_000));
    chain = await lendingOnChain(publicClient, d, borrowers);
  }
  assert.deepEqual(chain.liquidatable, [], "every lending breach cleared");
  assert.ok(
    chain.healthFactorsWad.every((hf) => hf === 2n ** 256n - 1n),
    "no debt left: infinite health factors",
  );
  assert.equal(chain.debtWad, 0n, "every debt repaid or written off");
  assert.ok(chain.badDebtWad > 0n, "the WBTC borrowers left bad debt");
  assert.equal(
    chain.waterfallRecognizedUnits * 10n ** 12n,
    chain.badDebtWad,
    "the waterfall recognized all of it",
  );
  assert.equal(
    chain.waterfallCoveredUnits,
    chain.waterfallRecognizedUnits,
    "the $50,000 fund covered it",
  );

  await indexCaughtUp(system.rpcUrl, system.indexerUrl);
  const head = await publicClient.getBlockNumber();
  const summary = await lendingSummary(system.indexerUrl);
  assert.equal(summary.liquidatedAccounts, borrowers.length);
  assert.equal(BigInt(summary.badDebtWad), chain.badDebtWad);
  assert.equal(BigInt(summary.badDebtCoveredWad), chain.badDebtWad);
  const index = await indexedLending(system.indexerUrl);
  for (const b of borrowers) {
    const row = index.accounts.find(
      (a) => a.address.toLowerCase() === b.toLowerCase(),
    );
    assert.ok(row, `${b} indexed`);
    const scaled = (await publicClient.readContract({
      address: d.lending,
      abi: iLendingMarketAbi,
      functionName: "scaledDebtOf",
      args: [b],
      blockNumber: head,
    })) as bigint;
    assert.equal(
      BigInt(row.scaledDebtWad),
      scaled,
      "scaled debt: index = chain",
    );
    for (const id of [0n, 1n]) {
      const amount = (await publicClient.readContract({
        address: d.lending,
        abi: iLendingMarketAbi,
        functionName: "collateralBalance",
        args: [b, id],
        blockNumber: head,
      })) as bigint;
      const indexed = index.balances.find(
        (x) =>
          x.account.toLowerCase() === b.toLowerCase() &&
          BigInt(x.collateralId) === id,
      );
      assert.equal(
        BigInt(indexed?.amount ?? "0"),
        amount,
        "collateral: index = chain",
      );
    }
  }
  const at = await (
    await fetch(`${system.indexerUrl}/accounts/at-risk?protocol=lending`)
  ).json();
  assert.equal(
    (at as { count: number }).count,
    0,
    "nothing left at risk in the index",
  );
  const lines = lendingReportLines(summary, chain);
  assert.match(lines.join("\n"), /accounts liquidated +4/);
});

test("the keeper works the lending market on the one path it works the perps protocol on: Dutch auctions kicked and taken through the lending auction house, each a decision of protocol lending", async () => {
  await system?.stop();
  system = await startSystem({
    blockTimeSeconds: 1,
    lendingPattern: "dutch-auction",
    auctionStepSeconds: 1,
  });
  const d = system.deployment;
  const { publicClient, wallet } = clients(system.rpcUrl);
  const deployer = wallet(DEPLOYER_KEY);
  const borrowers = await openLendingBorrowers(system.rpcUrl, d, DEPLOYER_KEY);
  const keeper = await system.startKeeper();
  // ETH −20%: the WETH borrowers cross their liquidation LTV with collateral to spare.
  await send(publicClient, deployer, {
    address: d.ethFeed,
    abi: pushPriceFeedAbi,
    functionName: "push",
    args: [2_400n * 10n ** 18n],
  });
  const liveAuctions = async () => {
    const res = await fetch(
      `${system!.indexerUrl}/auctions/active?protocol=lending`,
    );
    assert.equal(res.status, 200);
    return ((await res.json()) as { count: number }).count;
  };
  let chain = await lendingOnChain(publicClient, d, borrowers);
  let summary = await lendingSummary(system.indexerUrl);
  for (
    let i = 0;
    i < 150 &&
    (chain.liquidatable.length > 0 ||
      (summary.byKind.take?.count ?? 0) === 0 ||
      (await liveAuctions()) > 0);
    i++
  ) {
    await new Promise((r) => setTimeout(r, 1_000));
    chain = await lendingOnChain(publicClient, d, borrowers);
    summary = await lendingSummary(system.indexerUrl);
  }
  assert.deepEqual(chain.liquidatable, [], "every lending breach cleared");
  assert.equal(await liveAuctions(), 0, "every lending auction ended");
  assert.ok((summary.byKind.kick?.count ?? 0) >= 2, "both WETH lots kicked");
  assert.ok((summary.byKind.take?.count ?? 0) >= 2, "and taken");
  assert.equal(
    summary.byKind.sale?.count ?? 0,
    0,
    "nothing bought at a fixed fee",
  );

  // One decision log: the kicks and takes are the strategy's decisions, under the lending market's name.
  const decisions = readFileSync(keeper.logFile, "utf8")
    .split("\n")
    .filter((line) => line.includes('"event":"decision"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const sent = (action: string) =>
    decisions.filter(
      (x) =>
        x.protocol === "lending" &&
        x.action === action &&
        x.decision === "liquidate" &&
        typeof x.txHash === "string",
    ).length;
  assert.ok(sent("kick") >= 2, `kicks sent: ${sent("kick")}`);
  // A lot the keeper reaches late may have decayed to its floor, where it buys for the backstop instead.
  assert.ok(
    sent("take") + sent("buyAuction") >= 2,
    `takes sent: ${sent("take")}, floor buys sent: ${sent("buyAuction")}`,
  );
});
