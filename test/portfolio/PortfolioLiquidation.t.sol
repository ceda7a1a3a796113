// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PortfolioBase} from "./PortfolioBase.t.sol";
import {IMarginProtocol, Health} from "../../src/interfaces/IMarginProtocol.sol";
import {ILiquidationEngine} from "../../src/interfaces/ILiquidationEngine.sol";

/// @notice Liquidating portfolio accounts through the unchanged engine (property 30): the effective maintenance
/// fraction the protocol reports, and the refusal of a step that would lower a solvent account's health.
contract PortfolioLiquidationTest is PortfolioBase {
    function setUp() public override {
        super.setUp();
        _listPeggedMarket();
    }

    /// 2 WETH (4,800) and a short of 10 ETH (−30,000): net short 25,200. ETH +15% makes it liquidatable (equity
    /// 1,005 against 6% × 28,980 = 1,738.8); closing the short in full would leave the WETH alone (10% × 5,520 = 552),
    /// so the effective fraction is (1,738.8 − 552) / 34,500 (the average release over the full close, below the 6%
    /// released near the current size: conservative, so the engine plans a larger close), and the close keeps health no lower.
    function test_overHedgedShort_closeKeepsHealth() public {
        _depositCollateral(alice, WETH_ID, 2e18);
        _optIn(alice);
        _trade(alice, ETH_MARKET, -10e18);
        _setEthPrice(3_450e18);
        assertTrue(_liquidatable(alice));
        (,, uint256 fraction) = protocol.positionState(alice, ETH_MARKET);
        assertEq(fraction, uint256(1_738.8e18 - 552e18) * 1e18 / 34_500e18);
        Health memory before = _health(alice);
        assertGt(before.healthWad, 0.5e18, "partial-close territory");
        vm.prank(keeper);
        int256 closed = engine.liquidate(alice, ETH_MARKET, type(uint256).max);
        assertGt(closed, 0);
        assertGe(_health(alice).healthWad, before.healthWad, "health fell");
        (int256 sizeAfter,) = protocol.position(alice, ETH_MARKET);
        assertEq(sizeAfter, -10e18 + closed);
    }

    /// A pair (long ETH, short stETH) hurt by the basis: the floor binds, and closing either leg leaves a naked
    /// position whose scenarios cost more than the floor. Both effective fractions are 0; the engine plans a full
    /// close with no penalty and the protocol refuses it, since it would lower health. Once the account is
    /// insolvent, health is 0 and the legs close.
    function test_hedgeLegs_refusedWhileSolvent_closedOnceInsolvent() public {
        _depositQuote(alice, 10_000e6);
        _optIn(alice);
        _trade(alice, ETH_MARKET, 10e18);
        _trade(alice, STETH_MARKET, -10e18);
        vm.prank(alice);
        protocol.withdrawQuote(8_000e6); // equity 1,970 against a portfolio initial of 900
        stethFeed.push(3_150e18); // the short loses 1,500: equity 470 against the floor, 1% × 61,500 = 615
        assertTrue(_liquidatable(alice));
        assertEq(_health(alice).maintenanceWad, 615e18, "the floor binds");
        for (uint256 m; m < 3; m += 2) {
            (,, uint256 fraction) = protocol.positionState(alice, m);
            assertEq(fraction, 0, "closing a hedge leg releases nothing");
            Health memory h = _health(alice);
            vm.prank(keeper);
            vm.expectPartialRevert(IMarginProtocol.PortfolioHealthLowered.selector);
            engine.liquidate(alice, m, type(uint256).max);
            assertEq(_health(alice).healthWad, h.healthWad);
        }
        stethFeed.push(3_200e18); // −2,000: equity ≤ 0
        (int256 equity,) = protocol.marginState(alice);
        assertLe(equity, 0);
        vm.prank(keeper);
        engine.liquidate(alice, ETH_MARKET, type(uint256).max);
        (int256 size,) = protocol.position(alice, ETH_MARKET);
        assertEq(size, 0, "closed in full once insolvent");
    }

    struct Case {
        uint256 weth;
        int256 ethSize;
        int256 stethSize;
        int256 btcSize;
        uint256 ethMoveBps;
        uint256 basisBps;
        uint256 btcMoveBps;
        uint256 maxClose;
    }

    /// Property 30 (and 5 for portfolio accounts): a random portfolio at its initial margin, random moves; every
    /// liquidation step that succeeds on a solvent account leaves its health no lower, and the only other outcomes
    /// are the engine's own refusals or the protocol's refusal of a step that would lower health.
    function testFuzz_liquidation_neverLowersASolventPortfoliosHealth(Case memory c) public {
        c.weth = bound(c.weth, 0, 20e18);
        c.ethSize = bound(c.ethSize, -20e18, 20e18);
        c.stethSize = bound(c.stethSize, -20e18, 20e18);
        c.btcSize = bound(c.btcSize, -1e18, 1e18);
        _depositQuote(alice, 200_000e6);
        if (c.weth > 0) _depositCollateral(alice, WETH_ID, c.weth);
        _optIn(alice);
        if (_abs(c.ethSize) * 3_000 >= 10e18) _trade(alice, ETH_MARKET, c.ethSize);
        if (_abs(c.stethSize) * 3_000 >= 10e18) _trade(alice, STETH_MARKET, c.stethSize);
        if (_abs(c.btcSize) * 60_000 >= 10e18) _trade(alice, BTC_MARKET, c.btcSize);
        _withdrawToInitial(alice);

        _setEthPrice(3_000e18 * bound(c.ethMoveBps, 8_500, 11_500) / 10_000);
        stethFeed.push(int192(int256(uint256(ethFeed.answerWad()) * bound(c.basisBps, 9_700, 10_300) / 10_000)));
        _setBtcPrice(60_000e18 * bound(c.btcMoveBps, 8_500, 11_500) / 10_000);
        vm.assume(_liquidatable(alice));

        for (uint256 m; m < 3; ++m) {
            (int256 size,) = protocol.position(alice, m);
            if (size == 0 || !_liquidatable(alice)) continue;
            _liquidateChecked(alice, m, c.maxClose % 3 == 0 ? bound(c.maxClose, 0, _abs(size)) : type(uint256).max);
        }
    }

    function _liquidateChecked(address who, uint256 marketId, uint256 maxClose) internal {
        Health memory before = _health(who);
        (,, uint256 fraction) = protocol.positionState(who, marketId);
        vm.prank(keeper);
        try engine.liquidate(who, marketId, maxClose) {
            if (before.equityWad > 0) assertGe(_health(who).healthWad, before.healthWad, "health fell");
        } catch (bytes memory reason) {
            bytes4 sel = bytes4(reason);
            if (sel == IMarginProtocol.PortfolioHealthLowered.selector) {
                assertGt(before.equityWad, 0, "refused an insolvent account");
                // Convexity: a step is refused only on a leg whose full close releases little or nothing.
                assertLt(fraction, 0.05e18);
            } else if (
                sel == ILiquidationEngine.DustRemainder.selector || sel == ILiquidationEngine.CloseTooSmall.selector
            ) {
                assertTrue(maxClose != type(uint256).max);
            } else {
                revert("unexplained liquidation revert");
            }
        }
    }

    /// Withdraws quote down to (about) the initial requirement, so that moves of a few percent cross maintenance.
    function _withdrawToInitial(address who) internal {
        Health memory h = _health(who);
        int256 free = h.equityWad - int256(h.initialWad);
        if (free <= 2e18) return;
        uint256 units = uint256(free) / 1e12 - 1e6;
        int256 q = protocol.quoteBalance(who);
        if (q <= 0) return;
        if (units > uint256(q) / 1e12) units = uint256(q) / 1e12;
        vm.prank(who);
        try protocol.withdrawQuote(units) {} catch {}
    }

    function _abs(int256 x) internal pure returns (uint256) {
        return x >= 0 ? uint256(x) : uint256(-x);
    }
}
