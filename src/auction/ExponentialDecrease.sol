// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FixedPointMathLib} from "solmate/utils/FixedPointMathLib.sol";
import {IPriceCurve} from "../interfaces/IPriceCurve.sol";

/// @title ExponentialDecrease
/// @notice price = start × cut^elapsed: the price keeps a fixed fraction `cut` of itself every second.
contract ExponentialDecrease is IPriceCurve {
    error InvalidCut(uint256 cutWad);

    uint256 internal constant WAD = 1e18;

    /// @notice Fraction of the price kept per second [wad], < 1.
    uint256 public immutable cutWad;

    constructor(uint256 cutWad_) {
        if (cutWad_ == 0 || cutWad_ >= WAD) revert InvalidCut(cutWad_);
        cutWad = cutWad_;
    }

    /// @inheritdoc IPriceCurve
    function price(uint256 startPriceWad, uint256 elapsedSeconds) external view returns (uint256) {
        // cut^elapsed ≤ 1 by squaring (rounded down), so the product cannot exceed the start price.
        return FixedPointMathLib.mulWadDown(startPriceWad, FixedPointMathLib.rpow(cutWad, elapsedSeconds, WAD));
    }
}
