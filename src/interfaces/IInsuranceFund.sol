// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IInsuranceFund
/// @notice The first layer after an account's own collateral: a staking vault on the quote asset. It earns its share of
/// every liquidation penalty (plain transfers in raise the share price) and pays, on the engine's or a liquidation
/// module's order, bad-debt coverage and keeper rewards. Stakers leave through a cooldown: `requestWithdraw` escrows
/// their shares, which keep sharing every gain and loss until `withdrawRequested` redeems them after the delay, so no
/// staker can leave ahead of a loss already in sight. A floor of the fund's assets is never available to stakers.
interface IInsuranceFund {
    error NotEngine(address caller);
    error CooldownRequired();
    error CoolingDown(address owner, uint256 readyAt);
    error NoRequest(address owner);
    error BelowFloor(uint256 assetsRequested, uint256 availableAssets);
    error InvalidParams(string reason);

    event Covered(address indexed to, uint256 amount, uint256 balanceAfter);
    event WithdrawRequested(address indexed owner, uint256 shares, uint256 readyAt);
    event WithdrawCancelled(address indexed owner, uint256 shares);
    event CooldownSet(uint256 cooldownSeconds);
    event FloorSet(uint256 floorAssets);

    /// @notice Pays up to `amount` [quote token units] to `to`; returns what was paid (limited by the balance; the floor
    /// binds stakers only, never coverage).
    function cover(address to, uint256 amount) external returns (uint256 paid);

    /// @notice The fund's balance [quote token units].
    function balance() external view returns (uint256);

    /// @notice Escrows `shares` of the caller's for withdrawal after the cooldown (adding to any pending request, whose
    /// clock restarts).
    function requestWithdraw(uint256 shares) external returns (uint256 readyAt);

    /// @notice Returns the caller's escrowed shares to it.
    function cancelWithdraw() external;

    /// @notice Redeems the caller's escrowed shares at the share price now (after every loss and gain taken while
    /// they cooled down), paying `receiver`; reverts before the cooldown ends or when it would dip into the floor.
    function withdrawRequested(address receiver) external returns (uint256 assets);

    /// @notice Assets stakers may take out now: the balance above the floor [quote token units].
    function availableToStakers() external view returns (uint256);
}
