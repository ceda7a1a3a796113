// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {LendingBaseTest} from "./LendingBase.t.sol";
import {ILendingMarket, RateModel, LendingAccount} from "../../src/interfaces/ILendingMarket.sol";
import {ILiquidationEngine} from "../../src/interfaces/ILiquidationEngine.sol";
import {IOracle, PriceStatus} from "../../src/interfaces/IOracle.sol";

/// @notice The lending market on its own: collateral, borrow limit, interest, repayment, the breaker, and the
/// `ILiquidatable` views the engine reads.
contract LendingMarketTest is LendingBaseTest {
    function test_borrow_drawsFromTheVaultAndBooksTheReceivable() public {
        uint256 assetsBefore = lendingVault.totalAssets();
        _borrowOnWeth(alice, 10e18, 20_000e6);
        assertEq(usdc.balanceOf(alice), 20_000e6);
        assertEq(lending.debtOf(alice), 20_000e18);
        assertEq(lending.quoteBalance(alice), -20_000e18);
        assertEq(lending.vaultReceivable(), 20_000e18);
        assertEq(usdc.balanceOf(address(lendingVault)), 2_000_000e6 - 20_000e6);
        assertEq(lendingVault.totalAssets(), assetsBefore, "lent, not lost");
    }

    function test_borrow_limitIsTheBorrowLtv() public {
        _lendDeposit(alice, WETH_ID, 10e18); // 30,000 × 75% = 22,500
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(ILendingMarket.BorrowLimitExceeded.selector, alice, 22_501e18, 22_500e18)
        );
        lending.borrow(22_501e6);
        _borrow(alice, 22_500e6);
        assertFalse(lending.isLiquidatable(alice), "the borrow limit is under the liquidation LTV");
    }

    function test_withdrawCollateral_keepsTheBorrowLimit() public {
        _borrowOnWeth(alice, 10e18, 15_000e6); // needs 20,000 of WETH value at 75%: 6.666.. WETH
        vm.prank(alice);
        vm.expectRevert();
        lending.withdrawCollateral(WETH_ID, 3.4e18);
        vm.prank(alice);
        lending.withdrawCollateral(WETH_ID, 3.3e18);
        assertEq(weth.balanceOf(alice), 3.3e18);
        assertEq(lending.collateralBalance(alice, WETH_ID), 6.7e18);
    }

    function test_interest_accruesToTheLenders() public {
        _borrowOnWeth(alice, 10e18, 20_000e6);
        uint256 assetsBefore = lendingVault.totalAssets();
        uint256 rate = lending.borrowRatePerSecondWad();
        assertGt(rate, 634_195_839, "above the base rate at 1% utilization");
        vm.warp(block.timestamp + 365 days);
        uint256 debt = lending.debtOf(alice);
        // Simple interest over one untouched year: 20,000 × (1 + rate × 1 year), rounded up to whole units.
        uint256 expected = 20_000e18 + 20_000e18 * rate * 365 days / 1e18;
        assertApproxEqAbs(debt, expected, 1e12);
        assertGe(debt, expected, "rounded against the borrower");
        assertGt(lendingVault.totalAssets(), assetsBefore, "lenders earn the interest");
        assertApproxEqAbs(lendingVault.totalAssets() - assetsBefore, (debt - 20_000e18) / 1e12, 1);
    }

    function test_interest_aboveTheKinkIsSteeper() public {
        // Borrow 85% of the vault: above the 80% kink.
        _lendDeposit(alice, WBTC_ID, 100e8); // 6M of value, 4.2M of limit
        uint256 belowKink = lending.borrowRatePerSecondWad();
        _borrow(alice, 1_700_000e6);
        uint256 aboveKink = lending.borrowRatePerSecondWad();
        RateModel memory r = lending.rateModel();
        assertGt(aboveKink, uint256(r.baseRatePerSecondWad) + r.slope1PerSecondWad, "past the kink");
        assertEq(belowKink, r.baseRatePerSecondWad, "nothing lent: base rate");
        assertEq(lending.utilizationWad(), 0.85e18);
    }

    function test_repay_partialAndFull() public {
        _borrowOnWeth(alice, 10e18, 20_000e6);
        vm.warp(block.timestamp + 30 days);
        uint256 debt = lending.debtOf(alice);
        assertEq(_repay(alice, 5_000e6), 5_000e6);
        assertGe(lending.debtOf(alice), debt - 5_000e18, "a partial repayment never lowers the debt by more");
        assertLe(lending.debtOf(alice), debt - 5_000e18 + 1e12);
        uint256 owed = lending.debtOf(alice);
        uint256 paid = _repay(alice, 1_000_000e6); // capped at the debt
        assertEq(paid * 1e12, owed);
        assertEq(usdc.balanceOf(alice), 20_000e6 + 1_000_000e6 - paid, "the borrowed 20,000 and the rest stay");
        assertEq(lending.debtOf(alice), 0);
        assertEq(lending.scaledDebtOf(alice), 0);
        assertEq(lending.totalScaledDebtWad(), 0);
        assertEq(lending.vaultReceivable(), 0);
        assertGt(usdc.balanceOf(address(lendingVault)), 2_000_000e6, "the vault got its interest in tokens");
    }

    function test_repay_withoutDebtReverts() public {
        usdc.mint(alice, 1e6);
        vm.startPrank(alice);
        usdc.approve(address(lending), 1e6);
        vm.expectRevert(abi.encodeWithSelector(ILendingMarket.NoDebt.selector, alice));
        lending.repay(alice, 1e6);
        vm.stopPrank();
    }

    function test_breaker_levelOneStopsBorrowsNotRepayments() public {
        _borrowOnWeth(alice, 10e18, 10_000e6);
        lending.setBreakerLevel(1);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(ILendingMarket.BreakerActive.selector, 1));
        lending.borrow(1e6);
        assertEq(_repay(alice, 1_000e6), 1_000e6);
    }

    function test_breaker_levelTwoStopsCollateralSales() public {
        _borrowOnWeth(alice, 10e18, 22_000e6);
        _setEthPrice(2_600e18);
        lending.setBreakerLevel(2);
        vm.prank(keeper);
        vm.expectRevert(abi.encodeWithSelector(ILendingMarket.BreakerActive.selector, 2));
        lendingEngine.buyCollateral(alice, WETH_ID, type(uint256).max, type(uint256).max);
        lending.setBreakerLevel(0);
        vm.prank(keeper);
        lendingEngine.buyCollateral(alice, WETH_ID, type(uint256).max, type(uint256).max);
        assertEq(lending.debtOf(alice), 0);
    }

    function test_borrow_needsAValidPrice() public {
        _lendDeposit(alice, WETH_ID, 10e18);
        vm.warp(block.timestamp + 2 hours); // past the feed's heartbeat
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(ILendingMarket.InvalidPrice.selector, address(ethFeed), 3_000e18, PriceStatus.Stale)
        );
        lending.borrow(1_000e6);
    }

    /// The margin mapping, literally as `ILiquidatable` documents it: equity = Σ value × liquidation LTV − debt,
    /// maintenance = 0; so liquidatable (equity < 0) exactly when debt > Σ value × liquidation LTV.
    function test_marginState_mapsTheLiquidationLtv() public {
        _borrowOnWeth(alice, 10e18, 22_000e6);
        // Liquidatable below 22,000 / (10 × 0.825) = 2,666.67.
        _setEthPrice(2_667e18);
        (int256 equity, uint256 maintenance) = lending.marginState(alice);
        assertEq(equity, 26_670e18 * 825 / 1000 - 22_000e18, "haircut value - debt");
        assertEq(maintenance, 0, "no positions");
        assertFalse(lending.isLiquidatable(alice));
        LendingAccount memory a = lending.accountState(alice);
        assertEq(a.equityWad, equity);
        assertEq(a.healthFactorWad, uint256(26_670e18 * 825 / 1000) * 1e18 / 22_000e18);
        assertGe(a.healthFactorWad, 1e18);
        assertEq(lending.healthFactorOf(alice), a.healthFactorWad);
        _setEthPrice(2_666e18);
        assertTrue(lending.isLiquidatable(alice));
        (equity, maintenance) = lending.marginState(alice);
        assertEq(equity, 26_660e18 * 825 / 1000 - 22_000e18);
        assertLt(equity, 0);
        a = lending.accountState(alice);
        assertEq(a.liquidationLimitWad, 26_660e18 * 825 / 1000);
        assertEq(a.collateralValueWad, 26_660e18);
        assertEq(a.debtWad, 22_000e18);
        assertLt(a.healthFactorWad, 1e18);
    }

    /// Two collaterals: each term is its own value × its own liquidation LTV; no debt means an infinite health factor.
    function test_marginState_sumsEachCollateralAtItsLtv() public {
        _lendDeposit(alice, WETH_ID, 1e18); // 3,000 × 82.5% = 2,475
        _lendDeposit(alice, WBTC_ID, 0.1e8); // 6,000 × 77.5% = 4,650
        (int256 equity, uint256 maintenance) = lending.marginState(alice);
        assertEq(equity, 2_475e18 + 4_650e18);
        assertEq(maintenance, 0);
        assertEq(lending.healthFactorOf(alice), type(uint256).max, "no debt");
        _borrow(alice, 5_000e6);
        (equity,) = lending.marginState(alice);
        assertEq(equity, 2_475e18 + 4_650e18 - 5_000e18);
        assertEq(lending.healthFactorOf(alice), uint256(7_125e18) * 1e18 / 5_000e18);
    }

    function test_engineViews_noMarkets() public {
        _borrowOnWeth(alice, 10e18, 22_000e6);
        (int256 size, uint256 price, uint256 fraction) = lending.positionState(alice, 0);
        assertEq(size, 0);
        assertEq(price + fraction, 0);
        (uint256 marketMask, uint256 collateralMask) = lending.accountMasks(alice);
        assertEq(marketMask, 0);
        assertEq(collateralMask, 1);
        (uint256 amount, uint256 priceWad, uint256 haircut, uint8 decimals) = lending.collateralState(alice, WETH_ID);
        assertEq(amount, 10e18);
        assertEq(priceWad, 3_000e18);
        assertEq(haircut, 0.825e18, "the haircut is the liquidation LTV");
        assertEq(decimals, 18);
        assertEq(lending.liquidityVault(), address(lendingVault));
        // The engine's position liquidation finds nothing to close; the protocol refuses it outright.
        _setEthPrice(2_600e18);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.NoPosition.selector, alice, 0));
        vm.prank(keeper);
        lendingEngine.liquidate(alice, 0, type(uint256).max);
        vm.prank(address(lendingEngine));
        vm.expectRevert(abi.encodeWithSelector(ILendingMarket.NoMarkets.selector, 0));
        lending.liquidatePosition(alice, 0, -1, keeper, 0, address(0), 0);
        vm.expectRevert(abi.encodeWithSelector(ILendingMarket.NotEngine.selector, address(this)));
        lending.writeOffBadDebt(alice);
    }

    function test_listCollateral_validatesLtvs() public {
        vm.expectRevert(abi.encodeWithSelector(ILendingMarket.InvalidParams.selector, "borrow LTV"));
        lending.listCollateral(address(0xbeef), IOracle(address(ethFeed)), 0.8e18, 0.8e18, 1);
        vm.expectRevert(abi.encodeWithSelector(ILendingMarket.InvalidParams.selector, "liquidation LTV"));
        lending.listCollateral(address(0xbeef), IOracle(address(ethFeed)), 0.8e18, 1e18, 1);
    }

    function test_setRateModel_boundsTheRate() public {
        vm.expectRevert(abi.encodeWithSelector(ILendingMarket.InvalidParams.selector, "rate"));
        lending.setRateModel(RateModel(1e12, 1, 0, 0.8e18));
        vm.expectRevert(abi.encodeWithSelector(ILendingMarket.InvalidParams.selector, "kink"));
        lending.setRateModel(RateModel(1, 0, 0, 1e18));
        // A configured rate: no slopes.
        lending.setRateModel(RateModel(1e9, 0, 0, 0.5e18));
        _borrowOnWeth(alice, 10e18, 20_000e6);
        assertEq(lending.borrowRatePerSecondWad(), 1e9);
    }
}
