// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IPriceCurve} from "../interfaces/IPriceCurve.sol";

/// @title LinearDecrease
/// @notice price = start × (duration − elapsed) / duration, and 0 from `duration` on.
contract LinearDecrease is IPriceCurve {
    error ZeroDuration();

    /// @notice Time for the price to reach zero [seconds].
    uint256 public immutable duration;

    constructor(uint256 duration_) {
        if (duration_ == 0) revert ZeroDuration();
        duration = duration_;
    }

    /// @inheritdoc IPriceCurve
    function price(uint256 startPriceWad, uint256 elapsedSeconds) external view returns (uint256) {
        if (elapsedSeconds >= duration) return 0;
        return startPriceWad * (duration - elapsedSeconds) / duration; // rounds down: the price only falls sooner
    }
}
