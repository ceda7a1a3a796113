/**
 * The solvency waterfall as the chain has it after a crash: every layer (SolvencyWaterfall.layers and totals), each
 * bond series, who bought its bonds and at what price, the revenue that reached the waterfall and where it went (bonds,
 * the fund, keeper rewards; the reward reserve route() keeps back), the insurance fund's and the liquidity vault's
 * share prices before and after, and the checks that fail the run when the books do not add up. Amounts in quote token units (6 decimals) unless the name says wad.
 */
import { parseAbi, type Address, type Log } from "viem";
import {
  iLiquidationEngineAbi,
  iMarginProtocolAbi,
  insuranceFundAbi,
  liquidityVaultAbi,
  solvencyWaterfallAbi,
  testnetTokenAbi,
} from "../../abi/src/generated.ts";
import { clients, type PublicClient } from "./contracts.ts";
import { waitFor, type Managed } from "./processes.ts";
import type { Deployment } from "./system.ts";

const WAD = 10n ** 18n;
/** The wad value of one quote-token unit (6 decimals). */
export const QUOTE_UNIT_WAD = 10n ** 12n;

/** MarginProtocol's fee share (not part of IMarginProtocol). */
const feeShareAbi = parseAbi(["function feesOwedWad() view returns (uint256)"]);

export type BondPurchase = {
  seriesId: bigint;
  buyer: Address;
  cost: bigint;
  face: bigint;
  block: bigint;
};

export type SeriesReport = {
  id: bigint;
  /** The liquidity vault whose deficit it covers (the perps vault or the lending market's). */
  vault: string;
  deficit: bigint;
  raised: bigint;
  faceSold: bigint;
  repaid: bigint;
  redeemed: bigint;
  closed: boolean;
  issuedBlock: bigint;
  /** Issued in the transaction of the BadDebtAbsorbed that sent it this deficit. */
  issuedWithItsBadDebt: boolean;
  /** Bonds bought, by buyer. */
  buyers: { buyer: Address; cost: bigint; face: bigint }[];
  /** What its sale had not raised when it closed. */
  unsoldSocialized: bigint;
};

/** Revenue that reached the waterfall, by source. */
export type Revenue = {
  penaltyShare: bigint;
  auctionPenalties: bigint;
  feeShare: bigint;
  /** What the lending market's engine, auction house and backstop sent (the waterfall is shared). */
  lending: bigint;
};

export type SharePrices = {
  /** totalAssets and the value of one whole share [wad quote per share]. */
  assets: bigint;
  sharePriceWad: bigint;
};

export type WaterfallReport = {
  fromBlock: bigint;
  block: bigint;
  /** Over the whole deployment, at `block` (totals(vault)); `open` is the vault's deficit still on sale. */
  recognized: bigint;
  coveredByFund: bigint;
  raisedByBonds: bigint;
  socialized: bigint;
  open: bigint;
  badDebts: number;
  /** Rests too small for a series, socialized at once. */
  socializedBelowMinimum: bigint;
  series: SeriesReport[];
  purchases: BondPurchase[];
  revenue: Revenue;
  /** The part of `revenue` received after the first series of the range was issued. */
  revenueAfterIssue: Revenue;
  routedToBonds: bigint;
  routedToFund: bigint;
  /** Keeper rewards the waterfall paid over the range (RewardPaid): from pending revenue first, then by the fund. */
  rewardsFromRevenue: bigint;
  rewardsFromFund: bigint;
  /** Of those, the rewards paid for the lending market's auction house (its kicks, resets and floor buys). */
  lendingRewards: bigint;
  /** Revenue route() keeps back for keeper rewards, at `block` (rewardReserveUnits). */
  rewardReserve: bigint;
  pendingStart: bigint;
  pendingEnd: bigint;
  outstandingFace: bigint;
  heldForHolders: bigint;
  /** What `holder` (the keeper) paid for bonds and redeemed, over the range. */
  holder: { address: Address; cost: bigint; redeemed: bigint };
  fund: { start: SharePrices; end: SharePrices };
  vault: {
    start: SharePrices & { exitPriceWad: bigint };
    end: SharePrices & { exitPriceWad: bigint };
  };
  /** Where the books do not add up; empty when they do. */
  problems: string[];
};

const sum = <T>(rows: T[], f: (r: T) => bigint) =>
  rows.reduce((acc, r) => acc + f(r), 0n);
const lower = (a: string) => a.toLowerCase();

/** The lending market's contracts that can pay into the shared waterfall or spend its rewards, lower-cased. */
export const lendingContracts = (d: Deployment): string[] =>
  [d.lending, d.lendingEngine, d.lendingAuctionHouse, d.lendingBackstop].map(
    lower,
  );
const order = (a: Log, b: Log) =>
  a.blockNumber! === b.blockNumber!
    ? a.logIndex! - b.logIndex!
    : a.blockNumber! < b.blockNumber!
      ? -1
      : 1;

async function sharePrices(
  publicClient: PublicClient,
  address: Address,
  abi: typeof insuranceFundAbi | typeof liquidityVaultAbi,
  blockNumber: bigint,
): Promise<SharePrices> {
  const read = (functionName: "totalAssets" | "totalSupply") =>
    publicClient.readContract({
      address,
      abi: abi as typeof insuranceFundAbi,
      functionName,
      blockNumber,
    });
  const [assets, shares] = await Promise.all([
    read("totalAssets"),
    read("totalSupply"),
  ]);
  // Shares and assets have the same decimals: assets per share is a price.
  return {
    assets,
    sharePriceWad: shares === 0n ? 0n : (assets * WAD) / shares,
  };
}

async function vaultPrices(
  publicClient: PublicClient,
  d: Deployment,
  blockNumber: bigint,
) {
  const [prices, exitAssets, shares] = await Promise.all([
    sharePrices(publicClient, d.vault, liquidityVaultAbi, blockNumber),
    publicClient.readContract({
      address: d.vault,
      abi: liquidityVaultAbi,
      functionName: "exitAssets",
      blockNumber,
    }),
    publicClient.readContract({
      address: d.vault,
      abi: liquidityVaultAbi,
      functionName: "totalSupply",
      blockNumber,
    }),
  ]);
  return {
    ...prices,
    exitPriceWad: shares === 0n ? 0n : (exitAssets * WAD) / shares,
  };
}

const layersAt = (
  publicClient: PublicClient,
  d: Deployment,
  blockNumber: bigint,
) =>
  publicClient.readContract({
    address: d.waterfall,
    abi: solvencyWaterfallAbi,
    functionName: "layers",
    args: [d.vault],
    blockNumber,
  });

/**
 * Reads the waterfall at `toBlock`, its events over (`fromBlock`, `toBlock`], and the prices at both ends; checks
 * the accounting identity, each series against its events, and that the fund took revenue only once every series was
 * repaid (replayed from the deployment's start).
 */
export async function readWaterfall(
  rpcUrl: string,
  d: Deployment,
  range: { fromBlock: bigint; toBlock: bigint },
  holder: Address,
): Promise<WaterfallReport> {
  const { publicClient } = clients(rpcUrl);
  const { fromBlock, toBlock } = range;
  const at = { blockNumber: toBlock };
  const [layers, layersStart, totals, count, totalBadDebtWad, rewardReserve] =
    await Promise.all([
      layersAt(publicClient, d, toBlock),
      layersAt(publicClient, d, fromBlock),
      publicClient.readContract({
        address: d.waterfall,
        abi: solvencyWaterfallAbi,
        functionName: "totals",
        args: [d.vault],
        ...at,
      }),
      publicClient.readContract({
        address: d.waterfall,
        abi: solvencyWaterfallAbi,
        functionName: "seriesCount",
        ...at,
      }),
      publicClient.readContract({
        address: d.engine,
        abi: iLiquidationEngineAbi,
        functionName: "totalBadDebtWad",
        ...at,
      }),
      publicClient.readContract({
        address: d.waterfall,
        abi: solvencyWaterfallAbi,
        functionName: "rewardReserveUnits",
        ...at,
      }),
    ]);
  const views = await Promise.all(
    Array.from({ length: Number(count) }, (_, i) =>
      publicClient.readContract({
        address: d.waterfall,
        abi: solvencyWaterfallAbi,
        functionName: "series",
        args: [BigInt(i)],
        ...at,
      }),
    ),
  );

  // Every waterfall event since the deployment (the replay needs them all), the range's own below.
  const allLogs = (
    await publicClient.getContractEvents({
      address: d.waterfall,
      abi: solvencyWaterfallAbi,
      fromBlock: BigInt(d.startBlock),
      toBlock,
    })
  ).sort(order);
  const logs = allLogs.filter((l) => l.blockNumber! > fromBlock);
  const [swept, toWaterfall] = await Promise.all([
    publicClient.getContractEvents({
      address: d.protocol,
      abi: iMarginProtocolAbi,
      eventName: "FeesSwept",
      fromBlock: fromBlock + 1n,
      toBlock,
    }),
    publicClient.getContractEvents({
      address: d.quote,
      abi: testnetTokenAbi,
      eventName: "Transfer",
      args: { to: d.waterfall },
      fromBlock: fromBlock + 1n,
      toBlock,
    }),
  ]);
  const of = <N extends (typeof logs)[number]["eventName"]>(name: N) =>
    logs.filter(
      (l): l is Extract<(typeof logs)[number], { eventName: N }> =>
        l.eventName === name,
    );
  const absorbed = of("BadDebtAbsorbed");
  const issued = of("SeriesIssued");
  const bought = of("BondsBought");
  const repaidLogs = of("SeriesRepaid");
  const routed = of("RevenueRouted");
  const redeemed = of("Redeemed");
  const socializedLogs = of("Socialized");
  const rewardLogs = of("RewardPaid");

  const purchases: BondPurchase[] = bought.map((l) => ({
    seriesId: l.args.id!,
    buyer: l.args.buyer!,
    cost: l.args.cost!,
    face: l.args.face!,
    block: l.blockNumber!,
  }));
  const causes = new Set<(typeof allLogs)[number]>();
  const series: SeriesReport[] = views.map((s, i) => {
    const id = BigInt(i);
    const issue = allLogs.find(
      (l) => l.eventName === "SeriesIssued" && l.args.id === id,
    );
    // A batch liquidation may settle several bad debts, each opening its own series, in one transaction: each
    // BadDebtAbsorbed is the cause of one series at most, in log order.
    const cause = allLogs.find(
      (l) =>
        l.eventName === "BadDebtAbsorbed" &&
        l.transactionHash === issue?.transactionHash &&
        l.args.toBonds === s.deficit &&
        lower(l.args.vault!) === lower(s.vault) &&
        !causes.has(l),
    );
    if (cause) causes.add(cause);
    const buyers = new Map<
      string,
      { buyer: Address; cost: bigint; face: bigint }
    >();
    for (const p of purchases.filter((x) => x.seriesId === id)) {
      const b = buyers.get(lower(p.buyer)) ?? {
        buyer: p.buyer,
        cost: 0n,
        face: 0n,
      };
      b.cost += p.cost;
      b.face += p.face;
      buyers.set(lower(p.buyer), b);
    }
    return {
      id,
      vault: lower(s.vault),
      deficit: s.deficit,
      raised: s.raised,
      faceSold: s.faceSold,
      repaid: s.repaid,
      redeemed: s.redeemed,
      closed: s.closed,
      issuedBlock: issue?.blockNumber ?? 0n,
      issuedWithItsBadDebt:
        cause?.eventName === "BadDebtAbsorbed" &&
        cause.args.toBonds === s.deficit,
      buyers: [...buyers.values()],
      unsoldSocialized: sum(
        socializedLogs.filter((l) => l.args.seriesId === id),
        (l) => l.args.amount!,
      ),
    };
  });

  // Revenue by source: a sweep's transfer is the fee share, the auction house's an auction penalty, the lending
  // market's contracts' the lending market's (the waterfall is shared), the rest the penalty share of position
  // liquidations.
  const sweepTxs = new Set(swept.map((l) => l.transactionHash));
  const lendingSources = new Set(lendingContracts(d));
  const firstIssue = issued[0];
  const revenueOf = (transfers: typeof toWaterfall): Revenue => {
    const perps = transfers.filter(
      (t) =>
        !sweepTxs.has(t.transactionHash) &&
        !lendingSources.has(lower(t.args.from!)),
    );
    return {
      feeShare: sum(
        transfers.filter((t) => sweepTxs.has(t.transactionHash)),
        (t) => t.args.amount!,
      ),
      auctionPenalties: sum(
        perps.filter((t) => lower(t.args.from!) === lower(d.auctionHouse)),
        (t) => t.args.amount!,
      ),
      penaltyShare: sum(
        perps.filter((t) => lower(t.args.from!) !== lower(d.auctionHouse)),
        (t) => t.args.amount!,
      ),
      lending: sum(
        transfers.filter(
          (t) =>
            !sweepTxs.has(t.transactionHash) &&
            lendingSources.has(lower(t.args.from!)),
        ),
        (t) => t.args.amount!,
      ),
    };
  };
  const revenue = revenueOf(toWaterfall);
  const revenueAfterIssue = revenueOf(
    firstIssue === undefined
      ? []
      : toWaterfall.filter((t) => order(t, firstIssue) > 0),
  );

  const [fundStart, fundEnd, vaultStart, vaultEnd] = await Promise.all([
    sharePrices(publicClient, d.insuranceFund, insuranceFundAbi, fromBlock),
    sharePrices(publicClient, d.insuranceFund, insuranceFundAbi, toBlock),
    vaultPrices(publicClient, d, fromBlock),
    vaultPrices(publicClient, d, toBlock),
  ]);

  const [recognized, coveredByFund, raisedByBonds, socialized] = totals;
  const report: WaterfallReport = {
    fromBlock,
    block: toBlock,
    recognized,
    coveredByFund,
    raisedByBonds,
    socialized,
    open: layers.openDeficit,
    badDebts: absorbed.length,
    socializedBelowMinimum: sum(
      socializedLogs.filter((l) => l.args.cause === 0),
      (l) => l.args.amount!,
    ),
    series,
    purchases,
    revenue,
    revenueAfterIssue,
    routedToBonds: sum(routed, (l) => l.args.toBonds!),
    routedToFund: sum(routed, (l) => l.args.toFund!),
    rewardsFromRevenue: sum(rewardLogs, (l) => l.args.fromRevenue!),
    rewardsFromFund: sum(rewardLogs, (l) => l.args.fromFund!),
    lendingRewards: sum(
      rewardLogs.filter((l) =>
        lendingContracts(d).includes(lower(l.args.module!)),
      ),
      (l) => l.args.fromRevenue! + l.args.fromFund!,
    ),
    rewardReserve,
    pendingStart: layersStart.pendingRevenue,
    pendingEnd: layers.pendingRevenue,
    outstandingFace: layers.outstandingFace,
    heldForHolders: layers.heldForHolders,
    holder: {
      address: holder,
      cost: sum(
        purchases.filter((p) => lower(p.buyer) === lower(holder)),
        (p) => p.cost,
      ),
      redeemed: sum(
        redeemed.filter((l) => lower(l.args.holder!) === lower(holder)),
        (l) => l.args.amount!,
      ),
    },
    fund: { start: fundStart, end: fundEnd },
    vault: { start: vaultStart, end: vaultEnd },
    problems: [],
  };
  report.problems = checkBooks(report, {
    layers,
    totalBadDebtWad,
    // totals(vault) are the perps vault's: the lending market's bad debt (the shared waterfall) is not in them.
    absorbedInRange: sum(
      absorbed.filter((l) => lower(l.args.vault!) === lower(d.vault)),
      (l) => l.args.amount!,
    ),
    recognizedAtStart: layersStart.recognized,
    repaidEvents: repaidLogs.map((l) => ({
      id: l.args.id!,
      amount: l.args.amount!,
    })),
    fundBeforeRepaid: fundTookRevenueEarly(allLogs),
    perpsVault: lower(d.vault),
  });
  return report;
}

/**
 * Replays the waterfall's events in order: every RevenueRouted that sent revenue to the fund must come when every
 * series issued so far is closed and repaid in full. Returns a line per violation.
 */
function fundTookRevenueEarly(
  logs: { eventName: string; args: unknown; blockNumber: bigint | null }[],
): string[] {
  const series = new Map<
    bigint,
    { closed: boolean; faceSold: bigint; repaid: bigint }
  >();
  const violations: string[] = [];
  for (const l of logs) {
    const args = l.args as Record<string, unknown>;
    const id = args.id as bigint;
    switch (l.eventName) {
      case "SeriesIssued":
        series.set(id, { closed: false, faceSold: 0n, repaid: 0n });
        break;
      case "BondsBought":
        series.get(id)!.faceSold += args.face as bigint;
        break;
      case "SeriesClosed":
        series.get(id)!.closed = true;
        break;
      case "SeriesRepaid":
        series.get(id)!.repaid += args.amount as bigint;
        break;
      case "RevenueRouted": {
        if ((args.toFund as bigint) === 0n) break;
        const owed = [...series.entries()].filter(
          ([, s]) => !s.closed || s.repaid < s.faceSold,
        );
        if (owed.length > 0)
          violations.push(
            `the fund took ${args.toFund} at block ${l.blockNumber} while series ${owed.map(([i]) => i).join(", ")} was not repaid`,
          );
        break;
      }
    }
  }
  return violations;
}

function checkBooks(
  w: WaterfallReport,
  chain: {
    layers: {
      recognized: bigint;
      coveredByFund: bigint;
      raisedByBonds: bigint;
      socialized: bigint;
      openDeficit: bigint;
      outstandingFace: bigint;
      heldForHolders: bigint;
    };
    totalBadDebtWad: bigint;
    absorbedInRange: bigint;
    recognizedAtStart: bigint;
    repaidEvents: { id: bigint; amount: bigint }[];
    fundBeforeRepaid: string[];
    /** The perps liquidity vault (lowercase): totals(vault) are its. */
    perpsVault: string;
  },
): string[] {
  const problems: string[] = [];
  const same = (what: string, a: bigint, b: bigint) => {
    if (a !== b) problems.push(`${what}: ${a} != ${b}`);
  };
  same(
    "identity recognized = fund + bonds + socialized + open",
    w.recognized,
    w.coveredByFund + w.raisedByBonds + w.socialized + w.open,
  );
  const l = chain.layers;
  same("layers.recognized = totals.recognized", l.recognized, w.recognized);
  same(
    "layers.coveredByFund = totals.coveredByFund",
    l.coveredByFund,
    w.coveredByFund,
  );
  same(
    "layers.raisedByBonds = totals.raisedByBonds",
    l.raisedByBonds,
    w.raisedByBonds,
  );
  same("layers.socialized = totals.socialized", l.socialized, w.socialized);
  same(
    "recognized [wad] = the engine's total bad debt",
    w.recognized * QUOTE_UNIT_WAD,
    chain.totalBadDebtWad,
  );
  same(
    "bad debt absorbed over the crash = recognized − recognized before",
    chain.absorbedInRange,
    w.recognized - chain.recognizedAtStart,
  );
  // totals(vault) are the perps vault's; the lending market's series cover its own vault.
  const perpsSeries = w.series.filter((s) => s.vault === chain.perpsVault);
  same(
    "raised by bonds = Σ series raised (the perps vault's)",
    w.raisedByBonds,
    sum(perpsSeries, (s) => s.raised),
  );
  same(
    "open = Σ unsold deficit of the series on sale (the perps vault's)",
    w.open,
    sum(
      perpsSeries.filter((s) => !s.closed),
      (s) => s.deficit - s.raised,
    ),
  );
  same(
    "outstanding face = Σ (faceSold − repaid)",
    w.outstandingFace,
    sum(w.series, (s) => s.faceSold - s.repaid),
  );
  same(
    "held for holders = Σ (repaid − redeemed)",
    w.heldForHolders,
    sum(w.series, (s) => s.repaid - s.redeemed),
  );
  same(
    "revenue routed to bonds = Σ SeriesRepaid",
    w.routedToBonds,
    sum(chain.repaidEvents, (e) => e.amount),
  );
  const received =
    w.revenue.penaltyShare + w.revenue.auctionPenalties + w.revenue.feeShare;
  same(
    "revenue received = routed to bonds + routed to the fund + keeper rewards from revenue + still pending (change)",
    received,
    w.routedToBonds +
      w.routedToFund +
      w.rewardsFromRevenue +
      w.pendingEnd -
      w.pendingStart,
  );
  for (const s of w.series) {
    const bought = w.purchases.filter((p) => p.seriesId === s.id);
    same(
      `series ${s.id} raised = Σ BondsBought cost`,
      s.raised,
      sum(bought, (p) => p.cost),
    );
    same(
      `series ${s.id} faceSold = Σ BondsBought face`,
      s.faceSold,
      sum(bought, (p) => p.face),
    );
    if (!s.issuedWithItsBadDebt)
      problems.push(
        `series ${s.id} was not issued in the transaction of the bad debt it covers`,
      );
    if (s.repaid > s.faceSold)
      problems.push(
        `series ${s.id} repaid ${s.repaid} > face sold ${s.faceSold}`,
      );
    if (s.redeemed > s.repaid)
      problems.push(
        `series ${s.id} redeemed ${s.redeemed} > repaid ${s.repaid}`,
      );
    if (s.repaid > 0n && !s.closed)
      problems.push(`series ${s.id} was repaid while still on sale`);
  }
  problems.push(...chain.fundBeforeRepaid);
  return problems;
}

/**
 * Waits until the keeper has nothing left to do on the waterfall: every series closed (bought out, or closed after
 * its floor window), no revenue beyond the reward reserve waiting that a closed series is owed (route() keeps the
 * reserve back), no claim left to redeem, and the fee share owed not above the keeper's sweep threshold. Returns the
 * block it saw that at.
 */
export async function waitForWaterfallSettled(
  rpcUrl: string,
  d: Deployment,
  options: {
    holder: Address;
    feeSweepMinWad: bigint;
    timeoutMs: number;
    keeper?: Managed;
  },
): Promise<bigint> {
  const { publicClient } = clients(rpcUrl);
  let settledAt = 0n;
  await waitFor(
    "the keeper to settle the solvency waterfall (series sold or closed, revenue routed, claims redeemed)",
    async () => {
      const block = await publicClient.getBlockNumber();
      const at = { blockNumber: block };
      const read = <T>(functionName: string, args: readonly unknown[] = []) =>
        publicClient.readContract({
          address: d.waterfall,
          abi: solvencyWaterfallAbi,
          functionName,
          args,
          ...at,
        } as never) as Promise<T>;
      const count = await read<bigint>("seriesCount");
      const layers = await read<{ pendingRevenue: bigint }>("layers", [
        d.vault,
      ]);
      const reserve = await read<bigint>("rewardReserveUnits");
      let owedClosed = false;
      for (let id = 0n; id < count; id++) {
        const s = await read<{
          closed: boolean;
          faceSold: bigint;
          repaid: bigint;
        }>("series", [id]);
        if (!s.closed) return false;
        if (
          !owedClosed &&
          s.repaid < s.faceSold &&
          // Only the oldest unrepaid series takes revenue.
          (await read<bigint>("nextToRepay")) === id
        )
          owedClosed = true;
        if ((await read<bigint>("claimable", [id, options.holder])) > 0n)
          return false;
      }
      if (owedClosed && layers.pendingRevenue > reserve) return false;
      const feesOwed = await publicClient.readContract({
        address: d.protocol,
        abi: feeShareAbi,
        functionName: "feesOwedWad",
        ...at,
      });
      if (feesOwed > options.feeSweepMinWad) return false;
      settledAt = block;
      return true;
    },
    { timeoutMs: options.timeoutMs, intervalMs: 500, proc: options.keeper },
  );
  return settledAt;
}
