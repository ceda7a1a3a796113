// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PreLiquidationBase} from "./PreLiquidationBase.t.sol";
import {IPreLiquidation, PreLiquidationParams} from "../../src/interfaces/IPreLiquidation.sol";

/// @notice Fuzz: the schedule is linear and monotone across the zone; on random cross-margined books anywhere in the
/// zone a pre-liquidation stays within its close factor, never lowers health, lifts it to the top of the zone (no
/// further, beyond rounding) unless the slice ran out, pays less than the engine's penalty for the same slice, and
/// honours opt-outs. Properties 23–26 of docs/properties.md.
contract PreLiquidationFuzzTest is PreLiquidationBase {
    /// @dev Health above the top of the zone after a slice that was meant to stop there: the one quote unit held back
    /// from the incentive and the realized PnL's rounding to whole units, over a requirement of at least the dust
    /// notional's (10 × 5% = $0.50) → at most 4e12; and a size rounded up by a wei.
    uint256 internal constant OVERSHOOT_TOLERANCE_WAD = 1e13;

    /*//////////////////////////////////////////////////////////////
                                SCHEDULE
    //////////////////////////////////////////////////////////////*/

    function _boundParams(PreLiquidationParams memory p) internal pure returns (PreLiquidationParams memory) {
        p.preHealthWad = uint64(bound(p.preHealthWad, 1e18 + 1e15, 10e18));
        p.closeFactorLineWad = uint64(bound(p.closeFactorLineWad, 1, 1e18));
        p.closeFactorTopWad = uint64(bound(p.closeFactorTopWad, 1, p.closeFactorLineWad));
        p.incentiveLineWad = uint64(bound(p.incentiveLineWad, 0, 0.025e18 - 1));
        p.incentiveTopWad = uint64(bound(p.incentiveTopWad, 0, p.incentiveLineWad));
        return p;
    }

    /// Property 23: close factor and incentive go linearly from their top values to their line values, and never rise
    /// with health.
    function testFuzz_schedule_linearAndMonotone(PreLiquidationParams memory p, uint256 h1, uint256 h2) public {
        p = _boundParams(p);
        // The zone may not reach above the engine's target health: lift the target to the zone's top first.
        _raiseEngineTargetTo(p.preHealthWad);
        _setZone(ETH_MARKET, p);
        assertEq(preLiquidation.closeFactorWad(ETH_MARKET, p.preHealthWad), p.closeFactorTopWad);
        assertEq(preLiquidation.closeFactorWad(ETH_MARKET, 1e18), p.closeFactorLineWad);
        assertEq(preLiquidation.incentiveFractionWad(ETH_MARKET, p.preHealthWad), p.incentiveTopWad);
        assertEq(preLiquidation.incentiveFractionWad(ETH_MARKET, 1e18), p.incentiveLineWad);

        h1 = bound(h1, 1e18, p.preHealthWad);
        h2 = bound(h2, 1e18, p.preHealthWad);
        if (h1 > h2) (h1, h2) = (h2, h1);
        // Monotone: lower health, larger (or equal) close factor and incentive.
        assertGe(preLiquidation.closeFactorWad(ETH_MARKET, h1), preLiquidation.closeFactorWad(ETH_MARKET, h2));
        assertGe(
            preLiquidation.incentiveFractionWad(ETH_MARKET, h1), preLiquidation.incentiveFractionWad(ETH_MARKET, h2)
        );
        // Linear: the value at the midpoint is the mean of the values at the ends (each rounded down: within 1 wei).
        uint256 mid = (h1 + h2) / 2;
        if ((h1 + h2) % 2 == 0) {
            uint256 cfMean =
                (preLiquidation.closeFactorWad(ETH_MARKET, h1) + preLiquidation.closeFactorWad(ETH_MARKET, h2)) / 2;
            assertApproxEqAbs(preLiquidation.closeFactorWad(ETH_MARKET, mid), cfMean, 1, "close factor linear");
            uint256 qMean =
                (preLiquidation.incentiveFractionWad(ETH_MARKET, h1)
                        + preLiquidation.incentiveFractionWad(ETH_MARKET, h2)) / 2;
            assertApproxEqAbs(preLiquidation.incentiveFractionWad(ETH_MARKET, mid), qMean, 1, "incentive linear");
        }
        // Exact against the line through the two endpoints, rounded down.
        uint256 exact = p.closeFactorTopWad + uint256(p.closeFactorLineWad - p.closeFactorTopWad)
            * (p.preHealthWad - h1) / (p.preHealthWad - 1e18);
        assertEq(preLiquidation.closeFactorWad(ETH_MARKET, h1), exact);
    }

    /*//////////////////////////////////////////////////////////////
                             PRE-LIQUIDATION
    //////////////////////////////////////////////////////////////*/

    struct Book {
        uint256 marginUsdc;
        uint256 leverageBps; // ETH notional / margin
        bool short_;
        uint256 btcBps; // BTC notional / margin, signed by `btcShort`
        bool btcShort;
        uint256 wethWad; // WETH collateral
        uint256 targetHealthWad;
        uint256 maxCloseSeed;
    }

    struct Snap {
        int256 size;
        uint256 healthBefore;
        uint256 closeFactor;
        uint256 fraction; // min(schedule, m × health)
        uint256 price;
        uint256 maxClose;
        uint256 keeperBalance;
    }

    /// Properties 24–26 on a random book anywhere in the zone.
    function testFuzz_preLiquidate(Book memory b) public {
        if (!_openBookInTheZone(b)) return;
        Snap memory s;
        (s.size,) = protocol.position(alice, ETH_MARKET);
        s.healthBefore = _health(alice).healthWad;
        s.closeFactor = preLiquidation.closeFactorWad(ETH_MARKET, s.healthBefore);
        uint256 schedule = preLiquidation.incentiveFractionWad(ETH_MARKET, s.healthBefore);
        s.fraction = schedule < s.healthBefore * MAINTENANCE_FRACTION / WAD
            ? schedule
            : s.healthBefore * MAINTENANCE_FRACTION / WAD;
        (, s.price,) = protocol.positionState(alice, ETH_MARKET);
        s.maxClose = b.maxCloseSeed % 4 == 0 ? bound(b.maxCloseSeed, 0, _abs(s.size)) : type(uint256).max;
        s.keeperBalance = usdc.balanceOf(keeper);

        vm.prank(keeper);
        try preLiquidation.preLiquidate(alice, ETH_MARKET, s.maxClose) returns (int256 closed, uint256 incentive) {
            _checkPreLiquidation(s, closed, incentive);
        } catch (bytes memory reason) {
            bytes4 sel = bytes4(reason);
            if (sel == IPreLiquidation.CloseTooSmall.selector) {
                // Only a slice short of the whole position and under the dust notional is refused.
                (uint256 closeNotional, uint256 minimum) = abi.decode(_args(reason), (uint256, uint256));
                assertLt(closeNotional, minimum);
                assertLt(closeNotional, _abs(s.size) * s.price / WAD);
            } else if (sel == IPreLiquidation.DustRemainder.selector) {
                assertLt(s.maxClose, _abs(s.size), "only the caller's limit leaves dust");
            } else {
                revert("unexplained preLiquidate revert");
            }
        }
    }

    function _checkPreLiquidation(Snap memory s, int256 closed, uint256 incentive) internal view {
        uint256 closedAbs = _abs(closed);
        assertTrue((closed < 0) == (s.size > 0), "closes against the position");
        (int256 sizeAfter,) = protocol.position(alice, ETH_MARKET);
        assertEq(sizeAfter, s.size + closed);
        uint256 cap = _abs(s.size) * s.closeFactor / WAD;
        // Property 24: within the close factor and the caller's limit.
        assertLe(closedAbs, cap, "beyond the close factor");
        assertLe(closedAbs, s.maxClose, "beyond the caller's limit");
        // Property 25: health never falls, and the slice stops at the top of the zone (rounding aside) unless the
        // dust rule closed the whole position.
        uint256 healthAfter = _health(alice).healthWad;
        assertGe(healthAfter, s.healthBefore, "health fell");
        if (sizeAfter != 0) assertLe(healthAfter, PRE_HEALTH + OVERSHOOT_TOLERANCE_WAD, "overshot the zone");
        // ... and the account leaves the zone unless the slice ran out: the close factor, the limit, the dust rule.
        uint256 dustSize = uint256(10e18) * WAD / s.price + 1;
        bool exhausted = closedAbs == cap || closedAbs == s.maxClose || sizeAfter == 0 || _abs(sizeAfter) <= dustSize;
        if (!exhausted) assertGe(healthAfter, PRE_HEALTH, "still in the zone with slice to spare");
        // The rest is zero or at least the dust notional.
        if (sizeAfter != 0) assertGe(_abs(sizeAfter) * s.price / WAD + 1, 10e18, "dust left");
        // Property 26: the caller gets exactly the incentive, less than the engine's penalty on the same slice.
        assertEq((usdc.balanceOf(keeper) - s.keeperBalance) * 1e12, incentive);
        uint256 notional = closedAbs * s.price / WAD + 1;
        assertLe(incentive, notional * s.fraction / WAD, "incentive above its fraction");
        uint256 engineFraction = s.healthBefore * MAINTENANCE_FRACTION / WAD;
        if (engineFraction > engine.params().penaltyWad) engineFraction = engine.params().penaltyWad;
        uint256 enginePenalty = notional * engineFraction / WAD;
        assertLt(incentive, enginePenalty, "incentive not below the engine's penalty");
    }

    /// Property 26: an opted-out account is never pre-liquidated; opting back in makes it eligible again.
    function testFuzz_optOut_honoured(Book memory b, bool optOut) public {
        if (!_openBookInTheZone(b)) return;
        vm.prank(alice);
        preLiquidation.setOptOut(ETH_MARKET, optOut);
        (int256 preview,,) = preLiquidation.previewPreLiquidation(alice, ETH_MARKET);
        vm.prank(keeper);
        try preLiquidation.preLiquidate(alice, ETH_MARKET, type(uint256).max) returns (int256 closed, uint256) {
            assertFalse(optOut, "pre-liquidated an opted-out account");
            assertEq(closed, preview, "preview");
        } catch (bytes memory reason) {
            assertEq(preview, 0, "preview promised a slice");
            if (optOut) {
                assertEq(reason, abi.encodeWithSelector(IPreLiquidation.OptedOut.selector, alice, ETH_MARKET));
            } else {
                assertEq(bytes4(reason), IPreLiquidation.CloseTooSmall.selector);
            }
        }
    }

    /*//////////////////////////////////////////////////////////////
                                  BOOK
    //////////////////////////////////////////////////////////////*/

    /// @dev Alice: quote margin, a 2–9× ETH position (long or short), maybe a BTC position and WETH collateral; then
    /// the ETH price moves to where her health is `targetHealthWad` ∈ [1, 1.5). False when no price gets there.
    function _openBookInTheZone(Book memory b) internal returns (bool) {
        b.marginUsdc = bound(b.marginUsdc, 200, 50_000);
        b.leverageBps = bound(b.leverageBps, 20_000, 90_000);
        // ETH and BTC together stay within 9.5× (the initial margin allows 10×, less the trade fees).
        b.btcBps = b.btcBps % 3 == 0 ? bound(b.btcBps, 0, 95_000 - b.leverageBps) : 0;
        b.wethWad = b.wethWad % 3 == 0 ? bound(b.wethWad, 0, 10e18) : 0;
        b.targetHealthWad = bound(b.targetHealthWad, 1e18, PRE_HEALTH - 1);
        _depositQuote(alice, b.marginUsdc * 1e6);
        if (b.wethWad != 0) _depositCollateral(alice, WETH_ID, b.wethWad);
        uint256 ethSize = b.marginUsdc * b.leverageBps * 1e18 / 10_000 * 1e18 / 3_000e18;
        if (b.btcBps != 0) {
            uint256 btcSize = b.marginUsdc * b.btcBps * 1e18 / 10_000 * 1e18 / 60_000e18;
            if (btcSize * 60_000 >= 20e18) _trade(alice, BTC_MARKET, b.btcShort ? -int256(btcSize) : int256(btcSize));
        }
        _trade(alice, ETH_MARKET, b.short_ ? -int256(ethSize) : int256(ethSize));
        return _ethToHealth(b.targetHealthWad);
    }

    /// @dev Bisects the ETH price in [p0/8, 8·p0] for the target health (health is monotone in one price).
    function _ethToHealth(uint256 target) internal returns (bool) {
        (uint256 p0,) = ethFeed.read();
        uint256 lo = p0 / 8;
        uint256 hi = p0 * 8;
        bool healthierHigh = _healthAt(hi) > _healthAt(lo);
        for (uint256 i; i < 100 && hi - lo > 1e6; ++i) {
            uint256 mid = (lo + hi) / 2;
            // Keep the end where health is above the target on the healthy side.
            if ((_healthAt(mid) >= target) == healthierHigh) hi = mid;
            else lo = mid;
        }
        uint256 h = _healthAt(healthierHigh ? hi : lo);
        return h >= 1e18 && h < PRE_HEALTH;
    }

    function _healthAt(uint256 price) internal returns (uint256) {
        _setEthPrice(price);
        return _health(alice).healthWad;
    }

    function _abs(int256 x) internal pure returns (uint256) {
        return x >= 0 ? uint256(x) : uint256(-x);
    }

    function _args(bytes memory reason) internal pure returns (bytes memory args) {
        args = new bytes(reason.length - 4);
        for (uint256 i = 4; i < reason.length; ++i) {
            args[i - 4] = reason[i];
        }
    }
}
