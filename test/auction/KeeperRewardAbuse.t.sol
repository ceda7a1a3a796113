// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {BaseTest} from "../Base.t.sol";
import {IAuctionHouse, Auction} from "../../src/interfaces/IAuctionHouse.sol";
import {CollateralPattern} from "../../src/interfaces/ILiquidationEngine.sol";

/// @notice Regressions for the auction keeper rewards (issue 12, findings 1 and 2): rewards bounded by the value at
/// stake, lots sized to the target, and no kick while positions are open.
contract KeeperRewardAbuseTest is BaseTest {
    address internal dave = makeAddr("dave");
    address internal farmer = makeAddr("farmer");

    function setUp() public override {
        super.setUp();
        engine.setCollateralPattern(WETH_ID, CollateralPattern.DutchAuction);
        _fundKeeper(farmer);
    }

    /// Dave: 1 WETH and $6 of WBTC, long 4 ETH from $3,000; at $1,800 the engine closes the position and he owes
    /// ≈ $4,800. His WETH is auctioned and sold (≈ $2,900 owed after); the WBTC (another pattern) keeps the rest of the debt from being settled,
    /// so he stays indebted and liquidatable.
    function _indebtedWithAStub() internal {
        _depositCollateral(dave, WBTC_ID, 1e4);
        _indebtedOnWeth(dave, 1e18, 1_800e18);
        vm.prank(keeper);
        uint256 id = auctionHouse.kick(dave, WETH_ID);
        vm.prank(keeper2);
        auctionHouse.take(id, type(uint256).max, type(uint256).max, keeper2, "");
        assertEq(protocol.auctionLots(dave), 0);
        assertTrue(_liquidatable(dave));
        assertLt(protocol.quoteBalance(dave), -2_000e18, "still deep in debt");
    }

    /// Regression (finding 1): an indebted account deposits 1 wei of WETH; a second address kicks it and takes the lot
    /// for one quote unit, again and again. Each kick paid $5 + 0.1% of the whole target, whatever the lot was worth:
    /// 50 cycles on $102k of debt took $5,615. A lot's rewards are now at most half its value: here nothing.
    function test_kickFarming_oneWeiLotsEarnNothing() public {
        _indebtedWithAStub();
        uint256 farmerBefore = usdc.balanceOf(farmer);
        uint256 payerBefore = usdc.balanceOf(address(waterfall)) + insurance.balance();
        for (uint256 i; i < 50; ++i) {
            _depositCollateral(dave, WETH_ID, 1);
            vm.prank(farmer);
            uint256 id = auctionHouse.kick(dave, WETH_ID);
            assertEq(auctionHouse.auction(id).lot, 1);
            vm.prank(farmer);
            auctionHouse.take(id, 1, type(uint256).max, farmer, "");
        }
        // The farmer paid one quote unit per take and was paid nothing for the kicks.
        assertEq(usdc.balanceOf(farmer), farmerBefore - 50, "50 takes at one unit each, no reward");
        assertEq(usdc.balanceOf(address(waterfall)) + insurance.balance(), payerBefore, "nothing left the payers");
    }

    /// Regression (finding 1): a 1-satoshi lot was paid a $9.03 kick reward. Its reward is now at most half its value.
    function test_kickReward_isBoundedByTheLotsValue() public {
        _indebtedWithAStub();
        engine.setCollateralPattern(WBTC_ID, CollateralPattern.DutchAuction);
        _depositCollateral(dave, WBTC_ID, 1); // 1e4 + 1 sats ≈ $6
        uint256 before = usdc.balanceOf(farmer);
        vm.prank(farmer);
        uint256 id = auctionHouse.kick(dave, WBTC_ID);
        Auction memory a = auctionHouse.auction(id);
        uint256 valueWad = uint256(a.lot) * 1e10 * 60_000; // sats × 1e10 = wad of BTC, at $60,000
        uint256 paidWad = (usdc.balanceOf(farmer) - before) * 1e12;
        assertLe(paidWad, valueWad / 2, "at most half of what the lot is worth");
        assertLt(paidWad, 5e18, "not even the tip");
        assertEq(auctionHouse.keeperReward(1e18, 0), 0.5e18, "a $1 lot: half of it, under the $5 tip");
    }

    /// Regression (finding 1): 20 resets of a 1-wei lot (the backstop full) paid $2,246. Resets now draw on the
    /// lot's reward budget, which a 1-wei lot does not have.
    function test_resetFarming_oneWeiLotEarnsNothing() public {
        _indebtedWithAStub();
        backstop.setAsset(WETH_ID, address(wethPool), 0); // no backstop capacity: resets are the way out
        _depositCollateral(dave, WETH_ID, 1);
        vm.prank(farmer);
        uint256 id = auctionHouse.kick(dave, WETH_ID);
        uint256 before = usdc.balanceOf(farmer);
        for (uint256 i; i < 20; ++i) {
            vm.warp(block.timestamp + 601); // past the age limit
            _setEthPrice(1_800e18);
            _setBtcPrice(60_000e18);
            vm.prank(farmer);
            auctionHouse.redo(id);
        }
        assertEq(usdc.balanceOf(farmer), before, "20 resets, nothing paid");
    }

    /// An honest lot's rewards still come, from its budget: a reset after the kick is paid until the budget runs out.
    function test_resets_drawOnTheLotsBudget() public {
        _indebtedWithAStub();
        backstop.setAsset(WETH_ID, address(wethPool), 0);
        _depositCollateral(dave, WETH_ID, 0.05e18); // $90 at $1,800: a budget of $45
        vm.prank(farmer);
        uint256 id = auctionHouse.kick(dave, WETH_ID);
        uint256 paid = usdc.balanceOf(farmer) - 1_000_000e6;
        assertEq(paid, 5.09e6, "the kick: the $5 tip and 0.1% of $90");
        assertEq(auctionHouse.auction(id).rewardLeft, 39.91e6, "$45 - $5.09");
        uint256 total = paid;
        for (uint256 i; i < 20; ++i) {
            vm.warp(block.timestamp + 601);
            _setEthPrice(1_800e18);
            _setBtcPrice(60_000e18);
            vm.prank(farmer);
            auctionHouse.redo(id);
        }
        total = usdc.balanceOf(farmer) - 1_000_000e6;
        assertEq(total, 45e6, "the whole budget, and no more");
        assertEq(auctionHouse.auction(id).rewardLeft, 0);
    }

    /// A reset pays on what is at stake then, within half of it: what `keeperReward` shows the keeper. After a 90% fall
    /// a $90 lot is worth $9, so its reset pays $4.50, not the $5 tip.
    function test_reset_paysAtMostHalfTheValueNow_asTheViewSays() public {
        _indebtedWithAStub();
        backstop.setAsset(WETH_ID, address(wethPool), 0);
        _depositCollateral(dave, WETH_ID, 0.05e18); // $90 at $1,800
        vm.prank(farmer);
        uint256 id = auctionHouse.kick(dave, WETH_ID);
        vm.warp(block.timestamp + 601);
        _setEthPrice(180e18);
        _setBtcPrice(60_000e18);
        uint256 shown = auctionHouse.keeperReward(9e18, auctionHouse.rewardParams().redoGas);
        assertEq(shown, 4.5e18);
        uint256 before = usdc.balanceOf(farmer);
        vm.prank(farmer);
        auctionHouse.redo(id);
        assertEq((usdc.balanceOf(farmer) - before) * 1e12, shown);
    }

    /// Finding 2: a kick seized the whole balance, so a $10.50 debt locked $2,800 of WETH away (kicked while positions
    /// were open; that kick now reverts, below). The lot is now what raises the target at the floor price, and the
    /// rest stays with the account. Erin loses $6,000 on a closed long and holds 10 WETH, priced where they are worth a
    /// little more than the target at the floor (the most a position-free liquidatable account holds with an 80%
    /// haircut): about $45 of WETH stays hers.
    function test_kick_lotIsSizedToTheTarget() public {
        address erin = makeAddr("erin");
        _depositCollateral(erin, WETH_ID, 10e18);
        _trade(erin, ETH_MARKET, 20e18);
        _setEthPrice(2_700e18);
        _trade(erin, ETH_MARKET, -20e18); // closed at a $6,000 loss: debt
        uint256 debtWad = uint256(-protocol.quoteBalance(erin));
        _setEthPrice(debtWad * 1.2425e18 / 10e18); // 0.8 × value < debt < value × 0.85 ÷ 1.05
        assertTrue(_liquidatable(erin));
        vm.prank(farmer);
        uint256 id = auctionHouse.kick(erin, WETH_ID);
        Auction memory a = auctionHouse.auction(id);
        (uint256 priceWad,) = ethFeed.read();
        // target ÷ (oracle × 85%), rounded up to whole token units
        uint256 expected = (uint256(a.targetWad) * 1e18 + priceWad * 85 / 100 - 1) / (priceWad * 85 / 100);
        assertApproxEqAbs(a.lot, expected, 1);
        assertLt(a.lot, 10e18, "not the whole balance");
        uint256 keptWad = protocol.collateralBalance(erin, WETH_ID);
        assertEq(keptWad, 10e18 - a.lot, "the rest stays with the account");
        assertGe(keptWad * priceWad / 1e18, 10e18, "worth at least the dust minimum");
    }

    /// Review regression: a remainder worth less than the dust minimum is seized with the lot. Left behind, nobody would
    /// be paid to auction it, and while it stayed the account's bad debt could never be settled. Erin owes $3 of fees and
    /// holds 1 WETH worth a little more than the target at the floor. Her kick also pays at most her $0.15 penalty: a
    /// second address kicking one's own solvent account must not earn more than the account pays.
    function test_kick_seizesADustRemainder_andPaysAtMostThePenalty() public {
        address erin = makeAddr("erin");
        _depositCollateral(erin, WETH_ID, 1e18);
        _trade(erin, ETH_MARKET, 1e18);
        _trade(erin, ETH_MARKET, -1e18); // closed: $3 of fees, unpaid: debt
        uint256 debtWad = uint256(-protocol.quoteBalance(erin));
        _setEthPrice(debtWad * 1.2425e18 / 1e18);
        assertTrue(_liquidatable(erin));
        uint256 before = usdc.balanceOf(farmer);
        vm.prank(farmer);
        uint256 id = auctionHouse.kick(erin, WETH_ID);
        Auction memory a = auctionHouse.auction(id);
        assertEq(a.lot, 1e18, "the whole balance: the rest would have been dust");
        (, uint256 collateralMask) = protocol.accountMasks(erin);
        assertEq(collateralMask, 0);
        assertLe((usdc.balanceOf(farmer) - before) * 1e12, a.penaltyLeftWad, "at most the penalty");
        assertEq(a.rewardLeft * 1e12 + (usdc.balanceOf(farmer) - before) * 1e12, a.penaltyLeftWad);
    }

    /// Regression (finding 2): kicking before the engine had closed the positions lowered health and grew the later
    /// close (7 ETH instead of 3.77), with no insurance share. A kick now waits for every position to be closed.
    function test_kick_revertsWhilePositionsAreOpen() public {
        _depositCollateral(dave, WETH_ID, 1e18);
        _trade(dave, ETH_MARKET, 4e18);
        _setEthPrice(2_300e18);
        assertTrue(_liquidatable(dave));
        assertLt(protocol.quoteBalance(dave), 0);
        vm.prank(farmer);
        vm.expectRevert(abi.encodeWithSelector(IAuctionHouse.PositionsOpen.selector, dave, 1 << ETH_MARKET));
        auctionHouse.kick(dave, WETH_ID);
    }
}
