/**
 * The index follows every layer of the solvency waterfall. On a real chain with the real deployment and indexer, a
 * deficit goes all the way down: the owner's stake (the fund's only shares) leaves through the cooldown, a crash
 * leaves an account in debt, the drained fund covers none of it and a bond series takes all of it, half of the series
 * sells, the rest is socialized at the close, revenue (the swept fee share and a top-up) repays the bonds before the
 * fund while the reward reserve stays behind, the owner lowers the reserve, a keeper reward takes the pending revenue
 * and then the fund, and the bondholder redeems. At each of those blocks, at a block without events and at the head,
 * GET /solvency must equal what the chain says at that block: SolvencyWaterfall.layers(vault) and totals(vault), each
 * series(id), the fund's supply, escrow, share price and floor, the revenue pending, the reserve and what route()
 * would send the fund, and the rewards paid from revenue and by the fund (the RewardPaid events up to that block).
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { parseAbi, type Address } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  iMarginProtocolAbi,
  insuranceFundAbi,
  solvencyWaterfallAbi,
  testnetTokenAbi,
} from "../../abi/src/generated.ts";
import {
  clients,
  readerAt,
  send,
  type PublicClient,
} from "../src/contracts.ts";
import { indexCaughtUp } from "../src/crash.ts";
import { waitFor } from "../src/processes.ts";
import { openBook, pushPrices } from "../src/scenario.ts";
import type { IndexedSolvency as Solvency } from "../src/waterfallIndex.ts";
import {
  DEPLOYER_KEY,
  startSystem,
  type Deployment,
  type System,
} from "../src/system.ts";

const WAD = 10n ** 18n;
// MarginProtocol's fee share (not part of IMarginProtocol).
const feeShareAbi = parseAbi([
  "function feesOwedWad() view returns (uint256)",
  "function sweepFees() returns (uint256)",
]);
const DAY = 86_400;

async function getJson(
  url: string,
): Promise<{ status: number; text: string; body: unknown }> {
  const response = await fetch(url);
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) };
}

async function solvencyAt(indexerUrl: string, block?: bigint) {
  const query = block === undefined ? "" : `?block=${block}`;
  const r = await getJson(`${indexerUrl}/solvency${query}`);
  assert.equal(r.status, 200, r.text);
  return r.body as Solvency;
}

/** Time jumps on the local chain: the next block is `seconds` later. */
async function skip(publicClient: PublicClient, seconds: number) {
  await publicClient.request({
    method: "evm_increaseTime" as never,
    params: [seconds] as never,
  });
  await publicClient.request({
    method: "evm_mine" as never,
    params: [] as never,
  });
}

/** What the chain says at `block`, in the route's shape. */
async function chainAt(
  publicClient: PublicClient,
  d: Deployment,
  blockNumber: bigint,
): Promise<Solvency> {
  const read = readerAt(publicClient, blockNumber);
  const wf = (fn: string, args: readonly unknown[] = []) =>
    read<never>(d.waterfall, solvencyWaterfallAbi, fn, args);
  const fund = (fn: string, args: readonly unknown[] = []) =>
    read<bigint>(d.insuranceFund, insuranceFundAbi, fn, args);
  const layers = (await wf("layers", [d.vault])) as {
    fundAssets: bigint;
    pendingRevenue: bigint;
    openDeficit: bigint;
    outstandingFace: bigint;
    heldForHolders: bigint;
    recognized: bigint;
    coveredByFund: bigint;
    raisedByBonds: bigint;
    socialized: bigint;
  };
  const [recognized, coveredByFund, raisedByBonds, socialized] = (await wf(
    "totals",
    [d.vault],
  )) as readonly [bigint, bigint, bigint, bigint];
  const count = (await wf("seriesCount")) as bigint;
  const series = [];
  for (let id = 0n; id < count; id++) {
    const s = (await wf("series", [id])) as {
      deficit: bigint;
      raised: bigint;
      faceSold: bigint;
      repaid: bigint;
      redeemed: bigint;
      closed: boolean;
      startedAt: bigint;
      maturity: bigint;
    };
    series.push({
      id: String(id),
      deficit: String(s.deficit),
      raised: String(s.raised),
      faceSold: String(s.faceSold),
      repaid: String(s.repaid),
      redeemed: String(s.redeemed),
      closed: s.closed,
      startedAt: String(s.startedAt),
      maturity: String(s.maturity),
    });
  }
  const rewards = await publicClient.getContractEvents({
    address: d.waterfall,
    abi: solvencyWaterfallAbi,
    eventName: "RewardPaid",
    fromBlock: BigInt(d.startBlock),
    toBlock: blockNumber,
  });
  const rewardsPaid = (part: "fromRevenue" | "fromFund") =>
    String(rewards.reduce((sum, l) => sum + l.args[part]!, 0n));
  const header = await publicClient.getBlock({ blockNumber });
  // The route's totals are totals(vault); layers(vault) holds the same four.
  assert.deepEqual(
    [recognized, coveredByFund, raisedByBonds, socialized],
    [
      layers.recognized,
      layers.coveredByFund,
      layers.raisedByBonds,
      layers.socialized,
    ],
  );
  return {
    block: String(blockNumber),
    timestamp: String(header.timestamp),
    fund: {
      assets: String(layers.fundAssets),
      totalShares: String(await fund("totalSupply")),
      sharePriceWad: String(await fund("convertToAssets", [WAD])),
      escrowedShares: String(await fund("balanceOf", [d.insuranceFund])),
      pendingRequests: -1, // not readable from the chain; asserted per step
      floorAssets: String(await fund("floorAssets")),
      rewardsPaid: rewardsPaid("fromFund"),
    },
    bonds: {
      series,
      outstandingFace: String(layers.outstandingFace),
      heldForHolders: String(layers.heldForHolders),
    },
    revenue: {
      pending: String(layers.pendingRevenue),
      rewardReserve: String(await wf("rewardReserveUnits")),
      pendingForFund: String(await wf("pendingForFund")),
      rewardsPaid: rewardsPaid("fromRevenue"),
    },
    vault: {
      deficitReceivable: String(layers.openDeficit),
      socialized: String(socialized),
    },
    totals: {
      recognized: String(recognized),
      coveredByFund: String(coveredByFund),
      raisedByBonds: String(raisedByBonds),
      socialized: String(socialized),
      open: String(layers.openDeficit),
    },
  };
}

async function assertIndexMatchesChain(
  system: System,
  publicClient: PublicClient,
  label: string,
  block: bigint | undefined,
  pendingRequests: number,
) {
  const indexed = await solvencyAt(system.indexerUrl, block);
  const at = BigInt(indexed.block);
  if (block !== undefined) assert.equal(at, block, label);
  const chain = await chainAt(publicClient, system.deployment, at);
  assert.deepEqual(
    indexed,
    { ...chain, fund: { ...chain.fund, pendingRequests } },
    `${label} (block ${at})`,
  );
  const t = indexed.totals;
  assert.equal(
    BigInt(t.recognized),
    BigInt(t.coveredByFund) +
      BigInt(t.raisedByBonds) +
      BigInt(t.socialized) +
      BigInt(t.open),
    `${label}: the identity`,
  );
  return indexed;
}

async function waterfallScenario(system: System) {
  const { publicClient, wallet } = clients(system.rpcUrl);
  const d = system.deployment;
  const owner = wallet(DEPLOYER_KEY);
  const ownerAddress = privateKeyToAccount(DEPLOYER_KEY).address;
  const tx = (
    address: Address,
    abi: readonly unknown[],
    fn: string,
    args: readonly unknown[] = [],
  ) => send(publicClient, owner, { address, abi, functionName: fn, args });
  const steps: { label: string; block: bigint; pendingRequests: number }[] = [];

  // 1. The owner's stake, the fund's only shares, leaves through the cooldown.
  const stake = await publicClient.readContract({
    address: d.insuranceFund,
    abi: insuranceFundAbi,
    functionName: "balanceOf",
    args: [ownerAddress],
  });
  assert.ok(stake > 0n, "the deployment staked the owner's seed");
  steps.push({
    label: "withdrawal requested",
    block: await tx(d.insuranceFund, insuranceFundAbi, "requestWithdraw", [
      stake,
    ]),
    pendingRequests: 1,
  });
  await skip(publicClient, 7 * DAY + 1);
  steps.push({
    label: "fund drained",
    block: await tx(d.insuranceFund, insuranceFundAbi, "withdrawRequested", [
      ownerAddress,
    ]),
    pendingRequests: 0,
  });

  // 2. Fresh prices after the week: the first push ends an outage (liquidations wait 10 minutes), the second,
  // after the grace, leaves them valid.
  await pushPrices(system.rpcUrl, d, { ethUsd: 3_000n, btcUsd: 60_000n });
  await skip(publicClient, 601);
  await pushPrices(system.rpcUrl, d, { ethUsd: 3_000n, btcUsd: 60_000n });

  // 3. A 9× long on $1,000; at $2,500 its equity is about −$500, which the keeper's liquidation leaves as bad debt.
  await openBook(system.rpcUrl, d, [
    {
      label: "reckless",
      quoteUsdc: 1_000n,
      wethWad: 0n,
      wbtcSats: 0n,
      ethSizeWad: 3n * WAD,
      btcSizeWad: 0n,
    },
  ]);
  await system.startKeeper({ KEEPER_ACTIONS: "liquidate" });
  await pushPrices(system.rpcUrl, d, { ethUsd: 2_500n, btcUsd: 60_000n });
  const seriesCount = () =>
    publicClient.readContract({
      address: d.waterfall,
      abi: solvencyWaterfallAbi,
      functionName: "seriesCount",
    });
  await waitFor(
    "the bad debt to open a bond series",
    async () => (await seriesCount()) === 1n,
    {
      timeoutMs: 60_000,
      proc: system.keeper,
    },
  );
  const [issued] = await publicClient.getContractEvents({
    address: d.waterfall,
    abi: solvencyWaterfallAbi,
    eventName: "SeriesIssued",
    fromBlock: 0n,
  });
  steps.push({
    label: "series issued",
    block: issued!.blockNumber,
    pendingRequests: 0,
  });
  const series0 = await publicClient.readContract({
    address: d.waterfall,
    abi: solvencyWaterfallAbi,
    functionName: "series",
    args: [0n],
  });
  assert.ok(series0.deficit >= 100_000_000n, "at least the minimum series");

  // 4. The owner buys half the deficit's worth of bonds.
  const half = series0.deficit / 2n;
  await tx(d.quote, testnetTokenAbi, "mint", [ownerAddress, half]);
  await tx(d.quote, testnetTokenAbi, "approve", [d.waterfall, half]);
  steps.push({
    label: "bonds bought",
    block: await tx(d.waterfall, solvencyWaterfallAbi, "buyBonds", [
      0n,
      half,
      WAD,
      ownerAddress,
    ]),
    pendingRequests: 0,
  });

  // 5. After the sale's floor window the series closes; the unsold half is socialized.
  const closable = await publicClient.readContract({
    address: d.waterfall,
    abi: solvencyWaterfallAbi,
    functionName: "closableAt",
    args: [0n],
  });
  const now = (await publicClient.getBlock()).timestamp;
  if (closable > now) await skip(publicClient, Number(closable - now) + 1);
  steps.push({
    label: "series closed",
    block: await tx(d.waterfall, solvencyWaterfallAbi, "closeSeries", [0n]),
    pendingRequests: 0,
  });

  // 6. Revenue: the trade fee share, then a top-up bigger than what the bonds are owed and the reward reserve together;
  // route() repays the bonds first, keeps the reserve back and sends the rest to the fund.
  const feesOwed = await publicClient.readContract({
    address: d.protocol,
    abi: feeShareAbi,
    functionName: "feesOwedWad",
  });
  assert.ok(feesOwed > 0n, "the trades accrued a fee share");
  steps.push({
    label: "fees swept",
    block: await tx(d.protocol, feeShareAbi, "sweepFees"),
    pendingRequests: 0,
  });
  const faceSold = (
    await publicClient.readContract({
      address: d.waterfall,
      abi: solvencyWaterfallAbi,
      functionName: "series",
      args: [0n],
    })
  ).faceSold;
  const reserve = await publicClient.readContract({
    address: d.waterfall,
    abi: solvencyWaterfallAbi,
    functionName: "rewardReserveUnits",
  });
  assert.ok(reserve > 0n, "the deployment keeps a reward reserve");
  await tx(d.quote, testnetTokenAbi, "mint", [
    d.waterfall,
    faceSold + reserve + 2_000_000n,
  ]);
  steps.push({
    label: "revenue routed",
    block: await tx(d.waterfall, solvencyWaterfallAbi, "route"),
    pendingRequests: 0,
  });

  // 7. The owner halves the reserve: half of the revenue kept back is pending for the fund.
  steps.push({
    label: "reserve lowered",
    block: await tx(d.waterfall, solvencyWaterfallAbi, "setRewardReserve", [
      reserve / 2n,
    ]),
    pendingRequests: 0,
  });

  // 8. A keeper reward one dollar beyond the pending revenue, ordered by the owner as a reward spender: the revenue
  // pays first (the reserve and the fund's pending part alike), the fund the dollar left.
  await tx(d.waterfall, solvencyWaterfallAbi, "setRewardSpender", [
    ownerAddress,
    true,
  ]);
  steps.push({
    label: "reward paid",
    block: await tx(d.waterfall, solvencyWaterfallAbi, "cover", [
      ownerAddress,
      reserve + 1_000_000n,
    ]),
    pendingRequests: 0,
  });

  // 9. The bondholder redeems.
  steps.push({
    label: "bonds redeemed",
    block: await tx(d.waterfall, solvencyWaterfallAbi, "redeem", [
      0n,
      ownerAddress,
    ]),
    pendingRequests: 0,
  });
  return steps;
}

describe("the solvency index", { concurrency: false }, () => {
  const systems: System[] = [];
  after(async () => {
    for (const s of systems) await s.stop();
  });

  it(
    "serves every layer of the waterfall at past blocks and at the head as the chain has them",
    { timeout: 300_000 },
    async () => {
      const system = await startSystem({ blockTimeSeconds: 1 });
      systems.push(system);
      const { publicClient } = clients(system.rpcUrl);
      const steps = await waterfallScenario(system);
      await indexCaughtUp(system.rpcUrl, system.indexerUrl);

      for (const s of steps)
        await assertIndexMatchesChain(
          system,
          publicClient,
          s.label,
          s.block,
          s.pendingRequests,
        );
      // A block with no event of its own: the state of the latest change before it.
      const last = steps.at(-1)!;
      await waitFor(
        "the index to pass the last step",
        async () => {
          const r = await getJson(`${system.indexerUrl}/status/latest`);
          return (
            BigInt((r.body as { latestBlock: number }).latestBlock) > last.block
          );
        },
        { timeoutMs: 20_000, proc: system.indexer },
      );
      await assertIndexMatchesChain(
        system,
        publicClient,
        "after the last step",
        last.block + 1n,
        0,
      );
      const head = await assertIndexMatchesChain(
        system,
        publicClient,
        "the head",
        undefined,
        0,
      );

      // The scenario reached every layer.
      const drained = await solvencyAt(system.indexerUrl, steps[1]!.block);
      assert.equal(drained.fund.assets, "0");
      assert.equal(drained.fund.totalShares, "0");
      const requested = await solvencyAt(system.indexerUrl, steps[0]!.block);
      assert.equal(requested.fund.escrowedShares, requested.fund.totalShares);
      const [series] = head.bonds.series;
      assert.ok(series!.closed);
      assert.ok(
        BigInt(series!.raised) > 0n && BigInt(head.totals.socialized) > 0n,
      );
      assert.equal(series!.repaid, series!.faceSold, "fully repaid");
      assert.ok(BigInt(series!.redeemed) > 0n);
      assert.equal(
        head.totals.coveredByFund,
        "0",
        "the drained fund had nothing to cover with",
      );
      assert.equal(head.totals.open, "0");
      assert.ok(
        BigInt(head.fund.assets) > 0n,
        "the fund got the revenue left after the bonds and the reserve",
      );
      const atStep = (label: string) => {
        const found = steps.find((s) => s.label === label);
        assert.ok(found, label);
        return solvencyAt(system.indexerUrl, found.block);
      };
      // route() kept the reserve back; halving it made half of it pending for the fund.
      const afterRoute = await atStep("revenue routed");
      assert.ok(BigInt(afterRoute.revenue.rewardReserve) > 0n);
      assert.equal(
        afterRoute.revenue.pending,
        afterRoute.revenue.rewardReserve,
      );
      assert.equal(afterRoute.revenue.pendingForFund, "0");
      const lowered = await atStep("reserve lowered");
      assert.equal(
        BigInt(lowered.revenue.rewardReserve) * 2n,
        BigInt(afterRoute.revenue.rewardReserve),
      );
      assert.equal(
        lowered.revenue.pendingForFund,
        lowered.revenue.rewardReserve,
      );
      // The reward took all the pending revenue (the old reserve) and a dollar from the fund.
      const rewarded = await atStep("reward paid");
      assert.equal(rewarded.revenue.pending, "0");
      assert.equal(rewarded.revenue.rewardsPaid, afterRoute.revenue.pending);
      assert.equal(rewarded.fund.rewardsPaid, "1000000");
      assert.equal(
        BigInt(rewarded.fund.assets),
        BigInt(lowered.fund.assets) - 1_000_000n,
      );

      // /stats: the fund's balance and the revenue that reached the waterfall, as the chain has them.
      const d = system.deployment;
      const stats = (await getJson(`${system.indexerUrl}/stats`))
        .body as Record<string, string>;
      const atHead = BigInt(head.block);
      assert.equal(
        stats.insuranceFundBalance,
        String(
          await publicClient.readContract({
            address: d.insuranceFund,
            abi: insuranceFundAbi,
            functionName: "balance",
            blockNumber: atHead,
          }),
        ),
      );
      const toWaterfall = await publicClient.getContractEvents({
        address: d.quote,
        abi: testnetTokenAbi,
        eventName: "Transfer",
        args: { to: d.waterfall },
        fromBlock: 0n,
        toBlock: atHead,
      });
      assert.equal(
        stats.revenueReceived,
        String(toWaterfall.reduce((sum, l) => sum + l.args.amount!, 0n)),
      );
      const routed = await publicClient.getContractEvents({
        address: d.waterfall,
        abi: solvencyWaterfallAbi,
        eventName: "RevenueRouted",
        fromBlock: 0n,
        toBlock: atHead,
      });
      assert.equal(
        stats.revenueToFund,
        String(routed.reduce((sum, l) => sum + l.args.toFund!, 0n)),
      );
      assert.equal(
        stats.revenueToBonds,
        String(routed.reduce((sum, l) => sum + l.args.toBonds!, 0n)),
      );
      assert.equal(stats.keeperRewardsFromRevenue, head.revenue.rewardsPaid);
      assert.equal(stats.keeperRewardsFromFund, head.fund.rewardsPaid);
      assert.equal(stats.rewardReserve, head.revenue.rewardReserve);

      const swept = await publicClient.getContractEvents({
        address: d.protocol,
        abi: iMarginProtocolAbi,
        eventName: "FeesSwept",
        fromBlock: 0n,
        toBlock: atHead,
      });
      assert.equal(swept.length, 1);
      assert.equal(stats.totalFeeShareWad, String(swept[0]!.args.amountWad));

      // Bad block parameters: one-line JSON errors.
      for (const bad of ["abc", "-1", "1.5", ""]) {
        const r = await getJson(`${system.indexerUrl}/solvency?block=${bad}`);
        assert.equal(r.status, 400, bad);
        assert.match(
          (r.body as { error: string }).error,
          /^block must be a block number/,
        );
        assert.ok(!r.text.includes("\n"));
      }
      const beyond = await getJson(
        `${system.indexerUrl}/solvency?block=${atHead + 1_000n}`,
      );
      assert.equal(beyond.status, 404);
      assert.match(
        (beyond.body as { error: string }).error,
        /beyond the indexed head/,
      );
      await system.stop();
    },
  );
});
