/**
 * The crash report: read from the index, cross-checked against the chain, with the prices and balances that judge
 * each pattern read from the chain at the blocks where things happened, and the solvency waterfall (waterfall.ts).
 */
import { parseAbi, type Address } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  backstopVaultAbi,
  iAuctionHouseAbi,
  iInsuranceFundAbi,
  iLiquidationEngineAbi,
  iMarginProtocolAbi,
  pushPriceFeedAbi,
  testnetTokenAbi,
} from "../../abi/src/generated.ts";
import { clients, contracts, type PublicClient } from "./contracts.ts";
import { readIndex, type IndexRows } from "./indexQuery.ts";
import type { Pattern } from "./patterns.ts";
import type { ScenarioResult } from "./scenario.ts";
import { KEEPER_KEY, type Deployment } from "./system.ts";
import { readWaterfall, type WaterfallReport } from "./waterfall.ts";
import { compareWaterfallIndex, indexedFundRewards } from "./waterfallIndex.ts";

const WAD = 10n ** 18n;
/** The wad value of one quote-token unit (6 decimals). */
const QUOTE_UNIT_WAD = 10n ** 12n;

const curveAbi = parseAbi([
  "function stepSeconds() view returns (uint256)",
  "function cutWad() view returns (uint256)",
]);

/*//////////////////////////////////////////////////////////////
                         BEFORE THE CRASH
//////////////////////////////////////////////////////////////*/

/** Balances read once before the keeper starts, at one block. */
export type Baseline = {
  block: bigint;
  insuranceWad: bigint;
  /** The keeper's quote [wad], collateral tokens by collateral id [token units] and ether [wei]. */
  keeper: { quoteWad: bigint; collateral: bigint[]; ethWei: bigint };
  /** The backstop vault's idle quote plus holdings at the oracle price [wad]. */
  backstopAssetsWad: bigint;
};

type Collateral = {
  id: bigint;
  token: Address;
  oracle: Address;
  decimals: number;
};

async function collaterals(
  publicClient: PublicClient,
  d: Deployment,
): Promise<Collateral[]> {
  const c = contracts(d, publicClient);
  const count = await c.protocol.read.collateralCount();
  const ids = Array.from({ length: Number(count) }, (_, i) => BigInt(i));
  return Promise.all(
    ids.map(async (id) => {
      const p = await c.protocol.read.collateral([id]);
      return { id, token: p.token, oracle: p.oracle, decimals: p.decimals };
    }),
  );
}

export const keeperAddress = () => privateKeyToAccount(KEEPER_KEY).address;

export async function takeBaseline(
  rpcUrl: string,
  d: Deployment,
): Promise<Baseline> {
  const { publicClient } = clients(rpcUrl);
  const block = await publicClient.getBlockNumber();
  const at = { blockNumber: block };
  const c = contracts(d, publicClient);
  const keeper = keeperAddress();
  const assets = await collaterals(publicClient, d);
  const [insurance, quote, ethWei, backstopAssets, ...collateral] =
    await Promise.all([
      c.insurance.read.balance(at),
      c.usdc.read.balanceOf([keeper], at),
      publicClient.getBalance({ address: keeper, blockNumber: block }),
      publicClient.readContract({
        address: d.backstop,
        abi: backstopVaultAbi,
        functionName: "totalAssets",
        blockNumber: block,
      }),
      ...assets.map((a) =>
        publicClient.readContract({
          address: a.token,
          abi: testnetTokenAbi,
          functionName: "balanceOf",
          args: [keeper],
          blockNumber: block,
        }),
      ),
    ]);
  return {
    block,
    insuranceWad: insurance * QUOTE_UNIT_WAD,
    keeper: { quoteWad: quote * QUOTE_UNIT_WAD, collateral, ethWei },
    backstopAssetsWad: backstopAssets * QUOTE_UNIT_WAD,
  };
}

/*//////////////////////////////////////////////////////////////
                            PARAMETERS
//////////////////////////////////////////////////////////////*/

/** The parameters that decide how each pattern behaves, read from the deployed contracts. */
export type Parameters = {
  pattern: Pattern;
  /** Position penalty on closed notional, and the keeper's share of it [wad]. */
  penaltyWad: bigint;
  keeperShareWad: bigint;
  targetHealthWad: bigint;
  /** Fixed-fee collateral sale: discount on the oracle price [wad]. */
  collateralDiscountWad: bigint;
  /** Internal pattern: the backstop's discount on the oracle price [wad]. */
  backstopDiscountWad: bigint;
  /**
   * Backstop: holdings cap per asset at the oracle price [wad], and its keeper reward: the tip (at most the share of
   * the gain and the cap) and the gas at cost, at most the value share of what it buys.
   */
  backstopCapWad: bigint;
  backstopTipWad: bigint;
  backstopGainShareWad: bigint;
  backstopMaxRewardWad: bigint;
  backstopMaxValueShareWad: bigint;
  /** Auctions: start at oracle × buffer, −(1 − cut) every step, floor oracle × resetBelow, target debt × (1 + penalty). */
  auctionStartBufferWad: bigint;
  auctionStepSeconds: bigint;
  auctionCutWad: bigint;
  auctionFloorWad: bigint;
  auctionResetAfterSeconds: number;
  auctionPenaltyWad: bigint;
  auctionAssetCapWad: bigint;
  auctionGlobalCapWad: bigint;
  /**
   * Kick and reset reward: tip + chip × value at stake + gas, at most the cap; an auction's rewards in all at most the
   * value share of what is at stake at its kick.
   */
  auctionTipWad: bigint;
  auctionChipWad: bigint;
  auctionMaxRewardWad: bigint;
  auctionMaxValueShareWad: bigint;
  /** The auction rewards reimburse gas × base fee × ETH price × this [bps]. */
  auctionGasFactorBps: number;
};

export async function readParameters(
  rpcUrl: string,
  d: Deployment,
  pattern: Pattern,
): Promise<Parameters> {
  const { publicClient } = clients(rpcUrl);
  const read = <T>(address: Address, abi: readonly unknown[], name: string) =>
    publicClient.readContract({
      address,
      abi,
      functionName: name,
      args: [],
    } as never) as Promise<T>;
  const [engine, backstopDiscount, auction, globalCap, reward] =
    await Promise.all([
      publicClient.readContract({
        address: d.engine,
        abi: iLiquidationEngineAbi,
        functionName: "params",
      }),
      publicClient.readContract({
        address: d.engine,
        abi: iLiquidationEngineAbi,
        functionName: "backstopDiscountWad",
      }),
      publicClient.readContract({
        address: d.auctionHouse,
        abi: iAuctionHouseAbi,
        functionName: "params",
        args: [0n],
      }),
      publicClient.readContract({
        address: d.auctionHouse,
        abi: iAuctionHouseAbi,
        functionName: "globalCapWad",
      }),
      publicClient.readContract({
        address: d.auctionHouse,
        abi: iAuctionHouseAbi,
        functionName: "rewardParams",
      }),
    ]);
  const [step, cut, backstopAsset, backstopReward] = await Promise.all([
    read<bigint>(auction.curve, curveAbi, "stepSeconds"),
    read<bigint>(auction.curve, curveAbi, "cutWad"),
    publicClient.readContract({
      address: d.backstop,
      abi: backstopVaultAbi,
      functionName: "assetConfig",
      args: [0n],
    }),
    publicClient.readContract({
      address: d.backstop,
      abi: backstopVaultAbi,
      functionName: "rewardParams",
    }),
  ]);
  return {
    pattern,
    penaltyWad: engine.penaltyWad,
    keeperShareWad: engine.keeperShareWad,
    targetHealthWad: engine.targetHealthWad,
    collateralDiscountWad: engine.collateralDiscountWad,
    backstopDiscountWad: backstopDiscount,
    backstopCapWad: backstopAsset.exposureCapWad,
    backstopTipWad: backstopReward.tipWad,
    backstopGainShareWad: backstopReward.gainShareWad,
    backstopMaxRewardWad: backstopReward.maxRewardWad,
    backstopMaxValueShareWad: backstopReward.maxValueShareWad,
    auctionStartBufferWad: auction.startBufferWad,
    auctionStepSeconds: step,
    auctionCutWad: cut,
    auctionFloorWad: auction.resetBelowWad,
    auctionResetAfterSeconds: auction.resetAfterSeconds,
    auctionPenaltyWad: auction.penaltyWad,
    auctionAssetCapWad: auction.capWad,
    auctionGlobalCapWad: globalCap,
    auctionTipWad: reward.tipWad,
    auctionChipWad: reward.chipWad,
    auctionMaxRewardWad: reward.maxRewardWad,
    auctionMaxValueShareWad: reward.maxValueShareWad,
    auctionGasFactorBps: reward.gasFactorBps,
  };
}

/*//////////////////////////////////////////////////////////////
                              REPORT
//////////////////////////////////////////////////////////////*/

export type Spread = { min: number; median: number; mean: number; max: number };

/** Collateral sold through one channel: its value at the oracle price of the sale's block, and what was paid. */
export type Execution = {
  sales: number;
  oracleValueWad: bigint;
  paidWad: bigint;
};

export type Report = {
  pattern: Pattern;
  accounts: number;
  accountsBreached: number;
  /** Breached accounts the machinery acted on after a breach (a close, a sale, a kick, a take, a backstop buy). */
  accountsLiquidated: number;
  /** Breached accounts of which every breach ended: a later block where the account is no longer liquidatable. */
  accountsCleared: number;
  breachesUnliquidated: Address[];
  breachesUncleared: Address[];
  liquidations: number;
  collateralSales: number;
  kicks: number;
  takes: number;
  resets: number;
  backstopAbsorbs: number;
  backstopFloorBuys: number;
  /** Blocks from a breach to the first action on the account at or after it. */
  blocksToLiquidation: Spread;
  /** Blocks from a breach to the first block at whose end the account is no longer liquidatable. */
  blocksToClear: Spread;
  /** Collateral sold, by channel: keepers at the fixed discount, auction takes, the backstop (absorbs, floor buys). */
  execution: { keepers: Execution; auctions: Execution; backstop: Execution };
  keeper: {
    quoteStartWad: bigint;
    quoteChangeWad: bigint;
    collateralValueWad: bigint; // collateral gained, at the oracle price at the end
    gasWei: bigint;
    gasCostWad: bigint; // each step's gas at that step's ETH price
    /** Quote paid for solvency bonds − quote redeemed from them: an investment, kept out of the profit. */
    bondsNetWad: bigint;
    profitWad: bigint;
  };
  penaltiesWad: bigint;
  keeperRewardsWad: bigint;
  insurancePenaltyShareWad: bigint;
  /** The part of auction proceeds that went to the insurance fund (the auction penalty). */
  auctionPenaltyWad: bigint;
  /**
   * Kick, reset and floor-buy rewards paid to keepers, as the auction events name them. The solvency waterfall pays
   * them: from its pending revenue first, then by the insurance fund (waterfall.rewardsFromRevenue / rewardsFromFund).
   */
  auctionKeeperRewardsWad: bigint;
  /** The engine's gas reimbursements at cost (`GasReimbursed`), paid by the waterfall like the auction rewards. */
  gasReimbursedWad: bigint;
  badDebtWad: bigint;
  coveredWad: bigint;
  deficitWad: bigint;
  insuranceStartWad: bigint;
  insuranceEndWad: bigint;
  /** Revenue the solvency waterfall routed to the fund (it receives the penalty shares first, repays bonds first). */
  revenueToFundWad: bigint;
  /**
   * fund end − start − revenue routed to it + covered bad debt + keeper rewards the fund paid: zero when every movement
   * of the fund is explained by the waterfall's routing, the bad debt and the rewards.
   */
  waterfallImbalanceWad: bigint;
  /**
   * auction keeper rewards − the rewards the waterfall paid (from revenue + by the fund): zero when every reward the
   * auction events name was paid through the waterfall, and nothing else was.
   */
  rewardImbalanceWad: bigint;
  /**
   * position penalty share + auction penalties − the penalty revenue that reached the waterfall: zero when every
   * penalty the liquidation events name arrived.
   */
  revenueImbalanceWad: bigint;
  /** Every layer of the solvency waterfall, its bond series and revenue, at the report's end block. */
  waterfall: WaterfallReport;
  backstop: {
    assetsStartWad: bigint;
    assetsEndWad: bigint;
    resultWad: bigint; // totalAssets end − start: mark-to-oracle
    boughtWad: bigint;
    soldWad: bigint;
    keeperRewardsWad: bigint;
    held: { collateralId: bigint; amount: bigint; decimals: number }[];
  };
  /** Where the index and the chain disagree; empty when they agree. */
  indexMismatches: string[];
  indexMatchesChain: boolean;
};

const big = (s: string) => BigInt(s);
const sumOf = <T>(rows: T[], f: (r: T) => bigint) =>
  rows.reduce((acc, r) => acc + f(r), 0n);
const lower = (a: string) => a.toLowerCase();

export function spread(values: number[]): Spread {
  const v = [...values].sort((a, b) => a - b);
  return {
    min: v[0] ?? 0,
    median: v[Math.floor(v.length / 2)] ?? 0,
    mean: v.length ? v.reduce((a, b) => a + b, 0) / v.length : 0,
    max: v[v.length - 1] ?? 0,
  };
}

/** amount [token units] × price [wad per whole token] → value [wad], rounded down. */
const valueWad = (amount: bigint, decimals: number, priceWad: bigint) =>
  (amount * 10n ** BigInt(18 - decimals) * priceWad) / WAD;

/**
 * What another engine sharing the solvency waterfall (the lending market's) moved through it over the crash, as its
 * own events name it [wad]: penalties it paid in, keeper rewards paid for it, bad debt the fund covered for it. The
 * report's balances add these to the perps engine's, so the shared waterfall's totals must match both together.
 */
export type SharedWaterfallFlows = {
  revenueWad: bigint;
  rewardsWad: bigint;
  coveredWad: bigint;
};

const NO_SHARED_FLOWS: SharedWaterfallFlows = {
  revenueWad: 0n,
  rewardsWad: 0n,
  coveredWad: 0n,
};

export async function buildReport(
  rpcUrl: string,
  indexerUrl: string,
  d: Deployment,
  scenario: ScenarioResult,
  baseline: Baseline,
  pattern: Pattern,
  shared: SharedWaterfallFlows = NO_SHARED_FLOWS,
): Promise<Report> {
  const index = await readIndex(indexerUrl, d.auctionHouse);
  const { publicClient } = clients(rpcUrl);
  const assets = await collaterals(publicClient, d);
  const assetOf = (id: bigint | string) => {
    const a = assets.find((x) => x.id === BigInt(id));
    if (!a) throw new Error(`unknown collateral ${id}`);
    return a;
  };
  const end = scenario.endBlock;
  const range = { fromBlock: baseline.block + 1n, toBlock: end };

  // Oracle prices at a block, read once per (oracle, block).
  const prices = new Map<string, Promise<bigint>>();
  const priceAt = (oracle: Address, blockNumber: bigint) => {
    const key = `${lower(oracle)}@${blockNumber}`;
    let p = prices.get(key);
    if (!p) {
      p = publicClient
        .readContract({
          address: oracle,
          abi: pushPriceFeedAbi,
          functionName: "read",
          blockNumber,
        })
        .then(([priceWad]) => priceWad);
      prices.set(key, p);
    }
    return p;
  };

  // --- events on the chain over the crash, the reference for the index
  const [engineLogs, auctionLogs, protocolLogs, coveredLogs, backstopGasLogs] =
    await Promise.all([
      publicClient.getContractEvents({
        address: d.engine,
        abi: iLiquidationEngineAbi,
        ...range,
      }),
      publicClient.getContractEvents({
        address: d.auctionHouse,
        abi: iAuctionHouseAbi,
        ...range,
      }),
      publicClient.getContractEvents({
        address: d.protocol,
        abi: iMarginProtocolAbi,
        ...range,
      }),
      publicClient.getContractEvents({
        address: d.insuranceFund,
        abi: iInsuranceFundAbi,
        eventName: "Covered",
        ...range,
      }),
      publicClient.getContractEvents({
        address: d.backstop,
        abi: backstopVaultAbi,
        eventName: "GasReimbursed",
        ...range,
      }),
    ]);
  const chainLiquidated = engineLogs.flatMap((l) =>
    l.eventName === "Liquidated" ? [l.args] : [],
  );
  const chainSold = engineLogs.flatMap((l) =>
    l.eventName === "CollateralSold" ? [l.args] : [],
  );
  const chainBadDebt = engineLogs.flatMap((l) =>
    l.eventName === "BadDebtSettled" ? [l.args] : [],
  );
  // Gas paid back at cost through the waterfall: the engine's closes and sales, the backstop's absorbs.
  const gasReimbursedWad =
    engineLogs.reduce(
      (total, l) =>
        l.eventName === "GasReimbursed" ? total + l.args.paidWad! : total,
      0n,
    ) + sumOf(backstopGasLogs, (l) => l.args.paidWad!);
  const chainKicked = auctionLogs.flatMap((l) =>
    l.eventName === "Kicked" ? [l.args] : [],
  );
  // A floor buy's keeper reward, paid through the waterfall as a reset's would be.
  const chainFloorBuyRewards = auctionLogs.flatMap((l) =>
    l.eventName === "FloorBuyRewarded" ? [l.args] : [],
  );
  const chainReset = auctionLogs.flatMap((l) =>
    l.eventName === "Reset" ? [l.args] : [],
  );
  const chainTaken = auctionLogs.flatMap((l) =>
    l.eventName === "Taken" ? [l.args] : [],
  );

  // --- the index's rows within the crash
  const inRange = (block: string) =>
    big(block) > baseline.block && big(block) <= end;
  const liquidations = index.liquidations.filter((r) => inRange(r.block));
  const sales = index.collateralSales.filter((r) => inRange(r.block));
  const takes = index.auctionTakes.filter((r) => inRange(r.block));
  const auctions = index.auctions.filter((r) => inRange(r.kickedBlock));
  const badDebts = index.badDebts.filter((r) => inRange(r.block));
  const floorBuys = index.backstopTrades.filter(
    (r) => r.kind === "auction_buy" && inRange(r.block),
  );
  const auctionAccount = new Map(
    index.auctions.map((a) => [a.id, lower(a.account)]),
  );

  // --- latency: breach → first action; breach → no longer liquidatable
  const actions = [
    ...liquidations.map((r) => ({ account: r.account, block: r.block })),
    ...sales.map((r) => ({ account: r.account, block: r.block })),
    ...auctions.map((r) => ({ account: r.account, block: r.kickedBlock })),
    ...takes.map((r) => ({
      account: auctionAccount.get(r.auctionId) ?? "",
      block: r.block,
    })),
  ].map((a) => ({ account: lower(a.account), block: big(a.block) }));
  const stepBlocks = scenario.steps.map((s) => s.block);
  // Blocks where something happened to each account (its own events), where its health can have changed.
  const touched = new Map<string, bigint[]>();
  for (const log of protocolLogs) {
    const who = (log.args as { account?: Address }).account;
    if (!who || log.blockNumber === null) continue;
    const list = touched.get(lower(who)) ?? [];
    list.push(log.blockNumber);
    touched.set(lower(who), list);
  }
  const latencies: number[] = [];
  const clearLatencies: number[] = [];
  const unliquidated = new Set<Address>();
  const uncleared = new Set<Address>();
  for (const breach of scenario.breaches) {
    const who = lower(breach.account);
    const first = actions
      .filter((a) => a.account === who && a.block >= breach.block)
      .reduce<bigint | undefined>(
        (min, a) => (min === undefined || a.block < min ? a.block : min),
        undefined,
      );
    if (first === undefined) unliquidated.add(breach.account);
    else latencies.push(Number(first - breach.block));

    const candidates = [
      ...new Set([...(touched.get(who) ?? []), ...stepBlocks]),
    ]
      .filter((b) => b > breach.block && b <= end)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    let cleared: bigint | undefined;
    for (const block of candidates) {
      const liquidatable = await publicClient.readContract({
        address: d.protocol,
        abi: iMarginProtocolAbi,
        functionName: "isLiquidatable",
        args: [breach.account],
        blockNumber: block,
      });
      if (!liquidatable) {
        cleared = block;
        break;
      }
    }
    if (cleared === undefined) uncleared.add(breach.account);
    else clearLatencies.push(Number(cleared - breach.block));
  }

  // --- execution prices against the oracle at the sale's block
  const execution = {
    keepers: { sales: 0, oracleValueWad: 0n, paidWad: 0n },
    auctions: { sales: 0, oracleValueWad: 0n, paidWad: 0n },
    backstop: { sales: 0, oracleValueWad: 0n, paidWad: 0n },
  };
  const addSale = async (
    channel: keyof typeof execution,
    collateralId: string | bigint,
    amount: bigint,
    paidWad: bigint,
    block: bigint,
  ) => {
    const a = assetOf(collateralId);
    const oracleWad = await priceAt(a.oracle, block);
    const e = execution[channel];
    e.sales += 1;
    e.oracleValueWad += valueWad(amount, a.decimals, oracleWad);
    e.paidWad += paidWad;
  };
  const auctionAsset = new Map(
    index.auctions.map((a) => [a.id, a.collateralId]),
  );
  for (const s of sales)
    await addSale(
      s.byBackstop ? "backstop" : "keepers",
      s.collateralId,
      big(s.amount),
      big(s.quotePaidWad),
      big(s.block),
    );
  for (const t of takes)
    await addSale(
      t.byBackstop ? "backstop" : "auctions",
      auctionAsset.get(t.auctionId) ?? "0",
      big(t.amount),
      big(t.paidWad),
      big(t.block),
    );

  // --- the keeper: quote and collateral gained, gas spent at each step's ETH price
  const keeper = keeperAddress();
  const c = contracts(d, publicClient);
  const atEnd = { blockNumber: end };
  const [quoteEnd, ethEnd, ...collateralEnd] = await Promise.all([
    c.usdc.read.balanceOf([keeper], atEnd),
    publicClient.getBalance({ address: keeper, blockNumber: end }),
    ...assets.map((a) =>
      publicClient.readContract({
        address: a.token,
        abi: testnetTokenAbi,
        functionName: "balanceOf",
        args: [keeper],
        blockNumber: end,
      }),
    ),
  ]);
  let collateralValueWad = 0n;
  for (const [i, a] of assets.entries()) {
    const gained = collateralEnd[i]! - (baseline.keeper.collateral[i] ?? 0n);
    collateralValueWad += valueWad(
      gained,
      a.decimals,
      await priceAt(a.oracle, end),
    );
  }
  // Prices change only at the step blocks: value the ether spent between two of them at the price in between.
  const bounds = [baseline.block, ...stepBlocks.filter((b) => b < end), end];
  let gasCostWad = 0n;
  for (let i = 0; i + 1 < bounds.length; i++) {
    const [from, to] = [bounds[i]!, bounds[i + 1]!];
    const [before, after, ethPrice] = await Promise.all([
      publicClient.getBalance({ address: keeper, blockNumber: from }),
      publicClient.getBalance({ address: keeper, blockNumber: to }),
      priceAt(d.ethFeed, from),
    ]);
    gasCostWad += ((before - after) * ethPrice) / WAD;
  }
  const quoteChangeWad = quoteEnd * QUOTE_UNIT_WAD - baseline.keeper.quoteWad;

  // --- the solvency waterfall over the same range
  const waterfall = await readWaterfall(
    rpcUrl,
    d,
    { fromBlock: baseline.block, toBlock: end },
    keeper,
  );
  const bondsNetWad =
    (waterfall.holder.cost - waterfall.holder.redeemed) * QUOTE_UNIT_WAD;
  const revenueToFundWad = waterfall.routedToFund * QUOTE_UNIT_WAD;

  // --- the insurance fund
  const [insuranceEndUnits, totalBadDebtWad, totalDeficitWad] =
    await Promise.all([
      c.insurance.read.balance(atEnd),
      c.engine.read.totalBadDebtWad(atEnd),
      c.engine.read.totalDeficitWad(atEnd),
    ]);
  const insuranceEndWad = insuranceEndUnits * QUOTE_UNIT_WAD;
  const penaltiesWad = sumOf(liquidations, (r) => big(r.penaltyWad));
  const insurancePenaltyShareWad = sumOf(liquidations, (r) =>
    big(r.insuranceWad),
  );
  const badDebtWad = sumOf(badDebts, (r) => big(r.badDebtWad));
  const coveredWad = sumOf(badDebts, (r) => big(r.coveredWad));
  const deficitWad = sumOf(badDebts, (r) => big(r.deficitWad));
  const auctionKeeperRewardsWad =
    sumOf(auctions, (a) => big(a.kickRewardWad) + big(a.resetRewardsWad)) +
    sumOf(floorBuys, (r) => big(r.keeperRewardWad));
  // Of each take's payment, what the protocol credited to the account; the rest went to the fund (the penalty).
  const creditedByTx = new Map<string, bigint>();
  for (const log of protocolLogs) {
    if (log.eventName !== "QuoteCredited") continue;
    const args = log.args as { amountWad: bigint };
    creditedByTx.set(
      log.transactionHash,
      (creditedByTx.get(log.transactionHash) ?? 0n) + args.amountWad,
    );
  }
  const paidByTx = new Map<string, bigint>();
  for (const t of takes) {
    const tx = t.id.split("-")[0]!;
    paidByTx.set(tx, (paidByTx.get(tx) ?? 0n) + big(t.paidWad));
  }
  const auctionPenaltyWad = sumOf([...paidByTx], ([tx, paid]) => {
    return paid - (creditedByTx.get(tx) ?? 0n);
  });

  // --- the backstop vault
  const [assetsEnd, totals, ...heldEnd] = await Promise.all([
    publicClient.readContract({
      address: d.backstop,
      abi: backstopVaultAbi,
      functionName: "totalAssets",
      blockNumber: end,
    }),
    publicClient.readContract({
      address: d.backstop,
      abi: backstopVaultAbi,
      functionName: "totals",
      blockNumber: end,
    }),
    ...assets.map((a) =>
      publicClient.readContract({
        address: d.backstop,
        abi: backstopVaultAbi,
        functionName: "held",
        args: [a.id],
        blockNumber: end,
      }),
    ),
  ]);
  const backstop = {
    assetsStartWad: baseline.backstopAssetsWad,
    assetsEndWad: assetsEnd * QUOTE_UNIT_WAD,
    resultWad: assetsEnd * QUOTE_UNIT_WAD - baseline.backstopAssetsWad,
    boughtWad: totals[0],
    soldWad: totals[1],
    keeperRewardsWad: totals[2],
    held: assets.map((a, i) => ({
      collateralId: a.id,
      amount: heldEnd[i]!,
      decimals: a.decimals,
    })),
  };

  // Keeper rewards the fund paid over the crash, as the index has them (the rest came from the waterfall's revenue).
  const fundRewardsWad =
    (await indexedFundRewards(indexerUrl, baseline.block, end)) *
    QUOTE_UNIT_WAD;
  const indexMismatches = compareIndexWithChain(
    { ...index, fundRewardsWad, sharedCoveredWad: shared.coveredWad },
    {
      liquidations: chainLiquidated.length,
      penaltiesWad: sumOf(chainLiquidated, (l) => l.penaltyWad!),
      insuranceShareWad: sumOf(chainLiquidated, (l) => l.insuranceWad!),
      sales: chainSold.length,
      salesPaidWad: sumOf(chainSold, (l) => l.quotePaidWad!),
      kicks: chainKicked.length,
      kickRewardsWad:
        sumOf(chainKicked, (l) => l.rewardWad!) +
        sumOf(chainReset, (l) => l.rewardWad!),
      takes: chainTaken.length,
      takesPaidWad: sumOf(chainTaken, (l) => l.paidWad!),
      badDebts: chainBadDebt.length,
      totalBadDebtWad,
      totalDeficitWad,
      floorBuyRewardsWad: sumOf(chainFloorBuyRewards, (l) => l.rewardWad!),
      fundPaidOutWad:
        sumOf(coveredLogs, (l) => l.args.amount!) * QUOTE_UNIT_WAD,
      insuranceEndUnits,
      backstop,
      range: { liquidations, sales, takes, auctions, badDebts, floorBuys },
    },
  );
  indexMismatches.push(
    ...(await compareWaterfallIndex(rpcUrl, indexerUrl, d, waterfall)),
  );

  const breachedAccounts = new Set(
    scenario.breaches.map((b) => lower(b.account)),
  );
  const actedOn = new Set(actions.map((a) => a.account));
  const unclearedLower = new Set([...uncleared].map(lower));
  return {
    pattern,
    accounts: scenario.traders.length,
    accountsBreached: breachedAccounts.size,
    accountsLiquidated: [...breachedAccounts].filter((a) => actedOn.has(a))
      .length,
    accountsCleared: [...breachedAccounts].filter((a) => !unclearedLower.has(a))
      .length,
    breachesUnliquidated: [...unliquidated],
    breachesUncleared: [...uncleared],
    liquidations: liquidations.length,
    collateralSales: sales.filter((s) => !s.byBackstop).length,
    kicks: auctions.length,
    takes: takes.filter((t) => !t.byBackstop).length,
    resets: auctions.reduce((n, a) => n + a.resets, 0),
    backstopAbsorbs: sales.filter((s) => s.byBackstop).length,
    backstopFloorBuys: takes.filter((t) => t.byBackstop).length,
    blocksToLiquidation: spread(latencies),
    blocksToClear: spread(clearLatencies),
    execution,
    keeper: {
      quoteStartWad: baseline.keeper.quoteWad,
      quoteChangeWad,
      collateralValueWad,
      gasWei: baseline.keeper.ethWei - ethEnd,
      gasCostWad,
      bondsNetWad,
      profitWad: quoteChangeWad + bondsNetWad + collateralValueWad - gasCostWad,
    },
    penaltiesWad,
    keeperRewardsWad: sumOf(liquidations, (r) => big(r.keeperRewardWad)),
    insurancePenaltyShareWad,
    auctionPenaltyWad,
    auctionKeeperRewardsWad,
    gasReimbursedWad,
    badDebtWad,
    coveredWad,
    deficitWad,
    insuranceStartWad: baseline.insuranceWad,
    insuranceEndWad,
    revenueToFundWad,
    waterfallImbalanceWad:
      insuranceEndWad -
      baseline.insuranceWad -
      revenueToFundWad +
      coveredWad +
      shared.coveredWad +
      waterfall.rewardsFromFund * QUOTE_UNIT_WAD,
    rewardImbalanceWad:
      auctionKeeperRewardsWad +
      gasReimbursedWad +
      shared.rewardsWad -
      (waterfall.rewardsFromRevenue + waterfall.rewardsFromFund) *
        QUOTE_UNIT_WAD,
    revenueImbalanceWad:
      insurancePenaltyShareWad +
      auctionPenaltyWad +
      shared.revenueWad -
      (waterfall.revenue.penaltyShare +
        waterfall.revenue.auctionPenalties +
        waterfall.revenue.lending) *
        QUOTE_UNIT_WAD,
    waterfall,
    backstop,
    indexMismatches,
    indexMatchesChain: indexMismatches.length === 0,
  };
}

/** Each total the index keeps against the same total summed from the chain's events or read from the contracts. */
function compareIndexWithChain(
  index: IndexRows & { fundRewardsWad: bigint; sharedCoveredWad: bigint },
  chain: {
    liquidations: number;
    penaltiesWad: bigint;
    insuranceShareWad: bigint;
    sales: number;
    salesPaidWad: bigint;
    kicks: number;
    kickRewardsWad: bigint;
    floorBuyRewardsWad: bigint;
    takes: number;
    takesPaidWad: bigint;
    badDebts: number;
    totalBadDebtWad: bigint;
    totalDeficitWad: bigint;
    fundPaidOutWad: bigint;
    insuranceEndUnits: bigint;
    backstop: Report["backstop"];
    range: {
      liquidations: IndexRows["liquidations"];
      sales: IndexRows["collateralSales"];
      takes: IndexRows["auctionTakes"];
      auctions: IndexRows["auctions"];
      badDebts: IndexRows["badDebts"];
      floorBuys: IndexRows["backstopTrades"];
    };
  },
): string[] {
  const r = chain.range;
  const problems: string[] = [];
  const same = (
    what: string,
    indexed: bigint | number,
    onChain: bigint | number,
  ) => {
    if (BigInt(indexed) !== BigInt(onChain))
      problems.push(`${what}: index ${indexed}, chain ${onChain}`);
  };
  same("liquidations", r.liquidations.length, chain.liquidations);
  same(
    "penalties",
    sumOf(r.liquidations, (x) => big(x.penaltyWad)),
    chain.penaltiesWad,
  );
  same(
    "insurance share",
    sumOf(r.liquidations, (x) => big(x.insuranceWad)),
    chain.insuranceShareWad,
  );
  same("collateral sales", r.sales.length, chain.sales);
  same(
    "collateral sales paid",
    sumOf(r.sales, (x) => big(x.quotePaidWad)),
    chain.salesPaidWad,
  );
  same("kicks", r.auctions.length, chain.kicks);
  same(
    "kick and reset rewards",
    sumOf(r.auctions, (a) => big(a.kickRewardWad) + big(a.resetRewardsWad)),
    chain.kickRewardsWad,
  );
  same("takes", r.takes.length, chain.takes);
  same(
    "takes paid",
    sumOf(r.takes, (x) => big(x.paidWad)),
    chain.takesPaidWad,
  );
  same(
    "floor-buy rewards",
    sumOf(r.floorBuys, (x) => big(x.keeperRewardWad)),
    chain.floorBuyRewardsWad,
  );
  same("bad-debt settlements", r.badDebts.length, chain.badDebts);
  const covered = sumOf(r.badDebts, (x) => big(x.coveredWad));
  same(
    "bad debt",
    sumOf(r.badDebts, (x) => big(x.badDebtWad)),
    chain.totalBadDebtWad,
  );
  same(
    "deficit",
    sumOf(r.badDebts, (x) => big(x.deficitWad)),
    chain.totalDeficitWad,
  );
  same(
    "stats bad debt",
    big(index.stats.totalBadDebtWad),
    chain.totalBadDebtWad,
  );
  same(
    "stats deficit",
    big(index.stats.totalDeficitWad),
    chain.totalDeficitWad,
  );
  // The fund covers bad debt and the part of each keeper reward the waterfall's pending revenue did not pay.
  same(
    "fund paid out (cover)",
    covered + index.sharedCoveredWad + index.fundRewardsWad,
    chain.fundPaidOutWad,
  );
  same(
    "insurance fund balance",
    big(index.stats.insuranceFundBalance),
    chain.insuranceEndUnits,
  );
  const b = index.stats.backstop;
  if (b === null) problems.push("backstop: not indexed");
  else {
    same("backstop bought", big(b.totalBoughtWad), chain.backstop.boughtWad);
    same("backstop sold", big(b.totalSoldWad), chain.backstop.soldWad);
    same(
      "backstop keeper rewards",
      big(b.totalKeeperRewardsWad),
      chain.backstop.keeperRewardsWad,
    );
    for (const h of chain.backstop.held) {
      const row = b.assets.find((a) => big(a.collateralId) === h.collateralId);
      same(
        `backstop holdings of collateral ${h.collateralId}`,
        big(row?.held ?? "0"),
        h.amount,
      );
    }
  }
  return problems;
}

/*//////////////////////////////////////////////////////////////
                             FORMATTING
//////////////////////////////////////////////////////////////*/

export function usd(wad: bigint): string {
  const negative = wad < 0n;
  const abs = negative ? -wad : wad;
  const cents = (abs * 100n + WAD / 2n) / WAD;
  const whole = (cents / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${negative ? "-" : ""}$${whole}.${(cents % 100n).toString().padStart(2, "0")}`;
}

/** A wad fraction as a percentage with `digits` decimals. */
export function pct(wad: bigint, digits = 2): string {
  const scale = 10n ** BigInt(digits);
  const negative = wad < 0n;
  const abs = negative ? -wad : wad;
  const units = (abs * 100n * scale + WAD / 2n) / WAD;
  const s = `${units / scale}${digits > 0 ? "." + (units % scale).toString().padStart(digits, "0") : ""}`;
  return `${negative ? "-" : ""}${s}%`;
}

/** A wad price with 4 decimals, e.g. 0.9500. */
export function price(wad: bigint): string {
  const units = (wad * 10_000n + WAD / 2n) / WAD;
  return `${units / 10_000n}.${(units % 10_000n).toString().padStart(4, "0")}`;
}

/** Quote token units (6 decimals) as dollars. */
const usdUnits = (units: bigint) => usd(units * QUOTE_UNIT_WAD);

const shortAddress = (a: Address) => `${a.slice(0, 6)}…${a.slice(-4)}`;

/** Paid / value at the oracle, as a percentage of the oracle price ("n/a" with no sale). */
export function executionRatio(e: Execution): string {
  if (e.oracleValueWad === 0n) return "n/a";
  return pct((e.paidWad * WAD) / e.oracleValueWad);
}

export const allExecution = (r: Report): Execution => {
  const channels = Object.values(r.execution);
  return {
    sales: channels.reduce((a, e) => a + e.sales, 0),
    oracleValueWad: channels.reduce((a, e) => a + e.oracleValueWad, 0n),
    paidWad: channels.reduce((a, e) => a + e.paidWad, 0n),
  };
};

const spreadText = (s: Spread) =>
  `min ${s.min}, median ${s.median}, mean ${s.mean.toFixed(2)}, max ${s.max}`;

const executionText = (e: Execution) =>
  e.sales === 0
    ? "none"
    : `${executionRatio(e)} of oracle on ${usd(e.oracleValueWad)} (${e.sales} sales)`;

export function formatParameters(p: Parameters): string[] {
  const lines = [
    `pattern                           ${p.pattern}`,
    `position penalty                  ${pct(p.penaltyWad)} of closed notional (keeper ${pct(p.keeperShareWad, 0)}, insurance fund the rest); target health ${Number((p.targetHealthWad * 100n) / WAD) / 100}`,
  ];
  if (p.pattern === "fixed-fee")
    lines.push(
      `collateral sale                   keepers buy at oracle - ${pct(p.collateralDiscountWad)}`,
    );
  if (p.pattern === "dutch-auction")
    lines.push(
      `auction                           start at oracle x ${pct(p.auctionStartBufferWad, 0)}, -${pct(WAD - p.auctionCutWad, 0)} every ${p.auctionStepSeconds} s, floor ${pct(p.auctionFloorWad, 0)} of oracle (backstop buys below it), reset after ${p.auctionResetAfterSeconds} s; target debt + ${pct(p.auctionPenaltyWad, 0)}; caps ${usd(p.auctionAssetCapWad)} per asset, ${usd(p.auctionGlobalCapWad)} in all; kick/reset reward ${usd(p.auctionTipWad)} + ${pct(p.auctionChipWad, 1)} of the value at stake + gas, at most ${usd(p.auctionMaxRewardWad)} each and ${pct(p.auctionMaxValueShareWad, 0)} of the value at stake (at most the penalty) per auction`,
    );
  if (p.pattern === "internal")
    lines.push(
      `backstop                          buys at oracle - ${pct(p.backstopDiscountWad)} with priority (keepers at - ${pct(p.collateralDiscountWad)} only when it is full); cap ${usd(p.backstopCapWad)} per asset; keeper reward ${usd(p.backstopTipWad)} (at most ${pct(p.backstopGainShareWad, 0)} of the gain) + gas at cost (at most ${pct(p.backstopMaxValueShareWad, 0)} of the value bought)`,
    );
  return lines;
}

export function formatReport(
  r: Report,
  scenario: ScenarioResult,
  parameters?: Parameters,
): string {
  const deviation = (s: ScenarioResult["steps"][number]) =>
    s.poolDeviationWad
      ? `; pools vs oracle ETH ${pct(s.poolDeviationWad.eth, 3)}, BTC ${pct(s.poolDeviationWad.btc, 3)}`
      : "";
  const sales = (s: ScenarioResult["steps"][number]) =>
    s.backstopSales
      .map((x) => {
        const asset = x.collateralId === 0n ? "WETH" : "WBTC";
        const sold =
          x.sold > 0n
            ? `; backstop sold ${asset} for ${usd(x.receivedWad)}`
            : "";
        const kept =
          x.kept > 0n
            ? `; backstop kept some ${asset} (${x.keptReason ?? "unsold"})`
            : "";
        return sold + kept;
      })
      .join("");
  const lines = [
    "",
    "=== Crash report ===",
    ...(parameters ? formatParameters(parameters) : [`pattern ${r.pattern}`]),
    "",
    ...scenario.steps.map(
      (s) =>
        `step ${s.step}: ETH $${s.ethUsd} BTC $${s.btcUsd} at block ${s.block}: ${s.newlyBreached.length} new breaches, cleared in ${(s.clearedAfterMs / 1000).toFixed(1)} s${deviation(s)}${sales(s)}`,
    ),
    "",
    `accounts                          ${r.accounts}`,
    `accounts that crossed maintenance ${r.accountsBreached}`,
    `  of them liquidated              ${r.accountsLiquidated}   (acted on after the breach: a close, a sale, a kick, a take or a backstop buy)`,
    `  of them cleared                 ${r.accountsCleared}   (every breach ended: no longer liquidatable at a later block)`,
    `liquidations / collateral sales   ${r.liquidations} / ${r.collateralSales}`,
    `auctions: kicks / takes / resets  ${r.kicks} / ${r.takes} / ${r.resets}`,
    `backstop: absorbs / floor buys    ${r.backstopAbsorbs} / ${r.backstopFloorBuys}`,
    `blocks from breach to liquidation ${spreadText(r.blocksToLiquidation)}`,
    `blocks from breach to cleared     ${spreadText(r.blocksToClear)}`,
    `execution price (paid / oracle value at the sale's block, value-weighted):`,
    `  keepers (fixed discount)        ${executionText(r.execution.keepers)}`,
    `  auction takes                   ${executionText(r.execution.auctions)}`,
    `  backstop buys                   ${executionText(r.execution.backstop)}`,
    `  all                             ${executionText(allExecution(r))}`,
    `keeper profit                     ${usd(r.keeper.profitWad)} (quote ${usd(r.keeper.quoteChangeWad)} + bonds bought less redeemed ${usd(r.keeper.bondsNetWad)} + collateral ${usd(r.keeper.collateralValueWad)} - gas ${usd(r.keeper.gasCostWad)})`,
    `penalties                         ${usd(r.penaltiesWad)} (keepers ${usd(r.keeperRewardsWad)}, solvency waterfall ${usd(r.insurancePenaltyShareWad)})`,
    `auction penalties to waterfall    ${usd(r.auctionPenaltyWad)} (kick, reset and floor-buy rewards ${usd(r.auctionKeeperRewardsWad)}: from revenue ${usdUnits(r.waterfall.rewardsFromRevenue)}, by the fund ${usdUnits(r.waterfall.rewardsFromFund)})`,
    `gas reimbursed at cost           ${usd(r.gasReimbursedWad)} (to the keepers of closes, sales and absorbs, through the waterfall)`,
    `protocol penalty income           ${usd(r.insurancePenaltyShareWad + r.auctionPenaltyWad)}`,
    `insurance fund                    ${usd(r.insuranceStartWad)} -> ${usd(r.insuranceEndWad)}`,
    `backstop                          ${usd(r.backstop.assetsStartWad)} -> ${usd(r.backstop.assetsEndWad)} at the oracle: ${usd(r.backstop.resultWad)} (bought ${usd(r.backstop.boughtWad)}, sold ${usd(r.backstop.soldWad)}, keepers paid ${usd(r.backstop.keeperRewardsWad)})`,
    `bad debt                          ${usd(r.badDebtWad)} (covered by the fund ${usd(r.coveredWad)})`,
    `deficit                           ${usd(r.deficitWad)}`,
    `waterfall balance                 fund change - revenue routed to it + covered bad debt (perps + lending) + keeper rewards the fund paid = ${usd(r.waterfallImbalanceWad)}`,
    `reward balance                    auction keeper rewards (perps + lending) + gas reimbursed (engines and backstops) - rewards the waterfall paid (from revenue + by the fund) = ${usd(r.rewardImbalanceWad)}`,
    `revenue balance                   penalty share + auction penalties (perps + lending) - penalty revenue the waterfall received = ${usd(r.revenueImbalanceWad)}`,
    "",
    ...formatWaterfall(r.waterfall),
    "",
    `index matches chain               ${r.indexMatchesChain ? "yes" : `NO (${r.indexMismatches.join("; ")})`}`,
  ];
  return lines.join("\n");
}

/** The report's "solvency waterfall" section: every layer, each series, the revenue, the share prices. */
export function formatWaterfall(w: WaterfallReport): string[] {
  const revenueText = (x: WaterfallReport["revenue"]) =>
    `${usdUnits(x.penaltyShare + x.auctionPenalties + x.feeShare + x.lending)} (penalty share ${usdUnits(x.penaltyShare)}, auction penalties ${usdUnits(x.auctionPenalties)}, fee share ${usdUnits(x.feeShare)}${x.lending > 0n ? `, lending market ${usdUnits(x.lending)}` : ""})`;
  const sum = (xs: bigint[]) => xs.reduce((a, b) => a + b, 0n);
  const avg = (cost: bigint, face: bigint) =>
    face === 0n ? "n/a" : price((cost * WAD) / face);
  const holds = w.problems.length === 0 ? "holds" : "BROKEN";
  const lines = [
    `solvency waterfall                collateral -> insurance fund -> solvency bonds -> socialization, at block ${w.block}`,
    `  bad debt recognized             ${usdUnits(w.recognized)} (${w.badDebts} settlement${w.badDebts === 1 ? "" : "s"})`,
    `    covered by the insurance fund ${usdUnits(w.coveredByFund)}`,
    `    raised by bonds               ${usdUnits(w.raisedByBonds)} (${w.series.length} series)`,
    `    socialized                    ${usdUnits(w.socialized)} (${usdUnits(w.socializedBelowMinimum)} below the minimum series, ${usdUnits(sum(w.series.map((s) => s.unsoldSocialized)))} unsold at a close)`,
    `    still open (bonds on sale)    ${usdUnits(w.open)}`,
    `    identity                      recognized = fund + bonds + socialized + open: ${usdUnits(w.recognized)} = ${usdUnits(w.coveredByFund)} + ${usdUnits(w.raisedByBonds)} + ${usdUnits(w.socialized)} + ${usdUnits(w.open)} (${holds})`,
  ];
  for (const s of w.series) {
    const buyers = s.buyers
      .map(
        (b) =>
          `${shortAddress(b.buyer)}${b.buyer.toLowerCase() === w.holder.address.toLowerCase() ? " (the keeper)" : ""} ${usdUnits(b.cost)} for face ${usdUnits(b.face)} at ${avg(b.cost, b.face)}`,
      )
      .join("; ");
    const repaidPct =
      s.faceSold === 0n ? "n/a" : pct((s.repaid * WAD) / s.faceSold);
    lines.push(
      `  series ${s.id}`.padEnd(34) +
        `deficit ${usdUnits(s.deficit)}, issued at block ${s.issuedBlock}${s.issuedWithItsBadDebt ? " in the bad debt's transaction" : ""}; ${s.closed ? "closed" : "on sale"}`,
      `    sold                          face ${usdUnits(s.faceSold)} for ${usdUnits(s.raised)}, average price ${avg(s.raised, s.faceSold)}${buyers ? `: ${buyers}` : ""}`,
      `    repaid                        ${usdUnits(s.repaid)} (${repaidPct} of face), redeemed ${usdUnits(s.redeemed)}, still owed ${usdUnits(s.faceSold - s.repaid)}`,
    );
  }
  lines.push(
    `  revenue into the waterfall      ${revenueText(w.revenue)}`,
    `    after the first series        ${revenueText(w.revenueAfterIssue)}`,
    `    routed to bonds / the fund    ${usdUnits(w.routedToBonds)} / ${usdUnits(w.routedToFund)}; pending ${usdUnits(w.pendingStart)} -> ${usdUnits(w.pendingEnd)} (the fund takes revenue only once every series is repaid: ${w.problems.some((p) => p.startsWith("the fund took")) ? "BROKEN" : "holds"})`,
    `    keeper rewards paid           from revenue ${usdUnits(w.rewardsFromRevenue)} / by the fund ${usdUnits(w.rewardsFromFund)}; reward reserve ${usdUnits(w.rewardReserve)} (route() keeps it back from bonds and the fund)`,
    `  bonds outstanding               face ${usdUnits(w.outstandingFace)} not yet repaid; ${usdUnits(w.heldForHolders)} repaid and not yet redeemed`,
    `  insurance fund share price      ${price(w.fund.start.sharePriceWad)} -> ${price(w.fund.end.sharePriceWad)} (assets ${usdUnits(w.fund.start.assets)} -> ${usdUnits(w.fund.end.assets)})`,
    `  vault share price               ${price(w.vault.start.sharePriceWad)} -> ${price(w.vault.end.sharePriceWad)} (exit price ${price(w.vault.start.exitPriceWad)} -> ${price(w.vault.end.exitPriceWad)})`,
  );
  return lines;
}

/**
 * Failures of the demo's promises, empty when every breached account was liquidated and cleared and the books balance.
 * `expectBonds`: the run was set up for bad debt beyond the insurance fund, so a bond series must have been issued.
 */
export function reportProblems(
  r: Report,
  scenario: ScenarioResult,
  options: { expectBonds?: boolean } = {},
): string[] {
  const problems: string[] = [];
  if (scenario.stillLiquidatable.length > 0)
    problems.push(
      `still liquidatable: ${scenario.stillLiquidatable.join(", ")}`,
    );
  if (scenario.liveAuctions.length > 0)
    problems.push(`auctions still live: ${scenario.liveAuctions.join(", ")}`);
  if (r.breachesUnliquidated.length > 0)
    problems.push(
      `breached but never liquidated: ${r.breachesUnliquidated.join(", ")}`,
    );
  if (r.breachesUncleared.length > 0)
    problems.push(
      `breached and never cleared: ${r.breachesUncleared.join(", ")}`,
    );
  if (r.waterfallImbalanceWad !== 0n)
    problems.push(`waterfall does not balance: ${r.waterfallImbalanceWad}`);
  if (r.rewardImbalanceWad !== 0n)
    problems.push(
      `keeper rewards do not balance: ${r.rewardImbalanceWad} [wad]`,
    );
  if (r.revenueImbalanceWad !== 0n)
    problems.push(
      `penalty revenue does not balance: ${r.revenueImbalanceWad} [wad]`,
    );
  problems.push(...r.waterfall.problems.map((p) => `solvency waterfall: ${p}`));
  if (options.expectBonds && r.waterfall.series.length === 0)
    problems.push(
      "no bond series was issued: the crash's bad debt never went past the insurance fund",
    );
  if (!r.indexMatchesChain)
    problems.push(
      `the index disagrees with the chain: ${r.indexMismatches.join("; ")}`,
    );
  return problems;
}
