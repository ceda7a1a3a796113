// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {BaseTest} from "../Base.t.sol";
import {ILiquidationEngine} from "../../src/interfaces/ILiquidationEngine.sol";

contract BuyCollateralTest is BaseTest {
    /// Alice: 1 WETH of collateral (no quote), long 4 ETH. Quote balance −6 (the fee).
    function setUp() public override {
        super.setUp();
        _depositCollateral(alice, WETH_ID, 1e18);
        _trade(alice, ETH_MARKET, 4e18);
    }

    function _crashAndClose(uint256 priceWad) internal {
        _setEthPrice(priceWad);
        if (!_liquidatable(alice)) return;
        vm.prank(keeper);
        engine.liquidate(alice, ETH_MARKET, type(uint256).max);
    }

    function test_buyCollateral_revertsWithoutDebt() public {
        vm.prank(keeper);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.NoDebt.selector, bob, int256(0)));
        engine.buyCollateral(bob, WETH_ID, 1, type(uint256).max);
    }

    function test_buyCollateral_revertsWhenHealthy() public {
        vm.prank(keeper);
        vm.expectRevert();
        engine.buyCollateral(alice, WETH_ID, 1e18, type(uint256).max);
    }

    function test_buyCollateral_sellsAtDiscountUpToTheDebt() public {
        _crashAndClose(2_400e18); // −2,400 loss: debt ≈ 2,466; WETH worth 2,400 counted 1,920 → bad
        int256 debt = protocol.quoteBalance(alice);
        assertLt(debt, 0);
        vm.prank(keeper);
        (uint256 amount, uint256 paid) = engine.buyCollateral(alice, WETH_ID, type(uint256).max, type(uint256).max);
        // price × max(1 − 5%, 80%) = 2,280 per WETH: the whole WETH (2,280 < debt)
        assertEq(amount, 1e18);
        assertEq(paid, 2_280e18);
        assertEq(weth.balanceOf(keeper), 1e18);
    }

    function test_buyCollateral_settlesBadDebtWhenEmptied() public {
        _crashAndClose(2_400e18);
        int256 debtBefore = protocol.quoteBalance(alice);
        uint256 fundBefore = insurance.balance();
        vm.prank(keeper);
        engine.buyCollateral(alice, WETH_ID, type(uint256).max, type(uint256).max);
        uint256 badDebt = uint256(-(debtBefore + 2_280e18));
        assertEq(protocol.quoteBalance(alice), 0);
        assertEq(engine.totalBadDebtWad(), badDebt);
        assertEq(fundBefore - insurance.balance(), badDebt / 1e12, "insurance covered it");
        assertEq(engine.totalDeficitWad(), 0);
        assertEq(protocol.vaultReceivable(), 0);
    }

    function test_buyCollateral_respectsMaxPrice() public {
        _crashAndClose(2_400e18);
        vm.prank(keeper);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.PriceLimit.selector, 2_280e18, 2_000e18));
        engine.buyCollateral(alice, WETH_ID, type(uint256).max, 2_000e18);
    }

    function test_buyCollateral_partialSaleCoversDebtOnly() public {
        // The debt is smaller than the collateral: only enough is sold to repay it.
        _depositCollateral(alice, WETH_ID, 1e18); // 2 WETH
        _crashAndClose(2_100e18); // equity < 0: full close, debt ≈ 3,690, 2 WETH sell at 1,995 each
        int256 debt = protocol.quoteBalance(alice);
        assertTrue(_liquidatable(alice));
        vm.prank(keeper);
        (uint256 amount,) = engine.buyCollateral(alice, WETH_ID, type(uint256).max, type(uint256).max);
        assertLt(amount, 2e18);
        assertGe(protocol.quoteBalance(alice), 0);
        assertLt(protocol.quoteBalance(alice), 3e18, "no more than the debt, up to rounding");
        assertLt(debt, 0);
    }

    /// Property 5: a sale never lowers equity, even with a haircut above 1 − discount.
    function testFuzz_buyCollateral_neverLowersEquity(uint256 priceUsd, uint256 maxAmount) public {
        priceUsd = bound(priceUsd, 1_500, 2_500);
        _setEthPrice(priceUsd * 1e18);
        if (!_liquidatable(alice)) return;
        _crashAndClose(priceUsd * 1e18);
        if (protocol.quoteBalance(alice) >= 0 || !_liquidatable(alice)) return;
        maxAmount = bound(maxAmount, 1, 1e18);
        (int256 before,) = protocol.marginState(alice);
        vm.prank(keeper);
        try engine.buyCollateral(alice, WETH_ID, maxAmount, type(uint256).max) {
            if (protocol.quoteBalance(alice) == 0 && protocol.collateralBalance(alice, WETH_ID) == 0) return;
            (int256 afterEquity,) = protocol.marginState(alice);
            assertGe(afterEquity, before);
        } catch (bytes memory reason) {
            assertEq(bytes4(reason), ILiquidationEngine.DustRemainder.selector);
        }
    }
}
