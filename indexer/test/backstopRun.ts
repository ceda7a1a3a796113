// The backstop vault's trades in one run on the local chain (internal
// pattern for WETH, auctions for WBTC): one absorb, one auction buy at the
// floor, half the WETH sold to the pool. The vault's totals() after it: bought
// 8,278.000001, sold 4,129.822324, keeper rewards 2.013428 (the absorb's; the floor buy's keeper is paid by the
// insurance fund).
import type { backstopAsset, backstopState } from "../ponder.schema.ts";
import { assetAfterTrade, stateAfterTrade } from "../src/backstop.ts";

export const WAD = 10n ** 18n;
export const wad = (x: number) => BigInt(x) * WAD;
export const VAULT = "0x9d4454b023096f34b160d6b654540c56a1f81688";
export const WETH_FEED = "0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9";
export const WBTC_FEED = "0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9";

export type StateRow = typeof backstopState.$inferSelect;
export type AssetRow = typeof backstopAsset.$inferSelect;

export const emptyState = (): StateRow => ({
  address: VAULT,
  idleQuote: 1_000_000_000_000n,
  shareSupply: 1_000_000_000_000n,
  totalDeposited: 1_000_000_000_000n,
  totalWithdrawn: 0n,
  depositCount: 1,
  withdrawalCount: 0,
  totalBoughtWad: 0n,
  totalSoldWad: 0n,
  totalKeeperRewardsWad: 0n,
  absorbCount: 0,
  auctionBuyCount: 0,
  poolSaleCount: 0,
  updatedBlock: 7n,
});
export const emptyAsset = (
  collateralId: bigint,
  decimals: number,
  oracle: `0x${string}`,
): AssetRow => ({
  collateralId,
  token: "0x00000000000000000000000000000000000000e0",
  decimals,
  oracle,
  pool: "0x00000000000000000000000000000000000000e1",
  exposureCapWad: wad(750_000),
  held: 0n,
  boughtAmount: 0n,
  soldAmount: 0n,
  boughtWad: 0n,
  soldWad: 0n,
  keeperRewardsWad: 0n,
  absorbCount: 0,
  auctionBuyCount: 0,
  poolSaleCount: 0,
  updatedBlock: 7n,
});

export const absorb = {
  kind: "absorb" as const,
  amount: 2_765_306_122_448_979_592n,
  paidWad: 4_878_000_001n * 10n ** 12n,
  receivedWad: 0n,
  keeperRewardWad: 2_013_428n * 10n ** 12n,
};
export const auctionBuy = {
  kind: "auction_buy" as const,
  amount: 10_000_000n, // 0.1 WBTC
  paidWad: wad(3_400), // at the floor: 85% of 40,000
  receivedWad: 0n,
  keeperRewardWad: 2_007_935n * 10n ** 12n,
};
export const poolSale = {
  kind: "pool_sale" as const,
  amount: 1_382_653_061_224_489_796n,
  paidWad: 0n,
  receivedWad: 4_129_822_324n * 10n ** 12n,
  keeperRewardWad: 0n,
};

export function replay() {
  let state = emptyState();
  let weth = emptyAsset(0n, 18, WETH_FEED);
  let wbtc = emptyAsset(1n, 8, WBTC_FEED);
  weth = { ...weth, ...assetAfterTrade(weth, absorb) };
  state = { ...state, ...stateAfterTrade(state, absorb) };
  wbtc = { ...wbtc, ...assetAfterTrade(wbtc, auctionBuy) };
  state = { ...state, ...stateAfterTrade(state, auctionBuy) };
  weth = { ...weth, ...assetAfterTrade(weth, poolSale) };
  state = { ...state, ...stateAfterTrade(state, poolSale) };
  return { state, weth, wbtc };
}
