// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {BaseTest} from "../Base.t.sol";
import {TestnetToken} from "../../src/demo/TestnetToken.sol";
import {LendingMarket} from "../../src/lending/LendingMarket.sol";
import {LiquidityVault} from "../../src/LiquidityVault.sol";
import {LiquidationEngine} from "../../src/LiquidationEngine.sol";
import {AuctionHouse} from "../../src/AuctionHouse.sol";
import {BackstopVault} from "../../src/BackstopVault.sol";
import {PoolTakeCallee} from "../../src/periphery/PoolTakeCallee.sol";

/// @notice The demo system with the lending market's handles and helpers: borrowers, keepers approved to pay the
/// lending market and its auction house.
abstract contract LendingBaseTest is BaseTest {
    LendingMarket internal lending;
    LiquidityVault internal lendingVault;
    LiquidationEngine internal lendingEngine;
    AuctionHouse internal lendingAuctions;
    BackstopVault internal lendingBackstop;
    PoolTakeCallee internal lendingTakeCallee;

    uint256 internal constant QUOTE_UNIT_WAD = 1e12;

    function setUp() public virtual override {
        super.setUp();
        _approveLending(keeper);
        _approveLending(keeper2);
    }

    /// @dev The demo system's handles and the lending market's.
    function _bind(Deployment memory d) internal virtual override {
        super._bind(d);
        lending = d.lending.market;
        lendingVault = d.lending.vault;
        lendingEngine = d.lending.engine;
        lendingAuctions = d.lending.auctionHouse;
        lendingBackstop = d.lending.backstop;
        lendingTakeCallee = d.lending.takeCallee;
    }

    function _approveLending(address who) internal {
        vm.startPrank(who);
        usdc.approve(address(lending), type(uint256).max);
        usdc.approve(address(lendingAuctions), type(uint256).max);
        vm.stopPrank();
    }

    function _lendDeposit(address who, uint256 collateralId, uint256 amount) internal {
        TestnetToken token = collateralId == WETH_ID ? weth : wbtc;
        token.mint(who, amount);
        vm.startPrank(who);
        token.approve(address(lending), amount);
        lending.depositCollateral(collateralId, amount);
        vm.stopPrank();
    }

    /// @dev The test contract lends `amount` more to the lending vault.
    function _lend(uint256 amount) internal {
        usdc.mint(address(this), amount);
        usdc.approve(address(lendingVault), amount);
        lendingVault.deposit(amount, address(this));
    }

    function _borrow(address who, uint256 amount) internal {
        vm.prank(who);
        lending.borrow(amount);
    }

    /// @dev `who` deposits `wethAmount` of WETH and borrows `usdcAmount` against it.
    function _borrowOnWeth(address who, uint256 wethAmount, uint256 usdcAmount) internal {
        _lendDeposit(who, WETH_ID, wethAmount);
        _borrow(who, usdcAmount);
    }

    function _repay(address who, uint256 amount) internal returns (uint256 paid) {
        usdc.mint(who, amount);
        vm.startPrank(who);
        usdc.approve(address(lending), amount);
        paid = lending.repay(who, amount);
        vm.stopPrank();
    }

    /// @dev Σ value × liquidation LTV ÷ debt [wad]: the health factor people read.
    function _healthFactor(address who) internal view returns (uint256) {
        return lending.healthFactorOf(who);
    }

    /// @dev The equity the engine reads: Σ value × liquidation LTV − debt [wad].
    function _engineEquity(address who) internal view returns (int256 equityWad) {
        uint256 maintenanceWad;
        (equityWad, maintenanceWad) = lending.marginState(who);
        assertEq(maintenanceWad, 0, "no positions: no maintenance");
    }
}
