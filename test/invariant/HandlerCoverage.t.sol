// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {WaterfallChecks} from "./WaterfallChecks.sol";
import {WaterfallLedger} from "./WaterfallLedger.sol";

/// @notice The handler's actions can reach every layer of the waterfall: a fixed sequence of them, with every check of
/// the invariant suites after it. Random campaigns reach these states only some of the time; this shows they can, and
/// that the checks hold there.
contract HandlerCoverageTest is WaterfallChecks {
    function _recognized() internal view returns (uint256 recognized) {
        (recognized,,,) = waterfall.totals(address(vault));
    }

    function test_handlerReachesEveryLayer() public {
        // A trader with quote trades (a fee share accrues); a mild crash closes a solvent account with a penalty, whose
        // share the waterfall routes to the fund (no bonds yet).
        handler.depositQuote(1, 5_000e6 + 1);
        handler.trade(1, ETH_MARKET, 1e18);
        handler.crash(0, 0); // WETH, one 8% drop
        handler.route();
        // A deep crash: the fund ($5,000 and the revenue) covers the bad debt alone.
        handler.crash(2, 2); // WETH, two 14% drops
        // The first staker leaves with everything: the fund is empty.
        handler.stakerExit(0);
        assertEq(insurance.balance(), 0, "fund drained");

        // A stake of $50 less than the next crash's bad debt: the fund pays it all, the $50 left is socialized at once.
        uint256 snapshot = vm.snapshotState();
        uint256 before = _recognized();
        handler.crash(1, 2);
        uint256 badDebt = _recognized() - before;
        vm.revertToState(snapshot);
        handler.stake(1, badDebt - 50e6);
        handler.crash(1, 2);

        // With the fund empty again, the next crash opens a bond series. A holder buys $2 of it and gives half its
        // bonds away; the sale closes and the rest is socialized.
        handler.crash(0, 4);
        assertEq(waterfall.seriesCount(), 1, "a series");
        handler.buyBonds(0, 1, 2e6, 1, 0);
        handler.transferBonds(0, 0, 1, 1e6);
        handler.closeSeries(1, 120);
        // The fee share repays part of the bonds; both holders redeem (one routing first, one through `redeem`).
        handler.sweepFees();
        handler.redeem(1, 1, false);
        handler.redeem(0, 1, true);
        // A penalty repays the rest; the excess reaches the fund; the holders redeem the rest and their bonds burn.
        handler.crash(2, 0);
        handler.route();
        handler.redeem(1, 1, false);
        handler.redeem(0, 1, true);
        // A staker joins, asks to leave, changes its mind.
        handler.stake(1, 1_000e6);
        handler.requestWithdraw(1, 1);
        handler.cancelWithdraw(1);

        WaterfallLedger.Reached memory r = handler.reachedLayers();
        assertGt(r.fundAlone, 0, "the fund alone");
        assertGt(r.socializedBelowMinimum, 0, "socialized below the minimum series");
        assertGt(r.seriesIssued, 0, "series issued");
        assertGt(r.buys, 0, "bonds bought");
        assertGt(r.closes, 0, "series closed");
        assertGt(r.socializedUnsold, 0, "unsold bonds socialized");
        assertGt(r.repayments, 1, "bonds repaid, twice");
        assertGt(r.redemptions, 3, "bonds redeemed");
        assertGt(r.burns, 0, "repaid bonds burnt");
        assertGt(r.routesToFund, 1, "revenue to the fund, before and after the bonds");
        assertGt(r.sweeps, 0, "fees swept");
        assertGt(r.stakes, 0, "stakes");
        assertGt(r.withdrawals, 0, "withdrawals");
        assertGt(r.cancels, 0, "cancelled requests");
        assertEq(waterfall.outstandingFace(), 0, "every bond repaid");

        _checkInsuranceLedger();
        _checkVaultAccounting();
        _checkBadDebtLayers();
        _checkRevenueLedger();
        _checkBondBooks();
        _checkVaultDeficit();
    }

    /// A hedged portfolio account (WETH against a short ETH perp, over-hedged) opts in through the handler, a rally
    /// makes it liquidatable, and the handler's checked liquidation closes the short: property 5 holds for it.
    function test_handlerLiquidatesAPortfolioAccount() public {
        handler.depositCollateral(0, WETH_ID, 2e18);
        handler.setPortfolioMode(0, true);
        assertEq(handler.ghostPortfolioOptIns(), 1, "opted in");
        handler.trade(0, ETH_MARKET, -12e18);
        (int256 size,) = protocol.position(handler.traders(0), ETH_MARKET);
        assertEq(size, -12e18);
        handler.movePrice(0, 11_500, 61);
        assertTrue(protocol.isLiquidatable(handler.traders(0)), "liquidatable after the rally");
        handler.liquidate(0, 0, ETH_MARKET, 1);
        assertEq(handler.ghostPortfolioLiquidations(), 1, "a portfolio account liquidated");
        _checkInsuranceLedger();
        _checkVaultAccounting();
    }

    /// The pre-liquidation action can succeed (random campaigns reach the zone only some of the time): a trader at
    /// about 5× is brought into the zone by a 10% fall and pre-liquidated; every check of the suites holds after.
    function test_handlerPreLiquidates() public {
        handler.depositQuote(0, 2_000e6 + 1); // (a multiple of 8 would be a dust deposit)
        handler.trade(0, ETH_MARKET, 3.3e18); // ≈ $9,900 notional on $2,000
        address a = handler.traders(0);
        uint256 top = preLiquidation.params(ETH_MARKET).preHealthWad;
        for (uint256 i; i < 20 && protocol.health(a).healthWad >= top; ++i) {
            handler.movePrice(0, 9_900, 61);
        }
        uint256 h = protocol.health(a).healthWad;
        assertTrue(h >= 1e18 && h < top, "in the zone");
        handler.preLiquidate(0, 0, ETH_MARKET, 1);
        assertEq(handler.ghostPreLiquidations(), 1, "pre-liquidated");
        assertGe(protocol.health(a).healthWad, top, "out of the zone");
        _checkInsuranceLedger();
        _checkVaultAccounting();
        _checkRevenueLedger();
    }
}
