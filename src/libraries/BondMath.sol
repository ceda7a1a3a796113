// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title BondMath
/// @notice Pricing and pro-rata arithmetic for solvency bonds. Every rounding favours the protocol: prices round up,
/// bonds given for a payment and shares of revenue round down.
library BondMath {
    uint256 internal constant WAD = 1e18;

    /// @notice The price of one unit of face [wad] `elapsed` seconds into a linear decay from `startWad` to `floorWad`
    /// over `decaySeconds`, then flat at the floor. Monotone non-increasing in `elapsed`, never below `floorWad`.
    function linearPriceUp(uint256 startWad, uint256 floorWad, uint256 elapsed, uint256 decaySeconds)
        internal
        pure
        returns (uint256)
    {
        if (elapsed >= decaySeconds) return floorWad;
        uint256 dropWad = (startWad - floorWad) * elapsed / decaySeconds; // rounded down, so the price rounds up
        return startWad - dropWad;
    }

    /// @notice Units of face bought for `cost` quote units at `priceWad` per unit of face, rounded down.
    function faceForCostDown(uint256 cost, uint256 priceWad) internal pure returns (uint256) {
        return cost * WAD / priceWad;
    }

    /// @notice `amount` × `part` ÷ `whole`, rounded down (0 when `whole` is 0).
    function proRataDown(uint256 amount, uint256 part, uint256 whole) internal pure returns (uint256) {
        if (whole == 0) return 0;
        return amount * part / whole;
    }
}
