// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PreLiquidationBase} from "../preliquidation/PreLiquidationBase.t.sol";

/// @notice Gas of `preLiquidate`, each call its own transaction (`isolate = true`), written to
/// `snapshots/PreLiquidationGasTest.json`. A benchmark, not an assert.
contract PreLiquidationGasTest is PreLiquidationBase {
    function setUp() public override {
        super.setUp();
        // A live market: open interest warm, a second account, the fee share swept and routed (as in `GasTest`).
        _openLong(bob, 10_000e6, 1e18);
        protocol.sweepFees();
        waterfall.route();
    }

    function test_gas_preLiquidate_onePosition() public {
        _openLong(alice, 1_000e6, 2e18);
        _toHealth(alice, 1.125e18);
        vm.prank(keeper);
        preLiquidation.preLiquidate(alice, ETH_MARKET, type(uint256).max);
        vm.snapshotGasLastCall("preLiquidate: to the top of the zone, one position");
        assertGe(_health(alice).healthWad, PRE_HEALTH, "left the zone");
    }

    function test_gas_preLiquidate_twoPositionsAndCollateral() public {
        _openLong(alice, 1_000e6, 2e18);
        _depositCollateral(alice, WBTC_ID, 1e6);
        _trade(alice, BTC_MARKET, -0.02e18);
        _priceDownToHealth(ethFeed, alice, 1.125e18);
        uint256 before = _health(alice).healthWad;
        vm.prank(keeper);
        preLiquidation.preLiquidate(alice, ETH_MARKET, type(uint256).max);
        vm.snapshotGasLastCall("preLiquidate: two positions, one collateral");
        assertGt(_health(alice).healthWad, before);
    }

    function test_gas_previewPreLiquidation() public {
        _openLong(alice, 1_000e6, 2e18);
        _toHealth(alice, 1.125e18);
        (int256 size,,) = preLiquidation.previewPreLiquidation(alice, ETH_MARKET);
        vm.snapshotGasLastCall("previewPreLiquidation: one position");
        assertLt(size, 0);
    }
}
