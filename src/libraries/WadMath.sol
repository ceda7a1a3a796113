// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FixedPointMathLib} from "solmate/utils/FixedPointMathLib.sol";

/// @title WadMath
/// @notice Signed and unsigned 18-decimal fixed-point helpers. Each name carries its rounding direction:
/// `Down`/`Up` for unsigned values, `Floor` (toward −∞) and `Ceil` (toward +∞) for signed ones.
library WadMath {
    using FixedPointMathLib for uint256;

    uint256 internal constant WAD = 1e18;

    error SignedOverflow(uint256 value);

    function mulWadDown(uint256 x, uint256 y) internal pure returns (uint256) {
        return x.mulWadDown(y);
    }

    function mulWadUp(uint256 x, uint256 y) internal pure returns (uint256) {
        return x.mulWadUp(y);
    }

    function divWadDown(uint256 x, uint256 y) internal pure returns (uint256) {
        return x.divWadDown(y);
    }

    function divWadUp(uint256 x, uint256 y) internal pure returns (uint256) {
        return x.divWadUp(y);
    }

    /// @dev x × y / 1e18 rounded toward −∞.
    function mulWadFloor(int256 x, uint256 y) internal pure returns (int256) {
        if (x >= 0) return toInt(uint256(x).mulWadDown(y));
        return -toInt(uint256(-x).mulWadUp(y));
    }

    /// @dev x × y / 1e18 rounded toward +∞.
    function mulWadCeil(int256 x, uint256 y) internal pure returns (int256) {
        if (x >= 0) return toInt(uint256(x).mulWadUp(y));
        return -toInt(uint256(-x).mulWadDown(y));
    }

    /// @dev x × num / den rounded toward +∞, for den > 0 and num ≥ 0.
    function mulDivCeil(int256 x, uint256 num, uint256 den) internal pure returns (int256) {
        if (x >= 0) return toInt(uint256(x).mulDivUp(num, den));
        return -toInt(uint256(-x).mulDivDown(num, den));
    }

    function abs(int256 x) internal pure returns (uint256) {
        return x >= 0 ? uint256(x) : uint256(-x);
    }

    function toInt(uint256 x) internal pure returns (int256) {
        if (x > uint256(type(int256).max)) revert SignedOverflow(x);
        return int256(x);
    }

    function min(uint256 a, uint256 b) internal pure returns (uint256) {
        return a < b ? a : b;
    }

    function max(uint256 a, uint256 b) internal pure returns (uint256) {
        return a > b ? a : b;
    }

    /// @dev max(x, 0).
    function positivePart(int256 x) internal pure returns (uint256) {
        return x > 0 ? uint256(x) : 0;
    }

    /// @dev The negative part of x as a positive number: max(−x, 0).
    function negativePart(int256 x) internal pure returns (uint256) {
        return x < 0 ? uint256(-x) : 0;
    }

    /// @dev Equity / maintenance requirement [wad], rounded down: 0 when equity ≤ 0, type(uint256).max with no
    /// requirement.
    function healthWad(int256 equityWad, uint256 maintenanceWad) internal pure returns (uint256) {
        if (equityWad <= 0) return 0;
        if (maintenanceWad == 0) return type(uint256).max;
        return uint256(equityWad).divWadDown(maintenanceWad);
    }
}
