// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {BaseTest} from "../Base.t.sol";
import {IMarginProtocol} from "../../src/interfaces/IMarginProtocol.sol";
import {PriceStatus} from "../../src/interfaces/IOracle.sol";

/// @notice Levels: 0 normal; 1 no new exposure; 2 also no new liquidations; 3 also no collateral sales.
/// Deposits, repayments and reductions never halt (property 13).
contract CircuitBreakerTest is BaseTest {
    address internal guardian = makeAddr("guardian");

    function setUp() public override {
        super.setUp();
        protocol.setGuardian(guardian);
        _openLong(alice, 1_000e6, 2e18);
        _depositCollateral(bob, WETH_ID, 1e18);
        _trade(bob, ETH_MARKET, 4e18); // bob owes the fee: an indebted account with collateral
    }

    function _level(uint8 level) internal {
        vm.prank(guardian);
        protocol.setBreakerLevel(level);
    }

    function test_setBreakerLevel_onlyGuardianOrOwner() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IMarginProtocol.NotGuardian.selector, alice));
        protocol.setBreakerLevel(1);
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(IMarginProtocol.InvalidLevel.selector, 4));
        protocol.setBreakerLevel(4);
        protocol.setBreakerLevel(2); // the owner
        assertEq(protocol.breakerLevel(), 2);
    }

    /// What never halts, at every level.
    function testFuzz_neverHalts_depositsRepaymentsReductions(uint8 level) public {
        level = uint8(bound(level, 0, 3));
        _level(level);
        _depositQuote(alice, 10e6);
        _depositCollateral(alice, WETH_ID, 1e18);
        _depositQuote(bob, 100e6); // repays bob's debt
        assertGe(protocol.quoteBalance(bob), 0);
        _trade(alice, ETH_MARKET, -1e18);
        (int256 size,) = protocol.position(alice, ETH_MARKET);
        assertEq(size, 1e18);
    }

    function test_level1_haltsNewExposureOnly() public {
        _level(1);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IMarginProtocol.BreakerActive.selector, 1));
        protocol.trade(ETH_MARKET, 0.1e18, type(uint256).max);
        // liquidations go on
        _setEthPrice(2_540e18);
        vm.prank(keeper);
        engine.liquidate(alice, ETH_MARKET, type(uint256).max);
        (int256 size,) = protocol.position(alice, ETH_MARKET);
        assertEq(size, 0);
    }

    function test_level2_haltsLiquidationsButNotCollateralSales() public {
        _setEthPrice(2_100e18);
        vm.prank(keeper);
        engine.liquidate(bob, ETH_MARKET, type(uint256).max); // close bob's position while allowed
        _level(2);
        vm.prank(keeper);
        vm.expectRevert(abi.encodeWithSelector(IMarginProtocol.BreakerActive.selector, 2));
        engine.liquidate(alice, ETH_MARKET, type(uint256).max);
        vm.prank(keeper);
        engine.buyCollateral(bob, WETH_ID, type(uint256).max, type(uint256).max);
    }

    function test_level3_haltsCollateralSales() public {
        _setEthPrice(2_100e18);
        vm.prank(keeper);
        engine.liquidate(bob, ETH_MARKET, type(uint256).max);
        _level(3);
        vm.prank(keeper);
        vm.expectRevert(abi.encodeWithSelector(IMarginProtocol.BreakerActive.selector, 3));
        engine.buyCollateral(bob, WETH_ID, type(uint256).max, type(uint256).max);
    }

    /// A 30% move within a minute trips level 1 for the asset: no new exposure, liquidations go on.
    function test_volatility_tripsLevelOneForTheAsset() public {
        ethFeed.setGuards(0, 0.25e18, 60);
        vm.warp(block.timestamp + 10);
        _setEthPrice(2_100e18);
        vm.prank(bob);
        vm.expectRevert(
            abi.encodeWithSelector(
                IMarginProtocol.InvalidPrice.selector, address(ethFeed), 2_100e18, PriceStatus.Volatile
            )
        );
        protocol.trade(ETH_MARKET, 0.01e18, type(uint256).max);
        assertTrue(_liquidatable(alice));
        vm.prank(keeper);
        engine.liquidate(alice, ETH_MARKET, type(uint256).max);
        // BTC is not affected
        address carol = makeAddr("carol");
        _depositQuote(carol, 1_000e6);
        _trade(carol, BTC_MARKET, 0.01e18);
    }

    /// After an outage, liquidations wait for the grace period, then resume.
    function test_outage_liquidationsResumeAfterGracePeriod() public {
        ethFeed.setGuards(600, 0, 0);
        btcFeed.setGuards(600, 0, 0);
        vm.warp(block.timestamp + 2 hours); // both feeds stale
        _setEthPrice(2_540e18); // back, and alice is under water
        _setBtcPrice(60_000e18);
        vm.prank(keeper);
        vm.expectRevert(
            abi.encodeWithSelector(
                IMarginProtocol.InvalidPrice.selector, address(ethFeed), 2_540e18, PriceStatus.Recovering
            )
        );
        engine.liquidate(alice, ETH_MARKET, type(uint256).max);
        vm.warp(block.timestamp + 600);
        vm.prank(keeper);
        engine.liquidate(alice, ETH_MARKET, type(uint256).max);
        (int256 size,) = protocol.position(alice, ETH_MARKET);
        assertEq(size, 0);
    }
}
