// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ILiquidatable} from "./ILiquidatable.sol";
import {ILiquidationEngine} from "./ILiquidationEngine.sol";

/// @notice Pre-liquidation parameters of one market [all wad fractions]. The zone is 1 ≤ health < `preHealthWad`;
/// across it the close factor and the incentive move linearly from their value at the top of the zone to their value
/// at the maintenance line (health 1). A zero struct disables the market.
struct PreLiquidationParams {
    uint64 preHealthWad; // top of the zone (> 1): health = equity / maintenance requirement
    uint64 closeFactorTopWad; // fraction of |size| that may be closed at the top of the zone (> 0)
    uint64 closeFactorLineWad; // ... at the maintenance line (≥ the top's, ≤ 1)
    uint64 incentiveTopWad; // incentive per unit of closed notional at the top of the zone
    uint64 incentiveLineWad; // ... at the line (≥ the top's, < the engine's full-liquidation penalty)
    bool optOutAllowed; // accounts may opt out of pre-liquidation in this market
}

/// @title IPreLiquidation
/// @notice The soft margin call: before an account reaches maintenance, anyone but the account may close a slice of
/// one of its positions at the oracle price for a small incentive (Morpho's PreLiquidation, in health space). The
/// slice is the least of the close factor × |size|, the notional that lifts health back to the top of the zone, and
/// the caller's limit; a rest is 0 or at least the engine's dust notional. The incentive is a fraction of the closed
/// notional, rising linearly as health falls, never more than keeps health from falling, paid wholly to the caller.
/// Below maintenance the engine's `liquidate` takes over. The module is bound to one `ILiquidatable` protocol and
/// its engine and closes through `liquidatePosition` as a registered liquidator.
/// @dev Amounts are 18-decimal fixed point [wad] in the quote asset, sizes in base units [wad], health as a wad ratio.
interface IPreLiquidation {
    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @notice The top of the zone must be above the maintenance line (1) and at most 10.
    error InvalidPreHealth(uint256 preHealthWad);
    /// @notice Close factors must satisfy 0 < top ≤ line ≤ 1.
    error InvalidCloseFactors(uint256 topWad, uint256 lineWad);
    /// @notice Incentives must satisfy top ≤ line.
    error InvalidIncentives(uint256 topWad, uint256 lineWad);
    /// @notice The incentive at the line must stay below the engine's full-liquidation penalty (checked when the
    /// parameters are set and again on every pre-liquidation, since the engine's penalty may change).
    error IncentiveNotBelowPenalty(uint256 incentiveLineWad, uint256 penaltyWad);
    /// @notice The zone reaches above the health the engine's liquidation restores (checked on set and on every call):
    /// an account the engine has just liquidated would still be in the zone and could be charged a second time.
    error ZoneAboveEngineTarget(uint256 preHealthWad, uint256 targetHealthWad);
    /// @notice The engine is bound to another protocol than the one given.
    error EngineMismatch(address engineProtocol, address protocol);
    error MarketNotEnabled(uint256 marketId);
    error OptOutNotAllowed(uint256 marketId);
    error OptedOut(address account, uint256 marketId);
    error SelfPreLiquidation(address account);
    error NoPosition(address account, uint256 marketId);
    /// @notice Health is at or above the top of the zone: nothing to do.
    error NotInZone(address account, uint256 healthWad, uint256 preHealthWad);
    /// @notice Health is below the maintenance line: the engine's `liquidate` applies.
    error BelowMaintenance(address account, uint256 healthWad, address engine);
    error CloseTooSmall(uint256 closeNotionalWad, uint256 minimumWad);
    error DustRemainder(uint256 remainderNotionalWad, uint256 minimumWad);
    error Reentrancy();

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    event ParamsSet(uint256 indexed marketId, PreLiquidationParams params);
    event OptOutSet(address indexed account, uint256 indexed marketId, bool optedOut);
    /// @notice A slice closed at `priceWad` for `incentiveWad` paid by the account to `caller`; the close factor and
    /// incentive fraction are those at `healthBeforeWad`.
    event PreLiquidated(
        address indexed account,
        uint256 indexed marketId,
        address indexed caller,
        int256 closedSizeWad,
        uint256 closedNotionalWad,
        uint256 priceWad,
        uint256 closeFactorWad,
        uint256 incentiveFractionWad,
        uint256 incentiveWad,
        uint256 healthBeforeWad,
        uint256 healthAfterWad
    );

    /*//////////////////////////////////////////////////////////////
                                 ACTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Closes up to `maxCloseSizeWad` (absolute base units) of the account's position in `marketId` while
    /// 1 ≤ health < the market's top of the zone: min(close factor(health) × |size|, the size that lifts health to the
    /// top of the zone, the limit). A rest under the dust notional is closed too when the close factor allows the
    /// whole position, otherwise left at the dust notional; a limit that would leave dust, or a slice (short of the
    /// whole position) under the dust notional, reverts. The caller receives the incentive in the quote asset.
    /// @return closedSizeWad The signed size closed (opposite sign to the position).
    /// @return incentiveWad The incentive paid to the caller [wad, whole quote units].
    function preLiquidate(address account, uint256 marketId, uint256 maxCloseSizeWad)
        external
        returns (int256 closedSizeWad, uint256 incentiveWad);

    /// @notice Opts the caller out of (or back into) pre-liquidation in `marketId`; opting out needs the market to
    /// allow it. An opt-out counts only while the market allows it.
    function setOptOut(uint256 marketId, bool optedOut) external;

    /// @notice Sets a market's parameters (the owner); a zero struct disables the market. The top of the zone rises in
    /// steps (`StepLimit`: its distance above 1 by at most 5/4 a raise, a day apart; `RaiseTooLarge`, `RaiseTooSoon`)
    /// from the last top the market had, even across a disable, so that turning a market off and on is no shortcut; a
    /// market's first zone, and a lower top, take effect at once.
    function setParams(uint256 marketId, PreLiquidationParams calldata params) external;

    /// @notice The last top of `marketId`'s zone set (0 before the first) and the earliest time it may next rise [unix
    /// seconds].
    function zoneClock(uint256 marketId) external view returns (uint64 lastTopWad, uint40 nextRaiseAt);

    /*//////////////////////////////////////////////////////////////
                                  VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @notice What `preLiquidate` with no limit would close now, the incentive it would pay and the account's
    /// health; zeros (with the health when known) where it would revert.
    function previewPreLiquidation(address account, uint256 marketId)
        external
        view
        returns (int256 closeSizeWad, uint256 incentiveWad, uint256 healthWad);

    /// @notice The close factor at `healthWad` [wad]: linear from the top of the zone to the line, clamped outside.
    function closeFactorWad(uint256 marketId, uint256 healthWad) external view returns (uint256);

    /// @notice The incentive schedule at `healthWad` [wad], linear like the close factor; the incentive charged is
    /// min(this, maintenance fraction × health).
    function incentiveFractionWad(uint256 marketId, uint256 healthWad) external view returns (uint256);

    function params(uint256 marketId) external view returns (PreLiquidationParams memory);

    /// @notice Whether the account's opt-out in `marketId` is in force (it opted out and the market allows it).
    function isOptedOut(address account, uint256 marketId) external view returns (bool);

    function protocol() external view returns (ILiquidatable);

    function engine() external view returns (ILiquidationEngine);
}
