// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FixedPointMathLib} from "solmate/utils/FixedPointMathLib.sol";
import {IPriceCurve} from "../interfaces/IPriceCurve.sol";

/// @title StairstepExponentialDecrease
/// @notice price = start × cut^⌊elapsed / step⌋: constant within a step, then a fixed fraction `cut` is kept.
contract StairstepExponentialDecrease is IPriceCurve {
    error InvalidCut(uint256 cutWad);
    error ZeroStep();

    uint256 internal constant WAD = 1e18;

    /// @notice Fraction of the price kept per step [wad], < 1.
    uint256 public immutable cutWad;
    /// @notice Length of a step [seconds].
    uint256 public immutable stepSeconds;

    constructor(uint256 cutWad_, uint256 stepSeconds_) {
        if (cutWad_ == 0 || cutWad_ >= WAD) revert InvalidCut(cutWad_);
        if (stepSeconds_ == 0) revert ZeroStep();
        cutWad = cutWad_;
        stepSeconds = stepSeconds_;
    }

    /// @inheritdoc IPriceCurve
    function price(uint256 startPriceWad, uint256 elapsedSeconds) external view returns (uint256) {
        uint256 steps = elapsedSeconds / stepSeconds;
        return FixedPointMathLib.mulWadDown(startPriceWad, FixedPointMathLib.rpow(cutWad, steps, WAD));
    }
}
