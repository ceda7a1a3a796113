// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {BaseTest} from "../Base.t.sol";
import {Handler} from "./Handler.sol";

/// @notice Global properties of `../shared/RELIABILITY.md` (1, 2, 6, 8, 9) checked after every handler call.
contract InvariantsTest is BaseTest {
    Handler internal handler;

    function setUp() public override {
        super.setUp();
        // The demo's guards: moves of more than 25% within a minute halt new exposure in that asset.
        ethFeed.setGuards(600, 0.25e18, 60);
        btcFeed.setGuards(600, 0.25e18, 60);
        handler = new Handler(protocol, engine, usdc, weth, wbtc, ethFeed, btcFeed, address(insurance));
        // The handler pushes prices and funds actors.
        ethFeed.setPusher(address(handler));
        btcFeed.setPusher(address(handler));
        usdc.transferOwnership(address(handler));
        weth.transferOwnership(address(handler));
        wbtc.transferOwnership(address(handler));
        targetContract(address(handler));
    }

    function _traders() internal view returns (address[3] memory) {
        return handler.tradersList();
    }

    /// Property 1: the protocol holds at least every positive quote balance, and every collateral it owes.
    function invariant_tokensCoverAccounting() public view {
        address[3] memory t = _traders();
        uint256 positiveQuoteWad;
        for (uint256 i; i < 3; ++i) {
            int256 q = protocol.quoteBalance(t[i]);
            if (q > 0) positiveQuoteWad += uint256(q);
        }
        assertGe(usdc.balanceOf(address(protocol)) * 1e12, positiveQuoteWad);
        assertGe(weth.balanceOf(address(protocol)), protocol.collateralTotal(WETH_ID));
        assertGe(wbtc.balanceOf(address(protocol)), protocol.collateralTotal(WBTC_ID));
    }

    /// Property 1 (exact form): every quote movement is whole units, so the ledger matches the tokens exactly.
    function invariant_quoteLedgerExact() public view {
        address[3] memory t = _traders();
        uint256 positiveQuoteWad;
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
            if (marketMask == 0 && collateralMask == 0) assertGe(protocol.quoteBalance(t[i]), 0, "lingering debt");
        }
        assertLe(engine.totalDeficitWad(), engine.totalBadDebtWad());
    }

    /// Property 8: the insurance fund holds exactly its seed, plus every penalty share, minus what it covered.
    function invariant_insuranceLedger() public view {
        uint256 fund = usdc.balanceOf(address(insurance)) * 1e12;
        uint256 covered = engine.totalBadDebtWad() - engine.totalDeficitWad();
        assertEq(fund + covered, 50_000e18 + handler.ghostInsuranceInflowWad(), "insurance fund ledger");
    }

    /// The vault's assets are exactly its idle tokens plus what indebted accounts owe it.
    function invariant_vaultAccounting() public view {
        assertEq(vault.totalAssets(), usdc.balanceOf(address(vault)) + protocol.vaultReceivable() / 1e12);
    }
}
