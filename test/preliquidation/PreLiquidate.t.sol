// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Vm} from "forge-std/Vm.sol";
import {PreLiquidationBase} from "./PreLiquidationBase.t.sol";
import {IPreLiquidation, PreLiquidationParams} from "../../src/interfaces/IPreLiquidation.sol";
import {IMarginProtocol} from "../../src/interfaces/IMarginProtocol.sol";
import {LiquidationParams} from "../../src/interfaces/ILiquidationEngine.sol";
import {PriceStatus} from "../../src/interfaces/IOracle.sol";

/// @notice `preLiquidate` on the demo parameters: who may call it, when, how much it closes and what it pays.
contract PreLiquidateTest is PreLiquidationBase {
    function setUp() public override {
        super.setUp();
        _openLong(alice, 1_000e6, 2e18); // 6,000 notional on 997 of equity: health ≈ 3.3
    }

    function test_preLiquidate_revertsAboveTheZone() public {
        uint256 h = _health(alice).healthWad;
        vm.prank(keeper);
        vm.expectRevert(abi.encodeWithSelector(IPreLiquidation.NotInZone.selector, alice, h, PRE_HEALTH));
        preLiquidation.preLiquidate(alice, ETH_MARKET, type(uint256).max);
    }

    function test_preLiquidate_revertsBelowMaintenancePointingToTheEngine() public {
        uint256 h = _toHealth(alice, 0.9e18);
        assertTrue(_liquidatable(alice));
        vm.prank(keeper);
        vm.expectRevert(abi.encodeWithSelector(IPreLiquidation.BelowMaintenance.selector, alice, h, address(engine)));
        preLiquidation.preLiquidate(alice, ETH_MARKET, type(uint256).max);
        (int256 engineClose,,) = engine.previewLiquidation(alice, ETH_MARKET);
        assertLt(engineClose, 0, "the engine takes it from here");
    }

    function test_preLiquidate_revertsOnSelf() public {
        _toHealth(alice, 1.2e18);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IPreLiquidation.SelfPreLiquidation.selector, alice));
        preLiquidation.preLiquidate(alice, ETH_MARKET, type(uint256).max);
    }

    function test_preLiquidate_revertsWithoutPosition() public {
        _toHealth(alice, 1.2e18);
        vm.prank(keeper);
        vm.expectRevert(abi.encodeWithSelector(IPreLiquidation.NoPosition.selector, alice, BTC_MARKET));
        preLiquidation.preLiquidate(alice, BTC_MARKET, type(uint256).max);
    }

    function test_preLiquidate_revertsOnDisabledMarket() public {
        preLiquidation.setParams(ETH_MARKET, _zero());
        _toHealth(alice, 1.2e18);
        vm.prank(keeper);
        vm.expectRevert(abi.encodeWithSelector(IPreLiquidation.MarketNotEnabled.selector, ETH_MARKET));
        preLiquidation.preLiquidate(alice, ETH_MARKET, type(uint256).max);
    }

    function test_preLiquidate_revertsOnStalePrice() public {
        _setEthPrice(_ethPriceForHealth(alice, 1.2e18));
        vm.warp(block.timestamp + 3601);
        (uint256 p,) = ethFeed.read();
        vm.prank(keeper);
        vm.expectRevert(
            abi.encodeWithSelector(IMarginProtocol.InvalidPrice.selector, address(ethFeed), p, PriceStatus.Stale)
        );
        preLiquidation.preLiquidate(alice, ETH_MARKET, type(uint256).max);
    }

    function test_preLiquidate_haltedByBreakerLevel2() public {
        _toHealth(alice, 1.2e18);
        protocol.setBreakerLevel(2);
        vm.prank(keeper);
        vm.expectRevert(abi.encodeWithSelector(IMarginProtocol.BreakerActive.selector, uint8(2)));
        preLiquidation.preLiquidate(alice, ETH_MARKET, type(uint256).max);
        protocol.setBreakerLevel(1); // level 1 halts new exposure only
        vm.prank(keeper);
        preLiquidation.preLiquidate(alice, ETH_MARKET, type(uint256).max);
    }

    /// The worked example of docs/design.md: health 1.125 (mid-zone).
    function test_preLiquidate_liftsHealthToTheTopOfTheZone() public {
        uint256 before = _toHealth(alice, 1.125e18);
        assertApproxEqAbs(before, 1.125e18, 1e12);
        (int256 previewSize, uint256 previewIncentive,) = preLiquidation.previewPreLiquidation(alice, ETH_MARKET);
        uint256 keeperBefore = usdc.balanceOf(keeper);
        uint256 waterfallBefore = usdc.balanceOf(address(waterfall));
        vm.prank(keeper);
        (int256 closed, uint256 incentive) = preLiquidation.preLiquidate(alice, ETH_MARKET, type(uint256).max);
        assertEq(closed, previewSize, "preview size");
        assertEq(incentive, previewIncentive, "preview incentive");
        assertLt(closed, 0);
        // cf(1.125) = 30% of 2 ETH: the slice to the top of the zone is smaller.
        assertLt(uint256(-closed), 0.6e18);
        uint256 after_ = _health(alice).healthWad;
        assertGe(after_, PRE_HEALTH, "left the zone");
        assertLe(after_, PRE_HEALTH + 1e12, "no overshoot beyond rounding");
        // The whole incentive is the caller's: 1% of the closed notional at health 1.125, less the held-back unit.
        assertEq(usdc.balanceOf(keeper) - keeperBefore, incentive / 1e12);
        assertEq(usdc.balanceOf(address(waterfall)), waterfallBefore, "no insurance share");
        (, uint256 price,) = protocol.positionState(alice, ETH_MARKET);
        uint256 notional = uint256(-closed) * price / WAD;
        assertApproxEqAbs(incentive, notional / 100, 2e12, "1% at mid-zone");
    }

    function test_preLiquidate_emitsPreLiquidated() public {
        uint256 before = _toHealth(alice, 1.125e18);
        (int256 size,,) = preLiquidation.previewPreLiquidation(alice, ETH_MARKET);
        (, uint256 price,) = protocol.positionState(alice, ETH_MARKET);
        uint256 closeFactor = preLiquidation.closeFactorWad(ETH_MARKET, before);
        uint256 fraction = preLiquidation.incentiveFractionWad(ETH_MARKET, before);
        assertApproxEqAbs(closeFactor, 0.3e18, 1e6, "mid-zone");
        assertApproxEqAbs(fraction, 0.01e18, 1e6);
        vm.expectEmit(true, true, true, false, address(preLiquidation));
        emit IPreLiquidation.PreLiquidated(
            alice, ETH_MARKET, keeper, size, 0, price, closeFactor, fraction, 0, before, 0
        );
        vm.recordLogs();
        vm.prank(keeper);
        preLiquidation.preLiquidate(alice, ETH_MARKET, type(uint256).max);
        PreLiquidatedData memory e = _lastPreLiquidated();
        assertEq(e.closedSize, size);
        assertEq(e.price, price);
        assertEq(e.closedNotional, uint256(-size) * price / WAD + 1, "closed notional, rounded up");
        assertEq(e.closeFactor, closeFactor);
        assertEq(e.fraction, fraction);
        assertEq(e.incentive, usdc.balanceOf(keeper) * 1e12 - 1_000_000e18);
        assertEq(e.healthBefore, before);
        assertEq(e.healthAfter, _health(alice).healthWad);
    }

    function test_preLiquidate_closeFactorCapsTheSlice() public {
        PreLiquidationParams memory p = _demoPreLiquidationParams();
        p.closeFactorTopWad = 0.02e18;
        p.closeFactorLineWad = 0.05e18;
        preLiquidation.setParams(ETH_MARKET, p);
        uint256 before = _toHealth(alice, 1.1e18);
        uint256 cf = preLiquidation.closeFactorWad(ETH_MARKET, before);
        vm.prank(keeper);
        (int256 closed,) = preLiquidation.preLiquidate(alice, ETH_MARKET, type(uint256).max);
        assertEq(uint256(-closed), 2e18 * cf / WAD, "close factor x |size|");
        uint256 after_ = _health(alice).healthWad;
        assertGt(after_, before, "health rose");
        assertLt(after_, PRE_HEALTH, "still in the zone: the close factor bound");
    }

    function test_preLiquidate_callerLimit() public {
        _toHealth(alice, 1.125e18);
        vm.prank(keeper);
        (int256 closed,) = preLiquidation.preLiquidate(alice, ETH_MARKET, 0.1e18);
        assertEq(closed, -0.1e18);
        assertLt(_health(alice).healthWad, PRE_HEALTH);
    }

    /// @dev Bob: a large BTC long and a $30 ETH long on quote margin, brought into the zone by BTC alone, so that the
    /// slice of the small ETH position that the zone's top asks for is more than the whole position.
    function _smallEthPositionInTheZone(uint64 closeFactorWad) internal {
        PreLiquidationParams memory p = _demoPreLiquidationParams();
        p.closeFactorTopWad = closeFactorWad;
        p.closeFactorLineWad = closeFactorWad;
        preLiquidation.setParams(ETH_MARKET, p);
        _depositQuote(bob, 4_000e6);
        _trade(bob, BTC_MARKET, 0.5e18);
        _trade(bob, ETH_MARKET, 0.01e18);
        _btcToHealth(bob, 1.2e18);
    }

    function test_preLiquidate_closesTheRestWhenTheCloseFactorAllows() public {
        _smallEthPositionInTheZone(1e18);
        vm.prank(keeper);
        (int256 closed,) = preLiquidation.preLiquidate(bob, ETH_MARKET, type(uint256).max);
        assertEq(closed, -0.01e18, "the whole position");
    }

    function test_preLiquidate_leavesTheDustNotionalUnderACloseFactor() public {
        _smallEthPositionInTheZone(0.9e18); // 90% of $30 would leave $3: the slice shrinks to leave $10
        vm.prank(keeper);
        preLiquidation.preLiquidate(bob, ETH_MARKET, type(uint256).max);
        (int256 rest,) = protocol.position(bob, ETH_MARKET);
        assertEq(uint256(rest), uint256(10e18) * WAD / 3_000e18 + 1, "the dust notional's size, rounded up");
    }

    function test_preLiquidate_revertsWhenLimitLeavesDust() public {
        _smallEthPositionInTheZone(1e18);
        vm.prank(keeper);
        vm.expectPartialRevert(IPreLiquidation.DustRemainder.selector);
        preLiquidation.preLiquidate(bob, ETH_MARKET, 0.01e18 - 1);
    }

    function test_preLiquidate_revertsWhenTheSliceIsUnderDust() public {
        // Just under the top of the zone, the slice that lifts health to it is worth less than the dust notional.
        _toHealth(alice, PRE_HEALTH - 1e14);
        (int256 size,,) = preLiquidation.previewPreLiquidation(alice, ETH_MARKET);
        assertEq(size, 0, "preview: nothing to do");
        vm.prank(keeper);
        vm.expectPartialRevert(IPreLiquidation.CloseTooSmall.selector);
        preLiquidation.preLiquidate(alice, ETH_MARKET, type(uint256).max);
    }

    /// Regression (issue 12, finding 3: one charge per breach). The engine closes to its target health, 1.25, which
    /// lay inside the old zone [1, 1.5): a second keeper pre-liquidated the account in the same block, for $3.44 more.
    /// The zone now stops at the engine's target, so the engine's close leaves it.
    function test_noPreLiquidationRightAfterTheEnginesClose() public {
        _toHealth(alice, 0.9e18);
        vm.prank(keeper);
        engine.liquidate(alice, ETH_MARKET, type(uint256).max);
        (int256 size,) = protocol.position(alice, ETH_MARKET);
        assertGt(size, 0, "a partial close");
        uint256 healthAfter = _health(alice).healthWad;
        assertGe(healthAfter, PRE_HEALTH, "the engine's close leaves the zone");
        (int256 previewSize, uint256 previewIncentive,) = preLiquidation.previewPreLiquidation(alice, ETH_MARKET);
        assertEq(previewSize, 0);
        assertEq(previewIncentive, 0);
        vm.prank(makeAddr("second keeper"));
        vm.expectRevert(abi.encodeWithSelector(IPreLiquidation.NotInZone.selector, alice, healthAfter, PRE_HEALTH));
        preLiquidation.preLiquidate(alice, ETH_MARKET, type(uint256).max);
    }

    /// The engine's target may be lowered after the zone was set: pre-liquidation then stops until the zone is lowered.
    function test_preLiquidate_revertsWhenEngineTargetFellBelowTheZone() public {
        _toHealth(alice, 1.2e18);
        LiquidationParams memory lp = engine.params();
        lp.targetHealthWad = 1.2e18;
        engine.setParams(lp);
        vm.prank(keeper);
        vm.expectRevert(abi.encodeWithSelector(IPreLiquidation.ZoneAboveEngineTarget.selector, PRE_HEALTH, 1.2e18));
        preLiquidation.preLiquidate(alice, ETH_MARKET, type(uint256).max);
    }

    function test_preLiquidate_revertsWhenEnginePenaltyFellBelowTheIncentive() public {
        _toHealth(alice, 1.2e18);
        LiquidationParams memory lp = engine.params();
        lp.penaltyWad = 0.015e18; // now equal to the incentive at the line
        engine.setParams(lp);
        vm.prank(keeper);
        vm.expectRevert(abi.encodeWithSelector(IPreLiquidation.IncentiveNotBelowPenalty.selector, 0.015e18, 0.015e18));
        preLiquidation.preLiquidate(alice, ETH_MARKET, type(uint256).max);
    }

    function test_preLiquidate_thenTheEngineAfterAFurtherFall() public {
        _toHealth(alice, 1.2e18);
        vm.prank(keeper);
        preLiquidation.preLiquidate(alice, ETH_MARKET, type(uint256).max);
        (int256 sizeAfter,) = protocol.position(alice, ETH_MARKET);
        assertGt(sizeAfter, 0);
        assertLt(sizeAfter, 2e18);
        _toHealth(alice, 0.8e18);
        vm.prank(keeper);
        engine.liquidate(alice, ETH_MARKET, type(uint256).max);
        assertGe(_health(alice).healthWad, 1.25e18 - 1e15, "the engine restores its own target");
    }

    /*//////////////////////////////////////////////////////////////
                                OPT-OUT
    //////////////////////////////////////////////////////////////*/

    function test_optOut_honoured() public {
        vm.expectEmit(true, true, false, true, address(preLiquidation));
        emit IPreLiquidation.OptOutSet(alice, ETH_MARKET, true);
        vm.prank(alice);
        preLiquidation.setOptOut(ETH_MARKET, true);
        assertTrue(preLiquidation.isOptedOut(alice, ETH_MARKET));
        _toHealth(alice, 1.2e18);
        (int256 size,,) = preLiquidation.previewPreLiquidation(alice, ETH_MARKET);
        assertEq(size, 0);
        vm.prank(keeper);
        vm.expectRevert(abi.encodeWithSelector(IPreLiquidation.OptedOut.selector, alice, ETH_MARKET));
        preLiquidation.preLiquidate(alice, ETH_MARKET, type(uint256).max);
        // Opting back in restores it.
        vm.prank(alice);
        preLiquidation.setOptOut(ETH_MARKET, false);
        vm.prank(keeper);
        preLiquidation.preLiquidate(alice, ETH_MARKET, type(uint256).max);
    }

    function test_optOut_revertsWhereNotAllowed() public {
        PreLiquidationParams memory p = _demoPreLiquidationParams();
        p.optOutAllowed = false;
        preLiquidation.setParams(ETH_MARKET, p);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IPreLiquidation.OptOutNotAllowed.selector, ETH_MARKET));
        preLiquidation.setOptOut(ETH_MARKET, true);
    }

    function test_optOut_lapsesWhenTheMarketWithdrawsIt() public {
        vm.prank(alice);
        preLiquidation.setOptOut(ETH_MARKET, true);
        PreLiquidationParams memory p = _demoPreLiquidationParams();
        p.optOutAllowed = false;
        preLiquidation.setParams(ETH_MARKET, p);
        assertFalse(preLiquidation.isOptedOut(alice, ETH_MARKET));
        _toHealth(alice, 1.2e18);
        vm.prank(keeper);
        (int256 closed,) = preLiquidation.preLiquidate(alice, ETH_MARKET, type(uint256).max);
        assertLt(closed, 0);
    }

    /*//////////////////////////////////////////////////////////////
                                HELPERS
    //////////////////////////////////////////////////////////////*/

    function _zero() internal pure returns (PreLiquidationParams memory p) {}

    /// @dev The data of a PreLiquidated event (its non-indexed fields).
    struct PreLiquidatedData {
        int256 closedSize;
        uint256 closedNotional;
        uint256 price;
        uint256 closeFactor;
        uint256 fraction;
        uint256 incentive;
        uint256 healthBefore;
        uint256 healthAfter;
    }

    /// @dev The last PreLiquidated event among the recorded logs.
    function _lastPreLiquidated() internal returns (PreLiquidatedData memory) {
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i = logs.length; i > 0; --i) {
            if (logs[i - 1].topics[0] != IPreLiquidation.PreLiquidated.selector) continue;
            return abi.decode(logs[i - 1].data, (PreLiquidatedData));
        }
        revert("no PreLiquidated event");
    }
}
