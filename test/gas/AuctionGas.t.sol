// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {BaseTest} from "../Base.t.sol";
import {CollateralPattern} from "../../src/interfaces/ILiquidationEngine.sol";

/// @notice Auction gas per call, each call its own transaction, in `snapshots/AuctionGasTest.json`.
/// Targets: kick ≤ 200k, take ≤ 95k without callback (MakerDAO's bark 401,737 and take 157,491 on this toolchain).
contract AuctionGasTest is BaseTest {
    address internal carol = makeAddr("carol");
    uint256 internal id;

    function setUp() public override {
        super.setUp();
        engine.setCollateralPattern(WETH_ID, CollateralPattern.DutchAuction);
        _indebtedOnWeth(carol, 3e18, 1_800e18);
    }

    function _kick() internal {
        vm.prank(keeper);
        id = auctionHouse.kick(carol, WETH_ID);
    }

    function test_gas_kick() public {
        vm.prank(keeper);
        id = auctionHouse.kick(carol, WETH_ID);
        vm.snapshotGasLastCall("kick");
        assertEq(auctionHouse.auction(id).lot, 3e18);
    }

    function test_gas_take_partial() public {
        _kick();
        vm.prank(keeper2);
        auctionHouse.take(id, 1e18, type(uint256).max, keeper2, "");
        vm.snapshotGasLastCall("take: partial, no callback");
        assertEq(auctionHouse.auction(id).lot, 2e18);
    }

    function test_gas_take_full() public {
        _kick();
        vm.prank(keeper2);
        auctionHouse.take(id, type(uint256).max, type(uint256).max, keeper2, "");
        vm.snapshotGasLastCall("take: full, no callback");
        assertEq(auctionHouse.auction(id).lot, 0);
    }

    function test_gas_take_full_withCallback() public {
        _kick();
        vm.warp(block.timestamp + 200); // ≈ 1,620: the whole lot sells for less than the target
        vm.prank(keeper2);
        auctionHouse.take(id, type(uint256).max, type(uint256).max, address(takeCallee), abi.encode(wethPool, 0));
        vm.snapshotGasLastCall("take: full, pool callback");
        assertEq(auctionHouse.auction(id).lot, 0);
    }

    function test_gas_take_partial_withCallback() public {
        _kick();
        vm.warp(block.timestamp + 150);
        vm.prank(keeper2);
        auctionHouse.take(id, 1e18, type(uint256).max, address(takeCallee), abi.encode(wethPool, 0));
        vm.snapshotGasLastCall("take: partial, pool callback");
        assertEq(auctionHouse.auction(id).lot, 2e18);
    }

    function test_gas_redo() public {
        _kick();
        backstop.setAsset(WETH_ID, address(wethPool), 0); // no backstop capacity: the lot below its floor is reset
        vm.warp(block.timestamp + 601);
        vm.prank(keeper2);
        auctionHouse.redo(id);
        vm.snapshotGasLastCall("redo");
        assertEq(auctionHouse.auction(id).startedAt, block.timestamp);
    }
}
