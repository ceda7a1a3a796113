// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {InvariantSetup} from "./InvariantSetup.sol";
import {WaterfallLedger} from "./WaterfallLedger.sol";
import {BondSeries} from "../../src/interfaces/ISolvencyWaterfall.sol";

/// @notice The checks of the waterfall, the insurance fund and the vault against the handler's ghost books, shared by
/// the invariant suites (after every call) and the handler's coverage test (after a fixed sequence).
abstract contract WaterfallChecks is InvariantSetup {
    /// Property 8: the insurance fund holds exactly its seed, plus stakes and the revenue the waterfall routed to it,
    /// minus the bad debt it covered, the keeper rewards it paid on kicks, resets and floor buys, and the stakers'
    /// withdrawals. Its share price counts the revenue the waterfall holds for it.
    function _checkInsuranceLedger() internal view {
        WaterfallLedger.Books memory b = _books();
        assertEq(
            insurance.balance() + b.fundCovered + b.withdrawn, FUND_SEED + b.staked + b.routedToFund, "fund ledger"
        );
        assertEq(b.waterfallToFund, b.routedToFund, "routed = transferred to the fund");
        assertEq(b.fundCoveredToVault, b.coveredByFund, "covers to the vault = bad debt covered");
        assertEq((engine.totalBadDebtWad() - engine.totalDeficitWad()) / 1e12, b.coveredByFund, "engine's covered");
        assertEq(b.fundCovered - b.fundCoveredToVault, b.rewardsFromFund, "the fund's covers to keepers = its rewards");
        assertEq(
            (b.rewardsFromRevenue + b.rewardsFromFund) * 1e12,
            handler.ghostRewardOutflowWad() + handler.ghostGasReimbursedWad(),
            "keeper rewards"
        );
        assertEq(insurance.totalAssets(), insurance.balance() + waterfall.pendingForFund());
    }

    /// The vault's assets are its idle tokens, what indebted accounts owe it, and the deficit the bonds still owe it;
    /// exits are priced without the last.
    function _checkVaultAccounting() internal view {
        assertEq(vault.exitAssets(), usdc.balanceOf(address(vault)) + protocol.vaultReceivable() / 1e12);
        assertEq(vault.totalAssets(), vault.exitAssets() + vault.deficitReceivable());
    }

    /// Property 6: bad debt only falls by explicit coverage. Every unit the engine recognized was covered by the fund,
    /// raised by bonds, socialized, or is still on sale as bonds (the vault's deficit receivable).
    function _checkBadDebtLayers() internal view {
        (uint256 recognized, uint256 covered, uint256 raised, uint256 socialized) = waterfall.totals(address(vault));
        uint256 open = vault.deficitReceivable();
        assertEq(engine.totalBadDebtWad(), recognized * 1e12, "engine and waterfall recognized the same");
        assertEq(recognized, covered + raised + socialized + open, "recognized = covered + raised + socialized + open");
        assertEq(engine.totalDeficitWad(), (raised + socialized + open) * 1e12, "deficit = what the fund did not pay");
        WaterfallLedger.Books memory b = _books();
        assertEq(b.recognized, recognized, "ghost recognized");
        assertEq(b.coveredByFund, covered, "ghost covered");
        assertEq(b.raised, raised, "ghost raised");
        assertEq(b.socializedBelowMinimum + b.socializedUnsold, socialized, "ghost socialized");
        assertEq(b.issued, raised + b.socializedUnsold + open, "issued = raised + unsold + on sale");
    }

    /// The waterfall holds exactly the revenue it received less what it routed to the fund and what holders redeemed;
    /// of it, what is held for holders is Σ (repaid − redeemed) and the rest is revenue not yet routed.
    function _checkRevenueLedger() internal view {
        WaterfallLedger.Books memory b = _books();
        uint256 held = waterfall.heldForHolders();
        uint256 balance = usdc.balanceOf(address(waterfall));
        assertEq(balance, b.revenueIn - b.waterfallToFund - b.waterfallToHolders, "waterfall token ledger");
        assertEq(b.revenueFromProtocol, b.penaltyShares + b.feesSwept, "protocol revenue = penalty shares + fees");
        assertEq(b.waterfallToHolders, b.redeemed + b.rewardsFromRevenue, "paid out = redeemed + rewards from revenue");
        assertEq(held, b.routedToBonds - b.redeemed, "held for holders = routed to bonds - redeemed");
        assertEq(
            balance - held,
            b.revenueIn - b.routedToBonds - b.routedToFund - b.rewardsFromRevenue,
            "pending = received - routed - rewards"
        );
    }

    /// The bond books: each series matches its ghost replayed from events; Σ repaid ≤ Σ face sold and Σ redeemed ≤
    /// Σ repaid per series; outstanding face and revenue held add up; the bonds in holders' hands are the face minted
    /// less the face burnt; no holder can ever redeem more than the face it held; series before `nextToRepay` are
    /// closed and repaid; and the fund is due only the revenue beyond every bond's face, nothing while a series is on sale.
    function _checkBondBooks() internal view {
        uint256 n = waterfall.seriesCount();
        assertEq(n, handler.ghostSeriesCount(), "series count");
        uint256 outstanding;
        uint256 held;
        bool onSale;
        for (uint256 id; id < n; ++id) {
            BondSeries memory s = waterfall.series(id);
            WaterfallLedger.GhostSeries memory g = handler.ghostSeriesAt(id);
            _assertSeriesMatches(s, g);
            assertEq(waterfall.closableAt(id), g.closableAt);
            assertLe(s.raised, s.deficit, "raised beyond the deficit");
            assertLe(s.repaid, s.faceSold, "repaid beyond the face sold");
            assertLe(s.redeemed, s.repaid, "redeemed beyond what was repaid");
            assertEq(g.minted, s.faceSold, "minted = face sold");
            _assertHolders(id, s, g);
            outstanding += s.faceSold - s.repaid;
            held += s.repaid - s.redeemed;
            if (!s.closed) onSale = true;
            if (id < waterfall.nextToRepay()) {
                assertTrue(s.closed && s.repaid == s.faceSold, "skipped an unpaid series");
            }
        }
        assertEq(waterfall.outstandingFace(), outstanding, "outstanding face");
        assertEq(waterfall.heldForHolders(), held, "held for holders");
        uint256 pending = usdc.balanceOf(address(waterfall)) - held;
        // The reward reserve stays in the waterfall; bonds come next, the fund last.
        uint256 reserve = waterfall.rewardReserveUnits();
        uint256 dueToFund = onSale || pending <= outstanding + reserve ? 0 : pending - outstanding - reserve;
        assertEq(waterfall.pendingForFund(), dueToFund, "the fund is due only what is left after the bonds");
    }

    /// The vault's deficit receivable is exactly what the series on sale still have to raise.
    function _checkVaultDeficit() internal view {
        uint256 open;
        uint256 n = waterfall.seriesCount();
        for (uint256 id; id < n; ++id) {
            BondSeries memory s = waterfall.series(id);
            if (!s.closed) open += s.deficit - s.raised;
        }
        assertEq(vault.deficitReceivable(), open, "deficit receivable = open series' deficit left");
        assertEq(vault.totalAssets(), vault.exitAssets() + vault.deficitReceivable());
        if (open != 0) assertEq(vault.maxDeposit(address(this)), 0, "deposits wait while a deficit is open");
    }

    function _assertSeriesMatches(BondSeries memory s, WaterfallLedger.GhostSeries memory g) internal pure {
        assertEq(s.deficit, g.deficit, "deficit");
        assertEq(s.startedAt, g.startedAt, "startedAt");
        assertEq(s.raised, g.raised, "raised");
        assertEq(s.faceSold, g.faceSold, "face sold");
        assertEq(s.repaid, g.repaid, "repaid");
        assertEq(s.redeemed, g.redeemed, "redeemed");
        assertEq(s.closed, g.closed, "closed");
    }

    function _assertHolders(uint256 id, BondSeries memory s, WaterfallLedger.GhostSeries memory g) internal view {
        uint256 bonds;
        uint256 claims;
        for (uint256 i; i < 3; ++i) {
            address h = handler.bondHolders(i);
            uint256 claim = waterfall.claimable(id, h);
            bonds += waterfall.balanceOf(h, id);
            claims += claim;
            assertLe(handler.redeemedBy(h, id) + claim, handler.faceReceived(h, id), "a claim beyond the face held");
        }
        assertEq(bonds, g.minted - g.burnt, "bonds held = minted - burnt");
        assertLe(bonds, s.faceSold, "bonds held beyond the face sold");
        assertLe(claims, s.repaid - s.redeemed, "claims beyond the revenue held");
    }
}
