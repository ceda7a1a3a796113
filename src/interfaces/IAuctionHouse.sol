// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IOracle, PriceStatus} from "./IOracle.sol";
import {IPriceCurve} from "./IPriceCurve.sol";

/// @notice Auction parameters of one collateral asset.
struct AuctionParams {
    IPriceCurve curve; // how the price decays
    uint64 startBufferWad; // start price = oracle price × this (> 1)
    uint32 resetAfterSeconds; // an auction older than this must be reset
    uint64 resetBelowWad; // ... or one whose price fell below oracle price × this: the floor (< 1)
    uint64 penaltyWad; // target = debt × (1 + this)
    uint128 capWad; // at most this much target in auction at once for the asset [wad quote]
}

/// @notice The collateral token an auction sells, cached from the protocol's listing.
struct AuctionAsset {
    address token;
    uint8 decimals;
    IOracle oracle;
}

/// @notice Keeper reward on a kick, a reset or a backstop floor buy (which replaces a reset), so that I > C_gas + ε: a
/// flat tip, a chip of the value at stake, and the gas the action is known to use × block.basefee × the native asset's
/// price × a factor, within a cap. The value at stake is the lesser of the target and the lot's value at the oracle
/// price, and an auction's rewards together (its kick, resets and floor buys) never exceed the lesser of
/// `maxValueShareWad` of that value at the kick and the auction's penalty: no lot earns more than it is worth or than
/// the account pays for it, so a lot of 1 wei earns nothing and kicking one's own account from a second address loses.
/// Paid by the reward payer, the solvency waterfall: from pending penalty revenue first, then by the insurance fund.
struct KeeperRewardParams {
    IOracle nativeOracle; // price of the gas asset in quote [wad]; an unusable price values gas at 0
    uint16 gasFactorBps; // [bps]
    uint32 kickGas; // gas a kick is known to use
    uint32 redoGas; // gas a reset is known to use
    uint128 tipWad; // [wad quote]
    uint64 chipWad; // share of the value at stake [wad]
    uint64 maxValueShareWad; // an auction's rewards in all, at most this share of the value at stake at its kick (≤ 1) [wad]
    uint128 maxRewardWad; // cap per kick, reset or floor buy [wad quote]
    uint32 floorBuyGas; // gas a backstop floor buy (`BackstopVault.buyAuction`) is known to use
}

/// @notice An auction: a lot of one collateral sold for the quote asset until `targetWad` is raised.
struct Auction {
    address account;
    uint8 collateralId;
    uint40 startedAt; // time of the kick or the last reset [unix seconds]
    uint48 rewardLeft; // what the auction's resets and floor buys may still pay their keepers [whole quote units]
    uint128 lot; // collateral left to sell [token units]
    uint128 targetWad; // quote left to raise: the account's debt, then the penalty [wad, whole quote units]
    uint128 startPriceWad; // price at `startedAt` [wad quote per whole token]
    uint128 penaltyLeftWad; // penalty still to collect once the debt is repaid [wad, whole quote units]
}

/// @notice Called back by `take` when it is given data: the collateral has been sent to the callee, and the caller of
/// `take` must hold `owedWad` of the quote asset when the callback returns, approved to both the margin protocol (which
/// pulls the account's part) and the auction house (which sends the penalty's part straight to the solvency waterfall, as revenue).
interface IAuctionTakeCallee {
    function onAuctionTake(address taker, uint256 collateralAmount, uint256 owedWad, bytes calldata data) external;
}

/// @title IAuctionHouse
/// @notice Dutch auctions of an under-collateralized account's collateral (MakerDAO's Clipper, reaching the margin
/// protocol only through `ILiquidatable`). `kick` seizes a lot with a target of debt plus penalty; the price starts
/// above the oracle price and decays along a pluggable curve; `take` buys at the current price, never above the
/// taker's limit and never below the floor (an auction past its floor or age must be reset by `redo`); proceeds repay
/// the account's debt, then the penalty is revenue for the solvency waterfall; what is unsold returns to the account.
/// Debt under auction is capped per asset and globally (MakerDAO's Hole and hole).
interface IAuctionHouse {
    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    error NotLiquidatable(address account, int256 equityWad, uint256 maintenanceWad);
    error NoDebt(address account, int256 quoteWad);
    error NoCollateral(address account, uint256 collateralId);
    error NotListed(uint256 collateralId);
    error NoRoom(uint256 collateralId, uint256 roomWad);
    error NoAuction(uint256 auctionId);
    error NeedsReset(uint256 auctionId);
    error NoResetNeeded(uint256 auctionId);
    error PriceLimit(uint256 priceWad, uint256 maxPriceWad);
    error ZeroTake();
    error LotDust(uint256 remainderValueWad, uint256 dustWad);
    error BreakerActive(uint8 level);
    error SelfLiquidation(address account);
    /// @notice Collateral is auctioned only once the engine has closed every position (`marketMask` ≠ 0 here): a lot
    /// seized first would lower the account's health and grow the positions' later closes.
    error PositionsOpen(address account, uint256 marketMask);
    error InvalidParams(string reason);
    error Reentrancy();
    error InvalidPrice(address oracle, uint256 priceWad, PriceStatus status);
    error AlreadyInAuction(address account);
    error NotAuctionHouse(address caller);
    error NotBackstop(address caller);
    error AboveFloor(uint256 auctionId, uint256 priceWad, uint256 floorWad);
    error BackstopFirst(uint256 auctionId, uint256 capacityWad);

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    event AuctionParamsSet(uint256 indexed collateralId, AuctionParams params);
    event KeeperRewardParamsSet(KeeperRewardParams params);
    event GlobalLimitsSet(uint256 globalCapWad, uint256 dustWad);
    event Kicked(
        uint256 indexed auctionId,
        address indexed account,
        uint256 indexed collateralId,
        address keeper,
        uint256 lot,
        uint256 targetWad,
        uint256 startPriceWad,
        uint256 rewardWad
    );
    event Taken(
        uint256 indexed auctionId,
        address indexed taker,
        uint256 amount,
        uint256 priceWad,
        uint256 paidWad,
        uint256 lotLeft,
        uint256 targetLeftWad
    );
    event Reset(uint256 indexed auctionId, address indexed keeper, uint256 startPriceWad, uint256 rewardWad);
    /// @notice A backstop floor buy's keeper reward (the sale itself is a `Taken` event with the backstop as taker).
    event FloorBuyRewarded(uint256 indexed auctionId, address indexed keeper, uint256 rewardWad);
    event BackstopSet(address indexed backstop);
    event Ended(uint256 indexed auctionId, uint256 lotReturned, uint256 targetUnraisedWad);

    /*//////////////////////////////////////////////////////////////
                                ACTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Starts an auction of the account's collateral `collateralId` (permissionless, on a liquidatable account
    /// in debt whose positions are all closed). The lot is what raises the target at the floor price (the whole balance
    /// when that is less): the rest stays with the account. With too little room under the caps, a partial lot fills
    /// the room.
    function kick(address account, uint256 collateralId) external returns (uint256 auctionId);

    /// @notice Buys up to `maxAmount` of the lot at the current price, paying at most `maxPriceWad` per whole token.
    /// The collateral goes to `receiver`; with `data`, `receiver` is called back before payment is pulled from the
    /// caller, who approves the protocol (the account's part) and the auction house (the penalty's part, sent to the
    /// solvency waterfall, as revenue). A take never leaves less than the dust minimum of target unraised, nor a lot worth less than it.
    function take(uint256 auctionId, uint256 maxAmount, uint256 maxPriceWad, address receiver, bytes calldata data)
        external
        returns (uint256 amount, uint256 paidWad);

    /// @notice The backstop vault (the only caller) buys up to `maxAmount` of a lot whose curve price has fallen below
    /// the floor, at the floor price (oracle price × resetBelow), instead of a reset. Same slicing and dust rules as
    /// `take`; the collateral goes to the backstop, which pays in the quote asset. The `keeper` who triggered it is paid
    /// the reset's reward (with the floor buy's gas), from the reward payer, as a reset would have been.
    /// @return amount Collateral bought [token units].
    /// @return floorWad Price paid per whole token [wad].
    /// @return paidWad Quote paid [wad].
    /// @return rewardWad Quote paid to `keeper` [wad].
    function takeAtFloor(uint256 auctionId, uint256 maxAmount, address keeper)
        external
        returns (uint256 amount, uint256 floorWad, uint256 paidWad, uint256 rewardWad);

    /// @notice Restarts an auction past its age limit or below its floor at the current oracle price. Below the floor,
    /// the backstop has priority: the reset reverts `BackstopFirst` while the backstop can pay for all of the lot (the
    /// lesser of its value at the floor and the target, plus one token unit's worth and one quote unit of rounding).
    function redo(uint256 auctionId) external;

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @notice The auction's current price [wad] and whether it must be reset before anyone can take.
    function status(uint256 auctionId) external view returns (uint256 priceWad, bool needsReset);

    function auction(uint256 auctionId) external view returns (Auction memory);

    /// @notice Room left for new target under the asset's and the global caps [wad].
    function room(uint256 collateralId) external view returns (uint256);

    function params(uint256 collateralId) external view returns (AuctionParams memory);
    function rewardParams() external view returns (KeeperRewardParams memory);

    /// @notice A take leaves no target unraised below this, nor a lot worth less [wad].
    function dustWad() external view returns (uint128);

    /// @notice Target in auction per asset and in total, and the caps [wad].
    function targetInAuctionWad(uint256 collateralId) external view returns (uint256);
    function totalTargetWad() external view returns (uint128);
    function globalCapWad() external view returns (uint128);

    /// @notice The reward formula on `valueWad` at stake (the lesser of a lot's target and its value at the oracle
    /// price), with `gasUnits` reimbursed, within the value share of it [wad]. A kick pays at most this and the
    /// auction's penalty; a reset or floor buy pays this on the value at stake then, at most `rewardLeft`.
    function keeperReward(uint256 valueWad, uint32 gasUnits) external view returns (uint256);
}
