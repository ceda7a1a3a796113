/**
 * End to end: anvil, the deployed contracts, the indexer and the keeper liquidate an account.
 * Run once on the embedded PGlite and once on a real PostgreSQL (a throwaway cluster).
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { encodeAbiParameters } from "viem";
import {
  iAuctionHouseAbi,
  iLiquidationEngineAbi,
  iMarginProtocolAbi,
  testnetTokenAbi,
} from "../../abi/src/generated.ts";
import { clients, contracts, send } from "../src/contracts.ts";
import { startCluster, type Cluster } from "../src/postgres.ts";
import { waitFor } from "../src/processes.ts";
import {
  buildReport,
  reportProblems,
  takeBaseline,
  type Report,
} from "../src/report.ts";
import { indexCaughtUp } from "../src/crash.ts";
import {
  liquidatableAt,
  openBook,
  pushPrices,
  runCrash,
  traderKey,
  type TraderPlan,
} from "../src/scenario.ts";
import { DEPLOYER_KEY, startSystem, type System } from "../src/system.ts";

const WAD = 10n ** 18n;

/** One account the crash takes below maintenance, one cautious account it must not touch. */
const book: TraderPlan[] = [
  {
    label: "leveraged",
    quoteUsdc: 1_000n,
    wethWad: 0n,
    wbtcSats: 0n,
    ethSizeWad: 2n * WAD,
    btcSizeWad: 0n,
  },
  {
    label: "cautious",
    quoteUsdc: 5_000n,
    wethWad: 0n,
    wbtcSats: 0n,
    ethSizeWad: 1n * WAD,
    btcSizeWad: 0n,
  },
];

type Row = {
  address: string;
  healthWad: string;
  equityWad: string;
  maintenanceWad: string;
};

/** The account's health at the latest indexed prices (GET /accounts/:address/health). */
async function indexedHealth(
  indexerUrl: string,
  account: string,
): Promise<Row | undefined> {
  const response = await fetch(`${indexerUrl}/accounts/${account}/health`);
  if (response.status === 404) return undefined;
  assert.equal(response.status, 200, await response.clone().text());
  return (await response.json()) as Row;
}

async function liquidationsOf(
  indexerUrl: string,
  account: string,
): Promise<number> {
  const response = await fetch(`${indexerUrl}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      query: `{ liquidations(where: { account: "${account.toLowerCase()}" }) { items { id } } }`,
    }),
  });
  const body = (await response.json()) as {
    data?: { liquidations: { items: unknown[] } };
  };
  return body.data?.liquidations.items.length ?? 0;
}

async function liquidateOneAccount(system: System) {
  const { publicClient } = clients(system.rpcUrl);
  const c = contracts(system.deployment, publicClient);
  const [leveraged, cautious] = await openBook(
    system.rpcUrl,
    system.deployment,
    book,
  );
  await system.startKeeper();

  // −15%: the 6× long (equity ≈ 97, maintenance ≈ 255) crosses maintenance; the 0.6× long does not.
  const block = await pushPrices(system.rpcUrl, system.deployment, {
    ethUsd: 2_550n,
    btcUsd: 60_000n,
  });
  assert.deepEqual(
    await liquidatableAt(
      publicClient,
      system.deployment,
      [leveraged!, cautious!],
      block,
    ),
    [leveraged!.address],
  );

  await waitFor(
    "the keeper to liquidate the leveraged account",
    async () => !(await c.protocol.read.isLiquidatable([leveraged!.address])),
    { timeoutMs: 60_000, intervalMs: 250, proc: system.keeper },
  );
  const [size] = await c.protocol.read.position([leveraged!.address, 0n]);
  assert.ok(size < 2n * WAD, "the position was reduced");
  const [cautiousSize] = await c.protocol.read.position([
    cautious!.address,
    0n,
  ]);
  assert.equal(cautiousSize, 1n * WAD, "the healthy account was not touched");

  // The index recorded the liquidation, and its health matches the contract's at the same state.
  await waitFor(
    "the index to record the liquidation",
    async () =>
      (await liquidationsOf(system.indexerUrl, leveraged!.address)) > 0,
    {
      timeoutMs: 30_000,
      proc: system.indexer,
    },
  );
  for (const account of [leveraged!.address, cautious!.address]) {
    const chain = await c.protocol.read.health([account]);
    await waitFor(
      `the indexed health of ${account} to match the chain`,
      async () =>
        (await indexedHealth(system.indexerUrl, account))?.equityWad ===
        chain.equityWad.toString(),
      { timeoutMs: 30_000, proc: system.indexer },
    );
    const indexed = (await indexedHealth(system.indexerUrl, account))!;
    assert.equal(indexed.maintenanceWad, chain.maintenanceWad.toString());
    assert.equal(indexed.healthWad, chain.healthWad.toString());
  }

  // The guardian (here the owner) raises the circuit breaker; the index shows it.
  const { wallet } = clients(system.rpcUrl);
  await send(publicClient, wallet(DEPLOYER_KEY), {
    address: system.deployment.protocol,
    abi: iMarginProtocolAbi,
    functionName: "setBreakerLevel",
    args: [1],
  });
  await waitFor(
    "the index to show breaker level 1",
    async () => {
      const stats = (await (
        await fetch(`${system.indexerUrl}/stats`)
      ).json()) as { breakerLevel?: number };
      return stats.breakerLevel === 1;
    },
    { timeoutMs: 30_000, proc: system.indexer },
  );
}

/**
 * The auction pattern on a real chain: WETH is auctioned; the keeper closes the position, a capital-less taker
 * kicks and takes through the pool callback, and the index follows the auction to its end.
 */
async function auctionOneAccount(system: System) {
  const { publicClient, wallet } = clients(system.rpcUrl);
  const d = system.deployment;
  const c = contracts(d, publicClient);
  const owner = wallet(DEPLOYER_KEY);
  await send(publicClient, owner, {
    address: d.engine,
    abi: iLiquidationEngineAbi,
    functionName: "setCollateralPattern",
    args: [0n, 1],
  });
  // 3 WETH of collateral, long 4 ETH; at 1,800 its equity is negative.
  const [trader] = await openBook(system.rpcUrl, d, [
    {
      label: "weth-backed",
      quoteUsdc: 0n,
      wethWad: 3n * WAD,
      wbtcSats: 0n,
      ethSizeWad: 4n * WAD,
      btcSizeWad: 0n,
    },
  ]);
  // The keeper closes the position and leaves the auction to the capital-less taker below.
  await system.startKeeper({ KEEPER_ACTIONS: "liquidate,buyCollateral" });
  await pushPrices(system.rpcUrl, d, { ethUsd: 1_800n, btcUsd: 60_000n });
  await waitFor(
    "the keeper to close the position",
    async () =>
      (await c.protocol.read.position([trader!.address, 0n]))[0] === 0n,
    { timeoutMs: 60_000, intervalMs: 250, proc: system.keeper },
  );

  // A taker with gas money and no quote: kick, then take through the pool.
  const takerKey = traderKey(999);
  const taker = wallet(takerKey);
  await publicClient.request({
    method: "anvil_setBalance" as never,
    params: [taker.account.address, "0x8ac7230489e80000"] as never,
  });
  await send(publicClient, taker, {
    address: d.quote,
    abi: testnetTokenAbi,
    functionName: "approve",
    args: [d.auctionHouse, 2n ** 256n - 1n],
  });
  // The protocol pulls the account's part of a take, the auction house sends the penalty to the solvency waterfall.
  await send(publicClient, taker, {
    address: d.quote,
    abi: testnetTokenAbi,
    functionName: "approve",
    args: [d.protocol, 2n ** 256n - 1n],
  });
  await send(publicClient, taker, {
    address: d.auctionHouse,
    abi: iAuctionHouseAbi,
    functionName: "kick",
    args: [trader!.address, 0n],
  });
  const active = async () =>
    (await (await fetch(`${system.indexerUrl}/auctions/active`)).json()) as {
      count: number;
      auctions: {
        id: string;
        priceWad: string;
        needsReset: boolean;
        lot: string;
      }[];
    };
  await waitFor(
    "the index to show the live auction",
    async () => (await active()).count === 1,
    {
      timeoutMs: 30_000,
      proc: system.indexer,
    },
  );
  const live = (await active()).auctions[0]!;
  assert.equal(live.lot, (3n * WAD).toString());
  assert.ok(BigInt(live.priceWad) > 0n && !live.needsReset);

  await send(publicClient, taker, {
    address: d.auctionHouse,
    abi: iAuctionHouseAbi,
    functionName: "take",
    args: [
      BigInt(live.id),
      2n ** 256n - 1n,
      2n ** 256n - 1n,
      d.takeCallee,
      encodeAbiParameters(
        [{ type: "address" }, { type: "uint256" }],
        [d.wethPool, 0n],
      ),
    ],
  });
  assert.ok(
    (await c.usdc.read.balanceOf([taker.account.address])) > 0n,
    "the taker profited without capital",
  );
  assert.ok(
    (await c.protocol.read.quoteBalance([trader!.address])) >= 0n,
    "the debt was repaid",
  );
  await waitFor(
    "the index to end the auction",
    async () => (await active()).count === 0,
    {
      timeoutMs: 30_000,
      proc: system.indexer,
    },
  );
  // The account's proceeds and returned collateral reached the index too.
  const chain = await c.protocol.read.health([trader!.address]);
  await waitFor(
    "the indexed health of the auctioned account to match the chain",
    async () =>
      (await indexedHealth(system.indexerUrl, trader!.address))?.equityWad ===
      chain.equityWad.toString(),
    { timeoutMs: 30_000, proc: system.indexer },
  );
}

/**
 * The internal pattern on a real chain: both collateral assets are bought by the backstop vault. A WETH-backed and a
 * WBTC-backed long fall into debt in a two-step crash; the keeper closes their positions and has the backstop absorb
 * their collateral; every debt is repaid or written off, and the index's backstop holdings match the chain's.
 */
async function internalCrash(system: System): Promise<Report> {
  const { publicClient } = clients(system.rpcUrl);
  const d = system.deployment;
  const c = contracts(d, publicClient);
  const traders = await openBook(system.rpcUrl, d, [
    {
      label: "weth-backed",
      quoteUsdc: 0n,
      wethWad: 2n * WAD,
      wbtcSats: 0n,
      ethSizeWad: 4n * WAD,
      btcSizeWad: 0n,
    },
    {
      label: "wbtc-backed",
      quoteUsdc: 0n,
      wethWad: 0n,
      wbtcSats: 10_000_000n, // 0.1 WBTC
      ethSizeWad: 0n,
      btcSizeWad: (3n * WAD) / 10n,
    },
    {
      label: "cautious",
      quoteUsdc: 5_000n,
      wethWad: 0n,
      wbtcSats: 0n,
      ethSizeWad: 1n * WAD,
      btcSizeWad: 0n,
    },
  ]);
  const baseline = await takeBaseline(system.rpcUrl, d);
  await system.startKeeper();
  // At $2,100 the WETH-backed long and at $45,000 the WBTC-backed long have negative equity.
  const scenario = await runCrash(
    system.rpcUrl,
    d,
    traders,
    [
      { ethUsd: 2_500n, btcUsd: 55_000n },
      { ethUsd: 2_100n, btcUsd: 45_000n },
    ],
    { clearTimeoutMs: 60_000 },
  );
  await indexCaughtUp(system.rpcUrl, system.indexerUrl);
  const report = await buildReport(
    system.rpcUrl,
    system.indexerUrl,
    d,
    scenario,
    baseline,
    "internal",
  );
  assert.deepEqual(reportProblems(report, scenario), []);
  assert.equal(report.accountsBreached, 2);
  assert.equal(report.accountsCleared, 2);
  assert.ok(report.backstopAbsorbs >= 2, "the backstop bought both assets");
  assert.equal(report.collateralSales, 0, "no keeper bought at the discount");
  assert.equal(report.waterfallImbalanceWad, 0n);
  // Every debt was repaid by the backstop's purchase or written off against the insurance fund.
  for (const t of traders)
    assert.ok((await c.protocol.read.quoteBalance([t.address])) >= 0n);
  // The backstop paid 98% of the oracle value; its operator sold what it bought into the pools once each step cleared
  // (what is left is what the pools would not take within 1% of the oracle); the index agrees with the chain.
  const sales = scenario.steps.flatMap((s) => s.backstopSales);
  assert.ok(
    sales.some((x) => x.sold > 0n),
    "the operator sold into the pools",
  );
  assert.equal(
    report.backstop.soldWad,
    sales.reduce((sum, x) => sum + x.receivedWad, 0n),
  );
  const keptAtTheEnd = scenario.steps.at(-1)!.backstopSales;
  for (const h of report.backstop.held)
    assert.equal(
      h.amount,
      keptAtTheEnd.find((x) => x.collateralId === h.collateralId)?.kept ?? 0n,
    );
  assert.equal(report.execution.backstop.sales, report.backstopAbsorbs);
  const paid = report.execution.backstop.paidWad;
  const value = report.execution.backstop.oracleValueWad;
  assert.ok(paid * 1000n >= value * 979n && paid * 1000n <= value * 981n);
  assert.equal(report.backstop.boughtWad, paid);
  assert.ok(report.indexMatchesChain, report.indexMismatches.join("; "));
  return report;
}

/**
 * An auction nobody takes: the keeper kicks but may not take, so the lot decays below its floor and the keeper has
 * the backstop buy it at the floor price (a reset is refused while the backstop can buy). The keeper's rewards are
 * paid through the solvency waterfall: its pending revenue first, then the insurance fund.
 */
async function floorBuyCrash(system: System): Promise<Report> {
  const d = system.deployment;
  const traders = await openBook(system.rpcUrl, d, [
    {
      label: "weth-backed",
      quoteUsdc: 0n,
      wethWad: 3n * WAD,
      wbtcSats: 0n,
      ethSizeWad: 4n * WAD,
      btcSizeWad: 0n,
    },
  ]);
  const baseline = await takeBaseline(system.rpcUrl, d);
  await system.startKeeper({
    KEEPER_ACTIONS: "liquidate,kick,redo,buyAuction",
  });
  const scenario = await runCrash(
    system.rpcUrl,
    d,
    traders,
    [{ ethUsd: 1_800n, btcUsd: 60_000n }],
    { clearTimeoutMs: 90_000 },
  );
  await indexCaughtUp(system.rpcUrl, system.indexerUrl);
  const report = await buildReport(
    system.rpcUrl,
    system.indexerUrl,
    d,
    scenario,
    baseline,
    "dutch-auction",
  );
  assert.deepEqual(reportProblems(report, scenario), []);
  assert.equal(report.kicks, 1);
  assert.equal(report.takes, 0);
  assert.ok(report.backstopFloorBuys >= 1, "the backstop bought the lot");
  // At the floor: 85% of the oracle price (rounded up to whole quote units).
  const { paidWad, oracleValueWad } = report.execution.backstop;
  assert.ok(paidWad * 100n >= oracleValueWad * 85n);
  assert.ok(paidWad * 1000n <= oracleValueWad * 851n);
  assert.equal(report.backstop.boughtWad, paidWad);
  assert.ok(report.auctionKeeperRewardsWad > 0n, "the keeper was rewarded");
  // Every reward the auction events name went through the waterfall (RewardPaid), from revenue or the fund.
  assert.equal(report.rewardImbalanceWad, 0n);
  assert.equal(report.waterfallImbalanceWad, 0n);
  return report;
}

describe("end to end", { concurrency: false }, () => {
  const systems: System[] = [];
  let cluster: Cluster | undefined;
  after(async () => {
    for (const s of systems) await s.stop();
    await cluster?.stop();
  });

  it(
    "liquidates an account with the index on PGlite",
    { timeout: 240_000 },
    async () => {
      const system = await startSystem({ blockTimeSeconds: 1 });
      systems.push(system);
      await liquidateOneAccount(system);
      await system.stop();
    },
  );

  it(
    "auctions an account's collateral, taken without capital through a pool",
    { timeout: 240_000 },
    async () => {
      const system = await startSystem({ blockTimeSeconds: 1 });
      systems.push(system);
      await auctionOneAccount(system);
      await system.stop();
    },
  );

  it(
    "liquidates under the internal pattern: the backstop buys the collateral",
    { timeout: 240_000 },
    async () => {
      const system = await startSystem({
        blockTimeSeconds: 1,
        pattern: "internal",
      });
      systems.push(system);
      await internalCrash(system);
      await system.stop();
    },
  );

  it(
    "has the backstop buy an auction lot that fell below its floor",
    { timeout: 240_000 },
    async () => {
      // −1% a second: the lot reaches its floor (85% of the oracle price) in about 30 s.
      const system = await startSystem({
        blockTimeSeconds: 1,
        pattern: "dutch-auction",
        auctionStepSeconds: 1,
      });
      systems.push(system);
      await floorBuyCrash(system);
      await system.stop();
    },
  );

  it(
    "liquidates an account with the index on PostgreSQL",
    { timeout: 240_000 },
    async () => {
      cluster = await startCluster();
      const system = await startSystem({
        blockTimeSeconds: 1,
        databaseUrl: cluster.url,
      });
      systems.push(system);
      await liquidateOneAccount(system);
      await system.stop();
    },
  );
});
