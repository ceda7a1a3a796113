/** Rows of the index, read over its GraphQL API (every page of a table). */
import type { Address } from "viem";

export type LiquidationRow = {
  account: Address;
  block: string;
  penaltyWad: string;
  keeperRewardWad: string;
  insuranceWad: string;
};
export type BadDebtRow = {
  account: Address;
  block: string;
  badDebtWad: string;
  coveredWad: string;
  deficitWad: string;
};
export type SaleRow = {
  account: Address;
  collateralId: string;
  amount: string;
  quotePaidWad: string;
  byBackstop: boolean;
  block: string;
};
export type AuctionRow = {
  id: string;
  account: Address;
  collateralId: string;
  kickRewardWad: string;
  resetRewardsWad: string;
  resets: number;
  active: boolean;
  kickedBlock: string;
};
export type TakeRow = {
  id: string; // `${txHash}-${logIndex}`
  auctionId: string;
  taker: Address;
  amount: string;
  paidWad: string;
  byBackstop: boolean;
  block: string;
};
export type BackstopTradeRow = {
  kind: string; // "absorb" | "auction_buy" | "pool_sale"
  keeperRewardWad: string;
  block: string;
};
export type BackstopStats = {
  totalBoughtWad: string;
  totalSoldWad: string;
  totalKeeperRewardsWad: string;
  absorbCount: number;
  auctionBuyCount: number;
  resultWad: string | null;
  assets: { collateralId: string; held: string }[];
};
export type Stats = {
  insuranceFundBalance: string;
  totalBadDebtWad: string;
  totalDeficitWad: string;
  backstop: BackstopStats | null;
};

export type IndexRows = {
  liquidations: LiquidationRow[];
  badDebts: BadDebtRow[];
  collateralSales: SaleRow[];
  auctions: AuctionRow[];
  auctionTakes: TakeRow[];
  backstopTrades: BackstopTradeRow[];
  stats: Stats;
};

async function graphql<T>(indexerUrl: string, query: string): Promise<T> {
  const response = await fetch(`${indexerUrl}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown };
  if (!response.ok || body.errors || !body.data)
    throw new Error(
      `indexer GraphQL failed: ${JSON.stringify(body.errors ?? response.status)}`,
    );
  return body.data;
}

/**
 * Every row of one table (`field` is its plural GraphQL name), page by page; with `where` (a GraphQL filter such as
 * `{ protocol: "perps" }`), the rows it matches.
 */
export async function allRows<T>(
  indexerUrl: string,
  field: string,
  columns: string,
  where?: string,
): Promise<T[]> {
  const rows: T[] = [];
  let after: string | null = null;
  for (;;) {
    const cursor: string =
      (where === undefined ? "" : `, where: ${where}`) +
      (after === null ? "" : `, after: "${after}"`);
    const data: Record<
      string,
      {
        items: T[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      }
    > = await graphql(
      indexerUrl,
      `{ ${field}(limit: 1000${cursor}) { items { ${columns} } pageInfo { hasNextPage endCursor } } }`,
    );
    const page = data[field]!;
    rows.push(...page.items);
    if (!page.pageInfo.hasNextPage || page.pageInfo.endCursor === null)
      return rows;
    after = page.pageInfo.endCursor;
  }
}

/** The index's rows of the perps protocol's liquidations (its engine's, and its auction house's auctions). */
export async function readIndex(
  indexerUrl: string,
  perpsAuctionHouse: Address,
): Promise<IndexRows> {
  const house = `"${perpsAuctionHouse.toLowerCase()}"`;
  const perps = `{ protocol: "perps" }`;
  const [
    liquidations,
    badDebts,
    collateralSales,
    auctions,
    auctionTakes,
    backstopTrades,
    stats,
  ] = await Promise.all([
    allRows<LiquidationRow>(
      indexerUrl,
      "liquidations",
      "account block penaltyWad keeperRewardWad insuranceWad",
      perps,
    ),
    allRows<BadDebtRow>(
      indexerUrl,
      "badDebts",
      "account block badDebtWad coveredWad deficitWad",
      perps,
    ),
    allRows<SaleRow>(
      indexerUrl,
      "collateralSales",
      "account collateralId amount quotePaidWad byBackstop block",
      perps,
    ),
    allRows<AuctionRow>(
      indexerUrl,
      "auctions",
      "id account collateralId kickRewardWad resetRewardsWad resets active kickedBlock",
      `{ house: ${house} }`,
    ),
    allRows<TakeRow>(
      indexerUrl,
      "auctionTakes",
      "id auctionId taker amount paidWad byBackstop block",
      `{ house: ${house} }`,
    ),
    allRows<BackstopTradeRow>(
      indexerUrl,
      "backstopTrades",
      "kind keeperRewardWad block",
    ),
    fetch(`${indexerUrl}/stats`).then(async (r) => {
      if (!r.ok) throw new Error(`indexer /stats answered ${r.status}`);
      return (await r.json()) as Stats;
    }),
  ]);
  return {
    liquidations,
    badDebts,
    collateralSales,
    auctions,
    auctionTakes,
    backstopTrades,
    stats,
  };
}
