// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {LendingBaseTest} from "../lending/LendingBase.t.sol";
import {CollateralPattern} from "../../src/interfaces/ILiquidationEngine.sol";

/// @notice Gas of the lending market's calls and of a lending liquidation in each pattern, each call its own
/// transaction, written to `snapshots/LendingGasTest.json`. A benchmark, not asserts.
contract LendingGasTest is LendingBaseTest {
    function setUp() public override {
        super.setUp();
        // A live market: another borrower, and an hour of interest since the last touch.
        _borrowOnWeth(bob, 10e18, 10_000e6);
        _borrowOnWeth(alice, 10e18, 22_000e6);
        vm.warp(block.timestamp + 1 hours);
        _setEthPrice(3_000e18);
    }

    function test_gas_borrow() public {
        vm.prank(bob);
        lending.borrow(1_000e6);
        vm.snapshotGasLastCall("borrow: one collateral, an hour of interest");
        assertGe(lending.debtOf(bob), 11_000e18);
    }

    function test_gas_repay() public {
        _repay(bob, 1_000e6);
        vm.snapshotGasLastCall("repay: partial");
        assertLt(lending.debtOf(bob), 10_000e18);
    }

    function test_gas_depositCollateral() public {
        _lendDeposit(bob, WETH_ID, 1e18);
        vm.snapshotGasLastCall("depositCollateral: existing balance");
        assertEq(lending.collateralBalance(bob, WETH_ID), 11e18);
    }

    function test_gas_liquidation_fixedFee() public {
        _setEthPrice(2_600e18);
        vm.prank(keeper);
        lendingEngine.buyCollateral(alice, WETH_ID, type(uint256).max, type(uint256).max);
        vm.snapshotGasLastCall("lending liquidation: fixed-fee buyCollateral");
        assertEq(lending.debtOf(alice), 0);
    }

    function test_gas_liquidation_dutchAuction() public {
        lendingEngine.setCollateralPattern(WETH_ID, CollateralPattern.DutchAuction);
        _setEthPrice(2_600e18);
        vm.prank(keeper);
        uint256 id = lendingAuctions.kick(alice, WETH_ID);
        vm.snapshotGasLastCall("lending liquidation: kick");
        vm.warp(block.timestamp + 100);
        _setEthPrice(2_600e18);
        vm.prank(keeper2);
        lendingAuctions.take(id, type(uint256).max, type(uint256).max, keeper2, "");
        vm.snapshotGasLastCall("lending liquidation: take (whole target)");
        assertEq(lending.debtOf(alice), 0);
    }

    function test_gas_liquidation_backstop() public {
        lendingEngine.setCollateralPattern(WETH_ID, CollateralPattern.Internal);
        _setEthPrice(2_600e18);
        vm.prank(keeper);
        lendingBackstop.absorb(alice, WETH_ID);
        vm.snapshotGasLastCall("lending liquidation: backstop absorb");
        assertEq(lending.debtOf(alice), 0);
    }

    function test_gas_liquidation_badDebt() public {
        _setEthPrice(2_000e18);
        vm.prank(keeper);
        lendingEngine.buyCollateral(alice, WETH_ID, type(uint256).max, type(uint256).max);
        vm.snapshotGasLastCall("lending liquidation: last collateral sold, bad debt to the waterfall");
        assertGt(lendingEngine.totalBadDebtWad(), 0);
    }
}
