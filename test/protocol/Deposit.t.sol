// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {BaseTest} from "../Base.t.sol";
import {IMarginProtocol} from "../../src/interfaces/IMarginProtocol.sol";
import {PriceStatus} from "../../src/interfaces/IOracle.sol";
import {PushPriceFeed} from "../../src/oracle/PushPriceFeed.sol";
import {FeeOnTransferToken} from "../mocks/WeirdTokens.sol";
import {TestnetToken} from "../../src/demo/TestnetToken.sol";

contract DepositTest is BaseTest {
    function test_depositQuote_creditsWholeUnitsInWad() public {
        _depositQuote(alice, 1_234_567);
        assertEq(protocol.quoteBalance(alice), 1_234_567e12);
        assertEq(usdc.balanceOf(address(protocol)), 1_234_567);
    }

    function test_depositQuote_revertsOnZero() public {
        vm.prank(alice);
        vm.expectRevert(IMarginProtocol.ZeroAmount.selector);
        protocol.depositQuote(0);
    }

    function test_depositQuote_repaysDebtToTheVault() public {
        // Alice ends with debt: WETH collateral, a fee taken from a zero quote balance.
        _depositCollateral(alice, WETH_ID, 1e18);
        _trade(alice, ETH_MARKET, 1e18); // fee 1.5 USDC
        assertEq(protocol.quoteBalance(alice), -1.5e18);
        assertEq(protocol.vaultReceivable(), 1.5e18);
        uint256 vaultBefore = usdc.balanceOf(address(vault));
        _depositQuote(alice, 10e6);
        assertEq(protocol.quoteBalance(alice), 8.5e18);
        assertEq(protocol.vaultReceivable(), 0);
        assertEq(usdc.balanceOf(address(vault)) - vaultBefore, 1.5e6, "repayment forwarded");
    }

    function test_depositQuote_worksWithInvalidPrice() public {
        _openLong(alice, 1_000e6, 1e18);
        vm.warp(block.timestamp + 2 days); // every feed stale
        _depositQuote(alice, 5e6);
        assertEq(protocol.quoteBalance(alice), (1_000e18 - 1.5e18) + 5e18);
    }

    function test_depositCollateral_creditsBalanceAndTotal() public {
        _depositCollateral(alice, WBTC_ID, 3e8);
        assertEq(protocol.collateralBalance(alice, WBTC_ID), 3e8);
        assertEq(protocol.collateralTotal(WBTC_ID), 3e8);
        (, uint256 collateralMask) = protocol.accountMasks(alice);
        assertEq(collateralMask, 1 << WBTC_ID);
    }

    function test_depositCollateral_revertsAboveCap() public {
        wbtc.mint(alice, 1_001e8);
        vm.startPrank(alice);
        wbtc.approve(address(protocol), type(uint256).max);
        vm.expectRevert(abi.encodeWithSelector(IMarginProtocol.DepositCapExceeded.selector, WBTC_ID, 1_001e8, 1_000e8));
        protocol.depositCollateral(WBTC_ID, 1_001e8);
        vm.stopPrank();
    }

    function test_depositCollateral_revertsOnUnknownId() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IMarginProtocol.UnknownCollateral.selector, 7));
        protocol.depositCollateral(7, 1);
    }

    function test_depositCollateral_topUpWorksWithInvalidPrice() public {
        _depositCollateral(alice, WETH_ID, 1e18);
        ethFeed.push(-5);
        _depositCollateral(alice, WETH_ID, 1e18);
        assertEq(protocol.collateralBalance(alice, WETH_ID), 2e18);
    }

    /// A new collateral with an invalid price would pause the account's liquidation (a 1-satoshi griefing deposit).
    function test_depositCollateral_newHoldingNeedsValidPrice() public {
        btcFeed.push(0);
        wbtc.mint(alice, 1);
        vm.startPrank(alice);
        wbtc.approve(address(protocol), 1);
        vm.expectRevert(
            abi.encodeWithSelector(IMarginProtocol.InvalidPrice.selector, address(btcFeed), 0, PriceStatus.NonPositive)
        );
        protocol.depositCollateral(WBTC_ID, 1);
        vm.stopPrank();
    }

    function test_depositCollateral_rejectsFeeOnTransferToken() public {
        FeeOnTransferToken fee = new FeeOnTransferToken();
        PushPriceFeed feed = new PushPriceFeed(address(this), address(this), 3600, 1, 1e30);
        feed.push(1e18);
        uint256 id = protocol.listCollateral(address(fee), feed, 0.5e18, type(uint128).max);
        fee.mint(alice, 100e18);
        vm.startPrank(alice);
        fee.approve(address(protocol), type(uint256).max);
        vm.expectRevert(
            abi.encodeWithSelector(IMarginProtocol.TransferAmountMismatch.selector, address(fee), 100e18, 99e18)
        );
        protocol.depositCollateral(id, 100e18);
        vm.stopPrank();
        assertEq(protocol.collateralBalance(alice, id), 0);
    }

    function testFuzz_depositCollateral_anyDecimalsValuedExactly(uint8 decimals, uint96 amount, uint64 priceUsd)
        public
    {
        decimals = uint8(bound(decimals, 0, 18));
        amount = uint96(bound(amount, 1, type(uint96).max));
        priceUsd = uint64(bound(priceUsd, 2, 1_000_000));
        (bool ok, uint256 id, address token) = _listToken(decimals, priceUsd);
        assertTrue(ok);
        TestnetToken(token).mint(alice, amount);
        vm.startPrank(alice);
        TestnetToken(token).approve(address(protocol), amount);
        protocol.depositCollateral(id, amount);
        vm.stopPrank();
        // equity = amount × 10^(18−d) × price × 0.5, rounded down.
        uint256 expected = uint256(amount) * 10 ** (18 - decimals) * priceUsd / 2;
        (int256 equity,) = protocol.marginState(alice);
        assertEq(uint256(equity), expected);
    }

    function _listToken(uint8 decimals, uint64 priceUsd) internal returns (bool, uint256, address) {
        TestnetToken token = new TestnetToken("T", "T", decimals, address(this));
        PushPriceFeed feed = new PushPriceFeed(address(this), address(this), 3600, 1, 1e30);
        feed.push(int192(uint192(priceUsd) * 1e18));
        uint256 id = protocol.listCollateral(address(token), feed, 0.5e18, type(uint128).max);
        return (true, id, address(token));
    }
}

