// The backstop vault's running totals, per asset and for the vault, as its
// trades (absorb, auction buy, pool sale) move them. Pure: no Ponder imports,
// so the unit tests run it directly.
import type { backstopAsset, backstopState } from "../ponder.schema.ts";
import { mulWadDown, toWad } from "./health.ts";

type StateRow = typeof backstopState.$inferSelect;
type AssetRow = typeof backstopAsset.$inferSelect;

export type BackstopTradeKind = "absorb" | "auction_buy" | "pool_sale";

// What one trade adds to an asset's or the vault's running totals.
export type BackstopTradeAmounts = {
  kind: BackstopTradeKind;
  amount: bigint; // [token units]
  paidWad: bigint; // buys
  receivedWad: bigint; // pool sales
  keeperRewardWad: bigint; // buys: an absorb's is paid by the vault, a floor buy's by the insurance fund
};

// What the vault itself paid the keeper: only for an absorb (a floor buy's keeper is paid by the auction house out of
// the insurance fund, as for the reset it replaces).
function paidByVault(t: BackstopTradeAmounts): bigint {
  return t.kind === "absorb" ? t.keeperRewardWad : 0n;
}

type TradeTotals = {
  absorbCount: number;
  auctionBuyCount: number;
  poolSaleCount: number;
};

function countTrade(row: TradeTotals, kind: BackstopTradeKind): TradeTotals {
  return {
    absorbCount: row.absorbCount + (kind === "absorb" ? 1 : 0),
    auctionBuyCount: row.auctionBuyCount + (kind === "auction_buy" ? 1 : 0),
    poolSaleCount: row.poolSaleCount + (kind === "pool_sale" ? 1 : 0),
  };
}

// A buy adds to the holdings, a pool sale takes from them.
export function assetAfterTrade(
  row: Pick<
    AssetRow,
    | "held"
    | "boughtAmount"
    | "soldAmount"
    | "boughtWad"
    | "soldWad"
    | "keeperRewardsWad"
    | keyof TradeTotals
  >,
  t: BackstopTradeAmounts,
) {
  const sale = t.kind === "pool_sale";
  return {
    held: sale ? row.held - t.amount : row.held + t.amount,
    boughtAmount: row.boughtAmount + (sale ? 0n : t.amount),
    soldAmount: row.soldAmount + (sale ? t.amount : 0n),
    boughtWad: row.boughtWad + t.paidWad,
    soldWad: row.soldWad + t.receivedWad,
    keeperRewardsWad: row.keeperRewardsWad + paidByVault(t),
    ...countTrade(row, t.kind),
  };
}

// The vault's totals, as IBackstopVault.totals() keeps them.
export function stateAfterTrade(
  row: Pick<
    StateRow,
    | "totalBoughtWad"
    | "totalSoldWad"
    | "totalKeeperRewardsWad"
    | keyof TradeTotals
  >,
  t: BackstopTradeAmounts,
) {
  return {
    totalBoughtWad: row.totalBoughtWad + t.paidWad,
    totalSoldWad: row.totalSoldWad + t.receivedWad,
    totalKeeperRewardsWad: row.totalKeeperRewardsWad + paidByVault(t),
    ...countTrade(row, t.kind),
  };
}

// Token units at a price [wad per whole token], rounded down as the vault
// values its holdings (BackstopVault.totalAssets).
export function oracleValueWad(
  amount: bigint,
  decimals: number,
  priceWad: bigint,
): bigint {
  return mulWadDown(toWad(amount, decimals), priceWad);
}
