// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {BaseTest} from "../Base.t.sol";
import {IAuctionHouse, IAuctionTakeCallee, Auction} from "../../src/interfaces/IAuctionHouse.sol";
import {AuctionHouse} from "../../src/AuctionHouse.sol";
import {IMarginProtocol} from "../../src/interfaces/IMarginProtocol.sol";
import {ILiquidationEngine, CollateralPattern} from "../../src/interfaces/ILiquidationEngine.sol";

/// @notice Tries to take again from inside the take callback.
contract ReentrantTaker is IAuctionTakeCallee {
    AuctionHouse internal immutable house;

    constructor(AuctionHouse house_) {
        house = house_;
    }

    function onAuctionTake(address, uint256, uint256, bytes calldata) external {
        house.take(0, 1, type(uint256).max, address(this), "");
    }
}

contract AuctionHouseTest is BaseTest {
    address internal carol = makeAddr("carol");

    /// Carol: 3 WETH, long 4 ETH at 3,000. At 1,800 her equity is negative: the engine closes the position and she
    /// owes ≈ 4,878 against 3 WETH worth 5,400, to be auctioned.
    function setUp() public override {
        super.setUp();
        engine.setCollateralPattern(WETH_ID, CollateralPattern.DutchAuction);
        _indebtedOnWeth(carol, 3e18, 1_800e18);
        assertTrue(_liquidatable(carol));
        assertLt(protocol.quoteBalance(carol), 0);
    }

    function _kick() internal returns (uint256 id) {
        vm.prank(keeper);
        id = auctionHouse.kick(carol, WETH_ID);
    }

    function _debt() internal view returns (uint256) {
        return uint256(-protocol.quoteBalance(carol));
    }

    function test_kick_seizesTheLotWithItsTarget() public {
        uint256 debt = _debt();
        uint256 fundBefore = insurance.balance();
        uint256 keeperBefore = usdc.balanceOf(keeper);
        uint256 id = _kick();
        Auction memory a = auctionHouse.auction(id);
        assertEq(a.account, carol);
        assertEq(a.lot, 3e18);
        uint256 penalty = (debt * 5 / 100 + 1e12 - 1) / 1e12 * 1e12;
        assertEq(a.targetWad, debt + penalty);
        assertEq(a.startPriceWad, 1_980e18);
        assertEq(protocol.collateralBalance(carol, WETH_ID), 0);
        assertEq(weth.balanceOf(address(auctionHouse)), 3e18);
        assertEq(protocol.auctionLots(carol), 1);
        assertEq(auctionHouse.room(WETH_ID), 2_000_000e18 - a.targetWad);
        // keeper: $5 tip + 0.1% of the target (no base fee in this test), paid by the insurance fund
        uint256 reward = (5e18 + uint256(a.targetWad) / 1000) / 1e12;
        assertEq(usdc.balanceOf(keeper) - keeperBefore, reward);
        assertEq(fundBefore - insurance.balance(), reward);
    }

    function test_kick_reverts() public {
        vm.prank(carol);
        vm.expectRevert(abi.encodeWithSelector(IAuctionHouse.SelfLiquidation.selector, carol));
        auctionHouse.kick(carol, WETH_ID);
        vm.prank(keeper);
        vm.expectRevert(abi.encodeWithSelector(IAuctionHouse.NoDebt.selector, alice, int256(0)));
        auctionHouse.kick(alice, WETH_ID);
        engine.setCollateralPattern(WBTC_ID, CollateralPattern.DutchAuction);
        vm.prank(keeper);
        vm.expectRevert(abi.encodeWithSelector(IAuctionHouse.NoCollateral.selector, carol, WBTC_ID));
        auctionHouse.kick(carol, WBTC_ID);
        _kick();
        vm.prank(keeper);
        vm.expectRevert(abi.encodeWithSelector(IAuctionHouse.AlreadyInAuction.selector, carol));
        auctionHouse.kick(carol, WETH_ID);
    }

    function test_kick_revertsOnHealthyAccount() public {
        _depositQuote(carol, 10_000e6); // repays the debt
        vm.prank(keeper);
        vm.expectRevert();
        auctionHouse.kick(carol, WETH_ID);
    }

    function test_kick_haltedAtBreakerLevelTwo() public {
        protocol.setBreakerLevel(2);
        vm.prank(keeper);
        vm.expectRevert(abi.encodeWithSelector(IAuctionHouse.BreakerActive.selector, 2));
        auctionHouse.kick(carol, WETH_ID);
    }

    /// Throughput: with less room than the target, a partial lot fills the room.
    function test_kick_partialWhenTheCapIsShort() public {
        auctionHouse.setGlobalLimits(1_000e18, 10e18);
        uint256 id = _kick();
        Auction memory a = auctionHouse.auction(id);
        assertEq(a.targetWad, 1_000e18);
        assertLt(a.lot, 3e18);
        assertEq(auctionHouse.room(WETH_ID), 0);
        assertEq(protocol.collateralBalance(carol, WETH_ID), 3e18 - a.lot, "the rest stays with the account");
    }

    function test_take_priceDecaysAlongTheCurve() public {
        uint256 id = _kick();
        (uint256 p0,) = auctionHouse.status(id);
        vm.warp(block.timestamp + 100);
        (uint256 p1, bool reset) = auctionHouse.status(id);
        assertEq(p0, 1_980e18);
        assertLt(p1, p0);
        assertFalse(reset);
    }

    function test_take_fullRaisesTargetAndReturnsTheRest() public {
        uint256 id = _kick();
        uint256 target = auctionHouse.auction(id).targetWad;
        uint256 revenueBefore = usdc.balanceOf(address(waterfall));
        vm.prank(keeper2);
        (uint256 amount, uint256 paid) = auctionHouse.take(id, type(uint256).max, type(uint256).max, keeper2, "");
        assertEq(paid, target);
        assertEq(weth.balanceOf(keeper2), amount);
        assertLt(amount, 3e18);
        assertEq(protocol.quoteBalance(carol), 0, "debt repaid");
        assertEq(protocol.collateralBalance(carol, WETH_ID), 3e18 - amount, "the unsold lot is back");
        assertEq(protocol.auctionLots(carol), 0);
        assertEq(
            usdc.balanceOf(address(waterfall)) - revenueBefore,
            (target - (target * 100 / 105)) / 1e12,
            "penalty to the waterfall, as revenue"
        );
        assertEq(auctionHouse.room(WETH_ID), 2_000_000e18);
    }

    function test_take_partialRespectsLimitAndDust() public {
        uint256 id = _kick();
        vm.prank(keeper2);
        vm.expectRevert(abi.encodeWithSelector(IAuctionHouse.PriceLimit.selector, 1_980e18, 1_900e18));
        auctionHouse.take(id, 1e18, 1_900e18, keeper2, "");
        vm.prank(keeper2);
        (uint256 amount, uint256 paid) = auctionHouse.take(id, 1e18, 1_980e18, keeper2, "");
        assertEq(amount, 1e18);
        assertEq(paid, 1_980e18);
        Auction memory a = auctionHouse.auction(id);
        assertEq(a.lot, 2e18);
        // a take that would leave less than $10 of target raises it all but $10
        uint256 almostAll = (uint256(a.targetWad) - 5e18) * 1e18 / 1_980e18;
        vm.prank(keeper2);
        (, uint256 paid2) = auctionHouse.take(id, almostAll, 1_980e18, keeper2, "");
        assertEq(auctionHouse.auction(id).targetWad, 10e18);
        assertEq(paid2, a.targetWad - 10e18);
    }

    /// A take may not leave a lot worth less than the dust minimum while target remains.
    function test_take_revertsWhenTheLotLeftIsDust() public {
        auctionHouse.setGlobalLimits(3_000_000e18, 10e18);
        uint256 id = _kick();
        vm.warp(block.timestamp + 200); // ≈ 1,620: the whole lot is worth less than the target
        (uint256 price,) = auctionHouse.status(id);
        uint256 almostAll = 3e18 - 0.001e18; // leaves 0.001 WETH ≈ $1.62
        vm.prank(keeper2);
        vm.expectRevert(abi.encodeWithSelector(IAuctionHouse.LotDust.selector, 0.001e18 * price / 1e18, 10e18));
        auctionHouse.take(id, almostAll, type(uint256).max, keeper2, "");
        vm.prank(keeper2);
        auctionHouse.take(id, 3e18, type(uint256).max, keeper2, ""); // the whole lot is fine
    }

    /// Two keepers in one block: the second finds the auction gone and reverts cheaply.
    function test_take_secondTakerInTheSameBlock() public {
        uint256 id = _kick();
        vm.prank(keeper);
        auctionHouse.take(id, type(uint256).max, type(uint256).max, keeper, "");
        vm.prank(keeper2);
        vm.expectRevert(abi.encodeWithSelector(IAuctionHouse.NoAuction.selector, id));
        auctionHouse.take(id, type(uint256).max, type(uint256).max, keeper2, "");
    }

    /// A keeper with no capital sells the lot into the pool within the take.
    function test_take_flashCallbackWithoutCapital() public {
        uint256 id = _kick();
        vm.warp(block.timestamp + 150); // price ≈ 1,980 × 0.99^15 ≈ 1,703: below the pool's ≈ 3,000
        address broke = makeAddr("broke");
        vm.startPrank(broke);
        usdc.approve(address(auctionHouse), type(uint256).max);
        usdc.approve(address(protocol), type(uint256).max);
        vm.stopPrank();
        vm.prank(broke);
        (uint256 amount, uint256 paid) =
            auctionHouse.take(id, type(uint256).max, type(uint256).max, address(takeCallee), abi.encode(wethPool, 0));
        assertGt(amount, 0);
        assertGt(usdc.balanceOf(broke), 0, "profit");
        assertEq(protocol.quoteBalance(carol), 0, "debt repaid");
        assertGt(paid, 0);
    }

    function test_take_reentrantCalleeReverts() public {
        uint256 id = _kick();
        ReentrantTaker taker = new ReentrantTaker(auctionHouse);
        vm.prank(keeper2);
        vm.expectRevert(IAuctionHouse.Reentrancy.selector);
        auctionHouse.take(id, 1e18, type(uint256).max, address(taker), hex"01");
    }

    function test_take_haltedAtBreakerLevelThree() public {
        uint256 id = _kick();
        protocol.setBreakerLevel(3);
        vm.prank(keeper2);
        vm.expectRevert(abi.encodeWithSelector(IAuctionHouse.BreakerActive.selector, 3));
        auctionHouse.take(id, 1e18, type(uint256).max, keeper2, "");
    }

    /// MakerDAO, March 2020: a lone bidder at 1 wei while gas is 50× normal. No sale below the floor; the reset pays
    /// the keeper's tip and its gas.
    function test_take_loneBidderAtOneWeiGetsNothing() public {
        uint256 id = _kick();
        vm.warp(block.timestamp + 400); // 1,980 × 0.99^40 ≈ 1,327: below the floor (85% of 1,800 = 1,530)
        (, bool reset) = auctionHouse.status(id);
        assertTrue(reset);
        vm.prank(keeper2);
        vm.expectRevert(abi.encodeWithSelector(IAuctionHouse.NeedsReset.selector, id));
        auctionHouse.take(id, type(uint256).max, 1, keeper2, "");

        // With no backstop capacity for WETH, a reset is the way out (the backstop's priority has its own test).
        backstop.setAsset(WETH_ID, address(wethPool), 0);
        // At 50× a 10 gwei base fee the reset's reward (tip + chip + 140k gas × 500 gwei × ETH 1,800 × 1.2) pays for
        // the reset's own gas (≈ 135k × 500 gwei × 1,800 = 121.5; snapshots/AuctionGasTest.json). (Each call runs as its
        // own transaction here, where the base fee set by vm.fee does not carry over, so the gas part is checked on the
        // view.)
        vm.fee(500 gwei);
        uint256 target = auctionHouse.auction(id).targetWad;
        uint32 redoGas = auctionHouse.rewardParams().redoGas;
        assertEq(redoGas, 140_000);
        uint256 expected = auctionHouse.keeperReward(target, redoGas); // the lot is worth more than the target
        assertGt(expected, 135_000 * 500 gwei * 1_800);
        assertEq(expected, 5e18 + target / 1000 + 151.2e18 - ((5e18 + target / 1000 + 151.2e18) % 1e12));
        uint256 before = usdc.balanceOf(keeper2);
        vm.prank(keeper2);
        auctionHouse.redo(id);
        assertGe((usdc.balanceOf(keeper2) - before) * 1e12, 5e18, "at least the tip");
        (uint256 price, bool again) = auctionHouse.status(id);
        assertEq(price, 1_980e18);
        assertFalse(again);
        vm.prank(keeper2);
        vm.expectRevert(abi.encodeWithSelector(IAuctionHouse.NoResetNeeded.selector, id));
        auctionHouse.redo(id);
    }

    /// The lot runs out before the target is raised: the rest is bad debt, covered by the insurance fund.
    function test_take_lotExhaustedSettlesBadDebt() public {
        address dave = makeAddr("dave");
        _depositCollateral(dave, WETH_ID, 1e18);
        _setEthPrice(3_000e18);
        _trade(dave, ETH_MARKET, 4e18);
        _setEthPrice(2_200e18);
        vm.prank(keeper);
        engine.liquidate(dave, ETH_MARKET, type(uint256).max);
        vm.prank(keeper);
        uint256 id = auctionHouse.kick(dave, WETH_ID);
        uint256 badBefore = engine.totalBadDebtWad();
        vm.prank(keeper2);
        auctionHouse.take(id, type(uint256).max, type(uint256).max, keeper2, "");
        assertEq(weth.balanceOf(keeper2), 1e18);
        assertEq(protocol.quoteBalance(dave), 0);
        assertGt(engine.totalBadDebtWad(), badBefore, "bad debt recognized when the lot ran out");
        assertEq(protocol.auctionLots(dave), 0);
    }

    /// The pattern is chosen per asset: an auctioned asset is not sold at a fixed discount, and the other way round.
    function test_patterns_exclusivePerAsset() public {
        vm.prank(keeper);
        vm.expectRevert(
            abi.encodeWithSelector(ILiquidationEngine.WrongPattern.selector, WETH_ID, CollateralPattern.DutchAuction)
        );
        engine.buyCollateral(carol, WETH_ID, type(uint256).max, type(uint256).max);
        engine.setCollateralPattern(WETH_ID, CollateralPattern.FixedFee);
        vm.prank(keeper);
        vm.expectRevert(abi.encodeWithSelector(IAuctionHouse.NotListed.selector, WETH_ID));
        auctionHouse.kick(carol, WETH_ID);
    }

    function test_writeOff_waitsForTheAuction() public {
        _kick();
        vm.expectRevert(abi.encodeWithSelector(IMarginProtocol.AccountInAuction.selector, carol, 1));
        engine.settleBadDebt(carol);
    }

    /// Below the floor the backstop has priority: no reset while it can buy the whole lot; an auction that is merely
    /// too old (above its floor) is reset as before.
    function test_redo_belowFloorWaitsForTheBackstop() public {
        uint256 id = _kick();
        vm.warp(block.timestamp + 400);
        uint256 capacity = backstop.capacity(WETH_ID, 0.15e18);
        vm.prank(keeper2);
        vm.expectRevert(abi.encodeWithSelector(IAuctionHouse.BackstopFirst.selector, id, capacity));
        auctionHouse.redo(id);
        vm.prank(keeper2);
        backstop.buyAuction(id);
        assertEq(auctionHouse.auction(id).lot, 0);

        // Too old but above the floor (the oracle fell faster than the curve): reset, whatever the backstop could do.
        address dave = makeAddr("dave");
        _setEthPrice(3_000e18);
        _indebtedOnWeth(dave, 3e18, 1_800e18);
        vm.prank(keeper);
        id = auctionHouse.kick(dave, WETH_ID);
        vm.warp(block.timestamp + 601);
        _setEthPrice(1_000e18); // floor 850; curve 1,980 × 0.99^60 ≈ 1,084
        vm.prank(keeper2);
        auctionHouse.redo(id);
        (uint256 price,) = auctionHouse.status(id);
        assertEq(price, 1_100e18);
    }
}
