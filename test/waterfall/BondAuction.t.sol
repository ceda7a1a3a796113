// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {WaterfallBase} from "./WaterfallBase.t.sol";
import {ISolvencyWaterfall, BondSeries, SocializationCause} from "../../src/interfaces/ISolvencyWaterfall.sol";

/// @notice The bond sale: a Dutch auction of face for a deficit, its proceeds paid straight to the vault.
contract BondAuctionTest is WaterfallBase {
    uint256 internal constant DEFICIT = 10_000e6;
    uint256 internal id;
    uint256 internal startedAt;
    address[3] internal buyers = [makeAddr("buyer0"), makeAddr("buyer1"), makeAddr("buyer2")];

    function setUp() public override {
        super.setUp();
        startedAt = block.timestamp;
        id = _issueSeries(DEFICIT);
    }

    /// The price of a unit of face never rises with time, starts at the start price, and never goes below the floor.
    function testFuzz_priceFallsToTheFloorAndStaysThere(uint256 t1, uint256 t2) public {
        t1 = bound(t1, 0, 2 days);
        t2 = bound(t2, t1, 2 days);
        vm.warp(startedAt + t1);
        uint256 p1 = waterfall.priceWad(id);
        vm.warp(startedAt + t2);
        uint256 p2 = waterfall.priceWad(id);
        assertGe(p1, p2, "price rose");
        assertGe(p2, FLOOR_PRICE, "below the floor");
        assertLe(p1, START_PRICE, "above the start");
        // Linear over the decay, rounded up (the drop rounds down), flat at the floor after it.
        uint256 expected1 = t1 >= DECAY ? FLOOR_PRICE : START_PRICE - (START_PRICE - FLOOR_PRICE) * t1 / DECAY;
        assertEq(p1, expected1);
        if (t2 >= DECAY) assertEq(p2, FLOOR_PRICE);
    }

    /// Up to three buys at random times: each pays min(maxCost, deficit left), gets cost ÷ price rounded down of face,
    /// and its cost moves from the buyer to the vault, where it replaces as much of the deficit receivable.
    function testFuzz_proceedsCoverTheDeficitExactly(uint256[3] memory maxCosts, uint256[3] memory waits) public {
        uint256 raised;
        uint256 faceSold;
        uint256 vaultAssets = vault.totalAssets();
        for (uint256 i; i < 3; ++i) {
            vm.warp(block.timestamp + bound(waits[i], 0, 40));
            if (_series(id).closed) break;
            uint256 price = waterfall.priceWad(id);
            uint256 maxCost = bound(maxCosts[i], 1, DEFICIT * 2 / 3);
            uint256 receivableBefore = vault.deficitReceivable();
            uint256 vaultCashBefore = usdc.balanceOf(address(vault));
            (uint256 cost, uint256 face) = _buy(buyers[i], id, maxCost);

            assertEq(cost, _min(maxCost, DEFICIT - raised), "cost = min(max cost, deficit left)");
            assertEq(face, cost * 1e18 / price, "face = cost / price, rounded down");
            assertGe(face, cost, "a unit of face never costs more than a unit");
            assertEq(vault.deficitReceivable(), receivableBefore - cost, "receivable falls by the cost");
            assertEq(usdc.balanceOf(address(vault)), vaultCashBefore + cost, "vault cash rises by the cost");
            assertEq(usdc.balanceOf(buyers[i]), maxCost - cost, "the buyer paid the cost");
            assertEq(waterfall.balanceOf(buyers[i], id), face);
            assertEq(vault.totalAssets(), vaultAssets, "proceeds replace the receivable");
            raised += cost;
            faceSold += face;
        }
        BondSeries memory s = _series(id);
        assertEq(s.raised, raised, "proceeds = deficit covered");
        assertEq(s.faceSold, faceSold);
        assertEq(waterfall.outstandingFace(), faceSold);
        assertEq(vault.deficitReceivable(), DEFICIT - raised);
        assertEq(s.closed, raised == DEFICIT, "closes when all is raised");
        (,, uint256 raisedByBonds,) = waterfall.totals(address(vault));
        assertEq(raisedByBonds, raised);
    }

    function testFuzz_cannotBuyAboveTheLimitPrice(uint256 wait, uint256 maxPriceWad) public {
        vm.warp(startedAt + bound(wait, 0, 200));
        uint256 price = waterfall.priceWad(id);
        maxPriceWad = bound(maxPriceWad, 0, price - 1);
        usdc.mint(bob, 1_000e6);
        vm.startPrank(bob);
        usdc.approve(address(waterfall), 1_000e6);
        vm.expectRevert(abi.encodeWithSelector(ISolvencyWaterfall.PriceAboveLimit.selector, price, maxPriceWad));
        waterfall.buyBonds(id, 1_000e6, maxPriceWad, bob);
        // At the limit exactly, it buys.
        (uint256 cost,) = waterfall.buyBonds(id, 1_000e6, price, bob);
        vm.stopPrank();
        assertEq(cost, 1_000e6);
    }

    function test_cannotBuyASoldOutSeries() public {
        (uint256 cost,) = _buy(bob, id, DEFICIT + 1);
        assertEq(cost, DEFICIT);
        assertTrue(_series(id).closed);
        vm.expectRevert(abi.encodeWithSelector(ISolvencyWaterfall.SeriesAlreadyClosed.selector, id));
        waterfall.buyBonds(id, 1, type(uint256).max, bob);
        vm.expectRevert(abi.encodeWithSelector(ISolvencyWaterfall.SeriesAlreadyClosed.selector, id));
        waterfall.closeSeries(id);
    }

    function test_cannotBuyAClosedSeries() public {
        vm.warp(startedAt + DECAY + FLOOR_WINDOW);
        waterfall.closeSeries(id);
        usdc.mint(bob, 1_000e6);
        vm.startPrank(bob);
        usdc.approve(address(waterfall), 1_000e6);
        vm.expectRevert(abi.encodeWithSelector(ISolvencyWaterfall.SeriesAlreadyClosed.selector, id));
        waterfall.buyBonds(id, 1_000e6, type(uint256).max, bob);
        vm.stopPrank();
    }

    /// Until the floor window is over nobody can close the sale; from then on anyone can, and the unsold rest is
    /// socialized.
    function testFuzz_closeOnlyAfterTheFloorWindow(uint256 wait, uint256 bought) public {
        uint256 closable = startedAt + DECAY + FLOOR_WINDOW;
        assertEq(waterfall.closableAt(id), closable);
        bought = bound(bought, 0, DEFICIT - 1);
        if (bought != 0) _buy(bob, id, bought);
        wait = bound(wait, 0, DECAY + FLOOR_WINDOW - 1);
        vm.warp(startedAt + wait);
        vm.expectRevert(abi.encodeWithSelector(ISolvencyWaterfall.SaleNotOver.selector, id, closable));
        waterfall.closeSeries(id);

        vm.warp(closable);
        uint256 assetsBefore = vault.totalAssets();
        vm.expectEmit(true, true, false, true, address(waterfall));
        emit ISolvencyWaterfall.Socialized(address(vault), id, DEFICIT - bought, SocializationCause.BondsUnsold);
        assertEq(waterfall.closeSeries(id), DEFICIT - bought);
        assertEq(vault.totalAssets(), assetsBefore - (DEFICIT - bought));
        assertEq(vault.deficitReceivable(), 0);
        assertTrue(_series(id).closed);
    }
}
