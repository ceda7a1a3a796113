import assert from "node:assert/strict";
import { test } from "node:test";
import { oracleValueWad } from "../src/backstop.ts";
import {
  absorb,
  auctionBuy,
  poolSale,
  replay,
  WAD,
  wad,
} from "./backstopRun.ts";

test("oracleValueWad scales token units and rounds down", () => {
  assert.equal(oracleValueWad(10_000_000n, 8, wad(40_000)), wad(4_000));
  assert.equal(oracleValueWad(1n, 18, WAD / 2n), 0n); // 0.5 wei → 0
  assert.equal(
    oracleValueWad(2_765_306_122_448_979_592n, 18, wad(1_800)),
    4_977_551_020_408_163_265_600n,
  );
});

test("buys add to holdings, a pool sale takes from them; totals match the vault's", () => {
  const { state, weth, wbtc } = replay();
  assert.equal(weth.held, 2_765_306_122_448_979_592n - poolSale.amount);
  assert.equal(weth.boughtAmount, absorb.amount);
  assert.equal(weth.soldAmount, poolSale.amount);
  assert.equal(wbtc.held, 10_000_000n);
  assert.deepEqual(
    [weth.absorbCount, weth.auctionBuyCount, weth.poolSaleCount],
    [1, 0, 1],
  );
  assert.deepEqual(
    [wbtc.absorbCount, wbtc.auctionBuyCount, wbtc.poolSaleCount],
    [0, 1, 0],
  );
  assert.equal(state.totalBoughtWad, 8_278_000_001n * 10n ** 12n);
  assert.equal(state.totalSoldWad, 4_129_822_324n * 10n ** 12n);
  // Only the absorb's reward is the vault's: a floor buy's keeper is paid by the insurance fund.
  assert.equal(state.totalKeeperRewardsWad, absorb.keeperRewardWad);
  assert.equal(wbtc.keeperRewardsWad, 0n);
  assert.deepEqual(
    [state.absorbCount, state.auctionBuyCount, state.poolSaleCount],
    [1, 1, 1],
  );
});
