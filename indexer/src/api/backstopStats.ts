// The backstop vault's numbers for /stats: holdings per asset valued at the
// latest indexed price, and its mark-to-oracle result
//   holdings × price + quote received from sales − quote paid for buys
//   − keeper rewards paid,
// per asset and in total: what buying seized collateral has earned (or lost)
// so far if the holdings were worth their oracle price. Pure: no Ponder
// imports, so the unit tests run it directly.
import type { backstopAsset, backstopState } from "../../ponder.schema.ts";
import { oracleValueWad } from "../backstop.ts";
import { usablePrice } from "../health.ts";

type StateRow = typeof backstopState.$inferSelect;
type AssetRow = typeof backstopAsset.$inferSelect;

// Latest indexed price by oracle address (any case).
export type PriceBook = ReadonlyMap<
  string,
  { priceWad: bigint; block: bigint }
>;

// Holdings at a raw indexed answer; 0 with nothing held, null when something is
// held and the price is missing or ≤ 0.
export function holdingsValueWad(
  held: bigint,
  decimals: number,
  answerWad: bigint | undefined,
): bigint | null {
  if (held === 0n) return 0n;
  const priceWad = usablePrice(answerWad);
  return priceWad === undefined
    ? null
    : oracleValueWad(held, decimals, priceWad);
}

// holdings value + sold − bought − keeper rewards; null when the value is.
export function markToOracleResultWad(args: {
  valueWad: bigint | null;
  soldWad: bigint;
  boughtWad: bigint;
  keeperRewardsWad: bigint;
}): bigint | null {
  return args.valueWad === null
    ? null
    : args.valueWad + args.soldWad - args.boughtWad - args.keeperRewardsWad;
}

export type BackstopAssetSummary = {
  collateralId: bigint;
  token: `0x${string}`;
  decimals: number;
  oracle: `0x${string}`;
  held: bigint; // [token units]
  boughtAmount: bigint;
  soldAmount: bigint;
  boughtWad: bigint;
  soldWad: bigint;
  keeperRewardsWad: bigint;
  absorbCount: number;
  auctionBuyCount: number;
  poolSaleCount: number;
  exposureCapWad: bigint;
  priceWad: bigint | null; // latest indexed answer; null if never pushed
  priceBlock: bigint | null;
  valueWad: bigint | null; // held × price
  resultWad: bigint | null; // value + sold − bought − keeper rewards
};

export type BackstopSummary = {
  address: `0x${string}`;
  idleQuote: bigint; // [quote token units]
  shareSupply: bigint;
  totalDeposited: bigint;
  totalWithdrawn: bigint;
  depositCount: number;
  withdrawalCount: number;
  absorbCount: number;
  auctionBuyCount: number;
  poolSaleCount: number;
  totalBoughtWad: bigint;
  totalSoldWad: bigint;
  totalKeeperRewardsWad: bigint;
  holdingsValueWad: bigint | null; // null when a held asset has no usable price
  resultWad: bigint | null;
  updatedBlock: bigint;
  assets: BackstopAssetSummary[];
};

export function summarizeBackstop(
  state: StateRow,
  assets: readonly AssetRow[],
  prices: PriceBook,
): BackstopSummary {
  const byOracle = new Map(
    [...prices].map(([oracle, p]) => [oracle.toLowerCase(), p]),
  );
  const rows = [...assets]
    .sort((a, b) => (a.collateralId < b.collateralId ? -1 : 1))
    .map((a): BackstopAssetSummary => {
      const price = byOracle.get(a.oracle.toLowerCase());
      const valueWad = holdingsValueWad(a.held, a.decimals, price?.priceWad);
      return {
        collateralId: a.collateralId,
        token: a.token,
        decimals: a.decimals,
        oracle: a.oracle,
        held: a.held,
        boughtAmount: a.boughtAmount,
        soldAmount: a.soldAmount,
        boughtWad: a.boughtWad,
        soldWad: a.soldWad,
        keeperRewardsWad: a.keeperRewardsWad,
        absorbCount: a.absorbCount,
        auctionBuyCount: a.auctionBuyCount,
        poolSaleCount: a.poolSaleCount,
        exposureCapWad: a.exposureCapWad,
        priceWad: price?.priceWad ?? null,
        priceBlock: price?.block ?? null,
        valueWad,
        resultWad: markToOracleResultWad({ valueWad, ...a }),
      };
    });
  const values = rows.map((r) => r.valueWad);
  const holdings = values.includes(null)
    ? null
    : values.reduce<bigint>((sum, v) => sum + (v ?? 0n), 0n);
  return {
    address: state.address,
    idleQuote: state.idleQuote,
    shareSupply: state.shareSupply,
    totalDeposited: state.totalDeposited,
    totalWithdrawn: state.totalWithdrawn,
    depositCount: state.depositCount,
    withdrawalCount: state.withdrawalCount,
    absorbCount: state.absorbCount,
    auctionBuyCount: state.auctionBuyCount,
    poolSaleCount: state.poolSaleCount,
    totalBoughtWad: state.totalBoughtWad,
    totalSoldWad: state.totalSoldWad,
    totalKeeperRewardsWad: state.totalKeeperRewardsWad,
    holdingsValueWad: holdings,
    resultWad: markToOracleResultWad({
      valueWad: holdings,
      soldWad: state.totalSoldWad,
      boughtWad: state.totalBoughtWad,
      keeperRewardsWad: state.totalKeeperRewardsWad,
    }),
    updatedBlock: state.updatedBlock,
    assets: rows,
  };
}
