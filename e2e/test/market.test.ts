/** The pool arbitrage math: the swap that brings an x·y = k pool (0.3% fee) to a target price. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  arbitrageSwap,
  poolOut,
  spotPriceWad,
  sqrt,
  swapInForTargetPrice,
  type PoolSide,
} from "../src/market.ts";
import { parsePattern, PatternError } from "../src/patterns.ts";

const WAD = 10n ** 18n;
const weth: PoolSide = {
  pool: "0x0000000000000000000000000000000000000001",
  collateral: "0x0000000000000000000000000000000000000002",
  collateralDecimals: 18,
  quoteDecimals: 6,
};
const wbtc: PoolSide = { ...weth, collateralDecimals: 8 };

/** Applies a swap to the reserves as the pool would. */
function apply(
  c: bigint,
  q: bigint,
  swap: ReturnType<typeof arbitrageSwap>,
): [bigint, bigint] {
  if (swap === undefined) return [c, q];
  if (swap.tokenIn === "collateral")
    return [c + swap.amountIn, q - poolOut(c, q, swap.amountIn)];
  return [c - poolOut(q, c, swap.amountIn), q + swap.amountIn];
}

/** |a / b − 1| in parts per billion. */
const ppb = (a: bigint, b: bigint) => {
  const d = a > b ? a - b : b - a;
  return (d * 10n ** 9n) / b;
};

describe("sqrt", () => {
  it("is the floor of the square root, small and huge", () => {
    for (const n of [0n, 1n, 2n, 3n, 4n, 15n, 16n, 17n, 10n ** 105n + 7n]) {
      const r = sqrt(n);
      assert.ok(r * r <= n && (r + 1n) * (r + 1n) > n, `sqrt(${n}) = ${r}`);
    }
  });
});

describe("pool arbitrage", () => {
  it("sells collateral into a pool above the oracle, down to the oracle price", () => {
    let [c, q] = [1_000n * WAD, 3_000_000n * 10n ** 6n]; // $3,000
    const swap = arbitrageSwap(weth, c, q, 2_880n * WAD);
    assert.equal(swap?.tokenIn, "collateral");
    [c, q] = apply(c, q, swap);
    assert.ok(ppb(spotPriceWad(weth, c, q), 2_880n * WAD) < 10n);
  });

  it("buys collateral from a pool below the oracle, up to the oracle price", () => {
    let [c, q] = [50n * 10n ** 8n, 3_000_000n * 10n ** 6n]; // $60,000
    const swap = arbitrageSwap(wbtc, c, q, 61_500n * WAD);
    assert.equal(swap?.tokenIn, "quote");
    [c, q] = apply(c, q, swap);
    assert.ok(ppb(spotPriceWad(wbtc, c, q), 61_500n * WAD) < 10_000n);
  });

  it("does nothing to a pool at the target, and swaps nothing in the wrong direction", () => {
    const [c, q] = [1_000n * WAD, 3_000_000n * 10n ** 6n];
    assert.equal(arbitrageSwap(weth, c, q, 3_000n * WAD), undefined);
    // Pushing the out/in ratio down needs "in" tokens; pushing it up needs none of them.
    assert.equal(swapInForTargetPrice(c, q, 4_000n, 1n), 0n);
  });

  it("tracks a 40% crash step by step within a rounding error", () => {
    let [c, q] = [1_000n * WAD, 3_000_000n * 10n ** 6n];
    for (const usd of [
      2_880n,
      2_760n,
      2_640n,
      2_520n,
      2_220n,
      2_040n,
      1_800n,
    ]) {
      [c, q] = apply(c, q, arbitrageSwap(weth, c, q, usd * WAD));
      assert.ok(ppb(spotPriceWad(weth, c, q), usd * WAD) < 10n, `$${usd}`);
    }
  });
});

describe("COLLATERAL_PATTERN", () => {
  it("defaults to fixed-fee and accepts the three names", () => {
    assert.equal(parsePattern(undefined), "fixed-fee");
    assert.equal(parsePattern(""), "fixed-fee");
    assert.equal(parsePattern("dutch-auction"), "dutch-auction");
    assert.equal(parsePattern(" internal "), "internal");
  });

  it("rejects anything else with one line naming the choices", () => {
    assert.throws(
      () => parsePattern("auction"),
      (e: unknown) =>
        e instanceof PatternError &&
        e.message ===
          'COLLATERAL_PATTERN must be one of fixed-fee, dutch-auction, internal; got "auction"',
    );
  });
});
