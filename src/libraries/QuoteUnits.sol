// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title QuoteUnits
/// @notice The one place where token units and 18-decimal amounts [wad] convert into each other.
/// Quote balances are stored in wad but always as whole quote-token units, so converting them is exact;
/// amounts computed in wad are rounded to whole units with the direction in the function's name.
library QuoteUnits {
    error NotWholeUnits(uint256 amountWad, uint256 unitWad);
    error UnsupportedDecimals(uint8 decimals);

    /// @dev The wad value of one token unit for a token with `decimals` (1e12 for a 6-decimal token).
    function unitWad(uint8 decimals) internal pure returns (uint256) {
        if (decimals > 18) revert UnsupportedDecimals(decimals);
        return 10 ** (18 - decimals);
    }

    /// @dev Wad → token units; reverts unless the amount is whole units.
    function toUnitsExact(uint256 amountWad, uint256 unit) internal pure returns (uint256) {
        if (amountWad % unit != 0) revert NotWholeUnits(amountWad, unit);
        return amountWad / unit;
    }

    /// @dev Rounds a wad amount down to whole token units [wad].
    function roundDown(uint256 amountWad, uint256 unit) internal pure returns (uint256) {
        return amountWad - (amountWad % unit);
    }

    /// @dev Rounds a wad amount up to whole token units [wad].
    function roundUp(uint256 amountWad, uint256 unit) internal pure returns (uint256) {
        uint256 remainder = amountWad % unit;
        return remainder == 0 ? amountWad : amountWad + (unit - remainder);
    }

    /// @dev Rounds a signed wad amount toward −∞ to whole token units [wad].
    function roundFloor(int256 amountWad, uint256 unit) internal pure returns (int256) {
        int256 u = int256(unit);
        int256 remainder = amountWad % u; // same sign as amountWad
        if (remainder == 0) return amountWad;
        return remainder > 0 ? amountWad - remainder : amountWad - remainder - u;
    }

    /// @dev Rounds a signed wad amount toward +∞ to whole token units [wad].
    function roundCeil(int256 amountWad, uint256 unit) internal pure returns (int256) {
        int256 floored = roundFloor(amountWad, unit);
        return floored == amountWad ? amountWad : floored + int256(unit);
    }
}
