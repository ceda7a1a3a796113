// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {BaseTest} from "../Base.t.sol";

/// @notice Gas of recognizing bad debt through each layer of the waterfall, and of the bond calls, each call its own
/// transaction, in `snapshots/WaterfallGasTest.json`. Alice, long 2 ETH at $3,000 on $1,000, is closed at $1,500:
/// $2,008 of bad debt.
contract WaterfallGasTest is BaseTest {
    uint256 internal constant BAD_DEBT = 2_008e6;
    address internal dave = makeAddr("dave");

    function setUp() public override {
        super.setUp();
        // Revenue in these calls is routed unit by unit (the demo keeps $1,000 back for keeper rewards).
        waterfall.setRewardReserve(0);
        // Warm the market and the fee accrual with a second account, as in a live market.
        _openLong(bob, 10_000e6, 1e18);
        _openLong(alice, 1_000e6, 2e18);
        _setEthPrice(1_500e18);
        usdc.mint(dave, 10_000e6);
        vm.prank(dave);
        usdc.approve(address(waterfall), type(uint256).max);
    }

    /// @dev A loss elsewhere has left the insurance fund `left` units.
    function _drainFundTo(uint256 left) internal {
        uint256 spent = insurance.balance() - left;
        vm.prank(address(engine));
        insurance.cover(makeAddr("elsewhere"), spent);
    }

    function _liquidateAlice() internal {
        vm.prank(keeper);
        engine.liquidate(alice, ETH_MARKET, type(uint256).max);
    }

    function test_gas_badDebt_coveredByTheFund() public {
        _liquidateAlice();
        vm.snapshotGasLastCall("liquidate with bad debt: covered by the fund");
        assertEq(waterfall.seriesCount(), 0);
        (, uint256 covered,,) = waterfall.totals(address(vault));
        assertEq(covered, BAD_DEBT);
    }

    function test_gas_badDebt_issuesABondSeries() public {
        _drainFundTo(500e6);
        _liquidateAlice();
        vm.snapshotGasLastCall("liquidate with bad debt: fund, then a bond series");
        assertEq(waterfall.series(0).deficit, BAD_DEBT - 500e6);
    }

    function test_gas_badDebt_socializedBelowTheMinimumSeries() public {
        _drainFundTo(BAD_DEBT - 50e6);
        _liquidateAlice();
        vm.snapshotGasLastCall("liquidate with bad debt: fund, then socialized below the minimum series");
        (,,, uint256 socialized) = waterfall.totals(address(vault));
        assertEq(socialized, 50e6);
        assertEq(waterfall.seriesCount(), 0);
    }

    /// @dev A series of $1,508, `cost` of it bought by dave.
    function _seriesBought(uint256 cost) internal {
        _drainFundTo(500e6);
        _liquidateAlice();
        if (cost != 0) {
            vm.prank(dave);
            waterfall.buyBonds(0, cost, type(uint256).max, dave);
        }
    }

    function test_gas_buyBonds() public {
        _seriesBought(0);
        vm.warp(block.timestamp + 20);
        vm.prank(dave);
        waterfall.buyBonds(0, 1_000e6, type(uint256).max, dave);
        vm.snapshotGasLastCall("buyBonds: part of a series");
        assertEq(waterfall.series(0).raised, 1_000e6);
    }

    function test_gas_closeSeries_socializes() public {
        _seriesBought(1_000e6);
        vm.warp(waterfall.closableAt(0));
        waterfall.closeSeries(0);
        vm.snapshotGasLastCall("closeSeries: unsold rest socialized");
        assertEq(vault.deficitReceivable(), 0);
    }

    /// @dev The series closed with dave's $1,000 raised, then $200 of revenue arrived (a penalty share).
    function _repayable() internal {
        _seriesBought(1_000e6);
        vm.warp(waterfall.closableAt(0));
        waterfall.closeSeries(0);
        usdc.mint(address(waterfall), 200e6);
    }

    function test_gas_route_toBonds() public {
        _repayable();
        waterfall.route();
        vm.snapshotGasLastCall("route: revenue to a bond series");
        assertEq(waterfall.series(0).repaid, 200e6);
    }

    function test_gas_redeem() public {
        _repayable();
        waterfall.route();
        vm.prank(dave);
        waterfall.redeem(0, dave);
        vm.snapshotGasLastCall("redeem: part of the face");
        assertEq(waterfall.series(0).redeemed, 200e6);
    }
}
