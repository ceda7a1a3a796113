// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {LendingBaseTest} from "./LendingBase.t.sol";
import {ILendingMarket, LendingAccount} from "../../src/interfaces/ILendingMarket.sol";
import {ILiquidationEngine} from "../../src/interfaces/ILiquidationEngine.sol";

/// @notice Properties 31–34 under random inputs: interest is monotone, rounding goes against the borrower, the borrow
/// limit is exactly the borrow LTV, and a collateral sale never lowers the equity of any liquidatable account.
contract LendingFuzzTest is LendingBaseTest {
    /// Property 31: the index, each debt and the vault's receivable never fall as time passes, and the stored index
    /// after `accrue` is the one the views reported.
    function testFuzz_interest_monotone(uint256 borrowUsdc, uint32 dt1, uint32 dt2) public {
        borrowUsdc = bound(borrowUsdc, 1, 2_000_000e6 * 3 / 4);
        _lendDeposit(alice, WBTC_ID, 100e8); // 4.2M of borrow limit
        _borrow(alice, borrowUsdc);
        uint256 index0 = lending.borrowIndexWad();
        uint256 debt0 = lending.debtOf(alice);
        uint256 receivable0 = lending.vaultReceivable();
        vm.warp(block.timestamp + dt1);
        uint256 index1 = lending.borrowIndexWad();
        lending.accrue();
        assertEq(lending.borrowIndexWad(), index1, "accrue stores what the view reported");
        vm.warp(block.timestamp + dt2);
        uint256 index2 = lending.borrowIndexWad();
        assertGe(index1, index0);
        assertGe(index2, index1);
        assertGe(lending.debtOf(alice), debt0);
        assertGe(lending.vaultReceivable(), receivable0);
        if (uint256(dt1) + dt2 > 0) assertGt(index2, index0, "the base rate is positive");
    }

    /// Property 32: rounding goes against the borrower: a borrow adds at least its amount, a partial repayment removes
    /// at most its amount, debts are whole quote units at or above scaled × index, and Σ debts covers the receivable.
    function testFuzz_rounding_againstTheBorrower(uint256 borrowUsdc, uint256 repayUsdc, uint32 dt, uint256 more)
        public
    {
        _lendDeposit(alice, WBTC_ID, 100e8);
        borrowUsdc = bound(borrowUsdc, 1, 1_000_000e6);
        _borrow(alice, borrowUsdc);
        assertGe(lending.debtOf(alice), borrowUsdc * 1e12);
        vm.warp(block.timestamp + bound(dt, 0, 2 * 365 days));
        _setBtcPrice(60_000e18); // fresh again after the wait
        uint256 debt = lending.debtOf(alice);
        assertEq(debt % QUOTE_UNIT_WAD, 0, "whole quote units");
        assertGe(debt * 1e18, lending.scaledDebtOf(alice) * lending.borrowIndexWad(), "at or above scaled x index");
        assertEq(lending.quoteBalance(alice), -int256(debt));

        more = bound(more, 1, 100_000e6);
        _borrow(alice, more);
        uint256 debtAfterBorrow = lending.debtOf(alice);
        assertGe(debtAfterBorrow, debt + more * 1e12, "a borrow adds at least its amount");

        repayUsdc = bound(repayUsdc, 1, debtAfterBorrow / 1e12);
        uint256 paid = _repay(alice, repayUsdc);
        assertEq(paid, repayUsdc);
        assertGe(lending.debtOf(alice), debtAfterBorrow - paid * 1e12, "a repayment removes at most its amount");
        assertGe(lending.debtOf(alice), lending.vaultReceivable(), "the one debt covers the receivable");
    }

    /// Property 33: a borrow succeeds exactly when debt ≤ Σ value × borrow LTV at the current price.
    function testFuzz_borrowLimit(uint256 wethAmount, uint256 borrowUsdc, uint256 priceUsd) public {
        wethAmount = bound(wethAmount, 1e15, 1_000e18);
        priceUsd = bound(priceUsd, 100, 10_000);
        _setEthPrice(priceUsd * 1e18);
        _lend(10_000_000e6); // enough idle for any limit here
        _lendDeposit(alice, WETH_ID, wethAmount);
        uint256 limitWad = (wethAmount * priceUsd) * 0.75e18 / 1e18;
        borrowUsdc = bound(borrowUsdc, 1, limitWad / 1e12 + 1_000e6);
        vm.prank(alice);
        if (borrowUsdc * 1e12 > limitWad) {
            vm.expectRevert(
                abi.encodeWithSelector(ILendingMarket.BorrowLimitExceeded.selector, alice, borrowUsdc * 1e12, limitWad)
            );
            lending.borrow(borrowUsdc);
        } else {
            lending.borrow(borrowUsdc);
            assertEq(lending.debtOf(alice), borrowUsdc * 1e12);
            assertFalse(lending.isLiquidatable(alice));
        }
    }

    /// Property 34: a fixed-fee sale of any amount a keeper asks for, on ANY liquidatable account (whether or not its
    /// collateral covers its debt at the sale price), never lowers the equity the engine reads (Σ value × liquidation
    /// LTV − debt) and never raises the debt: the sale price, oracle × max(1 − discount, L), is at least what equity
    /// counted for the collateral sold. The health factor (Σ value × L ÷ debt) cannot fall either when the sale repays
    /// the whole debt or when HF ≥ L ÷ f for the collateral sold (f = max(1 − discount, L)). A healthy account is
    /// refused and unchanged.
    function testFuzz_liquidation_neverLowersEquity(
        uint256 wethAmount,
        uint256 wbtcAmount,
        uint256 ltvBps,
        uint256 ethDropBps,
        uint256 btcDropBps,
        uint256 maxAmount,
        uint256 collateralId
    ) public {
        wethAmount = bound(wethAmount, 1e18, 100e18);
        // A quarter of the runs hold WETH alone: a sale may then empty the account and write off bad debt.
        wbtcAmount = wbtcAmount % 4 == 0 ? 0 : bound(wbtcAmount, 1e6, 5e8);
        _lendDeposit(alice, WETH_ID, wethAmount);
        if (wbtcAmount != 0) _lendDeposit(alice, WBTC_ID, wbtcAmount);
        uint256 limit = lending.accountState(alice).borrowLimitWad / 1e12;
        _borrow(alice, bound(ltvBps, 5_000, 10_000) * limit / 10_000);
        vm.warp(block.timestamp + 1 days);
        // Up to −60%: deep enough for accounts whose collateral no longer covers their debt (bad debt).
        _setEthPrice(3_000e18 * (10_000 - bound(ethDropBps, 0, 6_000)) / 10_000);
        _setBtcPrice(60_000e18 * (10_000 - bound(btcDropBps, 0, 6_000)) / 10_000);
        collateralId = wbtcAmount == 0 ? WETH_ID : bound(collateralId, 0, 1);
        maxAmount = bound(maxAmount, 1, type(uint128).max);

        LendingAccount memory before = lending.accountState(alice);
        int256 equityBefore = _engineEquity(alice);
        assertEq(equityBefore, before.equityWad);
        bool liquidatable = lending.isLiquidatable(alice);
        assertEq(liquidatable, before.debtWad > before.liquidationLimitWad, "liquidatable iff debt > limit");
        assertEq(liquidatable, equityBefore < 0, "liquidatable iff equity < 0");
        assertEq(liquidatable, before.healthFactorWad < 1e18, "liquidatable iff health factor < 1");

        vm.prank(keeper);
        try lendingEngine.buyCollateral(alice, collateralId, maxAmount, type(uint256).max) {
            assertTrue(liquidatable, "only a liquidatable account is sold");
            assertGe(_engineEquity(alice), equityBefore, "equity never falls");
            uint256 debtAfter = lending.debtOf(alice);
            assertLt(debtAfter, before.debtWad, "a sale repays at least a unit");
            if (debtAfter == 0) {
                assertEq(_healthFactor(alice), type(uint256).max, "repaid or written off");
            } else if (_saleLiftsHealthFactor(collateralId, before)) {
                assertGe(_healthFactor(alice), before.healthFactorWad, "health factor never falls");
            }
        } catch (bytes memory reason) {
            // A healthy account is refused; so is a limit that would leave dust. Nothing changed.
            bytes4 expected =
                liquidatable ? ILiquidationEngine.DustRemainder.selector : ILiquidationEngine.Healthy.selector;
            assertEq(bytes4(reason), expected);
            assertEq(lending.debtOf(alice), before.debtWad);
            assertEq(_engineEquity(alice), equityBefore);
        }
    }

    /// @dev HF × f ≥ L (with a 0.01% margin for rounding): the sale's price per unit of counted value, f ÷ L, is at
    /// least debt ÷ counted value, so the ratio cannot fall.
    function _saleLiftsHealthFactor(uint256 collateralId, LendingAccount memory before) internal view returns (bool) {
        uint256 ltvWad = lending.lendingCollateral(collateralId).liquidationLtvWad;
        uint256 discountWad = lendingEngine.params().collateralDiscountWad;
        uint256 fWad = 1e18 - discountWad > ltvWad ? 1e18 - discountWad : ltvWad;
        uint256 needWad = before.debtWad * ltvWad / 1e18;
        return before.liquidationLimitWad * fWad / 1e18 >= needWad + needWad / 10_000;
    }
}
