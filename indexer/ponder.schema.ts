// Units: *Wad columns are 18-decimal fixed point (quote amounts, sizes, prices,
// fractions); `amount`, `depositCap`, `insuranceFundBalance`, the `revenue*`,
// `keeperRewardsFrom*` and `rewardReserve` stats and every solvency waterfall
// table's amounts are raw token units; blocks and timestamps are plain
// integers stored as bigint.
import { index, onchainTable, primaryKey } from "ponder";

export const account = onchainTable("account", (t) => ({
  address: t.hex().primaryKey(),
  quoteBalanceWad: t.bigint().notNull(), // negative is debt to the liquidity vault
  // What it holds, so that its health is recomputed from keyed reads alone:
  // market ids with a nonzero position and collateral ids with a nonzero
  // balance, as decimal strings, ascending.
  marketIds: t.json().$type<string[]>().notNull(),
  collateralIds: t.json().$type<string[]>().notNull(),
  createdBlock: t.bigint().notNull(),
  updatedBlock: t.bigint().notNull(),
}));

export const collateralAsset = onchainTable(
  "collateral_asset",
  (t) => ({
    id: t.bigint().primaryKey(),
    token: t.hex().notNull(),
    decimals: t.integer().notNull(),
    oracle: t.hex().notNull(),
    haircutWad: t.bigint().notNull(),
    depositCap: t.bigint().notNull(), // [token units]
    // How the engine turns seized collateral into quote (CollateralPattern):
    // "fixed-fee" (the default) | "dutch-auction" | "internal" (the backstop).
    pattern: t.text().notNull(),
    patternSetBlock: t.bigint(), // latest CollateralPatternSet; null while the default applies
    listedBlock: t.bigint().notNull(),
  }),
  (table) => ({ oracleIdx: index().on(table.oracle) }),
);

export const market = onchainTable(
  "market",
  (t) => ({
    id: t.bigint().primaryKey(),
    oracle: t.hex().notNull(),
    maintenanceFractionWad: t.bigint().notNull(),
    initialFractionWad: t.bigint().notNull(),
    tradeFeeWad: t.bigint().notNull(),
    openInterestCapWad: t.bigint().notNull(),
    longOpenInterestWad: t.bigint().notNull(),
    shortOpenInterestWad: t.bigint().notNull(),
    listedBlock: t.bigint().notNull(),
  }),
  (table) => ({ oracleIdx: index().on(table.oracle) }),
);

export const collateralBalance = onchainTable(
  "collateral_balance",
  (t) => ({
    account: t.hex().notNull(),
    collateralId: t.bigint().notNull(),
    amount: t.bigint().notNull(), // [token units]
    updatedBlock: t.bigint().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.account, table.collateralId] }),
    collateralIdx: index().on(table.collateralId),
  }),
);

export const position = onchainTable(
  "position",
  (t) => ({
    account: t.hex().notNull(),
    marketId: t.bigint().notNull(),
    sizeWad: t.bigint().notNull(), // signed, positive is long; 0 once closed (the row is kept)
    openNotionalWad: t.bigint().notNull(),
    updatedBlock: t.bigint().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.account, table.marketId] }),
    marketIdx: index().on(table.marketId),
  }),
);

export const price = onchainTable("price", (t) => ({
  oracle: t.hex().primaryKey(),
  priceWad: t.bigint().notNull(), // raw pushed answer, signed: a broken source may push ≤ 0
  updatedAt: t.bigint().notNull(), // [unix seconds]
  block: t.bigint().notNull(),
}));

// Every pushed price, one row per PricePushed (`price` keeps only the latest):
// the history the crossing model estimates volatility on (src/risk/).
export const priceHistory = onchainTable(
  "price_history",
  (t) => ({
    id: t.text().primaryKey(), // `${txHash}-${logIndex}`
    oracle: t.hex().notNull(),
    priceWad: t.bigint().notNull(), // raw pushed answer, signed
    block: t.bigint().notNull(),
    logIndex: t.integer().notNull(),
    timestamp: t.bigint().notNull(), // [unix seconds] the block's, which the feed stamps the answer with
  }),
  (table) => ({
    oracleBlockIdx: index().on(table.oracle, table.block, table.logIndex),
  }),
);

// An account's margin state. `liquidatable` and the breach columns are exact at
// every indexed block: a price push recomputes exactly the accounts it may
// move across the line (health_watch). The amounts (`equityWad` …
// `healthWad`) and `band` are as of `block`, the last recompute: GET
// /accounts/:address/health and /accounts/at-risk give them at current prices.
export const accountHealth = onchainTable(
  "account_health",
  (t) => ({
    account: t.hex().primaryKey(),
    equityWad: t.bigint().notNull(),
    initialWad: t.bigint().notNull(),
    maintenanceWad: t.bigint().notNull(),
    healthWad: t.bigint().notNull(), // 0 when equity ≤ 0; 2^256−1 with no requirement
    // How many of the health levels (src/risk/watch.ts: 1, 1.25, 1.5, 2, 3)
    // the account cleared at `block`: 0 is liquidatable (always current);
    // null when a price is unusable. Stale while a price is outside the
    // account's band box (health_watch), until the per-block refresh.
    band: t.integer(),
    liquidatable: t.boolean().notNull(),
    pricesUsable: t.boolean().notNull(), // false: a needed price is missing or ≤ 0 (see src/health.ts)
    breachBlock: t.bigint(), // first block of the current breach; null when not liquidatable
    lastBreachBlock: t.bigint(), // first block of the latest breach, kept after it ends
    breachEndedBlock: t.bigint(), // block at which the latest breach ended
    watchedOracles: t.json().$type<string[]>().notNull(), // its health_watch rows
    block: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    // The hash of the block of the account's last own event: its positions,
    // collateral and quote balance are as of that block, whatever recomputed
    // it since (a push, the band refresh). The API keeps those inputs by it
    // (src/api/ownInputs.ts); a reorg that replaces the block changes it.
    inputsBlockHash: t.hex().notNull(),
  }),
  (table) => ({ bandIdx: index().on(table.band) }),
);

// The last block the per-block handler ran for. A reorg's rollback reverts it
// with the rest, while Ponder's checkpoint keeps naming the orphaned block until
// the next one commits: the API keys what it computes once per block by both
// (src/api/checkpointMemo.ts).
export const indexedHead = onchainTable("indexed_head", (t) => ({
  id: t.text().primaryKey(), // the single row "head"
  block: t.bigint().notNull(),
  hash: t.hex().notNull(),
}));

// Per account and oracle it is exposed to, two price ranges
// (src/risk/watch.ts). The line box: a push of `oracle` below `belowWad` or
// above `aboveWad` may move the account across the liquidation line and
// recomputes it in the push's own handler; any other push leaves it alone, so a
// push costs the accounts it may move across the line, not the accounts it
// could move. The band box (inside the line box): outside it the account's
// band may be stale; the per-block refresh recomputes such accounts, a bounded
// number per block, and readers recompute them meanwhile.
export const healthWatch = onchainTable(
  "health_watch",
  (t) => ({
    account: t.hex().notNull(),
    oracle: t.hex().notNull(),
    belowWad: t.bigint().notNull(), // 1: only a price ≤ 0 wakes it from below
    aboveWad: t.bigint().notNull(), // 2^256−1: nothing wakes it from above
    bandBelowWad: t.bigint().notNull(),
    bandAboveWad: t.bigint().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.account, table.oracle] }),
    belowIdx: index().on(table.oracle, table.belowWad),
    aboveIdx: index().on(table.oracle, table.aboveWad),
    bandBelowIdx: index().on(table.oracle, table.bandBelowWad),
    bandAboveIdx: index().on(table.oracle, table.bandAboveWad),
  }),
);

export const liquidation = onchainTable(
  "liquidation",
  (t) => ({
    id: t.text().primaryKey(), // `${txHash}-${logIndex}`
    protocol: t.text().notNull(), // whose engine emitted it, by its name in the deployments file
    account: t.hex().notNull(),
    marketId: t.bigint().notNull(),
    keeper: t.hex().notNull(),
    closedSizeWad: t.bigint().notNull(),
    closedNotionalWad: t.bigint().notNull(),
    priceWad: t.bigint().notNull(),
    penaltyWad: t.bigint().notNull(),
    keeperRewardWad: t.bigint().notNull(),
    insuranceWad: t.bigint().notNull(),
    healthBeforeWad: t.bigint().notNull(),
    healthAfterWad: t.bigint().notNull(),
    block: t.bigint().notNull(),
    breachBlock: t.bigint(), // first block of the breach this liquidation acted on
    timestamp: t.bigint().notNull(),
    txHash: t.hex().notNull(),
  }),
  (table) => ({ accountIdx: index().on(table.account) }),
);

export const collateralSale = onchainTable(
  "collateral_sale",
  (t) => ({
    id: t.text().primaryKey(),
    protocol: t.text().notNull(), // whose engine emitted it, by its name in the deployments file
    account: t.hex().notNull(),
    collateralId: t.bigint().notNull(),
    keeper: t.hex().notNull(),
    amount: t.bigint().notNull(), // [token units]
    priceWad: t.bigint().notNull(),
    quotePaidWad: t.bigint().notNull(),
    byBackstop: t.boolean().notNull(), // sold to the backstop vault (internal pattern)
    block: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    txHash: t.hex().notNull(),
  }),
  (table) => ({ accountIdx: index().on(table.account) }),
);

export const badDebt = onchainTable(
  "bad_debt",
  (t) => ({
    id: t.text().primaryKey(),
    protocol: t.text().notNull(), // whose engine emitted it, by its name in the deployments file
    account: t.hex().notNull(),
    badDebtWad: t.bigint().notNull(),
    coveredWad: t.bigint().notNull(),
    deficitWad: t.bigint().notNull(),
    block: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    txHash: t.hex().notNull(),
  }),
  (table) => ({ accountIdx: index().on(table.account) }),
);

export const protocolStats = onchainTable("protocol_stats", (t) => ({
  id: t.text().primaryKey(), // the single row "global"
  insuranceFundBalance: t.bigint().notNull(), // [quote token units] the fund's quote balance
  totalPenaltiesWad: t.bigint().notNull(),
  totalKeeperRewardsWad: t.bigint().notNull(),
  totalInsuranceWad: t.bigint().notNull(), // penalties' insurance share: sent to the waterfall as revenue
  // Revenue [quote token units]: what reached the waterfall (penalty shares,
  // auction penalties, the fee share), and where route() sent it: bondholders
  // first, then the insurance fund.
  revenueReceived: t.bigint().notNull(),
  revenueToBonds: t.bigint().notNull(),
  revenueToFund: t.bigint().notNull(),
  // Keeper rewards the waterfall paid (auction kicks and resets) [quote token
  // units]: from pending revenue first, then by the insurance fund; and the
  // revenue route() keeps back for them.
  keeperRewardsFromRevenue: t.bigint().notNull(),
  keeperRewardsFromFund: t.bigint().notNull(),
  rewardReserve: t.bigint().notNull(),
  totalFeeShareWad: t.bigint().notNull(), // trade fee shares swept to the waterfall (FeesSwept)
  totalBadDebtWad: t.bigint().notNull(),
  totalCoveredWad: t.bigint().notNull(),
  totalDeficitWad: t.bigint().notNull(),
  vaultReceivableWad: t.bigint().notNull(),
  liquidationCount: t.integer().notNull(),
  collateralSaleCount: t.integer().notNull(),
  breakerLevel: t.integer().notNull(), // the guardian's circuit-breaker level (0–3)
  updatedBlock: t.bigint().notNull(),
}));

// Circuit breakers and oracle guards: the guardian's level changes, a feed's
// grace period after an outage (liquidations wait), and a feed's volatility
// flag (no new exposure in that asset).
export const circuitEvent = onchainTable("circuit_event", (t) => ({
  id: t.text().primaryKey(), // `${txHash}-${logIndex}`
  kind: t.text().notNull(), // "breaker-level" | "outage-ended" | "volatility-tripped"
  source: t.hex().notNull(), // the protocol (breaker) or the feed
  level: t.integer(), // breaker-level only
  until: t.bigint(), // end of the grace period or of the volatility flag [unix seconds]
  block: t.bigint().notNull(),
  timestamp: t.bigint().notNull(),
}));

// Dutch auctions of collateral (the auction pattern), of every protocol's
// auction house (the same contract): each house's parameters per asset; one
// row per auction, keyed by its house and id and updated by each take and
// reset until it ends; one row per take and one per reset.
export const auctionConfig = onchainTable(
  "auction_config",
  (t) => ({
    house: t.hex().notNull(), // the auction house
    collateralId: t.bigint().notNull(),
    curve: t.hex().notNull(), // IPriceCurve
    startBufferWad: t.bigint().notNull(), // start price = oracle × this
    resetAfterSeconds: t.integer().notNull(), // older than this: needs a reset
    resetBelowWad: t.bigint().notNull(), // floor = oracle × this; below it: needs a reset, or the backstop buys at it
    penaltyWad: t.bigint().notNull(),
    capWad: t.bigint().notNull(),
    updatedBlock: t.bigint().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.house, table.collateralId] }),
  }),
);

export const auction = onchainTable(
  "auction",
  (t) => ({
    house: t.hex().notNull(), // the auction house
    id: t.bigint().notNull(), // the house's auction id
    protocol: t.text().notNull(), // the house's protocol, by its name in the deployments file
    account: t.hex().notNull(),
    collateralId: t.bigint().notNull(),
    keeper: t.hex().notNull(), // who kicked it
    lot: t.bigint().notNull(), // collateral left [token units]
    kickTargetWad: t.bigint().notNull(), // quote to raise, at the kick
    targetWad: t.bigint().notNull(), // quote left to raise
    startPriceWad: t.bigint().notNull(),
    startedAt: t.bigint().notNull(), // kick or last reset [unix seconds]
    kickRewardWad: t.bigint().notNull(),
    resets: t.integer().notNull(),
    lastResetBlock: t.bigint(), // null until the first reset
    lastResetAt: t.bigint(), // [unix seconds]
    resetRewardsWad: t.bigint().notNull(), // keeper rewards paid for its resets
    takes: t.integer().notNull(),
    active: t.boolean().notNull(),
    lotReturned: t.bigint(), // at the end: collateral returned to the account
    targetUnraisedWad: t.bigint(), // at the end: target not raised (bad debt if the account is empty)
    kickedBlock: t.bigint().notNull(),
    endedBlock: t.bigint(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.house, table.id] }),
    protocolIdx: index().on(table.protocol, table.active),
  }),
);

export const auctionTake = onchainTable(
  "auction_take",
  (t) => ({
    id: t.text().primaryKey(), // `${txHash}-${logIndex}`
    house: t.hex().notNull(),
    auctionId: t.bigint().notNull(),
    taker: t.hex().notNull(),
    amount: t.bigint().notNull(),
    priceWad: t.bigint().notNull(),
    paidWad: t.bigint().notNull(),
    byBackstop: t.boolean().notNull(), // the house's backstop vault's buy at the floor
    block: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (table) => ({ auctionIdx: index().on(table.house, table.auctionId) }),
);

// A reset (`redo`): the auction restarts at `startPriceWad`.
export const auctionReset = onchainTable(
  "auction_reset",
  (t) => ({
    id: t.text().primaryKey(), // `${txHash}-${logIndex}`
    house: t.hex().notNull(),
    auctionId: t.bigint().notNull(),
    keeper: t.hex().notNull(),
    startPriceWad: t.bigint().notNull(),
    rewardWad: t.bigint().notNull(), // paid by the insurance fund
    block: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    txHash: t.hex().notNull(),
  }),
  (table) => ({ auctionIdx: index().on(table.house, table.auctionId) }),
);

// The backstop vault (internal pattern): an ERC4626 on the quote asset that
// buys seized collateral (absorb), auction lots at their floor (auction buy),
// and sells its holdings into a pool (pool sale). One state row, one row per
// asset it may hold, one row per trade. Quote columns without Wad
// (`idleQuote`, `total{Deposited,Withdrawn}`) and `shareSupply` are raw token
// units (the shares have the quote's decimals).
export const backstopState = onchainTable("backstop_state", (t) => ({
  address: t.hex().primaryKey(), // the vault
  idleQuote: t.bigint().notNull(), // quote held, read after each of its events [token units]
  shareSupply: t.bigint().notNull(),
  totalDeposited: t.bigint().notNull(), // [quote token units]
  totalWithdrawn: t.bigint().notNull(), // [quote token units]
  depositCount: t.integer().notNull(),
  withdrawalCount: t.integer().notNull(),
  totalBoughtWad: t.bigint().notNull(), // quote paid for collateral (IBackstopVault.totals)
  totalSoldWad: t.bigint().notNull(), // quote received from pool sales
  totalKeeperRewardsWad: t.bigint().notNull(), // quote paid to the callers of buys
  absorbCount: t.integer().notNull(),
  auctionBuyCount: t.integer().notNull(),
  poolSaleCount: t.integer().notNull(),
  updatedBlock: t.bigint().notNull(),
}));

export const backstopAsset = onchainTable("backstop_asset", (t) => ({
  collateralId: t.bigint().primaryKey(),
  token: t.hex().notNull(),
  decimals: t.integer().notNull(),
  oracle: t.hex().notNull(),
  pool: t.hex().notNull(), // where the owner sells holdings
  exposureCapWad: t.bigint().notNull(), // holdings at the oracle price stay at most this
  held: t.bigint().notNull(), // [token units]
  boughtAmount: t.bigint().notNull(), // [token units]
  soldAmount: t.bigint().notNull(), // [token units]
  boughtWad: t.bigint().notNull(),
  soldWad: t.bigint().notNull(),
  keeperRewardsWad: t.bigint().notNull(),
  absorbCount: t.integer().notNull(),
  auctionBuyCount: t.integer().notNull(),
  poolSaleCount: t.integer().notNull(),
  updatedBlock: t.bigint().notNull(),
}));

export const backstopTrade = onchainTable(
  "backstop_trade",
  (t) => ({
    id: t.text().primaryKey(), // `${txHash}-${logIndex}`
    kind: t.text().notNull(), // "absorb" | "auction_buy" | "pool_sale"
    collateralId: t.bigint().notNull(),
    account: t.hex(), // absorb: the account bought from
    auctionId: t.bigint(), // auction_buy: the auction
    keeper: t.hex(), // buys: the caller, paid keeperRewardWad; null for a pool sale
    amount: t.bigint().notNull(), // [token units]
    oraclePriceWad: t.bigint().notNull(),
    oracleValueWad: t.bigint().notNull(), // amount at the oracle price, rounded down
    paidWad: t.bigint().notNull(), // buys: quote paid; 0 for a pool sale
    receivedWad: t.bigint().notNull(), // pool sale: quote received; 0 for a buy
    keeperRewardWad: t.bigint().notNull(),
    block: t.bigint().notNull(),
    txHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (table) => ({
    collateralIdx: index().on(table.collateralId),
    kindIdx: index().on(table.kind),
  }),
);

// The rest of the schema, by concern.
export * from "./schema/solvency.ts";
export * from "./schema/lending.ts";
