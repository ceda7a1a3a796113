// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Why a price must not be used. `Valid` is the only status usable for adding risk; `Volatile` is also
/// usable for liquidations and for reducing risk (circuit-breaker level 1 for that asset); every other status
/// halts liquidations.
enum PriceStatus {
    Valid,
    Stale, // older than the heartbeat
    NonPositive, // zero or negative answer
    BelowFloor, // under the configured floor: a feed stuck at its minimum (LUNA, May 2022)
    AboveCap, // over the configured cap
    Recovering, // fresh again after an outage, inside the grace period: liquidations wait
    Volatile // moved more than the configured fraction within the configured window: no new exposure
}

/// @notice `Valid` or `Volatile`: a price good enough to measure margin, liquidate and reduce risk.
function isUsable(PriceStatus status) pure returns (bool) {
    return status == PriceStatus.Valid || status == PriceStatus.Volatile;
}

/// @title IOracle
/// @notice The one-function price interface the margin protocol reads, one adapter per asset.
/// @dev Adapters never revert on a bad price: they report it, and the caller decides whether the action it is
/// guarding may proceed (adding risk, withdrawing and liquidating need `Valid`; reducing risk does not).
interface IOracle {
    /// @return priceWad The quote-asset price of one whole unit of the asset [wad: 1e18 = 1 quote unit].
    ///         Zero when the answer is zero or negative.
    /// @return status `Valid`, or the reason the price must not be used.
    function read() external view returns (uint256 priceWad, PriceStatus status);
}
