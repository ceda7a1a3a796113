// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {IPriceCurve} from "../../src/interfaces/IPriceCurve.sol";
import {LinearDecrease} from "../../src/auction/LinearDecrease.sol";
import {ExponentialDecrease} from "../../src/auction/ExponentialDecrease.sol";
import {StairstepExponentialDecrease} from "../../src/auction/StairstepExponentialDecrease.sol";

contract PriceCurvesTest is Test {
    LinearDecrease internal linear;
    ExponentialDecrease internal exponential;
    StairstepExponentialDecrease internal stairstep;

    function setUp() public {
        linear = new LinearDecrease(3_600);
        exponential = new ExponentialDecrease(0.999e18); // −0.1% a second
        stairstep = new StairstepExponentialDecrease(0.99e18, 90); // −1% every 90 s
    }

    function _curves() internal view returns (IPriceCurve[3] memory) {
        return [IPriceCurve(linear), IPriceCurve(exponential), IPriceCurve(stairstep)];
    }

    function test_linear_pointValues() public view {
        assertEq(linear.price(100e18, 0), 100e18);
        assertEq(linear.price(100e18, 1_800), 50e18);
        assertEq(linear.price(100e18, 3_599), uint256(100e18) / 3_600);
        assertEq(linear.price(100e18, 3_600), 0);
    }

    function test_exponential_pointValues() public view {
        assertEq(exponential.price(100e18, 0), 100e18);
        assertEq(exponential.price(100e18, 1), 99.9e18);
        assertApproxEqRel(exponential.price(100e18, 693), 50e18, 0.001e18); // half-life ≈ 693 s
    }

    function test_stairstep_constantWithinAStep() public view {
        assertEq(stairstep.price(100e18, 0), 100e18);
        assertEq(stairstep.price(100e18, 89), 100e18);
        assertEq(stairstep.price(100e18, 90), 99e18);
        assertEq(stairstep.price(100e18, 179), 99e18);
        assertEq(stairstep.price(100e18, 180), 98.01e18);
    }

    function test_constructors_rejectBadParameters() public {
        vm.expectRevert(LinearDecrease.ZeroDuration.selector);
        new LinearDecrease(0);
        vm.expectRevert(abi.encodeWithSelector(ExponentialDecrease.InvalidCut.selector, 1e18));
        new ExponentialDecrease(1e18);
        vm.expectRevert(abi.encodeWithSelector(StairstepExponentialDecrease.InvalidCut.selector, 0));
        new StairstepExponentialDecrease(0, 1);
        vm.expectRevert(StairstepExponentialDecrease.ZeroStep.selector);
        new StairstepExponentialDecrease(0.5e18, 0);
    }

    /// Monotone: never above the start price, never rising with time.
    function testFuzz_curves_monotone(uint256 start, uint256 t1, uint256 t2) public view {
        start = bound(start, 0, 1e36);
        t1 = bound(t1, 0, 10 * 365 days);
        t2 = bound(t2, t1, 10 * 365 days);
        IPriceCurve[3] memory curves = _curves();
        for (uint256 i; i < 3; ++i) {
            uint256 p1 = curves[i].price(start, t1);
            assertLe(p1, start, "above start");
            assertLe(curves[i].price(start, t2), p1, "rose with time");
        }
    }

    /// No overflow and no revert at extreme durations or prices.
    function testFuzz_curves_extremeInputs(uint256 elapsed) public view {
        IPriceCurve[3] memory curves = _curves();
        for (uint256 i; i < 3; ++i) {
            assertEq(curves[i].price(0, elapsed), 0);
            assertLe(curves[i].price(1e36, elapsed), 1e36);
            assertEq(curves[i].price(1e36, type(uint256).max), 0);
        }
    }
}
