// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IInsuranceFund
/// @notice Holds the quote asset funded by liquidation penalties, and pays bad-debt coverage on the engine's order.
interface IInsuranceFund {
    error NotEngine(address caller);

    event Covered(address indexed to, uint256 amount, uint256 balanceAfter);

    /// @notice Pays up to `amount` [quote token units] to `to`; returns what was paid (limited by the balance).
    function cover(address to, uint256 amount) external returns (uint256 paid);

    /// @notice The fund's balance [quote token units].
    function balance() external view returns (uint256);
}
