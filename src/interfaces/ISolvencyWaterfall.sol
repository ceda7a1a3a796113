// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Why a loss was socialized across a liquidity vault's depositors.
enum SocializationCause {
    BelowMinimumSeries, // the deficit left after the insurance fund was too small to issue bonds for
    BondsUnsold // the bond series closed at its floor without raising the whole deficit
}

/// @notice One series of solvency bonds: issued for one deficit, sold by a Dutch auction, repaid from revenue.
/// @dev All amounts are in quote token units. A bond (one unit of face) is a claim on one quote unit of future revenue.
struct BondSeries {
    address vault; // the liquidity vault whose deficit the series covers
    uint64 startedAt; // [unix seconds] issuance, in the transaction that recognized the deficit
    uint64 maturity; // [unix seconds] the date by which the series is expected to be repaid; it never defaults
    bool closed; // sale over: every unit raised, or the floor window ended and the rest was socialized
    uint64 startPriceWad; // the sale's shape, fixed at issuance (see `BondAuctionParams`)
    uint64 floorPriceWad;
    uint32 decaySeconds;
    uint32 floorSeconds;
    uint128 deficit; // what the sale must raise
    uint128 raised; // proceeds so far, paid straight to the vault
    uint128 faceSold; // bonds minted to buyers
    uint128 repaid; // revenue routed to the series (≤ faceSold)
    uint128 redeemed; // paid out to holders (≤ repaid)
}

/// @notice The bond sale's shape: the price of one unit of face falls linearly from `startPriceWad` to `floorPriceWad`
/// over `decaySeconds`, stays at the floor for `floorSeconds`, then the series may be closed.
struct BondAuctionParams {
    uint64 startPriceWad; // [wad quote per face] ≤ 1
    uint64 floorPriceWad; // [wad quote per face] > 0, ≤ start
    uint32 decaySeconds;
    uint32 floorSeconds;
    uint32 maturitySeconds;
    uint128 minSeriesUnits; // [quote units] a smaller deficit is socialized at once
}

/// @notice Each layer of the waterfall for one vault, and the totals across vaults [quote token units].
struct WaterfallLayers {
    uint256 fundAssets; // the insurance fund's balance
    uint256 fundAvailableToStakers; // its balance above the floor
    uint256 pendingRevenue; // revenue received and not yet routed
    uint256 openDeficit; // the vault's deficit still in bond auctions
    uint256 outstandingFace; // bonds sold and not yet repaid, all series
    uint256 heldForHolders; // revenue routed to bonds and not yet redeemed
    uint256 recognized; // Σ bad debt the waterfall received
    uint256 coveredByFund;
    uint256 raisedByBonds;
    uint256 socialized;
}

/// @title ISolvencyWaterfall
/// @notice The one place that restores solvency after bad debt, in a fixed order: the account's own collateral (gone
/// before the engine calls here) → the insurance fund → solvency bonds → socialization across the liquidity vault's
/// depositors. It is also where liquidation revenue (penalty shares, the fee share) lands: after a small reserve for
/// keeper rewards, revenue repays bondholders before the insurance fund takes its share again.
///
/// Accounting identity, per vault and in total: recognized = coveredByFund + raisedByBonds + socialized + openDeficit.
/// Revenue identity: Σ repaid ≤ Σ faceSold; Σ redeemed ≤ Σ repaid; the contract holds Σ repaid − Σ redeemed plus the
/// pending revenue.
interface ISolvencyWaterfall {
    error NotEngine(address caller);
    error NotRewardSpender(address caller);
    error UnknownSeries(uint256 id);
    error SeriesAlreadyClosed(uint256 id);
    error SaleNotOver(uint256 id, uint256 closableAt);
    error PriceAboveLimit(uint256 priceWad, uint256 maxPriceWad);
    error NothingToBuy(uint256 id);
    error NothingToRedeem(uint256 id, address holder);
    error InvalidParams(string reason);

    /// @notice Step 1 and the split: bad debt `amount` of `account` on `vault`, and how each layer took it.
    event BadDebtAbsorbed(
        address indexed vault,
        address indexed account,
        uint256 amount,
        uint256 coveredByFund,
        uint256 toBonds,
        uint256 socialized
    );
    /// @notice Step 2: a bond series is issued for `deficit`.
    event SeriesIssued(
        uint256 indexed id,
        address indexed vault,
        uint256 deficit,
        uint256 startedAt,
        uint256 maturity,
        uint256 startPriceWad,
        uint256 floorPriceWad
    );
    event BondsBought(
        uint256 indexed id, address indexed buyer, uint256 cost, uint256 face, uint256 priceWad, uint256 deficitLeft
    );
    event SeriesClosed(uint256 indexed id, uint256 raised, uint256 faceSold, uint256 unsold);
    /// @notice Step 3: `amount` lowers `vault`'s share price.
    event Socialized(address indexed vault, uint256 indexed seriesId, uint256 amount, SocializationCause cause);
    /// @notice Revenue routed: first to bond series in issue order, then to the insurance fund.
    event RevenueRouted(uint256 toBonds, uint256 toFund);
    event SeriesRepaid(uint256 indexed id, uint256 amount, uint256 repaidTotal, uint256 faceSold);
    event Redeemed(uint256 indexed id, address indexed holder, address receiver, uint256 amount);
    event EngineSet(address indexed engine, bool allowed);
    event RewardSpenderSet(address indexed module, bool allowed);
    event RewardReserveSet(uint256 units);
    /// @notice A keeper reward ordered by `module`: paid from pending revenue first, then by the insurance fund.
    event RewardPaid(address indexed module, address indexed to, uint256 fromRevenue, uint256 fromFund);
    event BondAuctionParamsSet(BondAuctionParams params);

    /// @notice Recognizes bad debt `amount` [quote units] that `account` left on `vault`: the insurance fund pays the
    /// vault what it can; a rest of at least the minimum series opens a bond series on it in this transaction; a
    /// smaller rest is socialized. Only an engine may call.
    function absorbBadDebt(address vault, address account, uint256 amount)
        external
        returns (uint256 coveredByFund, uint256 toBonds, uint256 socialized);

    /// @notice Buys bonds of series `id` for at most `maxCost` quote units at a price ≤ `maxPriceWad`; the quote goes
    /// to the vault, the bonds (cost ÷ price, rounded down) to `receiver`. The caller approves this contract.
    function buyBonds(uint256 id, uint256 maxCost, uint256 maxPriceWad, address receiver)
        external
        returns (uint256 cost, uint256 face);

    /// @notice Ends the sale of a series once its floor window is over: the unsold deficit is socialized.
    function closeSeries(uint256 id) external returns (uint256 socialized);

    /// @notice Routes the revenue received beyond the reward reserve: to the oldest closed series not yet repaid, then
    /// the next; while a series is still on sale, revenue waits for it; with no bonds outstanding, to the insurance fund.
    function route() external returns (uint256 toBonds, uint256 toFund);

    /// @notice Pays a keeper reward of up to `amount` [quote units] to `to` on a liquidation module's order (the
    /// auction house's kicks and resets, the engine's gas reimbursements): from pending revenue first, then from the insurance fund. Keeper rewards are
    /// the cost of the liquidations that earn the revenue, so they come before bondholders: a crash that empties the
    /// fund and opens bonds never leaves auctions without a reward. Returns what was paid.
    function cover(address to, uint256 amount) external returns (uint256 paid);

    /// @notice Whether `module` may pay keeper rewards through `cover`.
    function isRewardSpender(address module) external view returns (bool);

    /// @notice What keeper rewards can draw on now: pending revenue plus the insurance fund's balance [quote units].
    function rewardCapacity() external view returns (uint256);

    /// @notice Pays the caller what its bonds of series `id` have earned so far (pro rata to its face), to `receiver`.
    function redeem(uint256 id, address receiver) external returns (uint256 amount);

    /// @notice The price of one unit of face now [wad]; never below the series' floor.
    function priceWad(uint256 id) external view returns (uint256);

    /// @notice When series `id` may be closed [unix seconds].
    function closableAt(uint256 id) external view returns (uint256);

    function series(uint256 id) external view returns (BondSeries memory);

    function seriesCount() external view returns (uint256);

    /// @notice What `holder` may redeem from series `id` now [quote units].
    function claimable(uint256 id, address holder) external view returns (uint256);

    /// @notice Revenue the insurance fund would receive on `route()` now [quote units].
    function pendingForFund() external view returns (uint256);

    /// @notice The state of every layer for `vault`.
    function layers(address vault) external view returns (WaterfallLayers memory);
}
