// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "solmate/tokens/ERC20.sol";
import {BaseTest} from "../Base.t.sol";
import {ILiquidationEngine} from "../../src/interfaces/ILiquidationEngine.sol";
import {IMarginProtocol} from "../../src/interfaces/IMarginProtocol.sol";
import {InsuranceFund} from "../../src/InsuranceFund.sol";

contract BadDebtTest is BaseTest {
    event BadDebtSettled(address indexed account, uint256 badDebtWad, uint256 coveredWad, uint256 deficitWad);

    function setUp() public override {
        super.setUp();
        _openLong(alice, 1_000e6, 2e18);
    }

    function test_liquidate_recordsBadDebtCoveredByInsurance() public {
        _setEthPrice(1_500e18); // equity −2,003
        uint256 fundBefore = insurance.balance();
        uint256 vaultAssetsBefore = vault.totalAssets();
        vm.prank(keeper);
        engine.liquidate(alice, ETH_MARKET, type(uint256).max);
        // loss 3,000 on 997 of quote, plus the keeper's part of the penalty: at equity <= 0 at most the $5 tip (40% of
        // 2.5% of 3,000 = 30 before, which the fund paid)
        uint256 badDebt = 2_003e18 + 5e18;
        assertEq(engine.totalBadDebtWad(), badDebt);
        assertEq(engine.totalDeficitWad(), 0);
        assertEq(fundBefore - insurance.balance(), badDebt / 1e12);
        assertEq(protocol.quoteBalance(alice), 0);
        assertEq(protocol.vaultReceivable(), 0);
        // The vault, the trader's counterparty, gains the whole 3,000 loss: 997 from the quote balance, the rest
        // (with the 5 it lent for the keeper's tip) from the insurance fund.
        assertEq(vault.totalAssets(), vaultAssetsBefore + 3_000e6);
    }

    function test_liquidate_recordsDeficitWhenFundIsShort() public {
        // Leave the fund 500 (a loss elsewhere paid out the rest).
        uint256 spent = insurance.balance() - 500e6;
        vm.prank(address(engine));
        insurance.cover(address(0xdead), spent);
        _setEthPrice(1_500e18);
        vm.expectEmit(true, false, false, true, address(engine));
        emit BadDebtSettled(alice, 2_008e18, 500e18, 1_508e18);
        vm.prank(keeper);
        engine.liquidate(alice, ETH_MARKET, type(uint256).max);
        assertEq(engine.totalDeficitWad(), 1_508e18);
        assertEq(insurance.balance(), 0);
        // The rest is on sale as bonds, owed to the vault meanwhile.
        assertEq(waterfall.seriesCount(), 1);
        assertEq(vault.deficitReceivable(), 1_508e6);
    }

    /// Property 15: the account's collateral goes first; bad debt is recognized only once nothing is left.
    function test_waterfall_collateralBeforeInsurance() public {
        _depositCollateral(alice, WBTC_ID, 0.01e8); // 600 of value
        _setEthPrice(1_500e18);
        uint256 fundBefore = insurance.balance();
        vm.prank(keeper);
        engine.liquidate(alice, ETH_MARKET, type(uint256).max);
        assertEq(engine.totalBadDebtWad(), 0, "collateral still there");
        assertEq(insurance.balance(), fundBefore, "fund untouched");
        vm.prank(keeper);
        engine.buyCollateral(alice, WBTC_ID, type(uint256).max, type(uint256).max);
        assertGt(engine.totalBadDebtWad(), 0);
        assertLt(insurance.balance(), fundBefore);
        assertEq(protocol.quoteBalance(alice), 0);
    }

    function test_settleBadDebt_revertsWhileCollateralRemains() public {
        _depositCollateral(alice, WBTC_ID, 0.01e8);
        _setEthPrice(1_500e18);
        vm.prank(keeper);
        engine.liquidate(alice, ETH_MARKET, type(uint256).max);
        // $600 of WBTC is not dust: a keeper buys it (the fixed-fee pattern) before the debt is written off.
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.DustLeft.selector, alice, 600e18, 10e18));
        engine.settleBadDebt(alice);
    }

    function test_settleBadDebt_revertsWithoutDebt() public {
        vm.expectRevert(abi.encodeWithSelector(IMarginProtocol.AccountNotEmpty.selector, alice));
        engine.settleBadDebt(alice);
        vm.expectRevert(abi.encodeWithSelector(IMarginProtocol.NoBadDebt.selector, bob));
        engine.settleBadDebt(bob);
    }

    function test_protocolHooks_onlyEngine() public {
        vm.expectRevert(abi.encodeWithSelector(IMarginProtocol.NotEngine.selector, address(this)));
        protocol.writeOffBadDebt(alice);
        vm.expectRevert(abi.encodeWithSelector(IMarginProtocol.NotLiquidator.selector, address(this)));
        protocol.liquidatePosition(alice, ETH_MARKET, -1, address(this), 0, address(this), 0);
        vm.expectRevert(abi.encodeWithSelector(IMarginProtocol.NotLiquidator.selector, address(this)));
        protocol.seizeCollateral(alice, WETH_ID, 1, address(this), 0);
        vm.expectRevert(abi.encodeWithSelector(IMarginProtocol.NotLiquidator.selector, address(this)));
        protocol.creditQuote(alice, 1e12, address(this));
        vm.expectRevert(abi.encodeWithSelector(IMarginProtocol.NotLiquidator.selector, address(this)));
        protocol.returnCollateral(alice, WETH_ID, 1, address(this));
        vm.expectRevert(abi.encodeWithSelector(IMarginProtocol.NotLiquidator.selector, address(this)));
        protocol.adjustAuctionLots(alice, 1);
    }
}
