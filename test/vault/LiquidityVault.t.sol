// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {BaseTest} from "../Base.t.sol";
import {LiquidityVault} from "../../src/LiquidityVault.sol";

contract LiquidityVaultTest is BaseTest {
    function test_withdrawable_keepsTenPercentOfOpenInterestIdle() public {
        _openLong(alice, 10_000e6, 10e18); // 30,000 of open interest: 3,000 kept back
        assertEq(vault.reserve(), 3_000e6);
        uint256 idle = usdc.balanceOf(address(vault));
        assertEq(vault.withdrawable(), idle - 3_000e6);
        assertEq(vault.maxWithdraw(address(this)), idle - 3_000e6);
        vm.expectRevert(
            abi.encodeWithSelector(LiquidityVault.InsufficientIdle.selector, idle - 2_999e6, idle - 3_000e6)
        );
        vault.withdraw(idle - 2_999e6, address(this), address(this));
        vault.withdraw(idle - 3_000e6, address(this), address(this));
        assertEq(usdc.balanceOf(address(vault)), 3_000e6);
    }

    function test_draw_onlyProtocol() public {
        vm.expectRevert(abi.encodeWithSelector(LiquidityVault.NotProtocol.selector, address(this)));
        vault.draw(1);
    }

    function test_totalAssets_countsTheReceivable() public {
        _depositCollateral(alice, WETH_ID, 1e18);
        _trade(alice, ETH_MARKET, 1e18); // fee 1.5 from a zero balance: debt
        assertEq(protocol.vaultReceivable(), 1.5e18);
        assertEq(vault.totalAssets(), usdc.balanceOf(address(vault)) + 1.5e6);
    }

    /// Depositors withdrawing all they can never blocks a liquidation that needs the vault to lend the penalty.
    function test_liquidation_worksAfterDepositorsWithdrawEverything() public {
        _depositCollateral(alice, WETH_ID, 10e18);
        _trade(alice, BTC_MARKET, 3e18);
        vault.withdraw(vault.maxWithdraw(address(this)), address(this), address(this));
        _setBtcPrice(54_500e18);
        ethFeed.push(3_000e18); // keep the collateral's price fresh
        assertTrue(_liquidatable(alice));
        vm.prank(keeper);
        engine.liquidate(alice, BTC_MARKET, type(uint256).max);
        assertFalse(_liquidatable(alice));
    }
}
