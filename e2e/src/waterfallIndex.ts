/**
 * The solvency waterfall as the index serves it (GET /solvency?block=n and the revenue totals of GET /stats) against
 * the chain at the same block: every layer, each series, the fund's shares and price, the revenue routed and pending,
 * the reward reserve, and the keeper rewards paid from revenue and by the fund.
 */
import {
  iMarginProtocolAbi,
  insuranceFundAbi,
  solvencyWaterfallAbi,
  testnetTokenAbi,
} from "../../abi/src/generated.ts";
import type { SolvencyBody } from "../../indexer/src/api/solvency.ts";
import { clients } from "./contracts.ts";
import type { Deployment } from "./system.ts";
import type { WaterfallReport } from "./waterfall.ts";

const WAD = 10n ** 18n;

/** The body of the index's GET /solvency, typed by the indexer's own handler. */
export type IndexedSolvency = SolvencyBody;

type RevenueStats = {
  revenueReceived?: string;
  revenueToBonds?: string;
  revenueToFund?: string;
  keeperRewardsFromRevenue?: string;
  keeperRewardsFromFund?: string;
  rewardReserve?: string;
  totalFeeShareWad?: string;
};

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  const text = await response.text();
  if (!response.ok)
    throw new Error(`GET ${url}: HTTP ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

/**
 * Keeper rewards the index says the insurance fund paid over (`fromBlock`, `toBlock`] [quote units]: the difference of
 * GET /solvency's fund.rewardsPaid at both ends (the rest of each reward came from the waterfall's revenue).
 */
export async function indexedFundRewards(
  indexerUrl: string,
  fromBlock: bigint,
  toBlock: bigint,
): Promise<bigint> {
  const [start, end] = await Promise.all(
    [fromBlock, toBlock].map((block) =>
      getJson<IndexedSolvency>(`${indexerUrl}/solvency?block=${block}`),
    ),
  );
  return BigInt(end!.fund.rewardsPaid) - BigInt(start!.fund.rewardsPaid);
}

/** Each difference between the index and the chain at the report's block, as one line; empty when they agree. */
export async function compareWaterfallIndex(
  rpcUrl: string,
  indexerUrl: string,
  d: Deployment,
  w: WaterfallReport,
): Promise<string[]> {
  const { publicClient } = clients(rpcUrl);
  const at = { blockNumber: w.block };
  const since = { fromBlock: BigInt(d.startBlock), toBlock: w.block };
  const [
    indexed,
    stats,
    layers,
    shares,
    price,
    pendingForFund,
    revenue,
    routed,
    rewards,
    swept,
  ] = await Promise.all([
    getJson<IndexedSolvency>(`${indexerUrl}/solvency?block=${w.block}`),
    getJson<RevenueStats>(`${indexerUrl}/stats`),
    publicClient.readContract({
      address: d.waterfall,
      abi: solvencyWaterfallAbi,
      functionName: "layers",
      args: [d.vault],
      ...at,
    }),
    publicClient.readContract({
      address: d.insuranceFund,
      abi: insuranceFundAbi,
      functionName: "totalSupply",
      ...at,
    }),
    publicClient.readContract({
      address: d.insuranceFund,
      abi: insuranceFundAbi,
      functionName: "convertToAssets",
      args: [WAD],
      ...at,
    }),
    publicClient.readContract({
      address: d.waterfall,
      abi: solvencyWaterfallAbi,
      functionName: "pendingForFund",
      ...at,
    }),
    publicClient.getContractEvents({
      address: d.quote,
      abi: testnetTokenAbi,
      eventName: "Transfer",
      args: { to: d.waterfall },
      ...since,
    }),
    publicClient.getContractEvents({
      address: d.waterfall,
      abi: solvencyWaterfallAbi,
      eventName: "RevenueRouted",
      ...since,
    }),
    publicClient.getContractEvents({
      address: d.waterfall,
      abi: solvencyWaterfallAbi,
      eventName: "RewardPaid",
      ...since,
    }),
    publicClient.getContractEvents({
      address: d.protocol,
      abi: iMarginProtocolAbi,
      eventName: "FeesSwept",
      ...since,
    }),
  ]);
  const problems: string[] = [];
  const same = (what: string, index: string | boolean, chain: unknown) => {
    if (String(index) !== String(chain))
      problems.push(`solvency ${what}: index ${index}, chain ${chain}`);
  };
  same("block", indexed.block, w.block);
  const t = indexed.totals;
  same("recognized", t.recognized, w.recognized);
  same("covered by the fund", t.coveredByFund, w.coveredByFund);
  same("raised by bonds", t.raisedByBonds, w.raisedByBonds);
  same("socialized", t.socialized, w.socialized);
  same("open", t.open, w.open);
  same("vault deficit", indexed.vault.deficitReceivable, layers.openDeficit);
  same("outstanding face", indexed.bonds.outstandingFace, w.outstandingFace);
  same("held for holders", indexed.bonds.heldForHolders, w.heldForHolders);
  same("fund assets", indexed.fund.assets, layers.fundAssets);
  same("fund shares", indexed.fund.totalShares, shares);
  same("fund share price", indexed.fund.sharePriceWad, price);
  const total = (values: bigint[]) => values.reduce((a, b) => a + b, 0n);
  const fromRevenue = total(rewards.map((l) => l.args.fromRevenue!));
  const fromFund = total(rewards.map((l) => l.args.fromFund!));
  same("pending revenue", indexed.revenue.pending, layers.pendingRevenue);
  same("reward reserve", indexed.revenue.rewardReserve, w.rewardReserve);
  same("pending for the fund", indexed.revenue.pendingForFund, pendingForFund);
  same("rewards paid from revenue", indexed.revenue.rewardsPaid, fromRevenue);
  same("rewards paid by the fund", indexed.fund.rewardsPaid, fromFund);
  same("series count", String(indexed.bonds.series.length), w.series.length);
  for (const s of w.series) {
    const row = indexed.bonds.series.find((x) => x.id === String(s.id));
    if (row === undefined) {
      problems.push(`solvency series ${s.id}: not indexed`);
      continue;
    }
    for (const key of [
      "deficit",
      "raised",
      "faceSold",
      "repaid",
      "redeemed",
      "closed",
    ] as const)
      same(`series ${s.id} ${key}`, row[key], s[key]);
  }
  // /stats holds the totals at the indexed head, which the report's block is (nothing happens after it).
  same(
    "revenue received",
    stats.revenueReceived ?? "missing",
    total(revenue.map((l) => l.args.amount!)),
  );
  same(
    "revenue to bonds",
    stats.revenueToBonds ?? "missing",
    total(routed.map((l) => l.args.toBonds!)),
  );
  same(
    "revenue to the fund",
    stats.revenueToFund ?? "missing",
    total(routed.map((l) => l.args.toFund!)),
  );
  same(
    "keeper rewards from revenue",
    stats.keeperRewardsFromRevenue ?? "missing",
    fromRevenue,
  );
  same(
    "keeper rewards from the fund",
    stats.keeperRewardsFromFund ?? "missing",
    fromFund,
  );
  same("reward reserve", stats.rewardReserve ?? "missing", w.rewardReserve);
  same(
    "fee share swept [wad]",
    stats.totalFeeShareWad ?? "missing",
    total(swept.map((l) => l.args.amountWad!)),
  );
  return problems;
}
