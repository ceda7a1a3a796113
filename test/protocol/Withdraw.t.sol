// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {BaseTest} from "../Base.t.sol";
import {IMarginProtocol} from "../../src/interfaces/IMarginProtocol.sol";
import {PriceStatus} from "../../src/interfaces/IOracle.sol";

contract WithdrawTest is BaseTest {
    function test_withdrawQuote_paysOut() public {
        _depositQuote(alice, 500e6);
        vm.prank(alice);
        protocol.withdrawQuote(200e6);
        assertEq(usdc.balanceOf(alice), 200e6);
        assertEq(protocol.quoteBalance(alice), 300e18);
    }

    function test_withdrawQuote_revertsAboveBalance() public {
        _depositQuote(alice, 500e6);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IMarginProtocol.InsufficientQuote.selector, 501e18, int256(500e18)));
        protocol.withdrawQuote(501e6);
    }

    function test_withdrawQuote_revertsBelowInitialMargin() public {
        _openLong(alice, 1_000e6, 2e18); // initial 600, equity 997
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IMarginProtocol.InitialMarginViolated.selector, alice, int256(597e18), 600e18)
        );
        protocol.withdrawQuote(400e6);
        vm.prank(alice);
        protocol.withdrawQuote(397e6);
        assertEq(protocol.quoteBalance(alice), 600e18);
    }

    function test_withdrawQuote_unrealizedGainNotWithdrawable() public {
        // Mango: a pumped price must not let gains leave as quote before they are realized.
        _openLong(alice, 1_000e6, 2e18);
        _setEthPrice(6_000e18); // +6,000 unrealized
        vm.prank(alice);
        vm.expectRevert();
        protocol.withdrawQuote(1_000e6); // only 997 of quote balance exists
    }

    function test_withdrawQuote_revertsOnStalePrice() public {
        _openLong(alice, 1_000e6, 1e18);
        vm.warp(block.timestamp + 3601);
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IMarginProtocol.InvalidPrice.selector, address(ethFeed), 3_000e18, PriceStatus.Stale)
        );
        protocol.withdrawQuote(1e6);
    }

    function test_withdrawCollateral_paysOutWithoutPositions() public {
        _depositCollateral(alice, WETH_ID, 2e18);
        vm.prank(alice);
        protocol.withdrawCollateral(WETH_ID, 0.5e18);
        assertEq(weth.balanceOf(alice), 0.5e18);
        assertEq(protocol.collateralBalance(alice, WETH_ID), 1.5e18);
        assertEq(protocol.collateralTotal(WETH_ID), 1.5e18);
    }

    function test_withdrawCollateral_revertsAboveBalance() public {
        _depositCollateral(alice, WETH_ID, 1e18);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IMarginProtocol.InsufficientCollateral.selector, WETH_ID, 2e18, 1e18));
        protocol.withdrawCollateral(WETH_ID, 2e18);
    }

    function test_withdrawCollateral_revertsBelowInitialMargin() public {
        _depositCollateral(alice, WETH_ID, 1e18); // counts 2,400
        _trade(alice, ETH_MARKET, 5e18); // initial 1,500
        vm.prank(alice);
        vm.expectRevert();
        protocol.withdrawCollateral(WETH_ID, 0.5e18);
    }

    function test_withdrawCollateral_revertsOnInvalidPrice() public {
        _depositCollateral(alice, WETH_ID, 1e18);
        ethFeed.push(0);
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IMarginProtocol.InvalidPrice.selector, address(ethFeed), 0, PriceStatus.NonPositive)
        );
        protocol.withdrawCollateral(WETH_ID, 1);
    }

    function testFuzz_depositWithdraw_roundTripNeverProfits(uint64 amount, uint64 out) public {
        amount = uint64(bound(amount, 1, 1e15));
        out = uint64(bound(out, 1, amount));
        _depositQuote(alice, amount);
        vm.prank(alice);
        protocol.withdrawQuote(out);
        assertEq(usdc.balanceOf(alice), out);
        assertEq(protocol.quoteBalance(alice), int256(uint256(amount - out)) * 1e12);
    }

    /// Mango, 2022: unrealized gains cannot replace withdrawn margin.
    function test_withdrawCollateral_unrealizedGainsDoNotCount() public {
        _depositCollateral(alice, WETH_ID, 10e18); // counts 24,000
        _trade(alice, BTC_MARKET, 3e18); // initial 18,000
        _setBtcPrice(72_000e18); // +36,000 unrealized
        ethFeed.push(3_000e18);
        vm.prank(alice);
        vm.expectRevert(); // without the gain, 0 collateral would leave equity below the initial requirement
        protocol.withdrawCollateral(WETH_ID, 10e18);
        vm.prank(alice);
        protocol.withdrawCollateral(WETH_ID, 0.5e18); // what the collateral alone supports still leaves
    }
}
