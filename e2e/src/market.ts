/**
 * The market outside the protocol: the demo's constant-product pools do not follow the oracle by themselves. After
 * each price push the deployer (owner of the test tokens) arbitrages each pool back to the oracle price, so that
 * takers who sell lots into a pool get the market price, not a stale one.
 */
import { BaseError, ContractFunctionRevertedError, type Address } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  backstopVaultAbi,
  constantProductPoolAbi,
  pushPriceFeedAbi,
  testnetTokenAbi,
} from "../../abi/src/generated.ts";
import { clients, send, type PublicClient } from "./contracts.ts";
import { DEPLOYER_KEY, type Deployment } from "./system.ts";

const WAD = 10n ** 18n;
/** The pools' fee: 0.3%, taken from the amount in (ConstantProductPool.FEE_BPS). */
const FEE_BPS = 30n;
const BPS = 10_000n;

/** Integer square root (floor), by Newton's method from a power of two above the root. */
export function sqrt(n: bigint): bigint {
  if (n < 0n) throw new RangeError("square root of a negative number");
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(n.toString(2).length / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/**
 * The amount of the "in" token to swap into an x·y = k pool with the 0.3% fee so that afterwards
 * reserveOut / reserveIn = num / den (the target price of the in token, in out-token units per in-token unit).
 * Zero when the pool is already at or below the target. With γ = 1 − fee, a swap of d in leaves
 * reserveIn' = rIn + d and reserveOut' = rIn·rOut / (rIn + γd), so the target needs
 * (rIn + γd)(rIn + d) = rIn·rOut·den / num: a quadratic in d.
 */
export function swapInForTargetPrice(
  reserveIn: bigint,
  reserveOut: bigint,
  num: bigint,
  den: bigint,
): bigint {
  if (reserveIn === 0n || reserveOut === 0n || num <= 0n || den <= 0n)
    return 0n;
  const gamma = BPS - FEE_BPS;
  // × BPS·num: a·d² + b·d + c = 0 with integer coefficients.
  const a = gamma * num;
  const b = (BPS + gamma) * num * reserveIn;
  const c = BPS * reserveIn * (num * reserveIn - reserveOut * den);
  if (c >= 0n) return 0n;
  return (sqrt(b * b - 4n * a * c) - b) / (2n * a);
}

/** What the pool pays out for `amountIn` (ConstantProductPool.quoteOut). */
export function poolOut(
  reserveIn: bigint,
  reserveOut: bigint,
  amountIn: bigint,
): bigint {
  const inAfterFee = amountIn * (BPS - FEE_BPS);
  return (inAfterFee * reserveOut) / (reserveIn * BPS + inAfterFee);
}

export type PoolSide = {
  pool: Address;
  collateral: Address;
  collateralDecimals: number;
  quoteDecimals: number;
};

/** The pool's spot price [wad quote per whole collateral token]. */
export function spotPriceWad(
  side: PoolSide,
  collateralReserve: bigint,
  quoteReserve: bigint,
): bigint {
  if (collateralReserve === 0n) return 0n;
  return (
    (quoteReserve * WAD * 10n ** BigInt(side.collateralDecimals)) /
    (collateralReserve * 10n ** BigInt(side.quoteDecimals))
  );
}

/** The swap that brings a pool to `priceWad`: which token goes in and how much; undefined when already there. */
export function arbitrageSwap(
  side: PoolSide,
  collateralReserve: bigint,
  quoteReserve: bigint,
  priceWad: bigint,
): { tokenIn: "collateral" | "quote"; amountIn: bigint } | undefined {
  // Price in quote units per collateral unit = priceWad·10^qd / (1e18·10^cd).
  const num = priceWad * 10n ** BigInt(side.quoteDecimals);
  const den = WAD * 10n ** BigInt(side.collateralDecimals);
  const sell = swapInForTargetPrice(collateralReserve, quoteReserve, num, den);
  if (sell > 0n) return { tokenIn: "collateral", amountIn: sell };
  const buy = swapInForTargetPrice(quoteReserve, collateralReserve, den, num);
  if (buy > 0n) return { tokenIn: "quote", amountIn: buy };
  return undefined;
}

export function poolSides(d: Deployment): {
  eth: PoolSide;
  btc: PoolSide;
} {
  return {
    eth: {
      pool: d.wethPool,
      collateral: d.weth,
      collateralDecimals: 18,
      quoteDecimals: 6,
    },
    btc: {
      pool: d.wbtcPool,
      collateral: d.wbtc,
      collateralDecimals: 8,
      quoteDecimals: 6,
    },
  };
}

export async function poolReserves(
  publicClient: PublicClient,
  side: PoolSide,
  blockNumber?: bigint,
): Promise<{ collateral: bigint; quote: bigint }> {
  const [collateral, quote] = await publicClient.readContract({
    address: side.pool,
    abi: constantProductPoolAbi,
    functionName: "reserves",
    ...(blockNumber === undefined ? {} : { blockNumber }),
  });
  return { collateral, quote };
}

/** Lets the deployer swap both tokens into both pools without a new approval each time. */
export async function approvePools(
  rpcUrl: string,
  d: Deployment,
): Promise<void> {
  const { publicClient, wallet } = clients(rpcUrl);
  const deployer = wallet(DEPLOYER_KEY);
  const max = 2n ** 256n - 1n;
  for (const side of Object.values(poolSides(d))) {
    for (const token of [side.collateral, d.quote]) {
      await send(publicClient, deployer, {
        address: token,
        abi: testnetTokenAbi,
        functionName: "approve",
        args: [side.pool, max],
      });
    }
  }
}

export type Transaction = {
  address: Address;
  abi: readonly unknown[];
  functionName: string;
  args: readonly unknown[];
  /** Set when the call cannot be estimated before the transactions ahead of it in the same burst are mined. */
  gas?: bigint;
};

/** The deployer's transactions that bring each pool to its new oracle price: mint what goes in, then swap it. */
export async function arbitrageTransactions(
  publicClient: PublicClient,
  d: Deployment,
  prices: { eth: bigint; btc: bigint },
): Promise<Transaction[]> {
  const deployer = privateKeyToAccount(DEPLOYER_KEY).address;
  const sides = poolSides(d);
  const txs: Transaction[] = [];
  for (const [side, priceWad] of [
    [sides.eth, prices.eth],
    [sides.btc, prices.btc],
  ] as const) {
    const r = await poolReserves(publicClient, side);
    const swap = arbitrageSwap(side, r.collateral, r.quote, priceWad);
    if (swap === undefined) continue;
    const token = swap.tokenIn === "collateral" ? side.collateral : d.quote;
    txs.push({
      address: token,
      abi: testnetTokenAbi,
      functionName: "mint",
      args: [deployer, swap.amountIn],
      gas: 100_000n,
    });
    txs.push({
      address: side.pool,
      abi: constantProductPoolAbi,
      functionName: "swap",
      args: [token, swap.amountIn, 0n, deployer],
      gas: 150_000n,
    });
  }
  return txs;
}

/** Each pool's spot price against its oracle at a block: (pool / oracle − 1) [wad, signed]. */
export async function poolDeviations(
  publicClient: PublicClient,
  d: Deployment,
  blockNumber: bigint,
): Promise<{ eth: bigint; btc: bigint }> {
  const sides = poolSides(d);
  const deviation = async (side: PoolSide, feed: Address) => {
    const [r, [oracleWad]] = await Promise.all([
      poolReserves(publicClient, side, blockNumber),
      publicClient.readContract({
        address: feed,
        abi: pushPriceFeedAbi,
        functionName: "read",
        blockNumber,
      }),
    ]);
    const spot = spotPriceWad(side, r.collateral, r.quote);
    return oracleWad === 0n ? 0n : (spot * WAD) / oracleWad - WAD;
  };
  const [eth, btc] = await Promise.all([
    deviation(sides.eth, d.ethFeed),
    deviation(sides.btc, d.btcFeed),
  ]);
  return { eth, btc };
}

export type BackstopSale = {
  collateralId: bigint;
  /** Collateral sold [token units] and quote received [wad]. */
  sold: bigint;
  receivedWad: bigint;
  /** Collateral kept, and why (the vault refused a sale of even a small slice). */
  kept: bigint;
  keptReason?: string;
};

/** The backstop's ABI plus the pool's errors, which a refused sale bubbles up. */
const backstopSaleAbi = [
  ...backstopVaultAbi,
  ...constantProductPoolAbi.filter((item) => item.type === "error"),
];

/** At most this many sale transactions per asset per step: the whole holding, then halves of what is left. */
const MAX_SALES_PER_ASSET = 6;

/**
 * The backstop's operator (the deployer owns it) sells what the backstop holds into the pools, each sale bounded by the
 * vault at the oracle price − 1%: the internal pattern's collateral goes back to the market instead of riding the
 * crash on the backstop's books. A sale the vault would refuse (the pool would pay less: too large for its depth) is
 * simulated first and halved until it passes; what cannot be sold is kept, with the reason.
 */
export async function sellBackstopHoldings(
  rpcUrl: string,
  d: Deployment,
): Promise<BackstopSale[]> {
  const { publicClient, wallet } = clients(rpcUrl);
  const deployer = wallet(DEPLOYER_KEY);
  const held = (collateralId: bigint) =>
    publicClient.readContract({
      address: d.backstop,
      abi: backstopVaultAbi,
      functionName: "held",
      args: [collateralId],
    });
  const sales: BackstopSale[] = [];
  for (const collateralId of [0n, 1n]) {
    let left = await held(collateralId);
    if (left === 0n) continue;
    const sale: BackstopSale = {
      collateralId,
      sold: 0n,
      receivedWad: 0n,
      kept: 0n,
    };
    let slice = left;
    for (let i = 0; i < MAX_SALES_PER_ASSET && left > 0n && slice > 0n; i++) {
      try {
        const { result } = await publicClient.simulateContract({
          address: d.backstop,
          abi: backstopSaleAbi,
          functionName: "sellToPool",
          args: [collateralId, slice],
          account: deployer.account,
        });
        await send(publicClient, deployer, {
          address: d.backstop,
          abi: backstopSaleAbi,
          functionName: "sellToPool",
          args: [collateralId, slice],
        });
        sale.sold += slice;
        sale.receivedWad += result;
        left = await held(collateralId);
        slice = left;
      } catch (error) {
        sale.keptReason = revertName(error);
        slice /= 2n;
      }
    }
    sale.kept = left;
    if (left === 0n) delete sale.keptReason;
    sales.push(sale);
  }
  return sales;
}

/** The custom error a simulation reverted with, or the error's first line. */
function revertName(error: unknown): string {
  if (error instanceof BaseError) {
    const reverted = error.walk(
      (e) => e instanceof ContractFunctionRevertedError,
    );
    if (reverted instanceof ContractFunctionRevertedError && reverted.data)
      return reverted.data.errorName;
    return error.shortMessage.split("\n")[0]!;
  }
  return String(error).split("\n")[0]!;
}
