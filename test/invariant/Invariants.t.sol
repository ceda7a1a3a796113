// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {WaterfallChecks} from "./WaterfallChecks.sol";
import {PortfolioViews} from "../portfolio/PortfolioViews.sol";
import {BaseTest} from "../Base.t.sol";
import {InvariantSetup} from "./InvariantSetup.sol";
import {Health} from "../../src/interfaces/IMarginProtocol.sol";

/// @notice Global properties of `docs/properties.md` (1, 2, 6, 8, 13 and the auction books) checked after every call;
/// the waterfall's own books are in `WaterfallInvariantsTest` (the checks themselves in `WaterfallChecks`).
contract InvariantsTest is WaterfallChecks, PortfolioViews {
    function setUp() public override(InvariantSetup, BaseTest) {
        super.setUp();
    }

    /// Property 27: a portfolio account's maintenance requirement is at least the floor and at least every scenario's
    /// loss, recomputed here from public views; its initial requirement is the multiplier times it.
    function invariant_portfolioRequirement() public view {
        address[3] memory t = _traders();
        for (uint256 i; i < 3; ++i) {
            if (!protocol.portfolioMode(t[i])) continue;
            Health memory h;
            try protocol.health(t[i]) returns (Health memory answer) {
                h = answer;
            } catch {
                continue; // a price the account needs is unusable: nothing to compare
            }
            (uint256[] memory losses, uint256 floor) = _expectedLosses(_bookOf(t[i]));
            assertGe(h.maintenanceWad, floor, "below the floor");
            for (uint256 k; k < losses.length; ++k) {
                assertGe(h.maintenanceWad, losses[k], "below a scenario's loss");
            }
            assertEq(h.initialWad, (h.maintenanceWad * portfolio.initialMultiplierWad() + 1e18 - 1) / 1e18, "initial");
        }
    }

    /// Property 1: the protocol holds at least every positive quote balance and the fee share it owes the waterfall,
    /// and every collateral it owes.
    function invariant_tokensCoverAccounting() public view {
        address[3] memory t = _traders();
        uint256 positiveQuoteWad = protocol.feesOwedWad();
        for (uint256 i; i < 3; ++i) {
            int256 q = protocol.quoteBalance(t[i]);
            if (q > 0) positiveQuoteWad += uint256(q);
        }
        assertGe(usdc.balanceOf(address(protocol)) * 1e12, positiveQuoteWad);
        assertGe(weth.balanceOf(address(protocol)), protocol.collateralTotal(WETH_ID));
        assertGe(wbtc.balanceOf(address(protocol)), protocol.collateralTotal(WBTC_ID));
    }

    /// Property 1 (exact form): every quote movement is whole units, so the ledger (balances and the fee share not yet
    /// swept) matches the tokens exactly.
    function invariant_quoteLedgerExact() public view {
        address[3] memory t = _traders();
        uint256 positiveQuoteWad = protocol.feesOwedWad();
        for (uint256 i; i < 3; ++i) {
            int256 q = protocol.quoteBalance(t[i]);
            if (q > 0) positiveQuoteWad += uint256(q);
        }
        assertEq(usdc.balanceOf(address(protocol)) * 1e12, positiveQuoteWad);
    }

    /// Property 2: per-account sums equal the stored totals.
    function invariant_sumsMatchTotals() public view {
        address[3] memory t = _traders();
        uint256[2] memory collateralSum;
        uint256[2] memory longSum;
        uint256[2] memory shortSum;
        uint256 debtSum;
        for (uint256 i; i < 3; ++i) {
            for (uint256 id; id < 2; ++id) {
                collateralSum[id] += protocol.collateralBalance(t[i], id);
                (int256 size,) = protocol.position(t[i], id);
                if (size > 0) longSum[id] += uint256(size);
                else shortSum[id] += uint256(-size);
            }
            int256 q = protocol.quoteBalance(t[i]);
            if (q < 0) debtSum += uint256(-q);
        }
        for (uint256 id; id < 2; ++id) {
            assertEq(collateralSum[id], protocol.collateralTotal(id), "collateral total");
            (uint256 longOi, uint256 shortOi) = protocol.openInterest(id);
            assertEq(longSum[id], longOi, "long open interest");
            assertEq(shortSum[id], shortOi, "short open interest");
        }
        assertEq(debtSum, protocol.vaultReceivable(), "receivable = sum of debts");
    }

    /// Property 6: an account with nothing left holds no debt; bad debt = covered + deficit.
    function invariant_noLingeringDebt() public view {
        address[3] memory t = _traders();
        for (uint256 i; i < 3; ++i) {
            (uint256 marketMask, uint256 collateralMask) = protocol.accountMasks(t[i]);
            // Collateral in auction may still repay the debt; the auction settles it when it ends.
            if (marketMask == 0 && collateralMask == 0 && protocol.auctionLots(t[i]) == 0) {
                assertGe(protocol.quoteBalance(t[i]), 0, "lingering debt");
            }
        }
        assertLe(engine.totalDeficitWad(), engine.totalBadDebtWad());
    }

    /// Property 8 (the insurance fund's ledger) and the vault's accounting.
    function invariant_insuranceLedger() public view {
        _checkInsuranceLedger();
    }

    function invariant_vaultAccounting() public view {
        _checkVaultAccounting();
    }

    /// Property 13 and the auction books: the caps hold, the target in auction adds up, the auction house holds
    /// exactly its lots and no quote, and an account's auction count matches its open auctions.
    function invariant_auctionBooks() public view {
        uint256[2] memory lots;
        uint256[2] memory targets;
        uint256 n = handler.openAuctionCount();
        for (uint256 i; i < n; ++i) {
            uint256 id = handler.openAuctionAt(i);
            uint128 lot = auctionHouse.auction(id).lot;
            uint8 cid = auctionHouse.auction(id).collateralId;
            lots[cid] += lot;
            targets[cid] += auctionHouse.auction(id).targetWad;
            if (lot != 0) assertEq(protocol.auctionLots(auctionHouse.auction(id).account), 1);
        }
        assertEq(weth.balanceOf(address(auctionHouse)), lots[WETH_ID], "weth lots");
        assertEq(wbtc.balanceOf(address(auctionHouse)), lots[WBTC_ID], "wbtc lots");
        assertEq(usdc.balanceOf(address(auctionHouse)), 0, "no quote left in the auction house");
        for (uint256 cid; cid < 2; ++cid) {
            assertEq(auctionHouse.targetInAuctionWad(cid), targets[cid], "target in auction");
            assertLe(auctionHouse.targetInAuctionWad(cid), auctionHouse.params(cid).capWad, "asset cap");
        }
        assertEq(auctionHouse.totalTargetWad(), targets[0] + targets[1]);
        assertLe(auctionHouse.totalTargetWad(), auctionHouse.globalCapWad(), "global cap");
    }

    /// The backstop's books: it holds exactly what it bought and did not sell, and its quote is its seed minus what it
    /// paid for collateral and to keepers plus what it sold for.
    function invariant_backstopBooks() public view {
        assertEq(weth.balanceOf(address(backstop)), backstop.held(WETH_ID), "weth held");
        assertEq(wbtc.balanceOf(address(backstop)), backstop.held(WBTC_ID), "wbtc held");
        (uint256 bought, uint256 sold, uint256 rewards) = backstop.totals();
        assertEq(usdc.balanceOf(address(backstop)) * 1e12 + bought + rewards, 1_000_000e18 + sold, "backstop quote");
        assertEq(backstop.idle(), usdc.balanceOf(address(backstop)), "idle quote tracked");
    }

    /// Property 42: keepers are paid from what the liquidated accounts pay, never from nowhere. Σ keeper rewards ≤ the
    /// engine's penalties + the auctions' budgets (each at most its penalty and half its value at stake) + the
    /// backstop's gains on its buys + the gas the engine reimbursed (each at most its cost: the explicit budget).
    function invariant_keeperRewardsFunded() public view {
        assertLe(
            handler.ghostKeeperRewardsWad(),
            handler.ghostPenaltiesWad() + handler.ghostAuctionBudgetsWad() + handler.ghostBackstopGainWad()
                + handler.ghostGasReimbursedWad(),
            "keeper rewards exceed their sources"
        );
        (,, uint256 backstopRewards) = backstop.totals();
        assertLe(backstopRewards, handler.ghostBackstopGainWad() / 2 + 1e12, "absorb rewards exceed half its gains");
    }
}
