// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {LendingBaseTest} from "./LendingBase.t.sol";
import {CollateralPattern, ILiquidationEngine} from "../../src/interfaces/ILiquidationEngine.sol";
import {Auction} from "../../src/interfaces/IAuctionHouse.sol";
import {BondSeries} from "../../src/interfaces/ISolvencyWaterfall.sol";

/// @notice The unchanged engine, auction house and backstop liquidating lending accounts in each pattern; bad debt
/// through the shared waterfall to the lenders' vault, next to the perps protocol's.
contract LendingLiquidationTest is LendingBaseTest {
    /// Alice: 10 WETH, 22,000 borrowed (73% LTV at 3,000); liquidatable below 2,666.67.
    function setUp() public override {
        super.setUp();
        _borrowOnWeth(alice, 10e18, 22_000e6);
    }

    function test_fixedFee_buyCollateralRepaysTheDebt() public {
        _setEthPrice(2_600e18);
        uint256 healthBefore = _healthFactor(alice);
        int256 equityBefore = _engineEquity(alice);
        vm.prank(keeper);
        (uint256 amount, uint256 paidWad) =
            lendingEngine.buyCollateral(alice, WETH_ID, type(uint256).max, type(uint256).max);
        // Sale price 2,600 × 95% = 2,470; 22,000 / 2,470 = 8.9068.. WETH, rounded up to a token unit.
        assertEq(amount, uint256(22_000e18 * 1e18) / 2_470e18 + 1);
        assertEq(weth.balanceOf(keeper), amount);
        assertGe(paidWad, 22_000e18);
        assertEq(lending.debtOf(alice), 0, "the whole debt is repaid");
        assertEq(lending.claimable(alice), paidWad / 1e12 - 22_000e6, "the rounding excess is the account's");
        assertEq(lending.collateralBalance(alice, WETH_ID), 10e18 - amount);
        assertGt(_healthFactor(alice), healthBefore);
        assertEq(_healthFactor(alice), type(uint256).max, "no debt left");
        assertGt(_engineEquity(alice), equityBefore);
        assertEq(usdc.balanceOf(address(lendingVault)), 2_000_000e6, "the lenders are whole");
        assertEq(lendingEngine.totalBadDebtWad(), 0);
        // The refund is the borrower's to claim.
        uint256 refund = lending.claimable(alice);
        if (refund != 0) {
            vm.prank(alice);
            assertEq(lending.claimRefund(), refund);
        }
    }

    function test_fixedFee_healthyAccountCannotBeLiquidated() public {
        _setEthPrice(2_700e18);
        vm.prank(keeper);
        vm.expectRevert();
        lendingEngine.buyCollateral(alice, WETH_ID, type(uint256).max, type(uint256).max);
    }

    function test_dutchAuction_kickAndTake() public {
        lendingEngine.setCollateralPattern(WETH_ID, CollateralPattern.DutchAuction);
        _setEthPrice(2_600e18);
        vm.prank(keeper);
        vm.expectRevert(
            abi.encodeWithSelector(ILiquidationEngine.WrongPattern.selector, WETH_ID, CollateralPattern.DutchAuction)
        );
        lendingEngine.buyCollateral(alice, WETH_ID, type(uint256).max, type(uint256).max);

        vm.prank(keeper);
        uint256 id = lendingAuctions.kick(alice, WETH_ID);
        Auction memory a = lendingAuctions.auction(id);
        assertEq(a.lot, 10e18, "the whole balance is the lot");
        assertEq(a.targetWad, 22_000e18 + 1_100e18, "debt + 5% penalty");
        assertEq(lending.auctionLots(alice), 1);
        assertEq(lending.collateralBalance(alice, WETH_ID), 0);

        // Wait until the price is under the oracle's: 2,860 × 0.99^n < 2,600 after 10 steps of 10 s.
        vm.warp(block.timestamp + 100);
        uint256 revenueBefore = usdc.balanceOf(address(waterfall));
        uint256 debtAtTake = lending.debtOf(alice);
        assertGt(debtAtTake, 22_000e18, "interest runs during the auction");
        vm.prank(keeper2);
        (uint256 amount, uint256 paidWad) = lendingAuctions.take(id, type(uint256).max, type(uint256).max, keeper2, "");
        assertEq(paidWad, 23_100e18, "debt and penalty raised");
        assertEq(weth.balanceOf(keeper2), amount);
        assertEq(lending.debtOf(alice), 0);
        // The target is fixed at the kick: interest accrued since then is repaid out of the penalty.
        assertEq(usdc.balanceOf(address(waterfall)) - revenueBefore, 23_100e6 - debtAtTake / 1e12, "penalty: revenue");
        assertEq(lending.collateralBalance(alice, WETH_ID), 10e18 - amount, "the unsold lot is returned");
        assertEq(lending.auctionLots(alice), 0);
        assertEq(usdc.balanceOf(address(lendingVault)) * 1e12, 2_000_000e18 - 22_000e18 + debtAtTake, "lent + interest");
    }

    function test_backstop_absorbsTheCollateral() public {
        lendingEngine.setCollateralPattern(WETH_ID, CollateralPattern.Internal);
        _setEthPrice(2_600e18);
        uint256 idleBefore = lendingBackstop.idle();
        vm.prank(keeper);
        (uint256 amount, uint256 paidWad,) = lendingBackstop.absorb(alice, WETH_ID);
        // 2% under the oracle price: 2,548.
        assertEq(amount, uint256(22_000e18 * 1e18) / 2_548e18 + 1);
        assertEq(lending.debtOf(alice), 0);
        assertEq(lendingBackstop.held(WETH_ID), amount);
        assertLe(lendingBackstop.idle(), idleBefore - paidWad / 1e12);
        assertEq(usdc.balanceOf(address(lendingVault)), 2_000_000e6);
        // The perps backstop is another instance: untouched.
        assertEq(backstop.held(WETH_ID), 0);
    }

    function test_badDebt_flowsThroughTheWaterfallToTheLendingVault() public {
        _setEthPrice(2_000e18); // 20,000 of collateral sold at 1,900: 19,000 against 22,000
        uint256 fundBefore = insurance.balance();
        uint256 assetsBefore = lendingVault.totalAssets();
        vm.prank(keeper);
        lendingEngine.buyCollateral(alice, WETH_ID, type(uint256).max, type(uint256).max);
        assertEq(lendingEngine.totalBadDebtWad(), 3_000e18);
        assertEq(lending.debtOf(alice), 0);
        assertEq(lending.vaultReceivable(), 0);
        assertEq(fundBefore - insurance.balance(), 3_000e6, "the shared fund covers it");
        (uint128 recognized, uint128 coveredByFund,,) = waterfall.totals(address(lendingVault));
        assertEq(recognized, 3_000e6);
        assertEq(coveredByFund, 3_000e6);
        (recognized,,,) = waterfall.totals(address(vault));
        assertEq(recognized, 0, "the perps vault's totals are apart");
        assertEq(lendingVault.totalAssets(), assetsBefore, "the lenders lost nothing");
        assertEq(engine.totalBadDebtWad(), 0, "the perps engine saw none of it");
    }

    function test_badDebt_beyondTheFundOpensBondsForTheLendingVault() public {
        _borrowOnWeth(bob, 100e18, 220_000e6);
        _setEthPrice(1_500e18); // 150,000 sold at 1,425: 142,500 against 220,000: 77,500 of bad debt
        vm.prank(keeper);
        lendingEngine.buyCollateral(bob, WETH_ID, type(uint256).max, type(uint256).max);
        assertEq(lendingEngine.totalBadDebtWad(), 77_500e18);
        assertEq(waterfall.seriesCount(), 1);
        BondSeries memory s = waterfall.series(0);
        assertEq(s.vault, address(lendingVault));
        assertEq(s.deficit, 27_500e6, "what the 50,000 fund could not cover");
        assertEq(lendingVault.deficitReceivable(), 27_500e6);
        assertEq(lendingEngine.totalDeficitWad(), 27_500e18);
        // Bonds bought repay the lending vault.
        usdc.mint(keeper, 27_500e6);
        vm.startPrank(keeper);
        usdc.approve(address(waterfall), type(uint256).max);
        waterfall.buyBonds(0, 27_500e6, 1e18, keeper);
        vm.stopPrank();
        assertEq(lendingVault.deficitReceivable(), 0);
        (,, uint128 raised,) = waterfall.totals(address(lendingVault));
        assertEq(raised, 27_500e6);
    }

    /// Both protocols' bad debt in one waterfall: per-vault totals, one fund.
    function test_badDebt_bothProtocolsInOneWaterfall() public {
        _openLong(bob, 1_000e6, 2e18); // perps: bad debt 2,008 at 1,500 (see BadDebtTest)
        _setEthPrice(1_500e18);
        uint256 fundBefore = insurance.balance();
        vm.prank(keeper);
        engine.liquidate(bob, ETH_MARKET, type(uint256).max);
        vm.prank(keeper);
        lendingEngine.buyCollateral(alice, WETH_ID, type(uint256).max, type(uint256).max); // 22,000 − 14,250
        assertEq(engine.totalBadDebtWad(), 2_008e18);
        assertEq(lendingEngine.totalBadDebtWad(), 7_750e18);
        (uint128 perpsRecognized,,,) = waterfall.totals(address(vault));
        (uint128 lendingRecognized,,,) = waterfall.totals(address(lendingVault));
        assertEq(perpsRecognized, 2_008e6);
        assertEq(lendingRecognized, 7_750e6);
        assertEq(fundBefore - insurance.balance(), 2_008e6 + 7_750e6);
        // The perps protocol keeps working after the lending loss.
        _setEthPrice(1_500e18);
        _openLong(carol(), 1_000e6, 1e18);
        (int256 size,) = protocol.position(carol(), ETH_MARKET);
        assertEq(size, 1e18);
    }

    function test_settleBadDebt_waitsForTheAuction() public {
        lendingEngine.setCollateralPattern(WETH_ID, CollateralPattern.DutchAuction);
        _setEthPrice(2_600e18);
        vm.prank(keeper);
        lendingAuctions.kick(alice, WETH_ID);
        vm.expectRevert();
        lendingEngine.settleBadDebt(alice);
    }

    function carol() internal returns (address) {
        return makeAddr("carol");
    }
}
