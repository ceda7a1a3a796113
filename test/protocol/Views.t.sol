// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {BaseTest} from "../Base.t.sol";
import {MarginLens} from "../../src/periphery/MarginLens.sol";
import {Health} from "../../src/interfaces/IMarginProtocol.sol";

contract ViewsTest is BaseTest {
    function test_health_matchesTheFormula() public {
        _openLong(alice, 1_000e6, 2e18);
        _depositCollateral(alice, WBTC_ID, 0.01e8); // 600 × 75% = 450
        _setEthPrice(2_800e18);
        Health memory h = _health(alice);
        // equity = 997 + 450 + 2 × (2,800 − 3,000) = 1,047; maintenance = 5,600 × 5% = 280; initial = 560
        assertEq(h.equityWad, 1_047e18);
        assertEq(h.maintenanceWad, 280e18);
        assertEq(h.initialWad, 560e18);
        assertEq(h.healthWad, uint256(1_047e18) * 1e18 / 280e18);
    }

    function test_health_noPositionIsMax() public {
        _depositQuote(alice, 1e6);
        assertEq(_health(alice).healthWad, type(uint256).max);
        assertFalse(_liquidatable(alice));
    }

    /// The liquidation price is the boundary: just above it the long is healthy, just below it liquidatable.
    function testFuzz_liquidationPrice_isTheBoundary(uint256 marginUsdc, uint256 sizeWad, bool short) public {
        marginUsdc = bound(marginUsdc, 100e6, 100_000e6);
        uint256 maxSize = marginUsdc * 1e12 * 9 / 3_000; // up to 9× leverage at 3,000
        sizeWad = bound(sizeWad, 0.01e18, maxSize);
        _depositQuote(alice, marginUsdc);
        _trade(alice, ETH_MARKET, short ? -int256(sizeWad) : int256(sizeWad));
        uint256 p = new MarginLens().liquidationPrice(protocol, alice, ETH_MARKET);
        vm.assume(p > 2e18 && p < 9_000_000e18);
        uint256 eps = p / 1e9 + 1e9;
        _setEthPrice(short ? p - eps : p + eps);
        assertFalse(_liquidatable(alice), "healthy on the safe side");
        _setEthPrice(short ? p + eps : p - eps);
        assertTrue(_liquidatable(alice), "liquidatable past the price");
    }
}
