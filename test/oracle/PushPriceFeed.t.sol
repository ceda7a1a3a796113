// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {PushPriceFeed} from "../../src/oracle/PushPriceFeed.sol";
import {PriceStatus} from "../../src/interfaces/IOracle.sol";

contract PushPriceFeedTest is Test {
    PushPriceFeed internal feed;
    address internal pusher = makeAddr("pusher");

    function setUp() public {
        vm.warp(1_700_000_000);
        feed = new PushPriceFeed(address(this), pusher, 3600, 1e18, 1_000_000e18);
    }

    function _push(int192 answer) internal {
        vm.prank(pusher);
        feed.push(answer);
    }

    function test_read_validWithinHeartbeat() public {
        _push(2_000e18);
        vm.warp(block.timestamp + 3600);
        (uint256 price, PriceStatus status) = feed.read();
        assertEq(price, 2_000e18);
        assertEq(uint8(status), uint8(PriceStatus.Valid));
    }

    function test_read_staleAfterHeartbeat() public {
        _push(2_000e18);
        vm.warp(block.timestamp + 3601);
        (, PriceStatus status) = feed.read();
        assertEq(uint8(status), uint8(PriceStatus.Stale));
    }

    function test_read_neverPushedIsNonPositive() public view {
        (uint256 price, PriceStatus status) = feed.read();
        assertEq(price, 0);
        assertEq(uint8(status), uint8(PriceStatus.NonPositive));
    }

    function test_read_negativeIsNonPositive() public {
        _push(-1);
        (uint256 price, PriceStatus status) = feed.read();
        assertEq(price, 0);
        assertEq(uint8(status), uint8(PriceStatus.NonPositive));
    }

    function test_read_atFloorIsClamped() public {
        _push(1e18);
        (, PriceStatus status) = feed.read();
        assertEq(uint8(status), uint8(PriceStatus.BelowFloor));
    }

    function test_read_aboveCap() public {
        _push(1_000_000e18 + 1);
        (, PriceStatus status) = feed.read();
        assertEq(uint8(status), uint8(PriceStatus.AboveCap));
    }

    function test_push_revertsForOthers() public {
        vm.expectRevert(abi.encodeWithSelector(PushPriceFeed.NotPusher.selector, address(this)));
        feed.push(1);
    }

    function test_constructor_revertsOnBadBounds() public {
        vm.expectRevert(abi.encodeWithSelector(PushPriceFeed.InvalidBounds.selector, 5, 5));
        new PushPriceFeed(address(this), pusher, 1, 5, 5);
        vm.expectRevert(PushPriceFeed.ZeroHeartbeat.selector);
        new PushPriceFeed(address(this), pusher, 0, 1, 5);
    }

    function test_push_revertsOutsideInt128() public {
        int192 tooBig = int192(type(int128).max) + 1;
        vm.prank(pusher);
        vm.expectRevert(abi.encodeWithSelector(PushPriceFeed.AnswerOutOfRange.selector, int256(tooBig)));
        feed.push(tooBig);
    }

    function test_read_recoveringDuringGraceAfterOutage() public {
        feed.setGuards(600, 0, 0);
        _push(2_000e18);
        vm.warp(block.timestamp + 2 hours); // outage: stale
        (, PriceStatus status) = feed.read();
        assertEq(uint8(status), uint8(PriceStatus.Stale));
        _push(2_100e18); // back
        (, status) = feed.read();
        assertEq(uint8(status), uint8(PriceStatus.Recovering));
        vm.warp(block.timestamp + 599);
        _push(2_100e18);
        (, status) = feed.read();
        assertEq(uint8(status), uint8(PriceStatus.Recovering), "a fresh push does not shorten the grace");
        vm.warp(block.timestamp + 1);
        (, status) = feed.read();
        assertEq(uint8(status), uint8(PriceStatus.Valid));
    }

    /// A 30% move within one minute trips the volatility flag (breaker level 1 for the asset) for one window.
    function test_read_volatileAfterLargeMoveWithinWindow() public {
        feed.setGuards(0, 0.25e18, 60);
        _push(3_000e18);
        vm.warp(block.timestamp + 30);
        _push(2_100e18);
        (, PriceStatus status) = feed.read();
        assertEq(uint8(status), uint8(PriceStatus.Volatile));
        vm.warp(block.timestamp + 60);
        (, status) = feed.read();
        assertEq(uint8(status), uint8(PriceStatus.Valid));
    }

    function test_read_slowMoveDoesNotTrip() public {
        feed.setGuards(0, 0.25e18, 60);
        _push(3_000e18);
        for (uint256 i; i < 10; ++i) {
            vm.warp(block.timestamp + 61);
            _push(int192(int256(3_000e18 - (i + 1) * 200e18))); // −6.7% a minute, −67% in all
            (, PriceStatus status) = feed.read();
            assertEq(uint8(status), uint8(PriceStatus.Valid));
        }
    }

    function test_setGuards_onlyOwner() public {
        vm.prank(pusher);
        vm.expectRevert("UNAUTHORIZED");
        feed.setGuards(1, 1, 1);
    }

    function testFuzz_read_validIffInsideBoundsAndFresh(int128 answer, uint32 age) public {
        _push(answer);
        vm.warp(block.timestamp + age);
        (uint256 price, PriceStatus status) = feed.read();
        bool expectValid = answer > 1e18 && answer <= 1_000_000e18 && age <= 3600;
        assertEq(status == PriceStatus.Valid, expectValid);
        if (answer > 0) assertEq(price, uint256(int256(answer)));
        else assertEq(price, 0);
    }
}
