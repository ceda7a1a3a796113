// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IDeficitVault
/// @notice What the solvency waterfall needs of a liquidity vault that bore bad debt. While bonds are on sale for a
/// deficit, the vault carries it as a receivable from the waterfall: new deposits wait, exits are priced without it
/// (nobody leaves ahead of a loss at the pre-loss price); bond proceeds pay it down, and what the bonds do not raise is
/// socialized (the receivable is dropped and the share price falls). All amounts in quote token units.
interface IDeficitVault {
    /// @notice Books `amount` of deficit as owed by the waterfall (bonds now on sale for it).
    function recordDeficit(uint256 amount) external;

    /// @notice `amount` of bond proceeds reached the vault: the deficit owed falls by it.
    function deficitRepaid(uint256 amount) external;

    /// @notice Drops `amount` of the deficit owed: depositors bear it.
    function socializeDeficit(uint256 amount) external;

    /// @notice The deficit still owed by the waterfall.
    function deficitReceivable() external view returns (uint256);
}
