/**
 * A market crash on the local chain: a few dozen leveraged accounts, then prices stepped down.
 * Each step pushes both prices and, in the same block, arbitrages the pools to them; the scenario records, at that
 * block, which accounts crossed maintenance, and waits until no account is liquidatable and no auction is live.
 */
import {
  keccak256,
  parseAbi,
  parseEther,
  parseUnits,
  toHex,
  type Address,
  type Hex,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  iAuctionHouseAbi,
  iMarginProtocolAbi,
  pushPriceFeedAbi,
  testnetTokenAbi,
} from "../../abi/src/generated.ts";
import {
  clients,
  contracts,
  send,
  type PublicClient,
  type WalletClient,
} from "./contracts.ts";
import {
  approvePools,
  arbitrageTransactions,
  poolDeviations,
  sellBackstopHoldings,
  type BackstopSale,
  type Transaction,
} from "./market.ts";
import { sleep } from "./processes.ts";
import { DEPLOYER_KEY, type Deployment } from "./system.ts";

const WAD = 10n ** 18n;
const ETH = 0n;
const BTC = 1n;

/** One trader: margin in quote and collateral, and positions [base units, wad] per market. */
export type TraderPlan = {
  label: string;
  quoteUsdc: bigint; // whole USDC
  wethWad: bigint;
  wbtcSats: bigint;
  ethSizeWad: bigint;
  btcSizeWad: bigint;
};

export type PriceStep = { ethUsd: bigint; btcUsd: bigint };

export type Trader = TraderPlan & { key: Hex; address: Address };

export type StepResult = {
  step: number;
  block: bigint;
  ethUsd: bigint;
  btcUsd: bigint;
  newlyBreached: Address[];
  clearedAfterMs: number;
  /** Each pool's spot price against the oracle at the step's block, after the arbitrage: pool / oracle − 1 [wad]. */
  poolDeviationWad?: { eth: bigint; btc: bigint };
  /** What the backstop's operator sold into the pools once the step cleared. */
  backstopSales: BackstopSale[];
};

/** An account found below maintenance at the block of a price step. */
export type Breach = { account: Address; block: bigint; step: number };

export type ScenarioResult = {
  traders: Trader[];
  steps: StepResult[];
  breaches: Breach[];
  stillLiquidatable: Address[];
  /** Auctions still live when the crash ended (or timed out). */
  liveAuctions: bigint[];
  /** First and last block of the crash: the block before the first push, and the head when it ended. */
  startBlock: bigint;
  endBlock: bigint;
};

const e = (x: number) => parseEther(String(x));

/**
 * The demo's book: 38 accounts, from cautious to reckless, longs and shorts, quote and token collateral; a whale whose
 * bad debt is large enough to reach the solvency bonds, and a late BTC long whose penalties repay them.
 */
export function demoBook(): TraderPlan[] {
  const plans: TraderPlan[] = [];
  // ETH longs on quote margin, leverage 2× to 9.5×, $1,000–$6,500 of margin.
  const ethLev = [2, 3, 4, 5, 5.5, 6, 6.5, 7, 7.5, 8, 8.5, 9.5];
  ethLev.forEach((lev, i) => {
    const margin = 1_000 + 500 * i;
    plans.push({
      label: `eth-long-${lev}x`,
      quoteUsdc: BigInt(margin),
      wethWad: 0n,
      wbtcSats: 0n,
      ethSizeWad: e((margin * lev) / 3_000),
      btcSizeWad: 0n,
    });
  });
  // BTC longs on quote margin.
  [3, 5, 6, 7, 8, 9].forEach((lev, i) => {
    const margin = 2_000 + 1_000 * i;
    plans.push({
      label: `btc-long-${lev}x`,
      quoteUsdc: BigInt(margin),
      wethWad: 0n,
      wbtcSats: 0n,
      ethSizeWad: 0n,
      btcSizeWad: e((margin * lev) / 60_000),
    });
  });
  // ETH longs on WETH only: the loss becomes debt, covered by selling the WETH.
  [3, 3.5, 4, 4.5, 5, 5.5].forEach((size, i) => {
    plans.push({
      label: `weth-backed-${size}eth`,
      quoteUsdc: 0n,
      wethWad: e(1 + i * 0.2),
      wbtcSats: 0n,
      ethSizeWad: e(size + i * 0.4),
      btcSizeWad: 0n,
    });
  });
  // Cross-margin: WBTC collateral and a little quote, long both markets.
  [0, 1, 2, 3].forEach((i) => {
    plans.push({
      label: `cross-${i}`,
      quoteUsdc: 500n,
      wethWad: 0n,
      wbtcSats: 5_000_000n + BigInt(i) * 1_000_000n,
      ethSizeWad: e(3 + i),
      btcSizeWad: e(0.15 + i * 0.05),
    });
  });
  // ETH shorts: they gain in the crash and must never be liquidated.
  [2, 3, 4, 5].forEach((lev, i) => {
    const margin = 3_000 + 1_000 * i;
    plans.push({
      label: `eth-short-${lev}x`,
      quoteUsdc: BigInt(margin),
      wethWad: 0n,
      wbtcSats: 0n,
      ethSizeWad: -e((margin * lev) / 3_000),
      btcSizeWad: 0n,
    });
  });
  // Reckless: 9.9× longs that a gap move takes past zero equity (bad debt for the waterfall).
  [0, 1, 2, 3].forEach((i) => {
    const margin = 2_000 + 1_000 * i;
    plans.push({
      label: `reckless-${i}`,
      quoteUsdc: BigInt(margin),
      wethWad: 0n,
      wbtcSats: 0n,
      ethSizeWad: e((margin * 9.9) / 3_000),
      btcSizeWad: 0n,
    });
  });
  // The whale: 150 ETH long (4.6×) on $97,000. At $2,520 its health is still 1.32; the gap to $2,220 leaves it about
  // $20,000 under water (plus the keeper's share of the penalty): bad debt beyond a small insurance fund.
  plans.push({
    label: "whale-4.6x",
    quoteUsdc: 97_000n,
    wethWad: 0n,
    wbtcSats: 0n,
    ethSizeWad: e(150),
    btcSizeWad: 0n,
  });
  // A late BTC long: 6 BTC (4.2×) on $85,800, reached only by the last two legs. At $47,500 its health is 0.76 and
  // the keeper closes two thirds of it; at $45,000 the rest. Its penalties are revenue after the bonds were issued.
  plans.push({
    label: "btc-late-4.2x",
    quoteUsdc: 85_800n,
    wethWad: 0n,
    wbtcSats: 0n,
    ethSizeWad: 0n,
    btcSizeWad: e(6),
  });
  return plans;
}

/** ETH −40% and BTC −25% in steps, with one gap move of −12% on ETH. */
export function demoCrash(): PriceStep[] {
  return [
    { ethUsd: 2_880n, btcUsd: 58_500n },
    { ethUsd: 2_760n, btcUsd: 57_000n },
    { ethUsd: 2_640n, btcUsd: 55_000n },
    { ethUsd: 2_520n, btcUsd: 53_000n },
    { ethUsd: 2_220n, btcUsd: 50_000n }, // the gap
    { ethUsd: 2_040n, btcUsd: 47_500n },
    { ethUsd: 1_800n, btcUsd: 45_000n },
  ];
}

export function traderKey(i: number): Hex {
  return keccak256(toHex(`liquidation-engine demo trader ${i}`));
}

export async function openBook(
  rpcUrl: string,
  d: Deployment,
  plans: TraderPlan[],
): Promise<Trader[]> {
  const { publicClient, wallet } = clients(rpcUrl);
  const deployer = wallet(DEPLOYER_KEY);
  const traders: Trader[] = plans.map((p, i) => {
    const key = traderKey(i);
    return { ...p, key, address: privateKeyToAccount(key).address };
  });

  // Gas money and tokens, minted by the deployer (the test tokens' owner) in one burst of transactions.
  for (const t of traders) {
    await publicClient.request({
      method: "anvil_setBalance" as never,
      params: [t.address, toHex(parseEther("10"))] as never,
    });
  }
  const mints: Promise<bigint>[] = [];
  let nonce = await publicClient.getTransactionCount({
    address: deployer.account.address,
    blockTag: "pending",
  });
  const mint = (token: Address, to: Address, amount: bigint) => {
    const n = nonce++;
    mints.push(
      deployer
        .writeContract({
          address: token,
          abi: testnetTokenAbi,
          functionName: "mint",
          args: [to, amount],
          nonce: n,
        })
        .then((hash) =>
          publicClient.waitForTransactionReceipt({
            hash,
            pollingInterval: 100,
          }),
        )
        .then((r) => r.blockNumber),
    );
  };
  for (const t of traders) {
    if (t.quoteUsdc > 0n)
      mint(d.quote, t.address, parseUnits(String(t.quoteUsdc), 6));
    if (t.wethWad > 0n) mint(d.weth, t.address, t.wethWad);
    if (t.wbtcSats > 0n) mint(d.wbtc, t.address, t.wbtcSats);
  }
  await Promise.all(mints);

  // Each trader deposits and trades, all traders in parallel.
  await Promise.all(
    traders.map((t) => openOne(publicClient, wallet(t.key), d, t)),
  );
  return traders;
}

async function openOne(
  publicClient: PublicClient,
  w: WalletClient,
  d: Deployment,
  t: Trader,
) {
  const tx = (
    address: Address,
    abi: readonly unknown[],
    functionName: string,
    args: readonly unknown[],
  ) => send(publicClient, w, { address, abi, functionName, args });
  if (t.quoteUsdc > 0n) {
    const amount = parseUnits(String(t.quoteUsdc), 6);
    await tx(d.quote, testnetTokenAbi, "approve", [d.protocol, amount]);
    await tx(d.protocol, iMarginProtocolAbi, "depositQuote", [amount]);
  }
  if (t.wethWad > 0n) {
    await tx(d.weth, testnetTokenAbi, "approve", [d.protocol, t.wethWad]);
    await tx(d.protocol, iMarginProtocolAbi, "depositCollateral", [
      0n,
      t.wethWad,
    ]);
  }
  if (t.wbtcSats > 0n) {
    await tx(d.wbtc, testnetTokenAbi, "approve", [d.protocol, t.wbtcSats]);
    await tx(d.protocol, iMarginProtocolAbi, "depositCollateral", [
      1n,
      t.wbtcSats,
    ]);
  }
  const maxUint = 2n ** 256n - 1n;
  if (t.ethSizeWad !== 0n)
    await tx(d.protocol, iMarginProtocolAbi, "trade", [
      ETH,
      t.ethSizeWad,
      t.ethSizeWad > 0n ? maxUint : 0n,
    ]);
  if (t.btcSizeWad !== 0n)
    await tx(d.protocol, iMarginProtocolAbi, "trade", [
      BTC,
      t.btcSizeWad,
      t.btcSizeWad > 0n ? maxUint : 0n,
    ]);
}

/** Which traders are liquidatable at `blockNumber`. */
export async function liquidatableAt(
  publicClient: PublicClient,
  d: Deployment,
  traders: Trader[],
  blockNumber?: bigint,
) {
  const c = contracts(d, publicClient);
  const flags = await Promise.all(
    traders.map((t) =>
      c.protocol.read.isLiquidatable(
        [t.address],
        blockNumber === undefined ? {} : { blockNumber },
      ),
    ),
  );
  return traders.filter((_, i) => flags[i]).map((t) => t.address);
}

/**
 * Pushes both prices in one block, followed in the same burst by `then` (the deployer's transactions with explicit
 * gas, e.g. the pool arbitrage, which cannot be estimated before the transactions ahead of it are mined).
 */
export async function pushPrices(
  rpcUrl: string,
  d: Deployment,
  step: PriceStep,
  then: Transaction[] = [],
): Promise<bigint> {
  const { publicClient, wallet } = clients(rpcUrl);
  const deployer = wallet(DEPLOYER_KEY);
  const nonce = await publicClient.getTransactionCount({
    address: deployer.account.address,
    blockTag: "pending",
  });
  const pushes = [
    { feed: d.ethFeed, usd: step.ethUsd },
    { feed: d.btcFeed, usd: step.btcUsd },
  ].map((p) => ({
    address: p.feed,
    abi: pushPriceFeedAbi,
    functionName: "push",
    args: [p.usd * WAD],
    gas: 100_000n,
  }));
  // Sent one after the other (in nonce order) so the node sees them in order; mined together in the next block.
  const hashes: Hex[] = [];
  for (const [i, tx] of [...pushes, ...then].entries()) {
    hashes.push(
      await deployer.writeContract({
        ...tx,
        nonce: nonce + i,
      } as never),
    );
  }
  const receipts = await Promise.all(
    hashes.map((hash) =>
      publicClient.waitForTransactionReceipt({ hash, pollingInterval: 100 }),
    ),
  );
  const failed = receipts.findIndex((r) => r.status !== "success");
  if (failed >= 0)
    throw new Error(
      `${failed < 2 ? "price push" : "pool arbitrage"} reverted in ${receipts[failed]!.transactionHash}`,
    );
  if (receipts[0]!.blockNumber !== receipts[1]!.blockNumber)
    throw new Error("the two price pushes landed in different blocks");
  return receipts[0]!.blockNumber;
}

/** The auction house's id counter (a public variable, not part of IAuctionHouse). */
export const auctionHouseIdAbi = parseAbi([
  "function nextAuctionId() view returns (uint128)",
]);

/** Auctions the auction house runs: ids in `watched` (live at the last look) or started at or after `fromId`. */
export async function liveAuctions(
  publicClient: PublicClient,
  d: Deployment,
  since: { watched: bigint[]; fromId: bigint } = { watched: [], fromId: 0n },
): Promise<{ watched: bigint[]; fromId: bigint }> {
  const nextId = await publicClient.readContract({
    address: d.auctionHouse,
    abi: auctionHouseIdAbi,
    functionName: "nextAuctionId",
  });
  const ids = [...since.watched];
  for (let id = since.fromId; id < nextId; id++) ids.push(id);
  const lots = await Promise.all(
    ids.map((id) =>
      publicClient
        .readContract({
          address: d.auctionHouse,
          abi: iAuctionHouseAbi,
          functionName: "auction",
          args: [id],
        })
        .then((a) => a.lot),
    ),
  );
  return { watched: ids.filter((_, i) => lots[i]! > 0n), fromId: nextId };
}

/**
 * Runs the crash: each step (prices, then the pools arbitraged to them in the same block), then waits until no
 * account is liquidatable and no auction is live, or `clearTimeoutMs` passes.
 */
export async function runCrash(
  rpcUrl: string,
  d: Deployment,
  traders: Trader[],
  steps: PriceStep[],
  options: {
    clearTimeoutMs: number;
    onStep?: (s: StepResult) => void;
    /** Arbitrage the pools to each new oracle price (default true). */
    arbitrage?: boolean;
    /** The backstop's operator sells its holdings into the pools after each step (default true). */
    sellBackstop?: boolean;
  },
): Promise<ScenarioResult> {
  const { publicClient } = clients(rpcUrl);
  const arbitrage = options.arbitrage ?? true;
  if (arbitrage) await approvePools(rpcUrl, d);
  const startBlock = await publicClient.getBlockNumber();
  const breaches: Breach[] = [];
  const everBreached = new Set<Address>();
  const results: StepResult[] = [];
  let stillLiquidatable: Address[] = [];
  let live: bigint[] = [];
  let auctions = { watched: [] as bigint[], fromId: 0n };
  const auctionsLive = async () => {
    auctions = await liveAuctions(publicClient, d, auctions);
    return auctions.watched;
  };
  for (const [i, step] of steps.entries()) {
    const then = arbitrage
      ? await arbitrageTransactions(publicClient, d, {
          eth: step.ethUsd * WAD,
          btc: step.btcUsd * WAD,
        })
      : [];
    const block = await pushPrices(rpcUrl, d, step, then);
    const breached = await liquidatableAt(publicClient, d, traders, block);
    const newlyBreached = breached.filter((a) => !everBreached.has(a));
    for (const a of breached) {
      everBreached.add(a);
      breaches.push({ account: a, block, step: i + 1 });
    }
    const started = Date.now();
    stillLiquidatable = breached;
    live = await auctionsLive();
    while (
      (stillLiquidatable.length > 0 || live.length > 0) &&
      Date.now() - started < options.clearTimeoutMs
    ) {
      await sleep(250);
      stillLiquidatable = await liquidatableAt(publicClient, d, traders);
      live = await auctionsLive();
    }
    const clearedAfterMs = Date.now() - started;
    const backstopSales =
      (options.sellBackstop ?? true)
        ? await sellBackstopHoldings(rpcUrl, d)
        : [];
    const result: StepResult = {
      step: i + 1,
      block,
      ethUsd: step.ethUsd,
      btcUsd: step.btcUsd,
      newlyBreached,
      clearedAfterMs,
      backstopSales,
      ...(arbitrage
        ? { poolDeviationWad: await poolDeviations(publicClient, d, block) }
        : {}),
    };
    results.push(result);
    options.onStep?.(result);
    if (stillLiquidatable.length > 0 || live.length > 0) break;
  }
  const endBlock = await publicClient.getBlockNumber();
  return {
    traders,
    steps: results,
    breaches,
    stillLiquidatable,
    liveAuctions: live,
    startBlock,
    endBlock,
  };
}
