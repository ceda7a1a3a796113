// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {WaterfallLedger} from "./WaterfallLedger.sol";
import {TestnetToken} from "../../src/demo/TestnetToken.sol";
import {MarginProtocol} from "../../src/MarginProtocol.sol";
import {LiquidityVault} from "../../src/LiquidityVault.sol";
import {InsuranceFund} from "../../src/InsuranceFund.sol";
import {SolvencyWaterfall} from "../../src/SolvencyWaterfall.sol";
import {ISolvencyWaterfall, BondSeries} from "../../src/interfaces/ISolvencyWaterfall.sol";
import {IInsuranceFund} from "../../src/interfaces/IInsuranceFund.sol";
import {IMarginProtocol} from "../../src/interfaces/IMarginProtocol.sol";

/// @notice Handler actions on the waterfall and the insurance fund: bond buyers, holders and stakers. As in the rest of
/// the handler, every call either succeeds with exactly the outcome the model predicts or reverts with exactly the
/// error (and parameters) the model predicts.
abstract contract WaterfallActions is WaterfallLedger {
    address[3] public bondHolders;
    address[2] public stakers;
    /// @dev The insurance fund's virtual stake, one USDC (`VirtualShares`) [quote units].
    uint256 internal constant FUND_VIRTUAL_UNITS = 1e6;

    /// @dev Pushes every price feed again at the current time (the handler owns the feeds).
    function _refreshFeeds() internal virtual;

    /// @dev Mints quote tokens (the handler owns the token).
    function _quote() internal view virtual returns (TestnetToken);

    function _initWaterfallActors() internal {
        bondHolders = [makeAddr("bondHolder0"), makeAddr("bondHolder1"), makeAddr("bondHolder2")];
        stakers = [makeAddr("staker0"), makeAddr("staker1")];
        for (uint256 i; i < 3; ++i) {
            vm.prank(bondHolders[i]);
            ledgerQuote.approve(address(ledgerWaterfall), type(uint256).max);
        }
        for (uint256 i; i < 2; ++i) {
            vm.prank(stakers[i]);
            ledgerQuote.approve(address(ledgerFund), type(uint256).max);
        }
    }

    /// @dev Lets `seconds_` pass in steps of at most 10 minutes, refreshing the feeds after each so none goes stale.
    function _wait(uint256 seconds_) internal {
        uint256 target = block.timestamp + seconds_;
        while (block.timestamp < target) {
            uint256 step = target - block.timestamp;
            vm.warp(block.timestamp + (step > 10 minutes ? 10 minutes : step));
            _refreshFeeds();
        }
    }

    /*//////////////////////////////////////////////////////////////
                                 BONDS
    //////////////////////////////////////////////////////////////*/

    struct Buy {
        uint256 id;
        address holder;
        BondSeries series;
        uint256 price;
        uint256 left;
        uint256 maxCost;
        uint256 maxPrice;
        uint256 cost;
        bytes expected;
        uint256 vaultCash;
        uint256 receivable;
        uint256 bonds;
    }

    /// @dev Buys bonds of a series (mostly an open one) after some time, for a random cost, sometimes with a price limit.
    function buyBonds(uint256 holderSeed, uint256 seriesSeed, uint256 maxCost, uint256 limitSeed, uint256 dt)
        external
        recorded
    {
        if (ledgerWaterfall.seriesCount() == 0) return;
        Buy memory b;
        b.id = _pickSeries(seriesSeed, true);
        _wait(bound(dt, 0, 100));
        b.holder = bondHolders[holderSeed % 3];
        b.series = ledgerWaterfall.series(b.id);
        b.price = ledgerWaterfall.priceWad(b.id);
        b.left = b.series.deficit - b.series.raised;
        b.maxCost = maxCost % 7 == 0 ? 0 : bound(maxCost, 1, b.left + b.left / 4 + 1);
        b.maxPrice =
            limitSeed % 5 == 0 ? bound(limitSeed, b.series.floorPriceWad, b.series.startPriceWad) : type(uint256).max;
        b.cost = b.maxCost < b.left ? b.maxCost : b.left;
        if (b.series.closed) {
            b.expected = abi.encodeWithSelector(ISolvencyWaterfall.SeriesAlreadyClosed.selector, b.id);
        } else if (b.price > b.maxPrice) {
            b.expected = abi.encodeWithSelector(ISolvencyWaterfall.PriceAboveLimit.selector, b.price, b.maxPrice);
        } else if (b.cost * 1e18 / b.price == 0) {
            b.expected = abi.encodeWithSelector(ISolvencyWaterfall.NothingToBuy.selector, b.id);
        }
        _quote().mint(b.holder, b.maxCost);
        b.vaultCash = ledgerQuote.balanceOf(address(ledgerVault));
        b.receivable = ledgerVault.deficitReceivable();
        b.bonds = ledgerWaterfall.balanceOf(b.holder, b.id);
        _flush();
        vm.prank(b.holder);
        try ledgerWaterfall.buyBonds(b.id, b.maxCost, b.maxPrice, b.holder) returns (uint256 paid, uint256 face) {
            _checkBuy(b, paid, face);
        } catch (bytes memory reason) {
            _drop();
            assertEq(reason, b.expected, "unexplained buyBonds revert");
        }
    }

    function _checkBuy(Buy memory b, uint256 paid, uint256 face) internal view {
        assertEq(b.expected.length, 0, "bought where a revert was due");
        assertGe(b.price, b.series.floorPriceWad, "below the floor");
        assertLe(b.price, b.series.startPriceWad, "above the start");
        assertEq(paid, b.cost, "cost = min(max cost, deficit left)");
        assertEq(face, b.cost * 1e18 / b.price, "face = cost / price");
        assertEq(ledgerQuote.balanceOf(address(ledgerVault)), b.vaultCash + b.cost, "proceeds to the vault");
        assertEq(ledgerVault.deficitReceivable(), b.receivable - b.cost, "receivable repaid by the proceeds");
        assertEq(ledgerWaterfall.balanceOf(b.holder, b.id), b.bonds + face);
        assertEq(ledgerWaterfall.series(b.id).closed, b.cost == b.left, "closes exactly when all is raised");
    }

    /// @dev Moves bonds between holders: the claims accrued so far stay where they were.
    function transferBonds(uint256 fromSeed, uint256 toSeed, uint256 seriesSeed, uint256 amount) external recorded {
        if (ledgerWaterfall.seriesCount() == 0) return;
        address from = bondHolders[fromSeed % 3];
        address to = bondHolders[(fromSeed % 3 + 1 + toSeed % 2) % 3];
        uint256 id = _pickHeldSeries(from, seriesSeed);
        uint256 balance = ledgerWaterfall.balanceOf(from, id);
        if (balance == 0) return;
        amount = bound(amount, 1, balance);
        uint256 claims = ledgerWaterfall.claimable(id, from) + ledgerWaterfall.claimable(id, to);
        uint256 toBalance = ledgerWaterfall.balanceOf(to, id);
        vm.prank(from);
        ledgerWaterfall.transfer(to, id, amount);
        assertEq(ledgerWaterfall.balanceOf(from, id), balance - amount);
        assertEq(ledgerWaterfall.balanceOf(to, id), toBalance + amount);
        assertEq(ledgerWaterfall.claimable(id, from) + ledgerWaterfall.claimable(id, to), claims, "claims moved");
    }

    /// @dev Lets time pass and closes a series; before its floor window ends it must refuse.
    function closeSeries(uint256 seriesSeed, uint256 dt) external recorded {
        if (ledgerWaterfall.seriesCount() == 0) return;
        uint256 id = _pickSeries(seriesSeed, true);
        _wait(bound(dt, 0, 120));
        BondSeries memory s = ledgerWaterfall.series(id);
        uint256 closable = ledgerWaterfall.closableAt(id);
        bytes memory expected;
        if (s.closed) {
            expected = abi.encodeWithSelector(ISolvencyWaterfall.SeriesAlreadyClosed.selector, id);
        } else if (block.timestamp < closable) {
            expected = abi.encodeWithSelector(ISolvencyWaterfall.SaleNotOver.selector, id, closable);
        }
        uint256 assets = ledgerVault.totalAssets();
        uint256 exitAssets = ledgerVault.exitAssets();
        _flush();
        try ledgerWaterfall.closeSeries(id) returns (uint256 socialized) {
            assertEq(expected.length, 0, "closed where a revert was due");
            assertEq(socialized, s.deficit - s.raised, "socialized the unsold rest");
            assertEq(ledgerVault.totalAssets(), assets - socialized, "the vault's share price falls by it");
            assertEq(ledgerVault.exitAssets(), exitAssets, "exits were priced without it");
            assertTrue(ledgerWaterfall.series(id).closed);
        } catch (bytes memory reason) {
            _drop();
            assertEq(reason, expected, "unexplained closeSeries revert");
        }
    }

    /// @dev Anyone routes the revenue; the fund receives exactly what `pendingForFund` announced.
    function route() external recorded {
        uint256 announced = ledgerWaterfall.pendingForFund();
        uint256 fund = ledgerFund.balance();
        uint256 outstanding = ledgerWaterfall.outstandingFace();
        (uint256 toBonds, uint256 toFund) = ledgerWaterfall.route();
        assertEq(toFund, announced, "pendingForFund");
        assertEq(ledgerFund.balance(), fund + toFund);
        assertLe(toBonds, outstanding);
        assertEq(ledgerWaterfall.pendingForFund(), 0);
    }

    /// @dev A holder redeems, sometimes after routing itself; a refusal means there was nothing to pay, even after the
    /// route `redeem` makes.
    function redeem(uint256 holderSeed, uint256 seriesSeed, bool routeFirst) external recorded {
        if (ledgerWaterfall.seriesCount() == 0) return;
        address h = bondHolders[holderSeed % 3];
        uint256 id = _pickHeldSeries(h, seriesSeed);
        if (routeFirst) ledgerWaterfall.route();
        uint256 claim = ledgerWaterfall.claimable(id, h);
        uint256 bonds = ledgerWaterfall.balanceOf(h, id);
        uint256 cash = ledgerQuote.balanceOf(h);
        _flush();
        vm.prank(h);
        try ledgerWaterfall.redeem(id, h) returns (uint256 amount) {
            if (routeFirst) assertEq(amount, claim, "pays the claim");
            else assertGe(amount, claim, "pays at least the claim");
            assertEq(ledgerWaterfall.claimable(id, h), 0);
            assertEq(ledgerQuote.balanceOf(h), cash + amount);
            BondSeries memory s = ledgerWaterfall.series(id);
            assertEq(ledgerWaterfall.balanceOf(h, id), s.repaid == s.faceSold ? 0 : bonds, "burnt once repaid");
        } catch (bytes memory reason) {
            _drop();
            assertEq(reason, abi.encodeWithSelector(ISolvencyWaterfall.NothingToRedeem.selector, id, h));
            if (!routeFirst) ledgerWaterfall.route(); // the route the refused call made and undid
            assertEq(ledgerWaterfall.claimable(id, h), 0, "refused a holder with a claim");
        }
    }

    /// @dev Anyone sends the accrued fee share to the waterfall.
    function sweepFees() external recorded {
        uint256 owedWad = ledgerProtocol.feesOwedWad();
        uint256 held = ledgerQuote.balanceOf(address(ledgerWaterfall));
        _flush();
        try ledgerProtocol.sweepFees() returns (uint256 amountWad) {
            assertGt(owedWad, 0);
            assertEq(amountWad, owedWad);
            assertEq(ledgerProtocol.feesOwedWad(), 0);
            assertEq(ledgerQuote.balanceOf(address(ledgerWaterfall)), held + owedWad / 1e12);
        } catch (bytes memory reason) {
            _drop();
            assertEq(owedWad, 0);
            assertEq(reason, abi.encodeWithSelector(IMarginProtocol.ZeroAmount.selector));
        }
    }

    /*//////////////////////////////////////////////////////////////
                             INSURANCE FUND
    //////////////////////////////////////////////////////////////*/

    /// @dev A staker enters at the share price now, priced with the virtual stake of one USDC (`VirtualShares`).
    function stake(uint256 stakerSeed, uint256 amount) external recorded {
        address st = stakers[stakerSeed % 2];
        amount = bound(amount, 1, 5_000e6); // about one crash's bad debt at most
        _quote().mint(st, amount);
        uint256 supply = ledgerFund.totalSupply();
        uint256 assets = ledgerFund.totalAssets();
        // A fund emptied again and again multiplies its supply each time: the share math can overflow.
        bool overflow = amount > type(uint256).max / (supply + FUND_VIRTUAL_UNITS);
        uint256 expected = overflow ? 0 : amount * (supply + FUND_VIRTUAL_UNITS) / (assets + FUND_VIRTUAL_UNITS);
        uint256 shares = ledgerFund.balanceOf(st);
        _flush();
        vm.prank(st);
        try ledgerFund.deposit(amount, st) returns (uint256 minted) {
            assertGt(expected, 0, "staked where a revert was due");
            assertEq(minted, expected, "shares at the price now");
            assertEq(ledgerFund.balanceOf(st), shares + minted);
        } catch (bytes memory reason) {
            _drop();
            if (overflow) {
                assertEq(reason.length, 0, "unexplained stake revert");
            } else {
                assertEq(reason, abi.encodeWithSignature("Error(string)", "ZERO_SHARES"), "unexplained stake revert");
            }
            assertEq(expected, 0);
        }
    }

    /// @dev A staker escrows all or part of its shares; the cooldown restarts.
    function requestWithdraw(uint256 stakerSeed, uint256 fraction) external recorded {
        address st = stakers[stakerSeed % 2];
        uint256 balance = ledgerFund.balanceOf(st);
        if (balance == 0) return;
        uint256 shares = fraction % 2 == 0 ? balance : bound(fraction, 1, balance);
        (uint192 escrowed,) = ledgerFund.requests(st);
        uint256 held = ledgerFund.balanceOf(address(ledgerFund));
        vm.prank(st);
        uint256 readyAt = ledgerFund.requestWithdraw(shares);
        assertEq(readyAt, block.timestamp + ledgerFund.cooldownSeconds());
        (uint192 escrowedAfter, uint64 readyAtStored) = ledgerFund.requests(st);
        assertEq(escrowedAfter, escrowed + shares);
        assertEq(readyAtStored, readyAt);
        assertEq(ledgerFund.balanceOf(address(ledgerFund)), held + shares, "escrowed in the fund");
        assertEq(ledgerFund.balanceOf(st), balance - shares);
    }

    /// @dev Mostly waits out the cooldown first; the staker gets its escrowed shares' worth now, after every gain and
    /// loss taken while they cooled down.
    function withdrawRequested(uint256 stakerSeed, uint256 waitSeed) external recorded {
        address st = stakers[stakerSeed % 2];
        (uint192 shares, uint64 readyAt) = ledgerFund.requests(st);
        if (shares != 0 && waitSeed % 4 != 0 && block.timestamp < readyAt) _wait(readyAt - block.timestamp);
        bytes memory expected;
        if (shares == 0) {
            expected = abi.encodeWithSelector(IInsuranceFund.NoRequest.selector, st);
        } else if (block.timestamp < readyAt) {
            expected = abi.encodeWithSelector(IInsuranceFund.CoolingDown.selector, st, readyAt);
        }
        // Revenue the fund is owed counts in the price; the call routes it first.
        // At the exit price: the lower of the virtual and the pro-rata one.
        uint256 assets = ledgerFund.totalAssets();
        uint256 supply = ledgerFund.totalSupply();
        bool overflow = shares != 0 && shares > type(uint256).max / (assets + FUND_VIRTUAL_UNITS);
        uint256 due;
        if (shares != 0 && !overflow) {
            uint256 atVirtual = uint256(shares) * (assets + FUND_VIRTUAL_UNITS) / (supply + FUND_VIRTUAL_UNITS);
            uint256 proRata = uint256(shares) * assets / supply;
            due = atVirtual < proRata ? atVirtual : proRata;
        }
        uint256 cash = ledgerQuote.balanceOf(st);
        _flush();
        vm.prank(st);
        try ledgerFund.withdrawRequested(st) returns (uint256 paid) {
            assertEq(expected.length, 0, "withdrew where a revert was due");
            assertFalse(overflow);
            assertEq(paid, due, "the escrowed shares' worth now");
            assertEq(ledgerQuote.balanceOf(st), cash + paid);
            (uint192 left,) = ledgerFund.requests(st);
            assertEq(left, 0);
        } catch (bytes memory reason) {
            _drop();
            if (expected.length != 0) assertEq(reason, expected, "unexplained withdrawRequested revert");
            else assertTrue(overflow && reason.length == 0, "unexplained withdrawRequested revert");
        }
    }

    /// @dev A staker leaves with everything: requests all its shares, waits out the cooldown and withdraws, through the
    /// checked actions. The honest way the fund runs dry, so that bad debt reaches the bonds.
    function stakerExit(uint256 stakerSeed) external recorded {
        this.requestWithdraw(stakerSeed, 0);
        this.withdrawRequested(stakerSeed, 1);
    }

    function cancelWithdraw(uint256 stakerSeed) external recorded {
        address st = stakers[stakerSeed % 2];
        (uint192 shares,) = ledgerFund.requests(st);
        uint256 balance = ledgerFund.balanceOf(st);
        _flush();
        vm.prank(st);
        try ledgerFund.cancelWithdraw() {
            assertGt(shares, 0);
            assertEq(ledgerFund.balanceOf(st), balance + shares);
            (uint192 left,) = ledgerFund.requests(st);
            assertEq(left, 0);
        } catch (bytes memory reason) {
            _drop();
            assertEq(shares, 0);
            assertEq(reason, abi.encodeWithSelector(IInsuranceFund.NoRequest.selector, st));
        }
    }

    /*//////////////////////////////////////////////////////////////
                                HELPERS
    //////////////////////////////////////////////////////////////*/

    /// @dev A series from the seed; with `preferOpen`, mostly the first open one from there.
    function _pickSeries(uint256 seed, bool preferOpen) internal view returns (uint256) {
        uint256 n = ledgerWaterfall.seriesCount();
        uint256 first = seed % n;
        if (!preferOpen || seed % 4 == 0) return first;
        for (uint256 i; i < n; ++i) {
            uint256 id = (first + i) % n;
            if (!ledgerWaterfall.series(id).closed) return id;
        }
        return first;
    }

    /// @dev Mostly a series in which `holder` holds bonds or a claim.
    function _pickHeldSeries(address holder, uint256 seed) internal view returns (uint256) {
        uint256 n = ledgerWaterfall.seriesCount();
        uint256 first = seed % n;
        if (seed % 5 == 0) return first;
        for (uint256 i; i < n; ++i) {
            uint256 id = (first + i) % n;
            if (ledgerWaterfall.balanceOf(holder, id) != 0 || ledgerWaterfall.claimable(id, holder) != 0) return id;
        }
        return first;
    }
}
