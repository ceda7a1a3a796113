// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PortfolioBase} from "./PortfolioBase.t.sol";
import {PortfolioMargin} from "../../src/PortfolioMargin.sol";
import {IPortfolioMargin} from "../../src/interfaces/IPortfolioMargin.sol";
import {IMarginProtocol, Health} from "../../src/interfaces/IMarginProtocol.sol";
import {IOracle} from "../../src/interfaces/IOracle.sol";

/// @notice Portfolio margin: requirements, the floor, opt-in and opt-out, configuration bounds (properties 27, 28).
contract PortfolioMarginTest is PortfolioBase {
    function setUp() public override {
        super.setUp();
        _listPeggedMarket();
    }

    /*//////////////////////////////////////////////////////////////
                        HEDGES NEED LESS MARGIN
    //////////////////////////////////////////////////////////////*/

    /// 10 WETH (haircut value 24,000) against a short of 8 ETH (−24,000): no net ETH exposure, so every scenario
    /// loses 0 and the floor binds: 1% × 48,000 = 480 (standard: 5% × 24,000 = 1,200: 40%); initial 720 (standard
    /// 2,400: 30%).
    function test_collateralHedge_needsLessMargin() public {
        _depositCollateral(alice, WETH_ID, 10e18);
        _trade(alice, ETH_MARKET, -8e18);
        Health memory standard = _health(alice);
        assertEq(standard.maintenanceWad, 1_200e18);
        assertEq(standard.initialWad, 2_400e18);
        _optIn(alice);
        Health memory pm = _health(alice);
        assertEq(pm.equityWad, standard.equityWad, "same equity in both modes");
        assertEq(pm.maintenanceWad, 480e18);
        assertEq(pm.initialWad, 720e18);
        assertLe(pm.maintenanceWad * 10, standard.maintenanceWad * 4, "maintenance <= 0.4 x standard");
        assertLe(pm.initialWad * 10, standard.initialWad * 3, "initial <= 0.3 x standard");
    }

    /// Long 10 ETH against short 10 stETH (both on the ETH factor): floor 1% × 60,000 = 600 against the standard
    /// 5% × 60,000 = 3,000: 20% of the standard maintenance, and of the initial (900 against 6,000: 15%).
    function test_correlatedPair_needsLessMargin() public {
        _depositQuote(alice, 10_000e6);
        _trade(alice, ETH_MARKET, 10e18);
        _trade(alice, STETH_MARKET, -10e18);
        Health memory standard = _health(alice);
        assertEq(standard.maintenanceWad, 3_000e18);
        _optIn(alice);
        Health memory pm = _health(alice);
        assertEq(pm.maintenanceWad, 600e18);
        assertEq(pm.initialWad, 900e18);
        assertLe(pm.maintenanceWad * 10, standard.maintenanceWad * 2, "maintenance <= 0.2 x standard");
        assertLe(pm.initialWad * 100, standard.initialWad * 15, "initial <= 0.15 x standard");
    }

    /// A naked long pays for the correlated crash (−10%): 10% of the notional, twice the standard 5%.
    function test_nakedLong_paysTheCrashScenario() public {
        _openLong(alice, 5_000e6, 10e18);
        _optIn(alice);
        Health memory h = _health(alice);
        assertEq(h.maintenanceWad, 3_000e18); // 30,000 × 10%
        assertEq(h.initialWad, 4_500e18);
    }

    /// Long ETH and short BTC of equal notional: the worst scenario moves them apart (+6% / −6%... reversed): 12% of
    /// one leg, more than either crash scenario (which nets to 0).
    function test_crossFactorPair_paysTheDivergence() public {
        _depositQuote(alice, 10_000e6);
        _trade(alice, ETH_MARKET, 10e18); // +30,000
        _trade(alice, BTC_MARKET, -0.5e18); // −30,000
        _optIn(alice);
        // ETH −6% and BTC +6%: −1,800 − 1,800.
        assertEq(_health(alice).maintenanceWad, 3_600e18);
    }

    /*//////////////////////////////////////////////////////////////
                   THE REQUIREMENT, FUZZED (PROPERTY 27)
    //////////////////////////////////////////////////////////////*/

    struct Book {
        uint256 wethAmount;
        uint256 wbtcAmount;
        int256 ethSize;
        int256 btcSize;
        int256 stethSize;
    }

    function _openBook(address who, Book memory b) internal {
        b.wethAmount = bound(b.wethAmount, 0, 50e18);
        b.wbtcAmount = bound(b.wbtcAmount, 0, 2e8);
        b.ethSize = bound(b.ethSize, -40e18, 40e18);
        b.btcSize = bound(b.btcSize, -2e18, 2e18);
        b.stethSize = bound(b.stethSize, -40e18, 40e18);
        _depositQuote(who, 500_000e6);
        if (b.wethAmount > 0) _depositCollateral(who, WETH_ID, b.wethAmount);
        if (b.wbtcAmount > 0) _depositCollateral(who, WBTC_ID, b.wbtcAmount);
        if (_abs(b.ethSize) * 3_000 >= 10e18) _trade(who, ETH_MARKET, b.ethSize);
        if (_abs(b.btcSize) * 60_000 >= 10e18) _trade(who, BTC_MARKET, b.btcSize);
        if (_abs(b.stethSize) * 3_000 >= 10e18) _trade(who, STETH_MARKET, b.stethSize);
        _optIn(who);
    }

    /// Property 27: the requirement is the largest of the floor and every scenario's loss, computed here from the
    /// public configuration; the initial requirement is 1.5 × it.
    function testFuzz_requirement_isTheWorstScenarioOrTheFloor(Book memory b) public {
        _openBook(alice, b);
        (uint256[] memory losses, uint256 floor) = _expectedLosses(_bookOf(alice));
        Health memory h = _health(alice);
        assertGe(h.maintenanceWad, floor, "below the floor");
        uint256 worst = floor;
        for (uint256 k; k < losses.length; ++k) {
            assertGe(h.maintenanceWad, losses[k], "below a scenario's loss");
            if (losses[k] > worst) worst = losses[k];
        }
        assertEq(h.maintenanceWad, worst, "the worst of them");
        assertEq(h.initialWad, (worst * 1.5e18 + 1e18 - 1) / 1e18);
        (uint256[] memory moduleLosses, uint256 moduleFloor) = portfolio.scenarioLossesWad(_bookOf(alice));
        assertEq(moduleFloor, floor);
        assertEq(keccak256(abi.encode(moduleLosses)), keccak256(abi.encode(losses)));
    }

    /// Property 27: an account at the maintenance line stays solvent under every scenario. Equity is linear in the
    /// quote balance, so the account at the line is this one with E − M less quote; each scenario's prices are pushed
    /// and the equity the protocol then reports must be ≥ E − M.
    function testFuzz_atMaintenance_solventUnderEveryScenario(Book memory b) public {
        _openBook(alice, b);
        (int256 equity, uint256 maintenance) = protocol.marginState(alice);
        int256 excess = equity - int256(maintenance);
        uint256[3] memory base = [uint256(3_000e18), 60_000e18, 3_000e18];
        for (uint256 k; k < portfolio.scenarioCount(); ++k) {
            int256 ethShock = portfolio.shockBps(k, 0);
            int256 btcShock = portfolio.shockBps(k, 1);
            _setEthPrice(_shocked(base[0], ethShock));
            stethFeed.push(int192(int256(_shocked(base[2], ethShock))));
            _setBtcPrice(_shocked(base[1], btcShock));
            (int256 shockedEquity,) = protocol.marginState(alice);
            assertGe(shockedEquity - excess, 0, "insolvent under a scenario at the maintenance line");
        }
    }

    function _shocked(uint256 price, int256 shockBps) internal pure returns (uint256) {
        return uint256(int256(price) * (10_000 + shockBps) / 10_000);
    }

    /// Property 28: the floor binds for a perfectly hedged book, whatever its size.
    function testFuzz_floorBinds_onAHedgedPair(uint256 sizeWad) public {
        sizeWad = bound(sizeWad, 0.01e18, 30e18);
        _depositQuote(alice, 50_000e6);
        _trade(alice, ETH_MARKET, int256(sizeWad));
        _trade(alice, STETH_MARKET, -int256(sizeWad));
        _optIn(alice);
        uint256 notional = _mulUp(sizeWad, 3_000e18);
        // 1% of the gross 2 × notional, rounded up once.
        assertEq(_health(alice).maintenanceWad, _mulUp(2 * notional, 0.01e18));
        (uint256[] memory losses,) = portfolio.scenarioLossesWad(_bookOf(alice));
        for (uint256 k; k < losses.length; ++k) {
            assertEq(losses[k], 0, "a perfect hedge loses nothing");
        }
    }

    /// Property 28: raising the floor above the worst scenario makes it the requirement.
    function test_floorBinds_whenAboveTheScenarios() public {
        _openLong(alice, 10_000e6, 10e18);
        _optIn(alice);
        assertEq(_health(alice).maintenanceWad, 3_000e18); // the crash: 10% of 30,000
        _raiseFloorTo(0.2e18);
        assertEq(_health(alice).maintenanceWad, 6_000e18); // 20% of 30,000
    }

    /*//////////////////////////////////////////////////////////////
                       OPT-IN AND OPT-OUT (PROPERTY 29)
    //////////////////////////////////////////////////////////////*/

    function test_optIn_emitsAndSwitchesTheRequirement() public {
        _depositCollateral(alice, WETH_ID, 10e18);
        _trade(alice, ETH_MARKET, -8e18);
        vm.expectEmit(true, true, true, true, address(protocol));
        emit IMarginProtocol.PortfolioModeSet(alice, true);
        _optIn(alice);
        assertTrue(protocol.portfolioMode(alice));
        assertEq(_health(alice).maintenanceWad, 480e18);
        vm.expectEmit(true, true, true, true, address(protocol));
        emit IMarginProtocol.PortfolioModeSet(alice, false);
        _optOut(alice);
        assertFalse(protocol.portfolioMode(alice));
        assertEq(_health(alice).maintenanceWad, 1_200e18);
    }

    /// A naked long at 8× passes the standard initial requirement (10%) but not the portfolio one (15%).
    function test_optIn_revertsBelowThePortfolioInitial() public {
        _openLong(alice, 4_000e6, 10e18); // equity ≈ 3,985, standard initial 3,000, portfolio initial 4,500
        vm.prank(alice);
        vm.expectPartialRevert(IMarginProtocol.InitialMarginViolated.selector);
        protocol.setPortfolioMode(true);
        assertFalse(protocol.portfolioMode(alice));
    }

    /// A hedged account that used the portfolio's room cannot leave it: the standard initial requirement is higher.
    /// 10 WETH (24,000) and a 40 ETH / 40 stETH pair: the standard initial is 10% × 240,000 = 24,000 (above the
    /// equity, 24,000 less fees), the portfolio one 1.5 × 1% × 264,000 = 3,960 (the floor, 2,640, above the crash's
    /// 10% × 24,000 of net WETH).
    function test_optOut_revertsBelowTheStandardInitial() public {
        _depositCollateral(alice, WETH_ID, 10e18);
        _optIn(alice);
        _trade(alice, ETH_MARKET, 40e18);
        _trade(alice, STETH_MARKET, -40e18);
        Health memory h = _health(alice);
        assertEq(h.initialWad, 3_960e18);
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IMarginProtocol.InitialMarginViolated.selector, alice, h.equityWad, 24_000e18)
        );
        protocol.setPortfolioMode(false);
        assertTrue(protocol.portfolioMode(alice));
    }

    function test_optIn_revertsWithoutAModule() public {
        protocol.setPortfolioMargin(IPortfolioMargin(address(0)));
        vm.prank(alice);
        vm.expectRevert(IMarginProtocol.PortfolioMarginUnset.selector);
        protocol.setPortfolioMode(true);
        // Opting out needs no module.
        vm.prank(alice);
        protocol.setPortfolioMode(false);
    }

    /// Unsetting the module puts every opted-in account back on the standard rules at once.
    function test_moduleUnset_fallsBackToStandard() public {
        _depositCollateral(alice, WETH_ID, 10e18);
        _trade(alice, ETH_MARKET, -8e18);
        _optIn(alice);
        vm.expectEmit(true, true, true, true, address(protocol));
        emit IMarginProtocol.PortfolioMarginSet(address(0));
        protocol.setPortfolioMargin(IPortfolioMargin(address(0)));
        assertEq(_health(alice).maintenanceWad, 1_200e18);
        assertTrue(protocol.portfolioMode(alice), "the choice is kept for when a module returns");
    }

    function test_setPortfolioMargin_onlyOwner() public {
        vm.prank(alice);
        vm.expectRevert("UNAUTHORIZED");
        protocol.setPortfolioMargin(IPortfolioMargin(address(0)));
    }

    /// Trades, withdrawals and their checks run on the portfolio requirement once opted in.
    function test_portfolioAccount_tradesOnItsOwnInitial() public {
        _depositCollateral(alice, WETH_ID, 10e18); // 24,000
        _optIn(alice);
        // Standard mode would allow 240,000 of notional; the hedge (short 8 ETH) costs only its floor.
        _trade(alice, ETH_MARKET, -8e18);
        // A withdrawal below the portfolio initial reverts with its numbers.
        vm.prank(alice);
        vm.expectPartialRevert(IMarginProtocol.InitialMarginViolated.selector);
        protocol.withdrawCollateral(WETH_ID, 10e18);
    }

    /// A market mapped to no factor is charged its standard maintenance requirement on top of the scenarios.
    function test_unmappedMarket_chargedItsStandardRequirement() public {
        PortfolioMargin fresh = new PortfolioMargin(address(this), 2, 0.01e18, 1.5e18);
        fresh.setScenarios(_rows());
        fresh.setCollateralFactor(WETH_ID, 0);
        protocol.setPortfolioMargin(fresh);
        _depositCollateral(alice, WETH_ID, 10e18);
        _trade(alice, ETH_MARKET, -8e18);
        _optIn(alice);
        // WETH alone on the ETH factor: −6% of 24,000 = 1,440; the unmapped short: 5% of 24,000 = 1,200.
        assertEq(_health(alice).maintenanceWad, 1_440e18 + 1_200e18);
    }

    function _rows() internal pure returns (int16[][] memory rows) {
        rows = new int16[][](2);
        rows[0] = new int16[](2);
        rows[0][0] = -600;
        rows[1] = new int16[](2);
        rows[1][0] = 600;
    }

    /*//////////////////////////////////////////////////////////////
                      CONFIGURATION BOUNDS (PROPERTY 30)
    //////////////////////////////////////////////////////////////*/

    function test_config_capsAndRanges() public {
        vm.expectRevert(abi.encodeWithSelector(IPortfolioMargin.TooManyFactors.selector, 17, 16));
        new PortfolioMargin(address(this), 17, 0.01e18, 1.5e18);
        vm.expectRevert(abi.encodeWithSelector(IPortfolioMargin.InvalidMultiplier.selector, 1e18));
        new PortfolioMargin(address(this), 2, 0.01e18, 1e18);
        vm.expectRevert(abi.encodeWithSelector(IPortfolioMargin.InvalidMinFraction.selector, 0));
        new PortfolioMargin(address(this), 2, 0, 1.5e18);

        PortfolioMargin pm = new PortfolioMargin(address(this), 16, 0.01e18, 1.5e18);
        int16[][] memory rows = new int16[][](17);
        for (uint256 k; k < 17; ++k) {
            rows[k] = new int16[](16);
        }
        vm.expectRevert(abi.encodeWithSelector(IPortfolioMargin.TooManyScenarios.selector, 17, 16));
        pm.setScenarios(rows);
        int16[][] memory sixteen = new int16[][](16);
        for (uint256 k; k < 16; ++k) {
            sixteen[k] = rows[k];
        }
        pm.setScenarios(sixteen); // the caps themselves are allowed
        assertEq(pm.scenarioCount(), 16);
        sixteen[3] = new int16[](15);
        vm.expectRevert(abi.encodeWithSelector(IPortfolioMargin.ScenarioLength.selector, 3, 15, 16));
        pm.setScenarios(sixteen);
        sixteen[3] = new int16[](16);
        sixteen[3][5] = -10_001;
        vm.expectRevert(abi.encodeWithSelector(IPortfolioMargin.ShockOutOfRange.selector, 3, 5, -10_001));
        pm.setScenarios(sixteen);
        vm.expectRevert(IPortfolioMargin.NoScenarios.selector);
        pm.setScenarios(new int16[][](0));
        vm.expectRevert(abi.encodeWithSelector(IPortfolioMargin.UnknownFactor.selector, 16, 16));
        pm.setMarketFactor(0, 16);
        vm.expectRevert(abi.encodeWithSelector(IPortfolioMargin.AssetIdOutOfRange.selector, 64, 63));
        pm.setCollateralFactor(64, 0);
        vm.prank(alice);
        vm.expectRevert("UNAUTHORIZED");
        pm.setParams(0.01e18, 2e18);
    }

    /// Shrinking the scenario set clears the old rows: only the new ones count.
    function test_setScenarios_replacesTheSet() public {
        _openLong(alice, 10_000e6, 10e18);
        _optIn(alice);
        portfolio.setScenarios(_rows());
        assertEq(portfolio.scenarioCount(), 2);
        assertEq(_health(alice).maintenanceWad, 1_800e18); // −6% of 30,000; the crash row is gone
    }

    function test_book_refusesBadShapes() public {
        vm.expectRevert(abi.encodeWithSelector(IPortfolioMargin.BookLength.selector, 4));
        portfolio.requirementsWad(new int256[](4));
        vm.expectRevert(abi.encodeWithSelector(IPortfolioMargin.BookLength.selector, 195));
        portfolio.requirementsWad(new int256[](195));
        int256[] memory book = new int256[](3);
        book[2] = -1;
        vm.expectRevert(abi.encodeWithSelector(IPortfolioMargin.NegativeBookEntry.selector, int256(-1)));
        portfolio.requirementsWad(book);
    }

    function _abs(int256 x) internal pure returns (uint256) {
        return x >= 0 ? uint256(x) : uint256(-x);
    }
}
