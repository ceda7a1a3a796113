// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Vm} from "forge-std/Vm.sol";
import {BaseTest} from "../Base.t.sol";
import {ILiquidationEngine, LiquidationOrder} from "../../src/interfaces/ILiquidationEngine.sol";
import {IMarginProtocol} from "../../src/interfaces/IMarginProtocol.sol";
import {ILiquidatable} from "../../src/interfaces/ILiquidatable.sol";
import {PriceStatus} from "../../src/interfaces/IOracle.sol";
import {LiquidationLens, LiquidationCandidate} from "../../src/periphery/LiquidationLens.sol";

contract LiquidateBatchTest is BaseTest {
    address internal carol = makeAddr("carol");
    address internal dave = makeAddr("dave");

    function setUp() public override {
        super.setUp();
        _openLong(alice, 1_000e6, 2e18); // liquidation price ≈ 2,635
        _openLong(bob, 1_000e6, 2e18);
        _openLong(carol, 2_000e6, 2e18); // far from the line
        _openLong(dave, 1_000e6, 2e18);
    }

    function _orders(address[] memory accounts) internal pure returns (LiquidationOrder[] memory orders) {
        orders = new LiquidationOrder[](accounts.length);
        for (uint256 i; i < accounts.length; ++i) {
            orders[i] = LiquidationOrder({account: accounts[i], marketId: 0});
        }
    }

    function _three() internal view returns (address[] memory accounts) {
        accounts = new address[](3);
        (accounts[0], accounts[1], accounts[2]) = (alice, carol, bob);
    }

    function test_liquidateBatch_closesEachAsLiquidateWould() public {
        _setEthPrice(2_540e18); // alice and bob below half health: full close; carol healthy
        (int256 expectedClose,, uint256 expectedReward) = engine.previewLiquidation(alice, ETH_MARKET);
        uint256 keeperBefore = usdc.balanceOf(keeper);

        vm.prank(keeper);
        (int256[] memory closed, uint256 rewardWad) = engine.liquidateBatch(_orders(_three()));

        assertEq(closed.length, 3);
        assertEq(closed[0], expectedClose, "alice closed as previewed");
        assertEq(closed[1], 0, "carol is healthy: skipped");
        assertEq(closed[2], expectedClose, "bob (same position) closed the same");
        assertEq(rewardWad, 2 * expectedReward, "the batch's reward is the sum of its orders'");
        assertEq((usdc.balanceOf(keeper) - keeperBefore) * 1e12, rewardWad, "the keeper is paid the reward");
        (int256 aliceSize,) = protocol.position(alice, ETH_MARKET);
        (int256 carolSize,) = protocol.position(carol, ETH_MARKET);
        assertEq(aliceSize, 0);
        assertEq(carolSize, 2e18, "carol untouched");
    }

    function test_liquidateBatch_skipsWhatAnotherKeeperClosed() public {
        _setEthPrice(2_540e18);
        vm.prank(keeper);
        engine.liquidate(alice, ETH_MARKET, type(uint256).max); // a competitor got alice first
        address[] memory accounts = new address[](3);
        (accounts[0], accounts[1], accounts[2]) = (alice, bob, bob); // bob twice: the second order finds no position

        vm.prank(keeper);
        (int256[] memory closed,) = engine.liquidateBatch(_orders(accounts));

        assertEq(closed[0], 0, "alice: nothing left");
        assertLt(closed[1], 0, "bob closed");
        assertEq(closed[2], 0, "bob's second order: no position left");
    }

    function test_liquidateBatch_emitsLiquidatedPerClosedOrder() public {
        _setEthPrice(2_540e18);
        vm.recordLogs();
        vm.prank(keeper);
        engine.liquidateBatch(_orders(_three()));
        Vm.Log[] memory logs = vm.getRecordedLogs();
        uint256 liquidated;
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter == address(engine) && logs[i].topics[0] == ILiquidationEngine.Liquidated.selector) {
                liquidated++;
            }
        }
        assertEq(liquidated, 2, "alice and bob, not the skipped carol");
    }

    function test_liquidateBatch_paysTheKeeperAndTheWaterfallOnceEach() public {
        _setEthPrice(2_540e18);
        uint256 waterfallBefore = usdc.balanceOf(address(waterfall));
        vm.recordLogs();
        vm.prank(keeper);
        (, uint256 rewardWad) = engine.liquidateBatch(_orders(_three()));
        Vm.Log[] memory logs = vm.getRecordedLogs();
        uint256 toKeeper;
        uint256 toWaterfall;
        uint256 penaltiesWad;
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter == address(usdc) && logs[i].topics[0] == keccak256("Transfer(address,address,uint256)"))
            {
                address to = address(uint160(uint256(logs[i].topics[2])));
                if (to == keeper) toKeeper++;
                if (to == address(waterfall)) toWaterfall++;
            }
            if (logs[i].emitter == address(engine) && logs[i].topics[0] == ILiquidationEngine.Liquidated.selector) {
                (,,, uint256 penaltyWad, uint256 keeperRewardWad,,,) =
                    abi.decode(logs[i].data, (int256, uint256, uint256, uint256, uint256, uint256, uint256, uint256));
                penaltiesWad += penaltyWad - keeperRewardWad;
            }
        }
        assertEq(toKeeper, 1, "one transfer to the keeper for two positions");
        assertEq(toWaterfall, 1, "one transfer to the waterfall");
        assertEq((usdc.balanceOf(address(waterfall)) - waterfallBefore) * 1e12, penaltiesWad, "the insurance shares");
        assertGt(rewardWad, 0);
    }

    /// @dev One at a time, a solvent close's insurance share reaches the waterfall before the next account's bad debt is
    /// absorbed; a batch keeps that: it settles the emptied accounts after paying the waterfall.
    function test_liquidateBatch_settlesBadDebtAfterPayingTheWaterfall() public {
        address underwater = makeAddr("underwater");
        _openLong(underwater, 610e6, 2e18); // about 10× leverage: equity < 0 at 2,540
        _setEthPrice(2_540e18);
        (int256 equityWad,) = protocol.marginState(underwater);
        assertLt(equityWad, 0, "underwater");
        address[] memory accounts = new address[](2);
        (accounts[0], accounts[1]) = (alice, underwater);

        vm.recordLogs();
        vm.prank(keeper);
        engine.liquidateBatch(_orders(accounts));
        Vm.Log[] memory logs = vm.getRecordedLogs();
        uint256 paidAt = type(uint256).max;
        uint256 settledAt = type(uint256).max;
        for (uint256 i; i < logs.length; ++i) {
            if (
                logs[i].emitter == address(usdc) && logs[i].topics[0] == keccak256("Transfer(address,address,uint256)")
                    && address(uint160(uint256(logs[i].topics[2]))) == address(waterfall) && paidAt == type(uint256).max
            ) paidAt = i;
            if (logs[i].emitter == address(engine) && logs[i].topics[0] == ILiquidationEngine.BadDebtSettled.selector) {
                settledAt = i;
            }
        }
        assertLt(settledAt, type(uint256).max, "the underwater account's bad debt is settled in the batch");
        assertLt(paidAt, settledAt, "the waterfall holds the insurance shares before the bad debt is absorbed");
        assertEq(protocol.quoteBalance(underwater), 0, "written off");
    }

    /// @dev Payout batches live in transient storage: each sequence runs inside one call of a registered liquidator.
    function test_payouts_onlyForLiquidators_oneAtATime() public {
        vm.expectRevert(abi.encodeWithSelector(IMarginProtocol.NotLiquidator.selector, address(this)));
        protocol.beginPayouts(keeper, address(waterfall));

        PayoutProbe probe = new PayoutProbe(protocol);
        PayoutProbe other = new PayoutProbe(protocol);
        protocol.setLiquidator(address(probe), true);
        protocol.setLiquidator(address(other), true);

        vm.expectRevert(abi.encodeWithSelector(ILiquidatable.PayoutsOpen.selector, address(0)));
        probe.endOnly(); // none open
        vm.expectRevert(abi.encodeWithSelector(ILiquidatable.PayoutsOpen.selector, address(probe)));
        probe.beginTwice();
        vm.expectRevert(abi.encodeWithSelector(ILiquidatable.PayoutsOpen.selector, address(probe)));
        probe.beginThenOtherEnds(other); // another liquidator cannot close it
        probe.beginThenEnd(); // and a batch that owes nothing pays nothing
    }

    function test_liquidateBatch_revertsOnSelf() public {
        _setEthPrice(2_540e18);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.SelfLiquidation.selector, bob));
        engine.liquidateBatch(_orders(_three()));
    }

    function test_liquidateBatch_revertsWholeOnInvalidPrice() public {
        _setEthPrice(2_540e18);
        vm.warp(block.timestamp + 3601);
        vm.prank(keeper);
        vm.expectRevert(
            abi.encodeWithSelector(IMarginProtocol.InvalidPrice.selector, address(ethFeed), 2_540e18, PriceStatus.Stale)
        );
        engine.liquidateBatch(_orders(_three()));
    }

    function test_lens_listsExactlyTheAccountsBelowMaintenance() public {
        LiquidationLens lens = new LiquidationLens();
        address[] memory accounts = new address[](5);
        (accounts[0], accounts[1], accounts[2], accounts[3], accounts[4]) = (alice, bob, carol, dave, keeper);
        assertEq(lens.belowMaintenance(protocol, accounts).length, 0, "none before the fall");

        _setEthPrice(2_600e18);
        LiquidationCandidate[] memory found = lens.belowMaintenance(protocol, accounts);
        assertEq(found.length, 3, "alice, bob and dave; not carol, not an account with nothing");
        assertEq(found[0].account, alice);
        assertEq(found[1].account, bob);
        assertEq(found[2].account, dave);
        (int256 e, uint256 m) = protocol.marginState(alice);
        assertEq(found[0].equityWad, e);
        assertEq(found[0].maintenanceWad, m);
        assertEq(found[0].marketMask, 1, "a position in market 0");
        assertEq(found[0].collateralMask, 0);
        assertEq(found[0].quoteWad, protocol.quoteBalance(alice));
        for (uint256 i; i < found.length; ++i) {
            assertTrue(protocol.isLiquidatable(found[i].account), "the protocol agrees");
        }

        vm.warp(block.timestamp + 3601); // a stale price: the protocol reverts, the lens leaves them out
        assertEq(lens.belowMaintenance(protocol, accounts).length, 0, "no candidates on an invalid price");
    }
}

/// @dev A registered liquidator that opens and closes payout batches within one call.
contract PayoutProbe {
    IMarginProtocol internal immutable PROTOCOL;

    constructor(IMarginProtocol protocol_) {
        PROTOCOL = protocol_;
    }

    function endOnly() external {
        PROTOCOL.endPayouts();
    }

    function beginTwice() external {
        PROTOCOL.beginPayouts(address(1), address(2));
        PROTOCOL.beginPayouts(address(1), address(2));
    }

    function beginThenOtherEnds(PayoutProbe other) external {
        PROTOCOL.beginPayouts(address(1), address(2));
        other.endOnly();
    }

    function beginThenEnd() external {
        PROTOCOL.beginPayouts(address(1), address(2));
        PROTOCOL.endPayouts();
    }
}
