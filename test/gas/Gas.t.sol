// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {BaseTest} from "../Base.t.sol";
import {LiquidationOrder} from "../../src/interfaces/ILiquidationEngine.sol";

/// @notice Gas per call, each call its own transaction (`isolate = true`), written to `snapshots/GasTest.json`.
/// The numbers are a benchmark, not asserts: `forge snapshot` and the committed snapshot track them.
contract GasTest is BaseTest {
    function setUp() public override {
        super.setUp();
        // Warm the market's open-interest slot and a second account so the numbers reflect a live market.
        _openLong(bob, 10_000e6, 1e18);
        // A live market has seen revenue: its fee share swept and routed, so the waterfall holds its one-unit float.
        protocol.sweepFees();
        waterfall.route();
    }

    function test_gas_openPosition() public {
        _depositQuote(alice, 1_000e6);
        vm.prank(alice);
        protocol.trade(ETH_MARKET, 2e18, type(uint256).max);
        vm.snapshotGasLastCall("trade: open position");
        (int256 size,) = protocol.position(alice, ETH_MARKET);
        assertEq(size, 2e18);
    }

    function test_gas_healthView() public {
        _openLong(alice, 1_000e6, 2e18);
        protocol.health(alice);
        vm.snapshotGasLastCall("health view: one position");
    }

    function test_gas_healthView_twoPositionsTwoCollaterals() public {
        _openLong(alice, 1_000e6, 2e18);
        _depositCollateral(alice, WETH_ID, 1e18);
        _depositCollateral(alice, WBTC_ID, 1e7);
        _trade(alice, BTC_MARKET, -0.05e18);
        protocol.health(alice);
        vm.snapshotGasLastCall("health view: two positions, two collaterals");
    }

    function test_gas_liquidate_full() public {
        _openLong(alice, 1_000e6, 2e18);
        _setEthPrice(2_540e18); // health < 0.5: full close
        vm.prank(keeper);
        engine.liquidate(alice, ETH_MARKET, type(uint256).max);
        vm.snapshotGasLastCall("liquidate: full, one position");
        (int256 size,) = protocol.position(alice, ETH_MARKET);
        assertEq(size, 0, "full close");
    }

    function test_gas_liquidate_partial() public {
        _openLong(alice, 1_000e6, 2e18);
        _setEthPrice(2_600e18); // health ≈ 0.76: partial close
        vm.prank(keeper);
        engine.liquidate(alice, ETH_MARKET, type(uint256).max);
        vm.snapshotGasLastCall("liquidate: partial, one position");
        (int256 size,) = protocol.position(alice, ETH_MARKET);
        assertGt(size, 0, "partial close leaves a position");
        assertLt(size, 2e18, "partial close closes some");
    }

    function test_gas_buyCollateral() public {
        _depositCollateral(alice, WETH_ID, 1e18);
        _trade(alice, ETH_MARKET, 4e18); // quote balance goes negative by the fee: the debt is covered by WETH
        _setEthPrice(2_100e18);
        vm.startPrank(keeper);
        engine.liquidate(alice, ETH_MARKET, type(uint256).max);
        engine.buyCollateral(alice, WETH_ID, type(uint256).max, type(uint256).max);
        vm.snapshotGasLastCall("buyCollateral: collateral sale");
        vm.stopPrank();
        assertGe(protocol.quoteBalance(alice), 0, "debt repaid by the sale");
    }

    /// @dev 50 accounts crossed by one fall, liquidated in one transaction; the snapshot divides by 50 too.
    function test_gas_liquidateBatch_fiftyPositions_full() public {
        _liquidateFifty(2_540e18, "full"); // health < 0.5: each closes in full
    }

    function test_gas_liquidateBatch_fiftyPositions_partial() public {
        _liquidateFifty(2_600e18, "partial"); // health ≈ 0.76: each closes the slice that restores the target
    }

    function _liquidateFifty(uint256 crashPriceWad, string memory kind) internal {
        uint256 n = 50;
        LiquidationOrder[] memory orders = new LiquidationOrder[](n);
        for (uint256 i; i < n; ++i) {
            address trader = address(uint160(0x10000 + i));
            _openLong(trader, 1_000e6, 2e18);
            orders[i] = LiquidationOrder({account: trader, marketId: ETH_MARKET});
        }
        _setEthPrice(crashPriceWad);
        vm.prank(keeper);
        (int256[] memory closed,) = engine.liquidateBatch(orders);
        uint256 gasUsed = vm.snapshotGasLastCall(string.concat("liquidateBatch: 50 positions, ", kind));
        vm.snapshotValue(string.concat("liquidateBatch: per position, 50 positions, ", kind), gasUsed / n);
        for (uint256 i; i < n; ++i) {
            (int256 size,) = protocol.position(orders[i].account, ETH_MARKET);
            assertEq(size, 2e18 + closed[i], "each order closed what it reports");
            assertLt(closed[i], 0, "every position liquidated");
        }
    }
}
