// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {BaseTest} from "../Base.t.sol";
import {PushPriceFeed} from "../../src/oracle/PushPriceFeed.sol";
import {PreLiquidationParams} from "../../src/interfaces/IPreLiquidation.sol";
import {StepLimit} from "../../src/libraries/StepLimit.sol";

/// @notice Helpers shared by the pre-liquidation tests: the demo parameters and prices that put an account at a
/// given health.
abstract contract PreLiquidationBase is BaseTest {
    /// @dev The demo's pre-liquidation line (SystemDeployer._demoPreLiquidationParams) and maintenance fraction.
    uint256 internal constant PRE_HEALTH = 1.25e18;
    uint256 internal constant MAINTENANCE_FRACTION = 0.05e18;

    /// @dev The ETH price at which an account whose only position is in the ETH market, margined by quote alone, has
    /// health `healthWad`: E = Q + s·p − O and M = |s|·p·m give p = (O − Q) / (s − h·|s|·m).
    function _ethPriceForHealth(address who, uint256 healthWad) internal view returns (uint256) {
        (int256 size, int256 openNotional) = protocol.position(who, ETH_MARKET);
        int256 quote = protocol.quoteBalance(who);
        int256 absSize = size >= 0 ? size : -size;
        int256 denominator = size - int256(uint256(absSize) * healthWad / WAD * MAINTENANCE_FRACTION / WAD);
        return uint256((openNotional - quote) * int256(WAD) / denominator);
    }

    /// @dev Moves the ETH price to where `who` has health `healthWad` (±rounding) and returns the health reached.
    function _toHealth(address who, uint256 healthWad) internal returns (uint256) {
        _setEthPrice(_ethPriceForHealth(who, healthWad));
        return _health(who).healthWad;
    }

    /// @dev Bisects the BTC price down to where `who` (net long BTC) has health just at or above `healthWad`.
    function _btcToHealth(address who, uint256 healthWad) internal returns (uint256) {
        return _priceDownToHealth(btcFeed, who, healthWad);
    }

    /// @dev Bisects `feed`'s price down (to a tenth at most) to where `who`, whose health falls with that price, has
    /// health just at or above `healthWad`.
    function _priceDownToHealth(PushPriceFeed feed, address who, uint256 healthWad) internal returns (uint256) {
        (uint256 hi,) = feed.read();
        uint256 lo = hi / 10;
        for (uint256 i; i < 80 && hi - lo > 1e9; ++i) {
            uint256 mid = (lo + hi) / 2;
            feed.push(int192(int256(mid)));
            if (_health(who).healthWad >= healthWad) hi = mid;
            else lo = mid;
        }
        feed.push(int192(int256(hi)));
        return _health(who).healthWad;
    }

    /// @dev Sets `p` on `marketId`, raising the zone's top as fast as the module allows (5/4 of its distance above 1 a
    /// day), moving time on between raises (callers that read prices afterwards push them again).
    function _setZone(uint256 marketId, PreLiquidationParams memory p) internal {
        uint64 targetWad = p.preHealthWad;
        (uint64 topWad,) = preLiquidation.zoneClock(marketId);
        while (topWad != 0 && topWad < targetWad) {
            uint256 stepWad = 1e18 + (topWad - 1e18) * StepLimit.MAX_RAISE_BPS / 10_000;
            p.preHealthWad = stepWad < targetWad ? uint64(stepWad) : targetWad;
            (, uint40 nextRaiseAt) = preLiquidation.zoneClock(marketId);
            if (nextRaiseAt > block.timestamp) vm.warp(nextRaiseAt);
            preLiquidation.setParams(marketId, p);
            topWad = p.preHealthWad;
        }
        p.preHealthWad = targetWad;
        preLiquidation.setParams(marketId, p);
    }
}
