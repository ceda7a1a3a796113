// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "solmate/tokens/ERC20.sol";
import {WaterfallBase} from "./WaterfallBase.t.sol";
import {SolvencyWaterfall} from "../../src/SolvencyWaterfall.sol";
import {ISolvencyWaterfall, BondAuctionParams} from "../../src/interfaces/ISolvencyWaterfall.sol";
import {IInsuranceFund} from "../../src/interfaces/IInsuranceFund.sol";
import {LiquidityVault} from "../../src/LiquidityVault.sol";

/// @notice Every refusal of the waterfall and of the vault's deficit hooks, with its exact error and parameters.
contract WaterfallRevertsTest is WaterfallBase {
    function test_onlyAnEngineRecognizesBadDebt() public {
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(ISolvencyWaterfall.NotEngine.selector, bob));
        waterfall.absorbBadDebt(address(vault), alice, 1_000e6);
        // An engine the owner removes loses the right too.
        waterfall.setEngine(address(engine), false);
        vm.prank(address(engine));
        vm.expectRevert(abi.encodeWithSelector(ISolvencyWaterfall.NotEngine.selector, address(engine)));
        waterfall.absorbBadDebt(address(vault), alice, 1_000e6);
    }

    function test_unknownSeries() public {
        uint256 id = _issueSeries(1_000e6); // series 0 exists; 1 does not
        bytes memory unknown = abi.encodeWithSelector(ISolvencyWaterfall.UnknownSeries.selector, id + 1);
        vm.expectRevert(unknown);
        waterfall.buyBonds(id + 1, 1e6, type(uint256).max, bob);
        vm.expectRevert(unknown);
        waterfall.closeSeries(id + 1);
        vm.expectRevert(unknown);
        waterfall.redeem(id + 1, bob);
        vm.expectRevert(unknown);
        waterfall.priceWad(id + 1);
        vm.expectRevert(unknown);
        waterfall.closableAt(id + 1);
        vm.expectRevert(unknown);
        waterfall.series(id + 1);
        vm.expectRevert(unknown);
        waterfall.claimable(id + 1, bob);
    }

    function test_seriesAlreadyClosed() public {
        uint256 id = _issueSeries(1_000e6);
        vm.warp(waterfall.closableAt(id));
        waterfall.closeSeries(id);
        vm.expectRevert(abi.encodeWithSelector(ISolvencyWaterfall.SeriesAlreadyClosed.selector, id));
        waterfall.closeSeries(id);
        vm.expectRevert(abi.encodeWithSelector(ISolvencyWaterfall.SeriesAlreadyClosed.selector, id));
        waterfall.buyBonds(id, 1e6, type(uint256).max, bob);
    }

    function test_saleNotOver() public {
        uint256 id = _issueSeries(1_000e6);
        uint256 closable = block.timestamp + DECAY + FLOOR_WINDOW;
        vm.warp(closable - 1);
        vm.expectRevert(abi.encodeWithSelector(ISolvencyWaterfall.SaleNotOver.selector, id, closable));
        waterfall.closeSeries(id);
    }

    function test_priceAboveLimit() public {
        uint256 id = _issueSeries(1_000e6);
        vm.warp(block.timestamp + 30); // 0.915
        vm.expectRevert(abi.encodeWithSelector(ISolvencyWaterfall.PriceAboveLimit.selector, 0.915e18, 0.9e18));
        waterfall.buyBonds(id, 1e6, 0.9e18, bob);
    }

    function test_nothingToBuy() public {
        uint256 id = _issueSeries(1_000e6);
        vm.expectRevert(abi.encodeWithSelector(ISolvencyWaterfall.NothingToBuy.selector, id));
        waterfall.buyBonds(id, 0, type(uint256).max, bob);
    }

    function test_nothingToRedeem() public {
        uint256 id = _issueSeries(1_000e6);
        _buy(bob, id, 1_000e6);
        // Bob holds bonds but nothing has repaid them yet; alice holds none.
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(ISolvencyWaterfall.NothingToRedeem.selector, id, bob));
        waterfall.redeem(id, bob);
        _revenue(10e6);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(ISolvencyWaterfall.NothingToRedeem.selector, id, alice));
        waterfall.redeem(id, alice);
        // Once redeemed, the claim is spent until more revenue comes.
        vm.startPrank(bob);
        assertEq(waterfall.redeem(id, bob), 10e6);
        vm.expectRevert(abi.encodeWithSelector(ISolvencyWaterfall.NothingToRedeem.selector, id, bob));
        waterfall.redeem(id, bob);
        vm.stopPrank();
    }

    function _expectInvalid(BondAuctionParams memory p, string memory reason) internal {
        vm.expectRevert(abi.encodeWithSelector(ISolvencyWaterfall.InvalidParams.selector, reason));
        waterfall.setBondAuctionParams(p);
        vm.expectRevert(abi.encodeWithSelector(ISolvencyWaterfall.InvalidParams.selector, reason));
        new SolvencyWaterfall(ERC20(address(usdc)), IInsuranceFund(address(insurance)), address(this), p);
    }

    function test_invalidBondParams() public {
        BondAuctionParams memory p = _demoBondAuctionParams();
        p.startPriceWad = 1e18 + 1; // a bond may not cost more than the unit it repays
        _expectInvalid(p, "start price");
        p = _demoBondAuctionParams();
        p.floorPriceWad = 0;
        _expectInvalid(p, "floor price");
        p = _demoBondAuctionParams();
        p.floorPriceWad = p.startPriceWad + 1;
        _expectInvalid(p, "floor price");
        p = _demoBondAuctionParams();
        p.decaySeconds = 0;
        _expectInvalid(p, "decay");
        p = _demoBondAuctionParams();
        p.minSeriesUnits = 0;
        _expectInvalid(p, "minimum series");
        // A start at par and a flat sale (floor = start) are allowed.
        p = _demoBondAuctionParams();
        p.startPriceWad = 1e18;
        p.floorPriceWad = 1e18;
        waterfall.setBondAuctionParams(p);
        assertEq(waterfall.bondAuctionParams().floorPriceWad, 1e18);
    }

    function test_onlyTheOwnerConfigures() public {
        vm.startPrank(bob);
        vm.expectRevert("UNAUTHORIZED");
        waterfall.setBondAuctionParams(_demoBondAuctionParams());
        vm.expectRevert("UNAUTHORIZED");
        waterfall.setEngine(bob, true);
        vm.stopPrank();
    }

    function test_onlyTheWaterfallMovesTheVaultsDeficit() public {
        bytes memory notWaterfall = abi.encodeWithSelector(LiquidityVault.NotWaterfall.selector, bob);
        vm.startPrank(bob);
        vm.expectRevert(notWaterfall);
        vault.recordDeficit(1);
        vm.expectRevert(notWaterfall);
        vault.deficitRepaid(1);
        vm.expectRevert(notWaterfall);
        vault.socializeDeficit(1);
        vm.stopPrank();
        assertEq(vault.deficitReceivable(), 0);
    }
}
