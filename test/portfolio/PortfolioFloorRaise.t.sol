// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PortfolioBase} from "./PortfolioBase.t.sol";
import {IPortfolioMargin} from "../../src/interfaces/IPortfolioMargin.sol";
import {StepLimit} from "../../src/libraries/StepLimit.sol";

/// @notice The portfolio floor rises in steps (property 45): at most 5/4 of the floor in force per raise, at least a
/// day apart; a cut and the initial multiplier take effect at once.
contract PortfolioFloorRaiseTest is PortfolioBase {
    uint64 internal constant MULTIPLIER = 1.5e18;

    function setUp() public override {
        super.setUp();
        _listPeggedMarket();
    }

    /// Long 10 ETH and short 10 stETH (both on the ETH factor), left with $970 of equity: the 1% floor asks $600 of
    /// the $60,000 gross exposure (health 1.62).
    function _hedgedPair() internal {
        _depositQuote(alice, 7_000e6);
        _trade(alice, ETH_MARKET, 10e18);
        _trade(alice, STETH_MARKET, -10e18);
        _optIn(alice);
        vm.prank(alice);
        protocol.withdrawQuote(6_000e6);
        assertEq(_health(alice).maintenanceWad, 600e18);
        assertEq(_health(alice).equityWad, 970e18);
    }

    function _nextDay() internal {
        vm.warp(portfolio.nextFloorRaiseAt());
        _pushAgain(ethFeed);
        _pushAgain(btcFeed);
        _pushAgain(stethFeed);
    }

    /// Regression (review): the floor went from 1% to 5% in one call, and every hedged book holding less than 5% of
    /// its gross exposure became liquidatable in that block.
    function test_floorJump_refused() public {
        _hedgedPair();
        vm.expectRevert(abi.encodeWithSelector(StepLimit.RaiseTooLarge.selector, 0.01e18, 0.05e18, 0.0125e18));
        portfolio.setParams(0.05e18, MULTIPLIER);
        assertEq(portfolio.minFractionWad(), 0.01e18);
        assertFalse(_liquidatable(alice));
    }

    function test_floorRaise_waitsADay() public {
        uint40 next = uint40(block.timestamp + 1 days);
        vm.expectEmit(true, true, true, true, address(portfolio));
        emit IPortfolioMargin.FloorRaised(0.01e18, 0.0125e18, next);
        portfolio.setParams(0.0125e18, MULTIPLIER);
        assertEq(portfolio.nextFloorRaiseAt(), next);

        vm.expectRevert(abi.encodeWithSelector(StepLimit.RaiseTooSoon.selector, next));
        portfolio.setParams(0.015e18, MULTIPLIER);
        vm.warp(next - 1);
        vm.expectRevert(abi.encodeWithSelector(StepLimit.RaiseTooSoon.selector, next));
        portfolio.setParams(0.015e18, MULTIPLIER);

        vm.warp(next);
        portfolio.setParams(0.015e18, MULTIPLIER);
        assertEq(portfolio.minFractionWad(), 0.015e18);
        assertEq(portfolio.nextFloorRaiseAt(), next + 1 days);
    }

    /// A cut is safe and takes effect at once, even right after a raise; it does not restart the clock, and the
    /// next raise is measured from the cut floor. The multiplier only limits new exposure and is not limited.
    function test_floorCut_andMultiplier_takeEffectAtOnce() public {
        portfolio.setParams(0.0125e18, MULTIPLIER);
        uint40 next = portfolio.nextFloorRaiseAt();
        portfolio.setParams(0.008e18, 3e18);
        assertEq(portfolio.minFractionWad(), 0.008e18);
        assertEq(portfolio.initialMultiplierWad(), 3e18);
        assertEq(portfolio.nextFloorRaiseAt(), next, "a cut leaves the clock");
        portfolio.setParams(0.008e18, 1.2e18); // same floor: no raise
        assertEq(portfolio.nextFloorRaiseAt(), next);

        _nextDay();
        vm.expectRevert(abi.encodeWithSelector(StepLimit.RaiseTooLarge.selector, 0.008e18, 0.0125e18, 0.01e18));
        portfolio.setParams(0.0125e18, MULTIPLIER);
        portfolio.setParams(0.01e18, MULTIPLIER);
    }

    /// The hedged book at health 1.62 stays healthy through two raises and becomes liquidatable at the third, two
    /// days after the first: time to add margin or close. 1% to 5% takes eight raises over seven days.
    function test_hedgedBook_hasDaysToAct() public {
        _hedgedPair();
        uint256 start = block.timestamp;
        portfolio.setParams(0.0125e18, MULTIPLIER);
        assertEq(_health(alice).maintenanceWad, 750e18);
        assertFalse(_liquidatable(alice));

        _nextDay();
        portfolio.setParams(0.015625e18, MULTIPLIER);
        assertEq(_health(alice).maintenanceWad, 937.5e18);
        assertFalse(_liquidatable(alice));

        _nextDay();
        portfolio.setParams(0.01953125e18, MULTIPLIER);
        assertEq(block.timestamp, start + 2 days);
        assertTrue(_liquidatable(alice));

        assertEq(_raiseFloorTo(0.05e18), 5);
        assertEq(block.timestamp, start + 7 days);
        assertEq(portfolio.minFractionWad(), 0.05e18);
    }

    /// Only the owner (the timelock in a deployment) sets the floor.
    function test_setParams_onlyOwner() public {
        vm.prank(alice);
        vm.expectRevert("UNAUTHORIZED");
        portfolio.setParams(0.008e18, MULTIPLIER);
    }
}
