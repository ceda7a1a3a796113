// The lending market, portfolio margin and pre-liquidation tables (re-exported by
// ../ponder.schema.ts).
import { index, onchainTable, primaryKey } from "ponder";

/*//////////////////////////////////////////////////////////////
                 LENDING MARKET (liquidation as a service)
//////////////////////////////////////////////////////////////*/

// The borrow index as of the last accrual, and the rate it grows at since
// (read at that block): debt now = scaled × index × (1 + rate × Δt).
export const lendingState = onchainTable("lending_state", (t) => ({
  id: t.text().primaryKey(), // "lending"
  indexWad: t.bigint().notNull(),
  accruedAt: t.bigint().notNull(), // [unix seconds]
  ratePerSecondWad: t.bigint().notNull(),
  receivableWad: t.bigint().notNull(),
  updatedBlock: t.bigint().notNull(),
}));

export const lendingCollateralAsset = onchainTable(
  "lending_collateral_asset",
  (t) => ({
    id: t.bigint().primaryKey(),
    token: t.hex().notNull(),
    decimals: t.integer().notNull(),
    oracle: t.hex().notNull(),
    borrowLtvWad: t.bigint().notNull(),
    liquidationLtvWad: t.bigint().notNull(),
    pattern: t.text().notNull(), // as collateral_asset.pattern, on the lending engine
    listedBlock: t.bigint().notNull(),
  }),
  (table) => ({ oracleIdx: index().on(table.oracle) }),
);

export const lendingAccount = onchainTable("lending_account", (t) => ({
  address: t.hex().primaryKey(),
  scaledDebtWad: t.bigint().notNull(),
  claimable: t.bigint().notNull(), // refunds owed [quote units]
  createdBlock: t.bigint().notNull(),
  updatedBlock: t.bigint().notNull(),
}));

export const lendingCollateralBalance = onchainTable(
  "lending_collateral_balance",
  (t) => ({
    account: t.hex().notNull(),
    collateralId: t.bigint().notNull(),
    amount: t.bigint().notNull(), // [token units]
    updatedBlock: t.bigint().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.account, table.collateralId] }),
  }),
);

// Recomputed on every event of the account and every push of a price it holds,
// at the interest index projected to that block.
export const lendingHealth = onchainTable(
  "lending_health",
  (t) => ({
    account: t.hex().primaryKey(),
    debtWad: t.bigint().notNull(),
    collateralValueWad: t.bigint().notNull(),
    liquidationLimitWad: t.bigint().notNull(),
    equityWad: t.bigint().notNull(), // liquidation limit − debt (the engine's)
    maintenanceWad: t.bigint().notNull(), // 0: no positions (the engine's)
    healthFactorWad: t.bigint().notNull(), // liquidation limit ÷ debt; max without debt
    liquidatable: t.boolean().notNull(),
    pricesUsable: t.boolean().notNull(),
    breachBlock: t.bigint(), // first block of the current breach, null when healthy
    block: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (table) => ({ healthFactorIdx: index().on(table.healthFactorWad) }),
);

// Portfolio margin: which accounts opted in (PortfolioModeSet) and the
// deployment's module configuration (its events), from which src/portfolio.ts
// recomputes their requirements. `inForce` is whether the protocol's current
// module (PortfolioMarginSet) is this one; otherwise every account is margined
// by the standard rules, as on chain.
export const portfolioAccount = onchainTable("portfolio_account", (t) => ({
  account: t.hex().primaryKey(),
  enabled: t.boolean().notNull(),
  updatedBlock: t.bigint().notNull(),
}));

export const portfolioConfig = onchainTable("portfolio_config", (t) => ({
  id: t.text().primaryKey(), // "current"
  module: t.hex().notNull(),
  inForce: t.boolean().notNull(),
  minFractionWad: t.bigint().notNull(),
  initialMultiplierWad: t.bigint().notNull(),
  scenariosBps: t.text().notNull(), // JSON: [[shock per factor, bps], ...] per scenario
  marketFactors: t.text().notNull(), // JSON: { marketId: factor }
  collateralFactors: t.text().notNull(), // JSON: { collateralId: factor }
  updatedBlock: t.bigint().notNull(),
}));
// The pre-liquidation module (src/PreLiquidation.sol): each market's zone and
// schedule, as last set (a zero preHealthWad: disabled).
export const preLiquidationMarket = onchainTable(
  "pre_liquidation_market",
  (t) => ({
    marketId: t.bigint().primaryKey(),
    preHealthWad: t.bigint().notNull(), // top of the zone [wad health]
    closeFactorTopWad: t.bigint().notNull(),
    closeFactorLineWad: t.bigint().notNull(),
    incentiveTopWad: t.bigint().notNull(),
    incentiveLineWad: t.bigint().notNull(),
    optOutAllowed: t.boolean().notNull(),
    block: t.bigint().notNull(),
  }),
);

// An account's opt-out of pre-liquidation in a market, as last set (it counts
// only while the market allows opt-outs).
export const preLiquidationOptOut = onchainTable(
  "pre_liquidation_opt_out",
  (t) => ({
    account: t.hex().notNull(),
    marketId: t.bigint().notNull(),
    optedOut: t.boolean().notNull(),
    block: t.bigint().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.account, table.marketId] }),
  }),
);

// Every pre-liquidation (PreLiquidated): the slice closed in the zone, what the
// caller was paid and the account's health before and after.
export const preLiquidation = onchainTable(
  "pre_liquidation",
  (t) => ({
    id: t.text().primaryKey(), // `${txHash}-${logIndex}`
    account: t.hex().notNull(),
    marketId: t.bigint().notNull(),
    caller: t.hex().notNull(),
    closedSizeWad: t.bigint().notNull(),
    closedNotionalWad: t.bigint().notNull(),
    priceWad: t.bigint().notNull(),
    closeFactorWad: t.bigint().notNull(),
    incentiveFractionWad: t.bigint().notNull(),
    incentiveWad: t.bigint().notNull(),
    healthBeforeWad: t.bigint().notNull(),
    healthAfterWad: t.bigint().notNull(),
    block: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    txHash: t.hex().notNull(),
  }),
  (table) => ({ accountIdx: index().on(table.account) }),
);
