// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {WaterfallBase} from "./WaterfallBase.t.sol";
import {BondSeries} from "../../src/interfaces/ISolvencyWaterfall.sol";

/// @notice Revenue repays a closed series; holders redeem pro rata to their face; claims follow the bonds.
contract RedemptionTest is WaterfallBase {
    uint256 internal constant DEFICIT = 10_000e6;
    uint256 internal id;
    address[3] internal holders = [makeAddr("holder0"), makeAddr("holder1"), makeAddr("holder2")];

    /// Per holder: face it ever held (bought or received) and what it redeemed [quote units].
    mapping(address => uint256) internal faceHeld;
    mapping(address => uint256) internal redeemedBy;

    function setUp() public override {
        super.setUp();
        id = _issueSeries(DEFICIT);
    }

    /// @dev Holders 0 and 1 buy at random times (holder 2 buys nothing), then the sale closes.
    function _sell(uint256 cost0, uint256 cost1, uint256 wait) internal returns (uint256 faceSold) {
        cost0 = bound(cost0, 1e6, DEFICIT / 2);
        cost1 = bound(cost1, 1e6, DEFICIT / 2);
        (, uint256 face0) = _buy(holders[0], id, cost0);
        vm.warp(block.timestamp + bound(wait, 0, DECAY + FLOOR_WINDOW));
        (, uint256 face1) = _buy(holders[1], id, cost1);
        faceHeld[holders[0]] = face0;
        faceHeld[holders[1]] = face1;
        vm.warp(waterfall.closableAt(id));
        if (!_series(id).closed) waterfall.closeSeries(id);
        faceSold = _series(id).faceSold;
        assertEq(faceSold, face0 + face1);
    }

    function _redeem(address holder) internal returns (uint256 amount) {
        uint256 cashBefore = usdc.balanceOf(holder);
        vm.prank(holder);
        amount = waterfall.redeem(id, holder);
        assertEq(usdc.balanceOf(holder), cashBefore + amount);
        redeemedBy[holder] += amount;
    }

    /// A holder who transferred half its bonds before any revenue gets half of what its bonds earn; the receiver the
    /// other half.
    function testFuzz_transferBeforeRevenueMovesTheClaim(uint256 cost0, uint256 cost1, uint256 wait, uint256 revenue)
        public
    {
        uint256 faceSold = _sell(cost0, cost1, wait);
        uint256 face0 = waterfall.balanceOf(holders[0], id);
        uint256 half = face0 / 2;
        vm.prank(holders[0]);
        waterfall.transfer(holders[2], id, half);

        revenue = bound(revenue, 1, faceSold * 2);
        _revenue(revenue);
        waterfall.route();
        uint256 repaid = _min(revenue, faceSold);
        assertEq(_series(id).repaid, repaid);
        assertEq(waterfall.claimable(id, holders[0]), (face0 - half) * repaid / faceSold, "the half it kept");
        assertEq(waterfall.claimable(id, holders[2]), half * repaid / faceSold, "the half it gave");
        uint256 total;
        for (uint256 i; i < 3; ++i) {
            if (waterfall.claimable(id, holders[i]) != 0) total += _redeem(holders[i]);
        }
        assertLe(total, repaid, "redeemed <= repaid");
        assertGe(total + 3, repaid, "at most a unit of rounding per holder");
    }

    /// Random revenue, transfers and redemptions: no holder ever redeems more than the face it held, the series never
    /// pays out more than revenue repaid it, and the waterfall holds exactly what it owes holders plus pending revenue.
    function testFuzz_redemptionsNeverExceedFaceOrRevenue(
        uint256 cost0,
        uint256 cost1,
        uint256 wait,
        uint256[8] memory steps
    ) public {
        uint256 faceSold = _sell(cost0, cost1, wait);
        uint256 revenueTotal;
        uint256 fundBefore = insurance.balance();
        for (uint256 i; i < steps.length; ++i) {
            uint256 kind = steps[i] % 3;
            address a = holders[(steps[i] >> 8) % 3];
            address b = holders[(steps[i] >> 16) % 3];
            if (kind == 0) {
                uint256 amount = bound(steps[i] >> 24, 1, faceSold / 2);
                _revenue(amount);
                revenueTotal += amount;
            } else if (kind == 1) {
                uint256 balance = waterfall.balanceOf(a, id);
                if (balance == 0 || a == b) continue;
                uint256 amount = bound(steps[i] >> 24, 1, balance);
                uint256 claimsBefore = waterfall.claimable(id, a) + waterfall.claimable(id, b);
                vm.prank(a);
                waterfall.transfer(b, id, amount);
                faceHeld[b] += amount;
                assertEq(waterfall.claimable(id, a) + waterfall.claimable(id, b), claimsBefore, "claims stay put");
            } else {
                waterfall.route();
                uint256 owed = waterfall.claimable(id, a);
                if (owed == 0) continue;
                assertEq(_redeem(a), owed, "pays the claim");
                assertEq(waterfall.claimable(id, a), 0);
            }
        }
        BondSeries memory s = _series(id);
        uint256 redeemed = redeemedBy[holders[0]] + redeemedBy[holders[1]] + redeemedBy[holders[2]];
        for (uint256 i; i < 3; ++i) {
            assertLe(redeemedBy[holders[i]], faceHeld[holders[i]], "redeemed more than its face");
        }
        assertEq(s.redeemed, redeemed);
        assertLe(redeemed, s.repaid, "redeemed > repaid");
        assertLe(s.repaid, _min(revenueTotal, faceSold), "repaid > revenue routed");
        assertEq(waterfall.heldForHolders(), s.repaid - s.redeemed);
        // Revenue beyond the face went on to the fund; what is left is held for holders or waits for the next route.
        uint256 toFund = insurance.balance() - fundBefore;
        if (toFund != 0) assertEq(s.repaid, faceSold, "the fund is paid only after the bonds");
        assertEq(usdc.balanceOf(address(waterfall)), revenueTotal - redeemed - toFund);
    }

    /// Revenue of at least the face sold, in chunks: each holder redeems its face (less at most one unit of rounding),
    /// its bonds are burnt, and only the revenue beyond the face reaches the insurance fund.
    function testFuzz_fullRepaymentRedeemsFaceAndBurns(
        uint256 cost0,
        uint256 cost1,
        uint256 wait,
        uint256 chunks,
        uint256 extra
    ) public {
        uint256 faceSold = _sell(cost0, cost1, wait);
        chunks = bound(chunks, 1, 4);
        extra = bound(extra, 0, 1_000e6);
        uint256 fundBefore = insurance.balance();
        for (uint256 i; i < chunks; ++i) {
            _revenue(faceSold / chunks);
            waterfall.route();
            assertEq(insurance.balance(), fundBefore, "the fund waits for the bonds");
        }
        _revenue(faceSold % chunks + extra);
        assertEq(waterfall.pendingForFund(), extra);
        waterfall.route();
        assertEq(_series(id).repaid, faceSold);
        assertEq(waterfall.outstandingFace(), 0);
        assertEq(insurance.balance(), fundBefore + extra, "the rest goes to the fund");
        for (uint256 i; i < 2; ++i) {
            address h = holders[i];
            uint256 face = faceHeld[h];
            uint256 amount = _redeem(h);
            assertLe(amount, face);
            assertGe(amount + 1, face, "at most one unit of rounding");
            assertEq(waterfall.balanceOf(h, id), 0, "bonds burnt");
        }
        assertLe(waterfall.heldForHolders(), 2, "only rounding dust is left");
    }

    /// `transferFrom` by an approved spender moves claims exactly as `transfer` does: what the bonds earned before stays
    /// with the sender, what they earn after goes to the receiver.
    function test_transferFromCarriesClaimsLikeTransfer() public {
        uint256 faceSold = _sell(4_000e6, 4_000e6, 10);
        uint256 face0 = waterfall.balanceOf(holders[0], id);
        _revenue(faceSold / 4);
        waterfall.route();
        uint256 earnedBefore = waterfall.claimable(id, holders[0]);
        vm.prank(holders[0]);
        waterfall.approve(bob, id, face0);
        vm.prank(bob);
        waterfall.transferFrom(holders[0], holders[2], id, face0);
        assertEq(waterfall.claimable(id, holders[0]), earnedBefore, "earned before stays");
        assertEq(waterfall.claimable(id, holders[2]), 0);
        _revenue(faceSold / 4);
        waterfall.route();
        assertEq(waterfall.claimable(id, holders[0]), earnedBefore, "nothing after");
        assertEq(waterfall.claimable(id, holders[2]), face0 * (faceSold / 4) / faceSold, "earned after goes along");
        assertEq(waterfall.allowance(holders[0], bob, id), 0);
    }
}
