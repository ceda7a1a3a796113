// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {WaterfallBase} from "./WaterfallBase.t.sol";
import {ISolvencyWaterfall, SocializationCause, WaterfallLayers} from "../../src/interfaces/ISolvencyWaterfall.sol";
import {ILiquidationEngine} from "../../src/interfaces/ILiquidationEngine.sol";
import {IMarginProtocol} from "../../src/interfaces/IMarginProtocol.sol";
import {LiquidityVault} from "../../src/LiquidityVault.sol";

/// @notice The waterfall end to end, through real liquidations: each test tells one story.
contract WaterfallScenariosTest is WaterfallBase {
    /// Alice, long 2 ETH at $3,000 on $997 of quote (after the $3 fee), is closed at $1,500: a $3,000 loss plus the
    /// keeper's $5 tip (its part of an insolvent account's penalty) leave $2,008 of bad debt.
    uint256 internal constant BAD_DEBT = 2_008e6;

    address internal dave = makeAddr("dave");
    address internal erin = makeAddr("erin");
    address internal carol = makeAddr("carol");

    function setUp() public override {
        super.setUp();
        _openLong(alice, 1_000e6, 2e18);
    }

    function _crashAlice() internal {
        _setEthPrice(1_500e18);
        _liquidateAlice();
    }

    function _liquidateAlice() internal {
        vm.prank(keeper);
        engine.liquidate(alice, ETH_MARKET, type(uint256).max);
        assertEq(engine.totalBadDebtWad(), BAD_DEBT * 1e12);
    }

    /// The fund is large enough: it pays the whole loss, no bonds, and its stakers' share price falls by the loss.
    function test_crashTheFundCoversAlone() public {
        uint256 ownerShares = insurance.balanceOf(address(this));
        assertEq(insurance.convertToAssets(ownerShares), 50_000e6);
        _setEthPrice(1_500e18);
        vm.expectEmit(true, true, false, true, address(waterfall));
        emit ISolvencyWaterfall.BadDebtAbsorbed(address(vault), alice, BAD_DEBT, BAD_DEBT, 0, 0);
        _liquidateAlice();
        assertEq(waterfall.seriesCount(), 0, "no bonds");
        assertEq(engine.totalDeficitWad(), 0);
        assertEq(insurance.convertToAssets(ownerShares), 50_000e6 - BAD_DEBT, "stakers bear the loss");
        WaterfallLayers memory l = waterfall.layers(address(vault));
        assertEq(l.recognized, BAD_DEBT);
        assertEq(l.coveredByFund, BAD_DEBT);
        assertEq(l.raisedByBonds + l.socialized + l.openDeficit, 0);
    }

    /// The fund holds only $500 (a loss elsewhere took the rest): it pays all of it, and a series for the other $1,508
    /// opens in the liquidation's own transaction. Two buyers raise it; later a penalty repays part of the bonds, which
    /// the holders redeem pro rata, while the fund gets nothing until the bonds are repaid in full.
    function test_crashThatNeedsBonds() public {
        _drainFundTo(500e6);
        uint256 deficit = BAD_DEBT - 500e6;
        _setEthPrice(1_500e18);
        vm.expectEmit(true, true, false, true, address(waterfall));
        emit ISolvencyWaterfall.SeriesIssued(
            0, address(vault), deficit, block.timestamp, block.timestamp + 30 days, START_PRICE, FLOOR_PRICE
        );
        vm.expectEmit(true, true, false, true, address(waterfall));
        emit ISolvencyWaterfall.BadDebtAbsorbed(address(vault), alice, BAD_DEBT, 500e6, deficit, 0);
        vm.expectEmit(true, false, false, true, address(engine));
        emit ILiquidationEngine.BadDebtSettled(alice, BAD_DEBT * 1e12, 500e18, deficit * 1e12);
        _liquidateAlice();
        assertEq(insurance.balance(), 0, "the fund paid all it had first");
        assertEq(vault.deficitReceivable(), deficit);
        assertEq(vault.totalAssets(), vault.exitAssets() + deficit);

        // The sale: dave at the start price, erin 30 s later for the rest, which closes the series.
        (, uint256 faceD) = _buy(dave, 0, 1_000e6);
        assertEq(faceD, uint256(1_000e6) * 1e18 / START_PRICE);
        vm.warp(block.timestamp + 30);
        (uint256 costE, uint256 faceE) = _buy(erin, 0, 1_000e6);
        assertEq(costE, deficit - 1_000e6);
        assertEq(faceE, costE * 1e18 / 0.915e18);
        assertTrue(_series(0).closed);
        assertEq(vault.deficitReceivable(), 0, "the bonds raised the whole deficit");
        uint256 faceSold = faceD + faceE;

        // A solvent trader is partly liquidated: the penalty's insurance share is revenue, and it goes to the bonds.
        _openLong(bob, 500e6, 2e18);
        _setEthPrice(1_300e18);
        uint256 revenueBefore = usdc.balanceOf(address(waterfall));
        vm.prank(keeper);
        engine.liquidate(bob, ETH_MARKET, type(uint256).max);
        uint256 penalty = usdc.balanceOf(address(waterfall)) - revenueBefore;
        assertGt(penalty, 0);
        assertLt(penalty, faceSold);
        assertEq(waterfall.pendingForFund(), 0, "bonds first");
        vm.expectEmit(false, false, false, true, address(waterfall));
        emit ISolvencyWaterfall.RevenueRouted(penalty, 0);
        waterfall.route();
        assertEq(_series(0).repaid, penalty);
        assertEq(insurance.balance(), 0, "the fund gets nothing yet");

        vm.prank(dave);
        uint256 paidD = waterfall.redeem(0, dave);
        vm.prank(erin);
        uint256 paidE = waterfall.redeem(0, erin);
        assertEq(paidD, faceD * penalty / faceSold, "dave's share");
        assertEq(paidE, faceE * penalty / faceSold, "erin's share");
        assertEq(waterfall.balanceOf(dave, 0), faceD, "bonds stay until repaid in full");

        // More revenue than the rest of the face: the bonds are repaid first, only the excess reaches the fund.
        _revenue(faceSold - penalty + 100e6);
        waterfall.route();
        assertEq(_series(0).repaid, faceSold);
        assertEq(insurance.balance(), 100e6);
    }

    /// Nobody buys more than $500 of a $1,508 series, even at the floor: when the floor window ends the unsold $1,008 is
    /// socialized, and the vault's share price falls by exactly that.
    function test_crashThatNeedsSocialization() public {
        _drainFundTo(500e6);
        _crashAlice();
        uint256 deficit = BAD_DEBT - 500e6;
        vm.warp(block.timestamp + DECAY);
        (, uint256 face) = _buy(dave, 0, 500e6);
        assertEq(face, uint256(500e6) * 1e18 / FLOOR_PRICE, "bought at the floor");
        vm.warp(waterfall.closableAt(0));

        uint256 lpShares = vault.balanceOf(address(this)); // every share of the vault
        assertEq(lpShares, vault.totalSupply());
        uint256 lpAssetsBefore = vault.convertToAssets(lpShares);
        uint256 exitBefore = vault.exitAssets();
        uint256 unsold = deficit - 500e6;
        vm.expectEmit(false, false, false, true, address(vault));
        emit LiquidityVault.DeficitUpdated(-int256(unsold), 0, true);
        vm.expectEmit(true, true, false, true, address(waterfall));
        emit ISolvencyWaterfall.Socialized(address(vault), 0, unsold, SocializationCause.BondsUnsold);
        waterfall.closeSeries(0);

        // Depositors bear the unsold rest, less the virtual stake's part (one USDC's worth of shares), within a unit.
        uint256 borne = lpAssetsBefore - vault.convertToAssets(lpShares);
        assertApproxEqAbs(borne, unsold * lpShares / (lpShares + 1e6), 1, "depositors bear the unsold rest");
        assertEq(vault.exitAssets(), exitBefore, "exits were already priced without it");
        (uint256 recognized, uint256 covered, uint256 raised, uint256 socialized) = waterfall.totals(address(vault));
        assertEq(recognized, BAD_DEBT);
        assertEq(covered, 500e6);
        assertEq(raised, 500e6);
        assertEq(socialized, unsold);
        assertEq(engine.totalDeficitWad(), deficit * 1e12);
    }

    /// A staker holding half the fund asks to leave just before a known loss: its escrowed shares still bear half of it.
    function test_stakerLeavingJustBeforeALossBearsIt() public {
        address staker = makeAddr("staker");
        usdc.mint(staker, 50_000e6);
        vm.startPrank(staker);
        usdc.approve(address(insurance), 50_000e6);
        uint256 shares = insurance.deposit(50_000e6, staker);
        insurance.requestWithdraw(shares);
        vm.stopPrank();

        _crashAlice();

        vm.warp(block.timestamp + 7 days);
        vm.prank(staker);
        uint256 assets = insurance.withdrawRequested(staker);
        assertEq(assets, 50_000e6 - BAD_DEBT / 2, "half of the loss");
        assertLt(assets, 50_000e6, "less than it staked");
    }

    /// While bonds are on sale nobody may join the vault (the price would be wrong either way); once the rest is
    /// socialized, a newcomer pays the post-loss price and is charged nothing.
    function test_depositorJoiningAfterASocializedLoss() public {
        _drainFundTo(0);
        _crashAlice();
        address frank = makeAddr("frank");
        usdc.mint(frank, 10_000e6);
        vm.startPrank(frank);
        usdc.approve(address(vault), 10_000e6);
        vm.expectRevert(abi.encodeWithSelector(LiquidityVault.DeficitOpen.selector, BAD_DEBT));
        vault.deposit(10_000e6, frank);
        vm.expectRevert(abi.encodeWithSelector(LiquidityVault.DeficitOpen.selector, BAD_DEBT));
        vault.mint(1e6, frank);
        vm.stopPrank();
        assertEq(vault.maxDeposit(frank), 0);

        uint256 assetsBeforeLoss = vault.totalAssets();
        vm.warp(waterfall.closableAt(0));
        waterfall.closeSeries(0);
        assertEq(vault.totalAssets(), assetsBeforeLoss - BAD_DEBT);

        uint256 supply = vault.totalSupply();
        vm.prank(frank);
        uint256 shares = vault.deposit(10_000e6, frank);
        assertEq(
            shares, uint256(10_000e6) * (supply + 1e6) / (assetsBeforeLoss - BAD_DEBT + 1e6), "the post-loss price"
        );
        assertGt(shares, uint256(10_000e6) * supply / assetsBeforeLoss, "more shares than before the loss");
        uint256 out = vault.previewRedeem(shares);
        assertLe(out, 10_000e6);
        assertGe(out + 1, 10_000e6, "not charged for the loss");
    }

    /// Carol deposited quote and never traded: a socialized loss leaves her balance untouched and she withdraws it all.
    function test_tradersWithoutPositionsAreNeverCharged() public {
        _depositQuote(carol, 5_000e6);
        _drainFundTo(0);
        _crashAlice();
        vm.warp(waterfall.closableAt(0));
        assertEq(waterfall.closeSeries(0), BAD_DEBT);
        assertEq(protocol.quoteBalance(carol), 5_000e18, "balance unchanged");
        vm.prank(carol);
        protocol.withdrawQuote(5_000e6);
        assertEq(usdc.balanceOf(carol), 5_000e6, "withdrew in full");
        assertEq(protocol.quoteBalance(carol), 0);
    }

    /// A fifth of every trade fee accrues to the waterfall; anyone sweeps it, and it repays the bonds.
    function test_feeShareReachesTheWaterfallAndRepaysBonds() public {
        _drainFundTo(0);
        _crashAlice();
        (, uint256 face) = _buy(dave, 0, BAD_DEBT);
        assertTrue(_series(0).closed);

        // Bob opens and closes 10 ETH at $1,500: $7.50 of fee each way, a fifth of it accrued for the waterfall.
        _depositQuote(bob, 5_000e6);
        _trade(bob, ETH_MARKET, 10e18);
        _trade(bob, ETH_MARKET, -10e18);
        uint256 owedWad = protocol.feesOwedWad();
        assertEq(owedWad, 0.6e18 + 2 * 1.5e18, "alice's opening fee share and bob's two");
        uint256 fees = owedWad / 1e12;
        vm.expectEmit(true, false, false, true, address(protocol));
        emit IMarginProtocol.FeesSwept(address(waterfall), owedWad);
        vm.prank(carol);
        protocol.sweepFees();
        assertEq(protocol.feesOwedWad(), 0);
        assertEq(usdc.balanceOf(address(waterfall)), fees);

        vm.expectEmit(true, false, false, true, address(waterfall));
        emit ISolvencyWaterfall.SeriesRepaid(0, fees, fees, face);
        waterfall.route();
        assertEq(waterfall.claimable(0, dave), fees, "the sole holder is owed all of it");
        vm.prank(dave);
        assertEq(waterfall.redeem(0, dave), fees);
        assertEq(insurance.balance(), 0, "the fund waits for the bonds");
    }
}
