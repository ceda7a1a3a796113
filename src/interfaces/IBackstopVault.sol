// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IOracle, PriceStatus} from "./IOracle.sol";

/// @notice One collateral asset the backstop may hold, cached from the protocol's listing.
struct BackstopAsset {
    address token;
    uint8 decimals;
    IOracle oracle;
    address pool; // constant-product pool the owner sells holdings into
    uint128 exposureCapWad; // holdings valued at the oracle price stay at most this [wad quote]
}

/// @notice Keeper reward for triggering an absorb, in two parts, as the engine pays a close:
/// - the tip, out of what the backstop gains on the buy (the oracle value bought minus the price paid): at most a share
///   of that gain and a cap, from the backstop's idle quote;
/// - the call's gas **at cost**: what it measures it used plus `callGas` it cannot measure (the transaction, calldata,
///   the payment) × block.basefee × the native asset's price, no markup, within `maxValueShareWad` of the value bought,
///   paid by the solvency waterfall (the backstop must be one of its reward spenders). Reimbursed at cost, an absorb of
///   one's own account from a second address earns nothing but the tip, out of the discount the account pays.
/// (A floor buy's keeper is paid by the auction house as for the reset it replaces.)
struct BackstopRewardParams {
    IOracle nativeOracle; // price of the gas asset in quote [wad]; none or an unusable price: no gas part
    uint32 callGas; // gas an absorb uses that it cannot measure
    uint128 tipWad; // [wad quote]
    uint64 gainShareWad; // the tip is at most this share of the buy's gain [wad]
    uint64 maxValueShareWad; // the gas part is at most this share of the value bought [wad]
    uint128 maxRewardWad; // cap on the tip per buy [wad quote]
}

/// @title IBackstopVault
/// @notice The protocol's own liquidity as the buyer of last resort for seized collateral (the mission's internal
/// liquidation module). An ERC4626 vault on the quote asset, funded by depositors (the insurance fund among them). It
/// buys:
/// - in the internal pattern, an account's collateral at once at the oracle price minus the engine's backstop
///   discount, with priority: the engine sells such collateral to keepers only while the backstop's capacity is below
///   the dust minimum;
/// - in the auction pattern, a lot whose auction has decayed below its floor unsold, at the floor price.
/// Its holdings per asset are capped at the oracle value `exposureCapWad`. The owner sells them back into the pool,
/// never below the oracle price × (1 − the allowed slippage). Anyone may trigger a buy and is paid for it.
/// Shares are priced conservatively on both sides: deposits (and mints) value each holding at the greater of its cost
/// and its oracle value, withdrawals (and redeems) at the lesser, so that a buy's gain cannot be captured by a deposit
/// just before it and a redemption just after. Idle quote is tracked, not read from the balance: a donation changes
/// nothing.
interface IBackstopVault {
    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    error NotListed(uint256 collateralId);
    error NoCapacity(uint256 collateralId, uint256 capacityWad);
    error InvalidPrice(address oracle, uint256 priceWad, PriceStatus status);
    error InvalidParams(string reason);
    error InsufficientHoldings(uint256 collateralId, uint256 amount, uint256 held);
    error Reentrancy();
    error InsufficientIdle(uint256 requested, uint256 idle);
    /// @notice Reimbursing gas needs the backstop to be a reward spender of the engine's waterfall.
    error NotWaterfallSpender(address waterfall);

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    event AssetSet(uint256 indexed collateralId, BackstopAsset asset);
    event RewardParamsSet(BackstopRewardParams params);
    event MaxSlippageSet(uint256 maxSlippageWad);
    /// @notice Collateral bought from an account in the internal pattern; `keeperRewardWad` is the caller's tip, out of
    /// the backstop's gain (its gas, paid through the waterfall, is `GasReimbursed`).
    event Absorbed(
        address indexed account,
        uint256 indexed collateralId,
        address indexed keeper,
        uint256 amount,
        uint256 oraclePriceWad,
        uint256 paidWad,
        uint256 keeperRewardWad
    );
    /// @notice An absorb's gas paid to its caller at cost through the waterfall: `gasUnits` measured and estimated,
    /// within the value share of `valueWad` bought (bad-debt settlement apart) [wad quote].
    event GasReimbursed(address indexed keeper, uint256 gasUnits, uint256 valueWad, uint256 paidWad);
    /// @notice A lot bought at its auction's floor.
    event AuctionBought(
        uint256 indexed auctionId,
        uint256 indexed collateralId,
        address indexed keeper,
        uint256 amount,
        uint256 oraclePriceWad,
        uint256 paidWad,
        uint256 keeperRewardWad
    );
    /// @notice Holdings sold into the pool.
    event SoldToPool(uint256 indexed collateralId, uint256 amount, uint256 oraclePriceWad, uint256 receivedWad);

    /*//////////////////////////////////////////////////////////////
                                ACTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Buys the collateral `collateralId` of a liquidatable account in debt (internal pattern), as much as
    /// repays the debt within the backstop's capacity, and pays the caller its reward.
    /// @return amount Collateral bought [token units].
    /// @return paidWad Quote paid to the account [wad].
    /// @return rewardWad Quote paid to the caller [wad].
    function absorb(address account, uint256 collateralId)
        external
        returns (uint256 amount, uint256 paidWad, uint256 rewardWad);

    /// @notice Buys the lot of an auction whose price has decayed below its floor, at the floor price, within the
    /// backstop's capacity; the auction house pays the caller the reward of the reset this replaces.
    function buyAuction(uint256 auctionId) external returns (uint256 amount, uint256 paidWad, uint256 rewardWad);

    /// @notice Sells `amount` of held collateral into the asset's pool for at least the oracle price × (1 − max
    /// slippage); the owner.
    /// @return receivedWad Quote received [wad].
    function sellToPool(uint256 collateralId, uint256 amount) external returns (uint256 receivedWad);

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @notice Quote the backstop can pay now for the asset: its idle quote, and no more than keeps its holdings
    /// within the exposure cap at a purchase price no lower than the oracle price × (1 − `discountWad`) [wad].
    function capacity(uint256 collateralId, uint256 discountWad) external view returns (uint256 capacityWad);

    /// @notice Collateral held [token units], and what it cost [wad quote, reduced pro rata by sales].
    function held(uint256 collateralId) external view returns (uint256);
    function costWad(uint256 collateralId) external view returns (uint256);

    /// @notice Idle quote [token units]: deposits + sale proceeds − withdrawals − purchases − keeper rewards.
    function idle() external view returns (uint256);

    /// @notice Quote paid for collateral, received from sales, and paid to keepers, since deployment [wad].
    function totals() external view returns (uint256 boughtWad, uint256 soldWad, uint256 keeperRewardsWad);

    /// @notice What an absorb that buys `valueWad` (at the oracle price) and gains `gainWad` (that value − price paid)
    /// pays its caller now, when it uses `gasUnits` in all: the tip and the gas at cost [wad].
    function keeperReward(uint256 valueWad, uint256 gainWad, uint256 gasUnits) external view returns (uint256);

    function assetConfig(uint256 collateralId) external view returns (BackstopAsset memory);
    function rewardParams() external view returns (BackstopRewardParams memory);
}
