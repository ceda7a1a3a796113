// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {KeeperGasBase} from "./KeeperGasBase.t.sol";
import {
    ILiquidationEngine,
    GasReimbursementParams,
    CollateralPattern,
    LiquidationOrder
} from "../../src/interfaces/ILiquidationEngine.sol";
import {IOracle} from "../../src/interfaces/IOracle.sol";

/// @notice Regressions for the fixed-fee engine's keeper incentives (issue 12, findings 4, 5 and 6): gas reimbursed at
/// cost by the waterfall, an insolvent account's keeper part capped, rewards paid with the insurance fund empty, dust
/// swept, and auction rewards that follow the gas price up to 1,000 gwei. Not isolated: the base fee `vm.fee` sets
/// reaches the calls only within one transaction.
/// forge-config: default.isolate = false
/// forge-config: ci.isolate = false
contract KeeperGasTest is KeeperGasBase {
    address internal twinLong = makeAddr("twinLong");
    address internal twinShort = makeAddr("twinShort");

    /// @dev Pending revenue as penalties leave it in the waterfall (its reward reserve keeps $1,000 of it back from
    /// routing): rewards paid from it take the cheapest path.
    function _fillTheRewardReserve() internal {
        usdc.mint(address(waterfall), 1_000e6);
    }

    function _drainInsuranceFund() internal {
        insurance.setSpender(address(this), true);
        insurance.cover(address(this), insurance.balance());
        assertEq(insurance.balance(), 0);
    }

    /*//////////////////////////////////////////////////////////////
                      FINDING 5: SMALL POSITIONS
    //////////////////////////////////////////////////////////////*/

    /// Regression (finding 5): a $12 position (the minimum is $10) paid its liquidator $0.11 against about $4 of gas
    /// at 10 gwei. The keeper's share of the penalty is now its margin over gas reimbursed at cost (here from the
    /// waterfall's pending revenue; when the insurance fund pays, its extra ~18k gas is the keeper's to bear).
    function test_smallPosition_paysMoreThanItsGasAt10Gwei() public {
        _fillTheRewardReserve();
        _openLong(alice, 1.5e6, 0.004e18); // $12 of notional
        _setEthPrice(2_760e18); // −8%: below maintenance
        assertTrue(_liquidatable(alice));
        vm.fee(10 gwei);
        (uint256 rewardWad, uint256 costWad) = _liquidateMeasured(alice);
        assertGt(rewardWad, costWad, "reward above the gas it cost");
        assertLt(rewardWad, 12e18 / 2, "within half the notional closed");
    }

    /// The reimbursement is at cost, not a markup: a second address liquidating its owner's account gets back the
    /// base fee it burned (what the call measured, plus the 45k it cannot: the transaction, its calldata, the payment),
    /// and the account still pays the whole penalty, of which the keeper's share is a part.
    function test_gasIsReimbursedAtCost_soSelfLiquidationEarnsOnlyTheShare() public {
        _openLong(alice, 1_000e6, 2e18);
        _setEthPrice(2_600e18);
        vm.fee(20 gwei);
        (, uint256 penaltyWad,) = engine.previewLiquidation(alice, ETH_MARKET);
        uint256 shareWad = penaltyWad * 4 / 10 / 1e12 * 1e12; // 40% of the penalty, whole units
        (uint256 rewardWad, uint256 costWad) = _liquidateMeasured(alice);
        uint256 gasPaidWad = rewardWad - shareWad;
        // At cost within 15k gas either way: the payment's own gas is estimated (`callGas`), not measured.
        assertLe(gasPaidWad, costWad + 15_000 * uint256(20 gwei) * 2_600, "no markup beyond the payment's estimate");
        assertGe(gasPaidWad + 15_000 * uint256(20 gwei) * 2_600, costWad, "and no less than the cost");
    }

    /*//////////////////////////////////////////////////////////////
                      FINDING 6: CONGESTION
    //////////////////////////////////////////////////////////////*/

    /// Regression (finding 6): at 600 gwei a fixed-fee close paid $171 against $254 of gas.
    function test_close_paysMoreThanItsGasAt600Gwei() public {
        _openLong(alice, 3_100e6, 10e18);
        _setEthPrice(2_760e18);
        assertTrue(_liquidatable(alice));
        vm.fee(600 gwei);
        (uint256 rewardWad, uint256 costWad) = _liquidateMeasured(alice);
        assertGt(rewardWad, costWad, "reward above the gas it cost");
    }

    /// Regression (findings 5 and 6, collateral sales): a fixed-fee sale paid only its 5% discount. 1 WETH sold for
    /// $2,280 earned $120 against about $144 of gas at 300 gwei. The sale now gets its gas back at cost too (within
    /// half the quote paid), so the discount is the keeper's margin.
    function test_collateralSale_paysMoreThanItsGasAt300Gwei() public {
        _fillTheRewardReserve();
        _indebtedOnWeth(dave, 1e18, 2_400e18);
        vm.fee(300 gwei);
        (, uint256 paidWad, uint256 rewardWad, uint256 costWad) = _buyWethMeasured(dave);
        assertEq(paidWad, 2_280e18);
        assertGt(costWad, 120e18, "the discount alone pays less than the gas");
        assertGt(rewardWad, costWad, "reward above the gas it cost");
        assertLe(rewardWad, 120e18 + costWad + 45_000 * 300 gwei * 2_400, "gas at cost, no markup");
    }

    /// Regression (finding 6, the internal pattern): an absorb paid $2 + its gas × 1.2 within half the backstop's gain,
    /// so 1 WETH absorbed at 1,000 gwei (a $48 gain) paid $24 against about $880 of gas. It now pays the tip out of the
    /// gain and the gas at cost through the waterfall, within half the value bought, with the insurance fund empty too.
    function test_absorb_paysMoreThanItsGasAt1000Gwei() public {
        _fillTheRewardReserve();
        _drainInsuranceFund();
        engine.setCollateralPattern(WETH_ID, CollateralPattern.Internal);
        _indebtedOnWeth(dave, 1e18, 2_400e18);
        vm.fee(1_000 gwei);
        (uint256 amount, uint256 rewardWad, uint256 receivedWad, uint256 costWad) = _absorbWethMeasured(dave);
        assertEq(amount, 1e18);
        assertEq(receivedWad, rewardWad);
        assertGt(costWad, 24e18 * 10, "half the gain alone is far below the gas");
        assertGt(rewardWad, costWad, "reward above the gas it cost");
        assertLe(rewardWad, 2e18 + costWad + 45_000 * 1_000 gwei * 2_400, "gas at cost, no markup");
    }

    /// At 1,000 gwei a batch's positions are each reimbursed: the batch pays more than it costs.
    function test_batch_paysMoreThanItsGasAt1000Gwei() public {
        LiquidationOrder[] memory orders = new LiquidationOrder[](5);
        for (uint256 i; i < 5; ++i) {
            address who = makeAddr(string.concat("trader", vm.toString(i)));
            _openLong(who, 3_100e6, 10e18);
            orders[i] = LiquidationOrder(who, ETH_MARKET);
        }
        _setEthPrice(2_760e18);
        vm.fee(1_000 gwei);
        uint256 before = usdc.balanceOf(keeper);
        vm.prank(keeper);
        uint256 g = gasleft();
        (, uint256 rewardWad) = engine.liquidateBatch(orders);
        g -= gasleft();
        assertEq((usdc.balanceOf(keeper) - before) * 1e12, rewardWad, "the batch reports what it paid");
        assertGt(rewardWad, _gasCostWad(g, 2_760e18), "reward above the gas it cost");
    }

    /// Regression (finding 6): once the insurance fund was empty, a kick paid nothing, since the payer held nothing.
    /// The waterfall's reward reserve starts full and is refilled first from penalties.
    function test_rewardsArePaidWithTheInsuranceFundEmpty() public {
        _drainInsuranceFund();
        _openLong(alice, 1_000e6, 2e18);
        _setEthPrice(2_600e18);
        vm.fee(20 gwei);
        (uint256 rewardWad, uint256 costWad) = _liquidateMeasured(alice);
        assertGt(rewardWad, costWad, "the close is reimbursed from the reserve");

        engine.setCollateralPattern(WETH_ID, CollateralPattern.DutchAuction);
        _indebtedOnWeth(dave, 1e18, 1_800e18);
        uint256 before = usdc.balanceOf(keeper2);
        vm.prank(keeper2);
        auctionHouse.kick(dave, WETH_ID);
        assertGt(usdc.balanceOf(keeper2), before, "the kick is paid from the reserve");
        assertEq(insurance.balance(), 0, "the fund paid nothing");
    }

    /// Regression (finding 6): kick rewards were capped at $300, under the kick's gas at 20-50x base fee. A large lot's
    /// kick now pays its gas at 1,000 gwei: its budget (half its value, its penalty) bounds it, not a fixed cap.
    function test_largeLotKick_paysMoreThanItsGasAt1000Gwei() public {
        engine.setCollateralPattern(WETH_ID, CollateralPattern.DutchAuction);
        _depositCollateral(dave, WETH_ID, 10e18);
        _trade(dave, ETH_MARKET, 20e18);
        _setEthPrice(1_800e18);
        vm.prank(keeper);
        engine.liquidate(dave, ETH_MARKET, type(uint256).max);
        vm.fee(1_000 gwei);
        uint256 before = usdc.balanceOf(keeper2);
        vm.prank(keeper2);
        uint256 g = gasleft();
        auctionHouse.kick(dave, WETH_ID);
        g -= gasleft();
        uint256 rewardWad = (usdc.balanceOf(keeper2) - before) * 1e12;
        assertGt(rewardWad, _gasCostWad(g, 1_800e18), "reward above the gas it cost");
    }

    /*//////////////////////////////////////////////////////////////
                      FINDING 4: INSOLVENT TWINS
    //////////////////////////////////////////////////////////////*/

    /// Regression (finding 4): hedged twins, 10x long and short, and a -12% gap. The long is insolvent; the attacker
    /// liquidates it from a third address. At equity <= 0 the keeper's part of the penalty (bad debt the fund pays)
    /// was 40% of 2.5% of the notional: $79 here, on top of the gap. It is now at most $5 and gas at cost (the bad-debt
    /// settlement's gas measured).
    function test_insolventTwin_keeperPartCappedAtTheTip() public {
        _openLong(twinLong, 1_000e6, 3e18);
        _depositQuote(twinShort, 1_000e6);
        _trade(twinShort, ETH_MARKET, -3e18);
        _setEthPrice(2_640e18);
        (int256 equityWad,) = protocol.marginState(twinLong);
        assertLt(equityWad, 0, "the long is insolvent");
        vm.fee(10 gwei);
        (uint256 rewardWad, uint256 costWad) = _liquidateMeasured(twinLong);
        // At cost within 15k gas: the payment's own gas is estimated (`callGas`), not measured.
        assertLe(rewardWad, 5e18 + costWad + 15_000 * uint256(10 gwei) * 2_640, "the tip and gas at cost, no share");
        assertGt(rewardWad, costWad, "still worth the keeper's while");
        assertEq(engine.totalBadDebtWad(), uint256(-equityWad) + 5e18, "the shortfall and the tip");
    }

    /*//////////////////////////////////////////////////////////////
                      FINDING 5: DUST
    //////////////////////////////////////////////////////////////*/

    /// Dave owes quote and holds one satoshi of WBTC: no keeper was paid to clear it, and no bad debt could be written
    /// off while it was there.
    function _indebtedWithDust() internal {
        _depositCollateral(dave, WBTC_ID, 1);
        _indebtedOnWeth(dave, 1e18, 1_800e18);
        vm.prank(keeper);
        engine.buyCollateral(dave, WETH_ID, type(uint256).max, type(uint256).max);
        (uint256 marketMask, uint256 collateralMask) = protocol.accountMasks(dave);
        assertEq(marketMask, 0);
        assertEq(collateralMask, 1 << WBTC_ID, "one satoshi left");
        assertLt(protocol.quoteBalance(dave), 0, "in debt");
    }

    /// Regression (finding 5): anyone settles an account whose collateral is dust; the dust is theirs, their gas is
    /// reimbursed at cost with a $5 tip (the dust may be worth nothing), and the debt goes to the waterfall.
    function test_dust_isSweptAndTheDebtSettled() public {
        _indebtedWithDust();
        int256 debtWad = protocol.quoteBalance(dave);
        vm.fee(10 gwei);
        uint256 before = usdc.balanceOf(keeper2);
        vm.prank(keeper2);
        uint256 badDebtWad = engine.settleBadDebt(dave);
        assertEq(badDebtWad, uint256(-debtWad));
        assertEq(wbtc.balanceOf(keeper2), 1, "the dust goes to the caller");
        // The tip, and (100k + 60k + the settlement's measured gas) × 10 gwei × $1,800, within half the dust minimum.
        uint256 paid = usdc.balanceOf(keeper2) - before;
        assertGt(
            paid, 5e6 + (100_000 + 60_000) * uint256(10 gwei) * 1_800 / 1e12, "the tip and more than the fixed gas"
        );
        assertLe(paid, 5e6 + 5e6, "the tip and at most $5 of gas");
        (, uint256 collateralMask) = protocol.accountMasks(dave);
        assertEq(collateralMask, 0);
        assertEq(protocol.quoteBalance(dave), 0, "written off");
    }

    function test_dust_refusedWhenWorthTheDustMinimum() public {
        _indebtedWithDust();
        _depositCollateral(dave, WBTC_ID, 20_000); // ≈ $12
        vm.prank(keeper2);
        vm.expectRevert(
            abi.encodeWithSelector(ILiquidationEngine.DustLeft.selector, dave, uint256(20_001) * 1e10 * 60_000, 10e18)
        );
        engine.settleBadDebt(dave);
    }

    /// A small debt against collateral worth more than it is: the owner's, not dust to sweep.
    function test_dust_refusedWhenWorthMoreThanTheDebt() public {
        _indebtedWithDust();
        _depositCollateral(dave, WBTC_ID, 1_000); // 1,001 satoshis ≈ $0.60
        _depositQuote(dave, uint256(-protocol.quoteBalance(dave)) / 1e12 - 0.5e6); // owes $0.50
        vm.prank(keeper2);
        vm.expectRevert(
            abi.encodeWithSelector(ILiquidationEngine.DustLeft.selector, dave, uint256(1_001) * 1e10 * 60_000, 10e18)
        );
        engine.settleBadDebt(dave);
    }

    /*//////////////////////////////////////////////////////////////
                             SETTINGS
    //////////////////////////////////////////////////////////////*/

    function test_setGasReimbursement_refusesAnEngineTheWaterfallDoesNotPay() public {
        waterfall.setRewardSpender(address(engine), false);
        GasReimbursementParams memory g = engine.gasReimbursementParams();
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.NotWaterfallSpender.selector, address(waterfall)));
        engine.setGasReimbursement(g);
        g.nativeOracle = IOracle(address(0));
        engine.setGasReimbursement(g); // without an oracle nothing is reimbursed
    }

    /// An engine that reimburses no gas keeps paying the keeper its plain share at equity <= 0: its only pay.
    function test_insolventShareUncappedWithoutReimbursement() public {
        GasReimbursementParams memory g = engine.gasReimbursementParams();
        g.nativeOracle = IOracle(address(0));
        engine.setGasReimbursement(g);
        _openLong(twinLong, 1_000e6, 3e18);
        _setEthPrice(2_640e18);
        (uint256 rewardWad,) = _liquidateMeasured(twinLong);
        assertEq(rewardWad, 79.2e18, "40% of 2.5% of the $7,920 closed");
    }

    function test_setGasReimbursement_refusesAShareAboveOne() public {
        GasReimbursementParams memory g = engine.gasReimbursementParams();
        g.maxNotionalShareWad = 1e18 + 1;
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.InvalidParams.selector, "notional share"));
        engine.setGasReimbursement(g);
    }

    function test_setGasReimbursement_onlyOwner() public {
        GasReimbursementParams memory g = engine.gasReimbursementParams();
        vm.prank(alice);
        vm.expectRevert("UNAUTHORIZED");
        engine.setGasReimbursement(g);
    }
}
