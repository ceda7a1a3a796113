// The solvency waterfall's tables (re-exported by ../ponder.schema.ts).
import { index, onchainTable, primaryKey } from "ponder";

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
