// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IPriceCurve
/// @notice How a Dutch auction's price decays with time (MakerDAO's Abacus). A curve is a pure function of the start
/// price and the time since the auction started or was last reset; floors and resets belong to the auction.
interface IPriceCurve {
    /// @param startPriceWad The price at the auction's start or last reset [wad].
    /// @param elapsedSeconds Time since then [seconds].
    /// @return priceWad The current price, never above `startPriceWad`, never increasing with time [wad].
    function price(uint256 startPriceWad, uint256 elapsedSeconds) external view returns (uint256 priceWad);
}
