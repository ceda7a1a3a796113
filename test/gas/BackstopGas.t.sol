// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {BaseTest} from "../Base.t.sol";
import {CollateralPattern} from "../../src/interfaces/ILiquidationEngine.sol";

/// @notice Backstop buy gas per call, each call its own transaction, in `snapshots/BackstopGasTest.json`.
contract BackstopGasTest is BaseTest {
    address internal carol = makeAddr("carol");

    function setUp() public override {
        super.setUp();
        _indebtedOnWeth(carol, 3e18, 1_800e18);
    }

    function test_gas_absorb() public {
        engine.setCollateralPattern(WETH_ID, CollateralPattern.Internal);
        vm.prank(keeper);
        (uint256 amount,,) = backstop.absorb(carol, WETH_ID);
        vm.snapshotGasLastCall("backstop absorb: internal pattern");
        assertGt(amount, 0);
    }

    function test_gas_buyAuction() public {
        engine.setCollateralPattern(WETH_ID, CollateralPattern.DutchAuction);
        vm.prank(keeper);
        uint256 id = auctionHouse.kick(carol, WETH_ID);
        vm.warp(block.timestamp + 400);
        vm.prank(keeper2);
        (uint256 amount,,) = backstop.buyAuction(id);
        vm.snapshotGasLastCall("backstop buyAuction: lot at its floor");
        assertEq(amount, 3e18);
    }
}
