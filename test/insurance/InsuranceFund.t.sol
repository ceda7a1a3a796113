// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {BaseTest} from "../Base.t.sol";
import {IInsuranceFund} from "../../src/interfaces/IInsuranceFund.sol";

contract InsuranceFundTest is BaseTest {
    address internal staker = makeAddr("staker");

    function _stake(address who, uint256 amount) internal returns (uint256 shares) {
        usdc.mint(who, amount);
        vm.startPrank(who);
        usdc.approve(address(insurance), amount);
        shares = insurance.deposit(amount, who);
        vm.stopPrank();
    }

    function test_stakersEarnPenalties() public {
        uint256 shares = _stake(staker, 50_000e6); // half the fund
        usdc.mint(address(insurance), 1_000e6); // a penalty share arrives
        // Half of it, less the virtual stake's part (one USDC's worth of shares in 100,001): $0.005.
        assertEq(insurance.convertToAssets(shares), shares * (101_000e6 + 1e6) / (100_000e6 + 1e6));
        assertEq(insurance.convertToAssets(shares), 50_500e6 - 5_000);
    }

    function test_exitOnlyThroughTheCooldown() public {
        uint256 shares = _stake(staker, 10_000e6);
        vm.startPrank(staker);
        vm.expectRevert(IInsuranceFund.CooldownRequired.selector);
        insurance.redeem(shares, staker, staker);
        vm.expectRevert(IInsuranceFund.CooldownRequired.selector);
        insurance.withdraw(1, staker, staker);
        assertEq(insurance.maxRedeem(staker), 0);

        uint256 readyAt = insurance.requestWithdraw(shares);
        assertEq(readyAt, block.timestamp + 7 days);
        assertEq(insurance.balanceOf(staker), 0, "escrowed");
        vm.expectRevert(abi.encodeWithSelector(IInsuranceFund.CoolingDown.selector, staker, readyAt));
        insurance.withdrawRequested(staker);
        vm.warp(readyAt);
        uint256 assets = insurance.withdrawRequested(staker);
        vm.stopPrank();
        assertEq(assets, 10_000e6);
        assertEq(usdc.balanceOf(staker), 10_000e6);
        assertEq(insurance.balanceOf(address(insurance)), 0);
    }

    /// A staker who asks to leave just before a known loss still bears its share of it.
    function test_lossDuringCooldownIsSharedByCoolingStakers() public {
        uint256 shares = _stake(staker, 50_000e6); // half of 100k
        vm.prank(staker);
        insurance.requestWithdraw(shares);
        // Bad debt of 20k is covered while the request cools down.
        vm.prank(address(engine));
        insurance.cover(address(vault), 20_000e6);
        vm.warp(block.timestamp + 7 days);
        vm.prank(staker);
        uint256 assets = insurance.withdrawRequested(staker);
        assertEq(assets, 40_000e6, "half of the loss");
        assertEq(insurance.convertToAssets(insurance.balanceOf(address(this))), 40_000e6, "the other half");
    }

    function test_floorIsNeverAvailableToStakers_butCoversBadDebt() public {
        uint256 shares = _stake(staker, 50_000e6);
        insurance.setFloor(80_000e6);
        assertEq(insurance.availableToStakers(), 20_000e6);
        vm.prank(staker);
        insurance.requestWithdraw(shares);
        vm.warp(block.timestamp + 7 days);
        vm.prank(staker);
        vm.expectRevert(abi.encodeWithSelector(IInsuranceFund.BelowFloor.selector, 50_000e6, 20_000e6));
        insurance.withdrawRequested(staker);
        // Coverage is not bound by the floor.
        vm.prank(address(engine));
        assertEq(insurance.cover(address(vault), 95_000e6), 95_000e6);
    }

    function test_cancelReturnsTheShares_andANewRequestRestartsTheClock() public {
        uint256 shares = _stake(staker, 10_000e6);
        vm.startPrank(staker);
        insurance.requestWithdraw(shares / 2);
        vm.warp(block.timestamp + 6 days);
        uint256 readyAt = insurance.requestWithdraw(shares / 2);
        assertEq(readyAt, block.timestamp + 7 days);
        (uint192 escrowed,) = insurance.requests(staker);
        assertEq(escrowed, shares);
        insurance.cancelWithdraw();
        assertEq(insurance.balanceOf(staker), shares);
        vm.expectRevert(abi.encodeWithSelector(IInsuranceFund.NoRequest.selector, staker));
        insurance.cancelWithdraw();
        vm.stopPrank();
    }

    function test_onlyEngineAndSpendersCover_andOwnerConfigures() public {
        vm.prank(staker);
        vm.expectRevert(abi.encodeWithSelector(IInsuranceFund.NotEngine.selector, staker));
        insurance.cover(staker, 1);
        vm.prank(staker);
        vm.expectRevert("UNAUTHORIZED");
        insurance.setFloor(1);
        vm.expectRevert(abi.encodeWithSelector(IInsuranceFund.InvalidParams.selector, "cooldown"));
        insurance.setCooldown(366 days);
    }

    /// Whatever the gains and losses in between, no staker redeems more than its share of what the fund holds.
    function testFuzz_cooldownPaysTheShareNow(uint256 stake, uint256 gain, uint256 loss) public {
        stake = bound(stake, 1e6, 1_000_000e6);
        gain = bound(gain, 0, 100_000e6);
        uint256 shares = _stake(staker, stake);
        vm.prank(staker);
        insurance.requestWithdraw(shares);
        usdc.mint(address(insurance), gain);
        loss = bound(loss, 0, insurance.balance());
        vm.prank(address(engine));
        insurance.cover(address(vault), loss);
        uint256 balanceBefore = insurance.balance();
        uint256 supplyBefore = insurance.totalSupply();
        vm.warp(block.timestamp + 7 days);
        vm.prank(staker);
        uint256 assets = insurance.withdrawRequested(staker);
        // Its pro-rata share of what the fund holds now, or less by the virtual stake's part of a gain, rounded down...
        uint256 proRata = balanceBefore * shares / supplyBefore;
        uint256 atVirtual = (balanceBefore + 1e6) * shares / (supplyBefore + 1e6);
        assertEq(assets, proRata < atVirtual ? proRata : atVirtual);
        // ...so the stakers who stay never see their share price fall.
        assertGe(insurance.balance() * supplyBefore, balanceBefore * insurance.totalSupply());
    }

    /// Regression: once a loss empties the fund (its shares remain), a stake is priced on the virtual stake's assets.
    /// Priced on zero, `mint` handed out any number of shares for nothing (and `deposit` divided by zero): the free
    /// shares would then have taken the revenue routed to the fund after the bonds, owed to the stakers who bore the loss.
    function test_emptiedFund_mintIsNeverFree_andDepositStillWorks() public {
        uint256 all = insurance.balance();
        vm.prank(address(engine));
        insurance.cover(address(vault), all);
        uint256 supply = insurance.totalSupply();
        assertEq(insurance.totalAssets(), 0);
        assertEq(supply, 50_000e6, "the owner's shares remain");

        // A mint pays at least one USDC per `supply` + 1 USDC of shares.
        assertEq(insurance.previewMint(1e30), (1e30 * 1e6 + supply + 1e6 - 1) / (supply + 1e6));
        usdc.mint(staker, 1_000e6);
        vm.startPrank(staker);
        usdc.approve(address(insurance), type(uint256).max);
        vm.expectRevert("TRANSFER_FROM_FAILED");
        insurance.mint(1e40, staker); // would cost 2e35 units
        uint256 shares = insurance.deposit(1_000e6, staker);
        vm.stopPrank();
        assertEq(shares, 1_000e6 * (supply + 1e6) / 1e6);
        // The newcomer owns its stake at the pro-rata price, less at most the virtual stake (one USDC), which the wiped
        // shares keep; the virtual price would pay out assets that do not exist.
        assertEq(insurance.convertToAssets(shares), 1_000e6 * shares / (shares + supply));
        assertGe(insurance.convertToAssets(shares), 1_000e6 - 1e6);
        assertLe(insurance.convertToAssets(supply), 1e6);
    }
}
