// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Owned} from "solmate/auth/Owned.sol";
import {PortfolioBase} from "../portfolio/PortfolioBase.t.sol";
import {Timelock} from "../../src/governance/Timelock.sol";
import {IMarginProtocol} from "../../src/interfaces/IMarginProtocol.sol";
import {IPortfolioMargin} from "../../src/interfaces/IPortfolioMargin.sol";
import {ILiquidatable} from "../../src/interfaces/ILiquidatable.sol";
import {ILendingMarket} from "../../src/interfaces/ILendingMarket.sol";
import {LiquidationParams} from "../../src/interfaces/ILiquidationEngine.sol";
import {StepLimit} from "../../src/libraries/StepLimit.sol";

/// @notice Issue 12, finding 7: admin changes took effect in the block they were made. Unsetting the portfolio module
/// made hedged books liquidatable at once; `setLiquidator` let the owner seize healthy collateral for nothing; raising
/// the engine's target grew every close. Once handed to a `Timelock` (what a production deploy does), every such call
/// waits the delay in public, and the guardian can still halt at once.
contract TimelockTest is PortfolioBase {
    uint256 internal constant DELAY = 2 days;

    Timelock internal timelock;
    Deployment internal deployed;
    address internal guardian = makeAddr("guardian");
    address internal rogue = makeAddr("rogue liquidator");

    function _bind(Deployment memory d) internal override {
        super._bind(d);
        deployed = d;
    }

    function setUp() public override {
        super.setUp();
        _listPeggedMarket();
        timelock = new Timelock(address(this), guardian, DELAY);
        _handOverToTimelock(deployed, timelock);
    }

    /// Alice: $8,000 on a hedge, long 30 ETH and short 30 of the pegged stETH perp ($180k gross), built in steps of 5
    /// so that no step is unhedged by more than 5. On the portfolio rules it needs its 1% floor ($1,800); on the standard
    /// rules 5% of each leg ($9,000), more than its equity.
    function _hedgedBook() internal {
        _depositQuote(alice, 8_000e6);
        _optIn(alice);
        for (uint256 i; i < 6; ++i) {
            _trade(alice, ETH_MARKET, 5e18);
            _trade(alice, STETH_MARKET, -5e18);
        }
        assertFalse(_liquidatable(alice));
    }

    function _queue(address target, bytes memory data) internal returns (bytes32 id) {
        (id,) = timelock.queue(target, data, bytes32(0));
    }

    /// Moves time on, pushing every price again so none goes stale.
    function _wait(uint256 seconds_) internal {
        vm.warp(block.timestamp + seconds_);
        (uint256 eth,) = ethFeed.read();
        (uint256 btc,) = btcFeed.read();
        _setEthPrice(eth);
        _setBtcPrice(btc);
        stethFeed.push(int192(int256(eth)));
    }

    function test_handOver_everyRiskContractIsTheTimelocks() public {
        address[16] memory owned = [
            address(deployed.ethFeed),
            address(deployed.btcFeed),
            address(deployed.vault),
            address(deployed.protocol),
            address(deployed.engine),
            address(deployed.insuranceFund),
            address(deployed.auctionHouse),
            address(deployed.backstop),
            address(deployed.waterfall),
            address(deployed.portfolioMargin),
            address(deployed.preLiquidation),
            address(deployed.lending.market),
            address(deployed.lending.vault),
            address(deployed.lending.engine),
            address(deployed.lending.auctionHouse),
            address(deployed.lending.backstop)
        ];
        for (uint256 i; i < owned.length; ++i) {
            assertEq(Owned(owned[i]).owner(), address(timelock));
        }
        assertEq(protocol.guardian(), guardian);
        assertEq(deployed.lending.market.guardian(), guardian);
        // The former owner has no direct power left.
        vm.expectRevert("UNAUTHORIZED");
        protocol.setLiquidator(rogue, true);
    }

    /// Regression: unsetting the portfolio module made every hedged book liquidatable in the same block.
    function test_unsettingThePortfolioModule_waitsTheDelay() public {
        _hedgedBook();
        bytes memory unset = abi.encodeCall(protocol.setPortfolioMargin, (IPortfolioMargin(address(0))));
        vm.expectRevert("UNAUTHORIZED");
        protocol.setPortfolioMargin(IPortfolioMargin(address(0)));
        bytes32 id = _queue(address(protocol), unset);
        vm.expectRevert(abi.encodeWithSelector(Timelock.NotReady.selector, id, block.timestamp + DELAY));
        timelock.execute(address(protocol), unset, bytes32(0));
        _wait(DELAY - 1);
        assertFalse(_liquidatable(alice), "a day and more to add margin or leave");
        assertEq(address(protocol.portfolioMargin()), address(portfolio));
        _wait(1);
        timelock.execute(address(protocol), unset, bytes32(0));
        assertTrue(_liquidatable(alice), "she did not act: the standard rules now apply");
    }

    /// Regression: `setLiquidator` let the owner seize a healthy account's collateral in one block. The registration
    /// now waits the delay, in which the account can withdraw.
    function test_liquidatorRegistration_waitsTheDelay() public {
        _depositCollateral(bob, WETH_ID, 10e18);
        bytes memory register = abi.encodeCall(protocol.setLiquidator, (rogue, true));
        _queue(address(protocol), register);
        vm.prank(rogue);
        vm.expectRevert(abi.encodeWithSelector(IMarginProtocol.NotLiquidator.selector, rogue));
        ILiquidatable(address(protocol)).seizeCollateral(bob, WETH_ID, 10e18, rogue, 0);
        // Bob sees the queued registration and leaves.
        vm.prank(bob);
        protocol.withdrawCollateral(WETH_ID, 10e18);
        _wait(DELAY);
        timelock.execute(address(protocol), register, bytes32(0));
        assertTrue(protocol.isLiquidator(rogue));
        assertEq(weth.balanceOf(bob), 10e18, "nothing left to seize");
    }

    /// Regression: raising the engine's target health grew every close from the next block. It now waits the delay.
    function test_engineTargetRaise_waitsTheDelay() public {
        LiquidationParams memory p = engine.params();
        p.targetHealthWad = 1.3125e18; // the most one raise may take: 5/4 of the distance above 1
        bytes memory raise = abi.encodeCall(engine.setParams, (p));
        vm.expectRevert("UNAUTHORIZED");
        engine.setParams(p);
        _queue(address(engine), raise);
        _wait(DELAY - 1);
        assertEq(engine.params().targetHealthWad, 1.25e18);
        _wait(1);
        timelock.execute(address(engine), raise, bytes32(0));
        assertEq(engine.params().targetHealthWad, 1.3125e18);
    }

    /// Regression: the target and the penalty jumped in one call (2.5% to 10%: four times the charge on every close
    /// from the next block). Each now rises by at most 5/4 a raise, a day apart; a cut is free.
    function test_engineTargetAndPenalty_riseInSteps() public {
        LiquidationParams memory p = engine.params();
        p.penaltyWad = 0.1e18;
        bytes memory jump = abi.encodeCall(engine.setParams, (p));
        _queue(address(engine), jump);
        _wait(DELAY);
        bytes memory tooLarge = abi.encodeWithSelector(StepLimit.RaiseTooLarge.selector, 0.025e18, 0.1e18, 0.03125e18);
        vm.expectRevert(
            abi.encodeWithSelector(
                Timelock.CallFailed.selector, timelock.operationId(address(engine), jump, bytes32(0)), tooLarge
            )
        );
        timelock.execute(address(engine), jump, bytes32(0));

        vm.startPrank(address(timelock));
        p = engine.params();
        p.penaltyWad = 0.03125e18;
        engine.setParams(p);
        uint256 next = block.timestamp + 1 days;
        assertEq(engine.nextParamsRaiseAt(), next);
        p.targetHealthWad = 1.3e18; // a raise of the other parameter waits the same clock
        vm.expectRevert(abi.encodeWithSelector(StepLimit.RaiseTooSoon.selector, next));
        engine.setParams(p);
        p.targetHealthWad = 1.2e18; // a cut does not
        p.penaltyWad = 0.02e18;
        engine.setParams(p);
        assertEq(engine.params().penaltyWad, 0.02e18);
        vm.warp(next);
        p.targetHealthWad = 1.25e18;
        p.penaltyWad = 0.025e18;
        engine.setParams(p);
        vm.stopPrank();
        assertEq(engine.params().targetHealthWad, 1.25e18);
    }

    /// The guardian halts at once (the protocols' own guardian role) and can cancel what is queued, but cannot queue.
    function test_guardian_haltsAtOnce_cancels_neverQueues() public {
        vm.prank(guardian);
        protocol.setBreakerLevel(2);
        assertEq(protocol.breakerLevel(), 2);
        bytes memory register = abi.encodeCall(protocol.setLiquidator, (rogue, true));
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(Timelock.NotAdmin.selector, guardian));
        timelock.queue(address(protocol), register, bytes32(0));
        bytes32 id = _queue(address(protocol), register);
        vm.prank(guardian);
        timelock.cancel(address(protocol), register, bytes32(0));
        _wait(DELAY);
        vm.expectRevert(abi.encodeWithSelector(Timelock.NotQueued.selector, id));
        timelock.execute(address(protocol), register, bytes32(0));
        assertFalse(protocol.isLiquidator(rogue));
    }

    /// Review regression: the guardian could cancel the queued call that replaces it, and so block its own removal.
    function test_guardian_cannotCancelItsOwnReplacement() public {
        bytes memory replace = abi.encodeCall(Timelock.setGuardian, (makeAddr("new guardian")));
        _queue(address(timelock), replace);
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(Timelock.NotAdminOrGuardian.selector, guardian));
        timelock.cancel(address(timelock), replace, bytes32(0));
        _wait(DELAY);
        timelock.execute(address(timelock), replace, bytes32(0));
        assertEq(timelock.guardian(), makeAddr("new guardian"));
    }

    function test_execute_staleAfterTheGracePeriod_andNamesAFailedCall() public {
        bytes memory register = abi.encodeCall(protocol.setLiquidator, (rogue, true));
        bytes32 id = _queue(address(protocol), register);
        uint256 ready = block.timestamp + DELAY;
        vm.warp(ready + timelock.GRACE_PERIOD() + 1);
        vm.expectRevert(abi.encodeWithSelector(Timelock.Stale.selector, id, ready + timelock.GRACE_PERIOD()));
        timelock.execute(address(protocol), register, bytes32(0));
        // A call the target refuses reverts with its reason.
        bytes memory bad = abi.encodeCall(protocol.setBreakerLevel, (9));
        bytes32 badId = _queue(address(protocol), bad);
        _wait(DELAY);
        vm.expectRevert(
            abi.encodeWithSelector(
                Timelock.CallFailed.selector, badId, abi.encodeWithSelector(IMarginProtocol.InvalidLevel.selector, 9)
            )
        );
        timelock.execute(address(protocol), bad, bytes32(0));
    }

    function test_settings_onlyThroughTheQueue_withinRange() public {
        vm.expectRevert(abi.encodeWithSelector(Timelock.NotSelf.selector, address(this)));
        timelock.setDelay(1 days);
        bytes memory shorter = abi.encodeCall(Timelock.setDelay, (1 hours));
        _queue(address(timelock), shorter);
        _wait(DELAY);
        vm.expectRevert(
            abi.encodeWithSelector(
                Timelock.CallFailed.selector,
                timelock.operationId(address(timelock), shorter, bytes32(0)),
                abi.encodeWithSelector(Timelock.DelayOutOfRange.selector, 1 hours, 1 days, 30 days)
            )
        );
        timelock.execute(address(timelock), shorter, bytes32(0));
        vm.expectRevert(abi.encodeWithSelector(Timelock.DelayOutOfRange.selector, 0, 1 days, 30 days));
        new Timelock(address(this), guardian, 0);
        vm.expectRevert(Timelock.ZeroAddress.selector);
        new Timelock(address(0), guardian, DELAY);
    }

    /// The floor's raise limit and the timelock together make a ramp: the admin queues every step of 1% to 5% at once
    /// (the whole schedule is public from the first day), and each runs only a day after the one before.
    function test_floorRamp_queuedAtOnce_runsADayApart() public {
        _hedgedBook();
        uint64[8] memory steps = [
            uint64(0.0125e18),
            0.015625e18,
            0.01953125e18,
            0.0244140625e18,
            0.030517578125e18,
            0.03814697265625e18,
            0.0476837158203125e18,
            0.05e18
        ];
        bytes[8] memory calls;
        for (uint256 i; i < 8; ++i) {
            calls[i] = abi.encodeCall(portfolio.setParams, (steps[i], 1.5e18));
            timelock.queue(address(portfolio), calls[i], bytes32(i));
        }
        _wait(DELAY);
        timelock.execute(address(portfolio), calls[0], bytes32(0));
        bytes memory tooSoon = abi.encodeWithSelector(StepLimit.RaiseTooSoon.selector, block.timestamp + 1 days);
        vm.expectRevert(
            abi.encodeWithSelector(
                Timelock.CallFailed.selector,
                timelock.operationId(address(portfolio), calls[1], bytes32(uint256(1))),
                tooSoon
            )
        );
        timelock.execute(address(portfolio), calls[1], bytes32(uint256(1)));
        for (uint256 i = 1; i < 8; ++i) {
            _wait(1 days);
            timelock.execute(address(portfolio), calls[i], bytes32(i));
        }
        assertEq(portfolio.minFractionWad(), 0.05e18);
    }

    /// Regression: the guardian could halt but not lower a cap. It now lowers open-interest and deposit caps at once
    /// (a lower cap only stops growth: reductions still go through), cannot raise them, and the owner (the timelock)
    /// raises them after the delay.
    function test_guardianLowersCapsAtOnce() public {
        _hedgedBook();
        (uint256 longWad,) = protocol.openInterest(ETH_MARKET);
        vm.prank(guardian);
        protocol.setOpenInterestCap(ETH_MARKET, uint128(longWad));
        assertEq(protocol.market(ETH_MARKET).openInterestCapWad, longWad);
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(
                IMarginProtocol.OpenInterestCapExceeded.selector, ETH_MARKET, longWad + 1e18, longWad
            )
        );
        protocol.trade(ETH_MARKET, 1e18, type(uint256).max);
        _trade(alice, ETH_MARKET, -5e18); // a reduction is never capped
        _trade(alice, STETH_MARKET, 5e18);

        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(IMarginProtocol.CapNotLowered.selector, longWad, longWad));
        protocol.setOpenInterestCap(ETH_MARKET, uint128(longWad));
        vm.prank(rogue);
        vm.expectRevert(abi.encodeWithSelector(IMarginProtocol.NotGuardian.selector, rogue));
        protocol.setOpenInterestCap(ETH_MARKET, 0);
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(IMarginProtocol.UnknownMarket.selector, 7));
        protocol.setOpenInterestCap(7, 0);

        // Deposit caps, on both protocols: the guardian stops new deposits; withdrawals still go through.
        _depositCollateral(bob, WETH_ID, 1e18);
        vm.prank(guardian);
        protocol.setDepositCap(WETH_ID, 1e18);
        weth.mint(bob, 1);
        vm.startPrank(bob);
        weth.approve(address(protocol), 1);
        vm.expectRevert(abi.encodeWithSelector(IMarginProtocol.DepositCapExceeded.selector, WETH_ID, 1e18 + 1, 1e18));
        protocol.depositCollateral(WETH_ID, 1);
        protocol.withdrawCollateral(WETH_ID, 1e18);
        vm.stopPrank();
        ILendingMarket lending = deployed.lending.market;
        vm.prank(guardian);
        lending.setDepositCap(WETH_ID, 0);
        assertEq(lending.collateral(WETH_ID).depositCap, 0);
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(ILendingMarket.CapNotLowered.selector, 0, 1));
        lending.setDepositCap(WETH_ID, 1);

        // Raising is the owner's, through the queue.
        bytes memory raise = abi.encodeCall(protocol.setOpenInterestCap, (ETH_MARKET, 100_000e18));
        _queue(address(protocol), raise);
        _wait(DELAY);
        timelock.execute(address(protocol), raise, bytes32(0));
        assertEq(protocol.market(ETH_MARKET).openInterestCapWad, 100_000e18);
    }
}
