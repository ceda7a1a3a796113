/**
 * A market crash on the local chain: a few dozen leveraged accounts, then prices stepped down.
 * After each step the scenario records, at that block, which accounts crossed maintenance, and waits
 * until the keeper has liquidated every liquidatable account.
 */
import {
  keccak256,
  parseEther,
  parseUnits,
  toHex,
  type Address,
  type Hex,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
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
};

/** An account found below maintenance at the block of a price step. */
export type Breach = { account: Address; block: bigint; step: number };

export type ScenarioResult = {
  traders: Trader[];
  steps: StepResult[];
  breaches: Breach[];
  stillLiquidatable: Address[];
};

const e = (x: number) => parseEther(String(x));

/** The demo's book: 36 accounts, from cautious to reckless, longs and shorts, quote and token collateral. */
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

/** Pushes both prices in one block. */
export async function pushPrices(
  rpcUrl: string,
  d: Deployment,
  step: PriceStep,
): Promise<bigint> {
  const { publicClient, wallet } = clients(rpcUrl);
  const deployer = wallet(DEPLOYER_KEY);
  const nonce = await publicClient.getTransactionCount({
    address: deployer.account.address,
    blockTag: "pending",
  });
  const hashes = await Promise.all([
    deployer.writeContract({
      address: d.ethFeed,
      abi: pushPriceFeedAbi,
      functionName: "push",
      args: [step.ethUsd * WAD],
      nonce,
    }),
    deployer.writeContract({
      address: d.btcFeed,
      abi: pushPriceFeedAbi,
      functionName: "push",
      args: [step.btcUsd * WAD],
      nonce: nonce + 1,
    }),
  ]);
  const receipts = await Promise.all(
    hashes.map((hash) =>
      publicClient.waitForTransactionReceipt({ hash, pollingInterval: 100 }),
    ),
  );
  if (receipts.some((r) => r.status !== "success"))
    throw new Error("price push reverted");
  if (receipts[0]!.blockNumber !== receipts[1]!.blockNumber)
    throw new Error("the two price pushes landed in different blocks");
  return receipts[0]!.blockNumber;
}

/** Runs the crash: each step, then wait until no account is liquidatable (or `clearTimeoutMs` passes). */
export async function runCrash(
  rpcUrl: string,
  d: Deployment,
  traders: Trader[],
  steps: PriceStep[],
  options: { clearTimeoutMs: number; onStep?: (s: StepResult) => void },
): Promise<ScenarioResult> {
  const { publicClient } = clients(rpcUrl);
  const breaches: Breach[] = [];
  const everBreached = new Set<Address>();
  const results: StepResult[] = [];
  let stillLiquidatable: Address[] = [];
  for (const [i, step] of steps.entries()) {
    const block = await pushPrices(rpcUrl, d, step);
    const breached = await liquidatableAt(publicClient, d, traders, block);
    const newlyBreached = breached.filter((a) => !everBreached.has(a));
    for (const a of breached) {
      everBreached.add(a);
      breaches.push({ account: a, block, step: i + 1 });
    }
    const started = Date.now();
    stillLiquidatable = breached;
    while (
      stillLiquidatable.length > 0 &&
      Date.now() - started < options.clearTimeoutMs
    ) {
      await sleep(250);
      stillLiquidatable = await liquidatableAt(publicClient, d, traders);
    }
    const result = {
      step: i + 1,
      block,
      ethUsd: step.ethUsd,
      btcUsd: step.btcUsd,
      newlyBreached,
      clearedAfterMs: Date.now() - started,
    };
    results.push(result);
    options.onStep?.(result);
    if (stillLiquidatable.length > 0) break;
  }
  return { traders, steps: results, breaches, stillLiquidatable };
}
