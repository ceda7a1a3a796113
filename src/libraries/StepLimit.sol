// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title StepLimit
/// @notice How a parameter that tightens on open accounts may rise, so that no owner call (timelocked or not) moves it
/// far in one block (Aave's risk stewards: a bound on each change and on how often). A raise moves the parameter's
/// distance above its base (0 for a fraction, 1 for a health level) by at most 5/4 and comes at least a day after the
/// previous raise of the same clock; a cut is free and leaves the clock. Through the timelock the owner queues a whole
/// schedule at once, public from its first day.
library StepLimit {
    /// @notice A raise multiplies the distance above the base by at most this [bps]: 5/4.
    uint256 internal constant MAX_RAISE_BPS = 12_500;
    /// @notice The least time between two raises on one clock [seconds].
    uint256 internal constant INTERVAL = 1 days;
    uint256 internal constant BPS = 10_000;

    /// @notice The raise goes past `maxWad`, 5/4 of the current value's distance above its base.
    error RaiseTooLarge(uint256 currentWad, uint256 requestedWad, uint256 maxWad);
    /// @notice A raise on this clock comes no sooner than `notBefore` [unix seconds].
    error RaiseTooSoon(uint256 notBefore);

    /// @notice Checks a change from `currentWad` to `requestedWad` (both ≥ `baseWad`) against the clock
    /// `nextRaiseAt`. Returns whether it is a raise: the caller then restarts the clock with `nextClock()`.
    function checkRaise(uint256 currentWad, uint256 requestedWad, uint256 baseWad, uint256 nextRaiseAt)
        internal
        view
        returns (bool raised)
    {
        if (requestedWad <= currentWad) return false;
        if (block.timestamp < nextRaiseAt) revert RaiseTooSoon(nextRaiseAt);
        uint256 maxWad = baseWad + (currentWad - baseWad) * MAX_RAISE_BPS / BPS;
        if (requestedWad > maxWad) revert RaiseTooLarge(currentWad, requestedWad, maxWad);
        return true;
    }

    /// @notice When the next raise may come, counted from now [unix seconds].
    function nextClock() internal view returns (uint40) {
        return uint40(block.timestamp + INTERVAL);
    }
}
