// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PreLiquidationBase} from "./PreLiquidationBase.t.sol";
import {PreLiquidation} from "../../src/PreLiquidation.sol";
import {IPreLiquidation, PreLiquidationParams} from "../../src/interfaces/IPreLiquidation.sol";
import {ILiquidatable} from "../../src/interfaces/ILiquidatable.sol";
import {LiquidationEngine} from "../../src/LiquidationEngine.sol";
import {StepLimit} from "../../src/libraries/StepLimit.sol";

/// @notice Construction and parameter validation: every bad value is refused with its own error.
contract PreLiquidationParamsTest is PreLiquidationBase {
    function test_deploy_wiredToTheDemoSystem() public view {
        assertEq(address(preLiquidation.protocol()), address(protocol));
        assertEq(address(preLiquidation.engine()), address(engine));
        assertTrue(protocol.isLiquidator(address(preLiquidation)), "registered as a liquidator");
        for (uint256 m; m < 2; ++m) {
            PreLiquidationParams memory p = preLiquidation.params(m);
            assertEq(p.preHealthWad, 1.25e18);
            assertEq(p.closeFactorTopWad, 0.1e18);
            assertEq(p.closeFactorLineWad, 0.5e18);
            assertEq(p.incentiveTopWad, 0.005e18);
            assertEq(p.incentiveLineWad, 0.015e18);
            assertTrue(p.optOutAllowed);
        }
        assertLt(preLiquidation.params(0).incentiveLineWad, engine.params().penaltyWad);
    }

    function test_constructor_revertsOnAnotherProtocolsEngine() public {
        LiquidationEngine other =
            new LiquidationEngine(ILiquidatable(address(0xBEEF)), 6, address(this), engine.params());
        vm.expectRevert(
            abi.encodeWithSelector(IPreLiquidation.EngineMismatch.selector, address(0xBEEF), address(protocol))
        );
        new PreLiquidation(protocol, other, 6, address(this));
    }

    function test_setParams_onlyOwner() public {
        PreLiquidationParams memory p = _demoPreLiquidationParams();
        vm.prank(alice);
        vm.expectRevert("UNAUTHORIZED");
        preLiquidation.setParams(ETH_MARKET, p);
    }

    function test_setParams_emits() public {
        PreLiquidationParams memory p = _demoPreLiquidationParams();
        p.preHealthWad = 1.2e18;
        vm.expectEmit(true, false, false, true, address(preLiquidation));
        emit IPreLiquidation.ParamsSet(BTC_MARKET, p);
        preLiquidation.setParams(BTC_MARKET, p);
        assertEq(preLiquidation.params(BTC_MARKET).preHealthWad, 1.2e18);
    }

    function test_setParams_revertsOnPreHealth() public {
        PreLiquidationParams memory p = _demoPreLiquidationParams();
        p.preHealthWad = 1e18;
        _expectSetRevert(p, abi.encodeWithSelector(IPreLiquidation.InvalidPreHealth.selector, 1e18));
        p.preHealthWad = 10e18 + 1;
        _expectSetRevert(p, abi.encodeWithSelector(IPreLiquidation.InvalidPreHealth.selector, 10e18 + 1));
    }

    function test_setParams_revertsOnCloseFactors() public {
        PreLiquidationParams memory p = _demoPreLiquidationParams();
        p.closeFactorTopWad = 0;
        _expectSetRevert(p, abi.encodeWithSelector(IPreLiquidation.InvalidCloseFactors.selector, 0, 0.5e18));
        p.closeFactorTopWad = 0.6e18; // falls toward the line
        _expectSetRevert(p, abi.encodeWithSelector(IPreLiquidation.InvalidCloseFactors.selector, 0.6e18, 0.5e18));
        p.closeFactorTopWad = 0.5e18;
        p.closeFactorLineWad = 1e18 + 1; // more than the position
        _expectSetRevert(p, abi.encodeWithSelector(IPreLiquidation.InvalidCloseFactors.selector, 0.5e18, 1e18 + 1));
    }

    function test_setParams_revertsOnIncentives() public {
        PreLiquidationParams memory p = _demoPreLiquidationParams();
        p.incentiveTopWad = 0.02e18;
        _expectSetRevert(p, abi.encodeWithSelector(IPreLiquidation.InvalidIncentives.selector, 0.02e18, 0.015e18));
    }

    function test_setParams_revertsOnIncentiveAtThePenalty() public {
        PreLiquidationParams memory p = _demoPreLiquidationParams();
        p.incentiveLineWad = engine.params().penaltyWad;
        _expectSetRevert(
            p, abi.encodeWithSelector(IPreLiquidation.IncentiveNotBelowPenalty.selector, 0.025e18, 0.025e18)
        );
        p.incentiveLineWad = 0.025e18 - 1;
        preLiquidation.setParams(ETH_MARKET, p); // just below is fine
    }

    function test_setParams_revertsOnAZoneAboveTheEngineTarget() public {
        PreLiquidationParams memory p = _demoPreLiquidationParams();
        p.preHealthWad = 1.25e18 + 1;
        _expectSetRevert(
            p, abi.encodeWithSelector(IPreLiquidation.ZoneAboveEngineTarget.selector, 1.25e18 + 1, 1.25e18)
        );
    }

    function test_setParams_zeroStructDisables() public {
        PreLiquidationParams memory zero;
        preLiquidation.setParams(ETH_MARKET, zero);
        assertEq(preLiquidation.closeFactorWad(ETH_MARKET, 1.2e18), 0);
        assertEq(preLiquidation.incentiveFractionWad(ETH_MARKET, 1.2e18), 0);
        // A struct with the zone's top at zero and anything else set is a mistake, not a disable.
        zero.optOutAllowed = true;
        _expectSetRevert(zero, abi.encodeWithSelector(IPreLiquidation.InvalidPreHealth.selector, 0));
    }

    function test_schedule_endpointsAndClamps() public view {
        assertEq(preLiquidation.closeFactorWad(ETH_MARKET, 1.25e18), 0.1e18, "top");
        assertEq(preLiquidation.closeFactorWad(ETH_MARKET, 1e18), 0.5e18, "line");
        assertEq(preLiquidation.closeFactorWad(ETH_MARKET, 1.125e18), 0.3e18, "middle");
        assertEq(preLiquidation.closeFactorWad(ETH_MARKET, 3e18), 0.1e18, "clamped above");
        assertEq(preLiquidation.closeFactorWad(ETH_MARKET, 0.5e18), 0.5e18, "clamped below");
        assertEq(preLiquidation.incentiveFractionWad(ETH_MARKET, 1.25e18), 0.005e18);
        assertEq(preLiquidation.incentiveFractionWad(ETH_MARKET, 1e18), 0.015e18);
        assertEq(preLiquidation.incentiveFractionWad(ETH_MARKET, 1.125e18), 0.01e18);
    }

    /// Regression (issue 12, timelock ramp): the zone's top moved anywhere up to the engine's target in one call, and
    /// every account between the old top and the new one became pre-liquidatable at once. It now rises in steps of 5/4
    /// of its distance above 1, a day apart; turning the market off and on again is no shortcut; a cut is free.
    function test_zoneTop_risesInSteps() public {
        _raiseEngineTargetTo(2e18);
        PreLiquidationParams memory p = preLiquidation.params(ETH_MARKET);
        p.preHealthWad = 1.5e18;
        _expectSetRevert(p, abi.encodeWithSelector(StepLimit.RaiseTooLarge.selector, 1.25e18, 1.5e18, 1.3125e18));
        p.preHealthWad = 1.3125e18;
        preLiquidation.setParams(ETH_MARKET, p);
        (uint64 topWad, uint40 nextRaiseAt) = preLiquidation.zoneClock(ETH_MARKET);
        assertEq(topWad, 1.3125e18);
        assertEq(nextRaiseAt, block.timestamp + 1 days);

        PreLiquidationParams memory off;
        preLiquidation.setParams(ETH_MARKET, off);
        p.preHealthWad = 1.35e18;
        _expectSetRevert(p, abi.encodeWithSelector(StepLimit.RaiseTooSoon.selector, nextRaiseAt));
        vm.warp(nextRaiseAt);
        p.preHealthWad = 1.4e18;
        _expectSetRevert(p, abi.encodeWithSelector(StepLimit.RaiseTooLarge.selector, 1.3125e18, 1.4e18, 1.390625e18));
        p.preHealthWad = 1.390625e18;
        preLiquidation.setParams(ETH_MARKET, p);
        p.preHealthWad = 1.1e18; // a cut, at once
        preLiquidation.setParams(ETH_MARKET, p);
        assertEq(preLiquidation.params(ETH_MARKET).preHealthWad, 1.1e18);
    }

    function _expectSetRevert(PreLiquidationParams memory p, bytes memory err) internal {
        vm.expectRevert(err);
        preLiquidation.setParams(ETH_MARKET, p);
    }
}
