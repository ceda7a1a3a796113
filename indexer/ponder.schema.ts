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
  }),
  (table) => ({ bandIdx: index().on(table.band) }),
);

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

// Dutch auctions of collateral (the auction pattern): each asset's auction
// parameters; one row per auction, updated by each take and reset until it
// ends; one row per take and one per reset.
export const auctionConfig = onchainTable("auction_config", (t) => ({
  collateralId: t.bigint().primaryKey(),
  curve: t.hex().notNull(), // IPriceCurve
  startBufferWad: t.bigint().notNull(), // start price = oracle × this
  resetAfterSeconds: t.integer().notNull(), // older than this: needs a reset
  resetBelowWad: t.bigint().notNull(), // floor = oracle × this; below it: needs a reset, or the backstop buys at it
  penaltyWad: t.bigint().notNull(),
  capWad: t.bigint().notNull(),
  updatedBlock: t.bigint().notNull(),
}));

export const auction = onchainTable("auction", (t) => ({
  id: t.bigint().primaryKey(), // the auction house's auction id
  house: t.hex().notNull(), // the auction house
  account: t.hex().notNull(),
  collateralId: t.bigint().notNull(),
  keeper: t.hex().notNull(), // who kicked it
  lot: t.bigint().notNull(), // collateral left [token units]
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
}));

export const auctionTake = onchainTable(
  "auction_take",
  (t) => ({
    id: t.text().primaryKey(), // `${txHash}-${logIndex}`
    auctionId: t.bigint().notNull(),
    taker: t.hex().notNull(),
    amount: t.bigint().notNull(),
    priceWad: t.bigint().notNull(),
    paidWad: t.bigint().notNull(),
    byBackstop: t.boolean().notNull(), // the backstop vault's buy at the floor
    block: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (table) => ({ auctionIdx: index().on(table.auctionId) }),
);

// A reset (`redo`): the auction restarts at `startPriceWad`.
export const auctionReset = onchainTable(
  "auction_reset",
  (t) => ({
    id: t.text().primaryKey(), // `${txHash}-${logIndex}`
    auctionId: t.bigint().notNull(),
    keeper: t.hex().notNull(),
    startPriceWad: t.bigint().notNull(),
    rewardWad: t.bigint().notNull(), // paid by the insurance fund
    block: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    txHash: t.hex().notNull(),
  }),
  (table) => ({ auctionIdx: index().on(table.auctionId) }),
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

/*//////////////////////////////////////////////////////////////
                        SOLVENCY WATERFALL
//////////////////////////////////////////////////////////////*/

// Account collateral → the staked insurance fund → solvency bonds →
// socialization across the liquidity vault's depositors. Every amount in these
// tables is quote token units (USDC, 6 decimals; fund shares have the same
// decimals), every price a wad; `block` is the block a row describes the end
// of. Folded from events (src/solvency/state.ts), so the index must start at
// or before the deployment of the fund and the waterfall (the deploy script's
// start block does); the only chain read is a series' closableAt when the
// bond sale's BondAuctionParamsSet predates the start block.

// Every layer at the end of each block in which any of them changed;
// GET /solvency?block=n serves the latest row at or before n. Vault columns and
// the totals are the deployment's liquidity vault's; fund and bond columns are
// global, as in SolvencyWaterfall.layers(vault).
export const solvencySnapshot = onchainTable("solvency_snapshot", (t) => ({
  block: t.bigint().primaryKey(),
  timestamp: t.bigint().notNull(), // [unix seconds]
  fundAssets: t.bigint().notNull(), // the fund's quote balance (layers.fundAssets)
  fundTotalAssets: t.bigint().notNull(), // ERC4626 totalAssets: balance + pendingForFund
  fundTotalShares: t.bigint().notNull(),
  fundSharePriceWad: t.bigint().notNull(), // convertToAssets(1e18)
  fundEscrowedShares: t.bigint().notNull(), // in withdrawal requests
  fundPendingRequests: t.integer().notNull(),
  fundFloorAssets: t.bigint().notNull(),
  waterfallBalance: t.bigint().notNull(), // pendingRevenue + heldForHolders
  pendingRevenue: t.bigint().notNull(), // received, not yet routed
  pendingForFund: t.bigint().notNull(), // what route() would send the fund
  heldForHolders: t.bigint().notNull(), // routed to bonds, not redeemed
  outstandingFace: t.bigint().notNull(), // sold, not repaid (all series)
  seriesCount: t.bigint().notNull(),
  firstLiveSeries: t.bigint().notNull(), // every series below it is closed and repaid
  revenueReceived: t.bigint().notNull(), // Σ quote transferred to the waterfall
  revenueToBonds: t.bigint().notNull(), // Σ RevenueRouted.toBonds
  revenueToFund: t.bigint().notNull(), // Σ RevenueRouted.toFund
  rewardReserve: t.bigint().notNull(), // revenue route() keeps back for keeper rewards
  rewardsFromRevenue: t.bigint().notNull(), // Σ RewardPaid.fromRevenue
  rewardsFromFund: t.bigint().notNull(), // Σ RewardPaid.fromFund
  vaultDeficitReceivable: t.bigint().notNull(), // = the open deficit
  recognized: t.bigint().notNull(), // totals(vault) from here on
  coveredByFund: t.bigint().notNull(),
  raisedByBonds: t.bigint().notNull(),
  socialized: t.bigint().notNull(),
}));

// The block of the latest snapshot (the single row "latest"): where the next
// event's fold starts.
export const solvencyLatest = onchainTable("solvency_latest", (t) => ({
  id: t.text().primaryKey(),
  block: t.bigint().notNull(),
}));

// The insurance fund at the end of each block in which its state changed
// (the share price also moves with revenue the waterfall holds for it).
export const insuranceFundHistory = onchainTable(
  "insurance_fund_history",
  (t) => ({
    block: t.bigint().primaryKey(),
    timestamp: t.bigint().notNull(),
    assets: t.bigint().notNull(), // quote balance
    totalAssets: t.bigint().notNull(), // balance + revenue pending for the fund
    totalShares: t.bigint().notNull(),
    sharePriceWad: t.bigint().notNull(),
    escrowedShares: t.bigint().notNull(),
    pendingRequests: t.integer().notNull(),
    floorAssets: t.bigint().notNull(),
  }),
);

// One row per staker: free shares (escrowed ones are in cooldown_request),
// quote staked (Deposit) and withdrawn (Withdraw after a cooldown).
export const insuranceStake = onchainTable("insurance_stake", (t) => ({
  staker: t.hex().primaryKey(),
  shares: t.bigint().notNull(),
  deposited: t.bigint().notNull(),
  withdrawn: t.bigint().notNull(),
  depositCount: t.integer().notNull(),
  withdrawalCount: t.integer().notNull(),
  updatedBlock: t.bigint().notNull(),
}));

// Each owner's latest withdrawal request.
export const cooldownRequest = onchainTable("cooldown_request", (t) => ({
  owner: t.hex().primaryKey(),
  shares: t.bigint().notNull(), // escrowed (all of the request, added up)
  readyAt: t.bigint().notNull(), // [unix seconds]
  status: t.text().notNull(), // "requested" | "cancelled" | "withdrawn"
  withdrawnAssets: t.bigint(), // paid out when withdrawn
  requestedBlock: t.bigint().notNull(), // the latest WithdrawRequested
  updatedBlock: t.bigint().notNull(),
}));

// The bond sale's shape as last set (the single row "current").
export const bondAuctionParams = onchainTable("bond_auction_params", (t) => ({
  id: t.text().primaryKey(),
  startPriceWad: t.bigint().notNull(),
  floorPriceWad: t.bigint().notNull(),
  decaySeconds: t.integer().notNull(),
  floorSeconds: t.integer().notNull(),
  maturitySeconds: t.integer().notNull(),
  minSeriesUnits: t.bigint().notNull(),
  updatedBlock: t.bigint().notNull(),
}));

// A bond series now; bond_series_history holds it at the end of each block in
// which it changed.
export const bondSeries = onchainTable("bond_series", (t) => ({
  id: t.bigint().primaryKey(),
  vault: t.hex().notNull(),
  deficit: t.bigint().notNull(),
  raised: t.bigint().notNull(),
  faceSold: t.bigint().notNull(),
  repaid: t.bigint().notNull(),
  redeemed: t.bigint().notNull(),
  unsold: t.bigint().notNull(), // socialized at the close
  closed: t.boolean().notNull(),
  startedAt: t.bigint().notNull(), // [unix seconds]
  maturity: t.bigint().notNull(), // [unix seconds]
  closableAt: t.bigint().notNull(), // [unix seconds] start + decay + floor window
  startPriceWad: t.bigint().notNull(),
  floorPriceWad: t.bigint().notNull(),
  issuedBlock: t.bigint().notNull(),
  closedBlock: t.bigint(),
  updatedBlock: t.bigint().notNull(),
}));

export const bondSeriesHistory = onchainTable(
  "bond_series_history",
  (t) => ({
    seriesId: t.bigint().notNull(),
    block: t.bigint().notNull(),
    vault: t.hex().notNull(),
    deficit: t.bigint().notNull(),
    raised: t.bigint().notNull(),
    faceSold: t.bigint().notNull(),
    repaid: t.bigint().notNull(),
    redeemed: t.bigint().notNull(),
    unsold: t.bigint().notNull(),
    closed: t.boolean().notNull(),
    startedAt: t.bigint().notNull(),
    maturity: t.bigint().notNull(),
    closableAt: t.bigint().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.seriesId, table.block] }),
    blockIdx: index().on(table.block),
  }),
);

export const bondPurchase = onchainTable(
  "bond_purchase",
  (t) => ({
    id: t.text().primaryKey(), // `${txHash}-${logIndex}`
    seriesId: t.bigint().notNull(),
    buyer: t.hex().notNull(),
    cost: t.bigint().notNull(), // paid to the vault
    face: t.bigint().notNull(), // bonds received
    priceWad: t.bigint().notNull(), // per unit of face
    deficitLeft: t.bigint().notNull(),
    block: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    txHash: t.hex().notNull(),
  }),
  (table) => ({ seriesIdx: index().on(table.seriesId) }),
);

export const bondRedemption = onchainTable(
  "bond_redemption",
  (t) => ({
    id: t.text().primaryKey(),
    seriesId: t.bigint().notNull(),
    holder: t.hex().notNull(),
    receiver: t.hex().notNull(),
    amount: t.bigint().notNull(),
    block: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    txHash: t.hex().notNull(),
  }),
  (table) => ({ seriesIdx: index().on(table.seriesId) }),
);

export const revenueRouting = onchainTable("revenue_routing", (t) => ({
  id: t.text().primaryKey(),
  toBonds: t.bigint().notNull(),
  toFund: t.bigint().notNull(),
  block: t.bigint().notNull(),
  timestamp: t.bigint().notNull(),
  txHash: t.hex().notNull(),
}));

// Bad debt the waterfall absorbed (BadDebtAbsorbed) and how it was split.
export const deficit = onchainTable(
  "deficit",
  (t) => ({
    id: t.text().primaryKey(),
    vault: t.hex().notNull(),
    account: t.hex().notNull(),
    amount: t.bigint().notNull(),
    coveredByFund: t.bigint().notNull(),
    toBonds: t.bigint().notNull(), // the deficit of the series issued for it
    socialized: t.bigint().notNull(), // below the minimum series
    seriesId: t.bigint(), // the series issued in the same transaction; null without one
    block: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    txHash: t.hex().notNull(),
  }),
  (table) => ({ accountIdx: index().on(table.account) }),
);

export const socializedLoss = onchainTable("socialized_loss", (t) => ({
  id: t.text().primaryKey(),
  vault: t.hex().notNull(),
  seriesId: t.bigint(), // null for a loss below the minimum series
  amount: t.bigint().notNull(),
  cause: t.text().notNull(), // "below-minimum-series" | "bonds-unsold"
  block: t.bigint().notNull(),
  timestamp: t.bigint().notNull(),
  txHash: t.hex().notNull(),
}));

// A liquidity vault's deficit receivable at the end of each block in which it
// changed, and what moved it in that block.
export const vaultDeficitHistory = onchainTable(
  "vault_deficit_history",
  (t) => ({
    vault: t.hex().notNull(),
    block: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    deficitReceivable: t.bigint().notNull(),
    recorded: t.bigint().notNull(), // bond series issued
    repaid: t.bigint().notNull(), // bond sale proceeds
    socialized: t.bigint().notNull(), // unsold at a close
  }),
  (table) => ({ pk: primaryKey({ columns: [table.vault, table.block] }) }),
);

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
  badDebtWad: t.bigint().notNull(), // Σ written off by the lending engine
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

// Every lending liquidation step: "sale" (fixed fee), "backstop", "kick",
// "take", "bad-debt" (written off and sent to the shared waterfall).
export const lendingLiquidation = onchainTable(
  "lending_liquidation",
  (t) => ({
    id: t.text().primaryKey(),
    account: t.hex().notNull(),
    kind: t.text().notNull(),
    collateralId: t.bigint(),
    actor: t.hex(), // keeper, backstop or taker
    amount: t.bigint(), // collateral [token units]
    quoteWad: t.bigint().notNull(), // paid, raised or written off [wad]
    coveredWad: t.bigint(), // bad debt: what the insurance fund paid [wad]
    block: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (table) => ({ accountIdx: index().on(table.account) }),
);

// Lending auctions by id: whose lot each one sells.
export const lendingAuction = onchainTable("lending_auction", (t) => ({
  id: t.bigint().primaryKey(),
  account: t.hex().notNull(),
  collateralId: t.bigint().notNull(),
  kickedBlock: t.bigint().notNull(),
}));
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
