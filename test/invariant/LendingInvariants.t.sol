// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {LendingBaseTest} from "../lending/LendingBase.t.sol";
import {LendingHandler} from "./LendingHandler.sol";

/// @notice Properties 31, 34, 35 and 36 of the lending market after every call of random sequences: the debt books, the
/// tokens behind them, sales that never lower equity, no liquidation of a healthy account, and bad debt only through
/// the shared waterfall.
contract LendingInvariantsTest is LendingBaseTest {
    LendingHandler internal handler;

    function setUp() public override {
        super.setUp();
        handler = new LendingHandler(
            lending, lendingEngine, lendingAuctions, lendingBackstop, lendingVault, usdc, weth, wbtc, ethFeed, btcFeed
        );
        ethFeed.setPusher(address(handler));
        btcFeed.setPusher(address(handler));
        usdc.transferOwnership(address(handler));
        weth.transferOwnership(address(handler));
        wbtc.transferOwnership(address(handler));
        lendingEngine.transferOwnership(address(handler));
        targetContract(address(handler));
    }

    /// Property 31: Σ scaled debts = the total, and the vault's receivable (total × index, rounded down) is covered by
    /// Σ debts (each rounded up) within one quote unit per borrower.
    function invariant_debtsMatchTheReceivable() public view {
        address[3] memory b = handler.borrowersList();
        uint256 scaledSum;
        uint256 debtSum;
        for (uint256 i; i < 3; ++i) {
            scaledSum += lending.scaledDebtOf(b[i]);
            debtSum += lending.debtOf(b[i]);
        }
        assertEq(scaledSum, lending.totalScaledDebtWad(), "sum of scaled debts");
        uint256 receivable = lending.vaultReceivable();
        assertGe(debtSum, receivable, "debts cover the receivable");
        assertLe(debtSum, receivable + 3 * QUOTE_UNIT_WAD, "within a unit per borrower");
    }

    /// Property 35: the market holds exactly the refunds it owes and every collateral balance it books.
    function invariant_tokensCoverTheBooks() public view {
        address[3] memory b = handler.borrowersList();
        uint256 claimSum;
        for (uint256 i; i < 3; ++i) {
            claimSum += lending.claimable(b[i]);
        }
        assertEq(claimSum, lending.totalClaimable());
        assertEq(usdc.balanceOf(address(lending)), lending.totalClaimable(), "quote held = refunds owed");
        for (uint256 id; id < 2; ++id) {
            uint256 sum;
            for (uint256 i; i < 3; ++i) {
                sum += lending.collateralBalance(b[i], id);
            }
            assertEq(sum, lending.collateralTotal(id), "collateral total");
            uint256 held = (id == 0 ? weth : wbtc).balanceOf(address(lending));
            assertEq(held, lending.collateralTotal(id), "collateral tokens");
        }
    }

    /// Property 34 (every sale in the sequences): a fixed-fee or backstop sale never lowered the equity the engine
    /// reads (Σ value × liquidation LTV − debt) nor raised the debt; a kick never raised the debt.
    function invariant_salesNeverLowerEquity() public view {
        assertEq(handler.ghostEquityDrops(), 0);
    }

    /// Property 36 (first half): no liquidation ever succeeded on an account that was healthy before it.
    function invariant_noHealthyAccountLiquidated() public view {
        assertEq(handler.ghostHealthyLiquidations(), 0);
    }

    /// Property 36 (second half): every unit of bad debt the lending engine wrote off was recognized by the shared
    /// waterfall for the lending vault and is accounted for there: covered by the fund, raised by bonds, socialized, or
    /// still owed to the vault while bonds are on sale.
    function invariant_badDebtOnlyThroughTheWaterfall() public view {
        (uint128 recognized, uint128 covered, uint128 raised, uint128 socialized) =
            waterfall.totals(address(lendingVault));
        assertEq(uint256(recognized) * QUOTE_UNIT_WAD, lendingEngine.totalBadDebtWad(), "engine = waterfall");
        assertEq(
            uint256(recognized), uint256(covered) + raised + socialized + lendingVault.deficitReceivable(), "split"
        );
        (uint128 perpsRecognized,,,) = waterfall.totals(address(vault));
        assertEq(perpsRecognized, 0, "the perps vault bears none of it");
    }

    /// The handler reaches what the invariants are about: borrows, liquidations in each pattern, takes, bad debt.
    function test_handlerCoverage() public {
        for (uint256 p; p < 3; ++p) {
            handler.setPattern(0, p);
            handler.deposit(p, 0, 10e18);
            handler.borrow(p, 10_000);
            handler.movePrice(0, 8_000, 1 hours); // −20%: past the liquidation LTV
            handler.liquidate(p, 0);
            handler.take(0, 120);
            handler.take(0, 120);
            handler.movePrice(0, 11_500, 0); // and back up for the next borrower
            handler.movePrice(0, 10_870, 0);
        }
        assertGe(handler.ghostBorrows(), 3);
        assertGe(handler.ghostLiquidations(), 3, "one liquidation per pattern");
        assertGe(handler.ghostSales(), 2, "a fixed-fee sale and a backstop buy");
        assertGe(handler.ghostTakes(), 1);
        // A borrower at its limit and a 36% fall of both prices: the sales leave debt, which the waterfall absorbs.
        handler.setPattern(0, 0);
        handler.setPattern(1, 0);
        handler.deposit(0, 1, 0.5e8);
        handler.borrow(0, 10_000);
        for (uint256 id; id < 2; ++id) {
            handler.movePrice(id, 8_000, 0);
            handler.movePrice(id, 8_000, 60);
        }
        handler.liquidate(0, 1);
        handler.liquidate(0, 0);
        assertGt(lendingEngine.totalBadDebtWad(), 0, "bad debt reached the waterfall");
        invariant_badDebtOnlyThroughTheWaterfall();
        invariant_tokensCoverTheBooks();
        invariant_debtsMatchTheReceivable();
        assertEq(handler.ghostHealthyLiquidations(), 0);
        assertEq(handler.ghostEquityDrops(), 0);
    }
}
