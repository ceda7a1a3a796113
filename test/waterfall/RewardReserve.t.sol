// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {WaterfallBase} from "./WaterfallBase.t.sol";
import {ISolvencyWaterfall} from "../../src/interfaces/ISolvencyWaterfall.sol";
import {CollateralPattern} from "../../src/interfaces/ILiquidationEngine.sol";

/// @notice Keeper rewards come before bondholders: the waterfall pays the auction house's kick and reset rewards from
/// pending revenue first, then from the insurance fund, and keeps a reserve of revenue back from bonds and the fund.
contract RewardReserveTest is WaterfallBase {
    address internal carol = makeAddr("carol");
    address internal dave = makeAddr("dave");
    uint256 internal constant RESERVE = 1_000e6;

    function setUp() public override {
        super.setUp();
        waterfall.setRewardReserve(RESERVE);
    }

    function _revenueIn(uint256 amount) internal {
        usdc.mint(address(waterfall), amount);
    }

    /// The story the reserve exists for: a crash empties the fund and opens bonds; later the auctions of the next
    /// accounts still pay their keepers, out of the penalties that came in.
    function test_kickPaysItsKeeperFromRevenue_whenTheFundIsEmptyAndBondsAreOwed() public {
        uint256 id = _issueSeries(1_000e6);
        _buy(dave, id, 1_000e6); // sold out: the series is closed and owed its face
        _revenueIn(600e6); // penalties that arrived since
        assertEq(insurance.balance(), 0, "the fund is empty");
        engine.setCollateralPattern(WETH_ID, CollateralPattern.DutchAuction);
        _indebtedOnWeth(carol, 3e18, 1_800e18);
        uint256 keeperBefore = usdc.balanceOf(keeper);
        vm.prank(keeper);
        auctionHouse.kick(carol, WETH_ID);
        uint256 reward = usdc.balanceOf(keeper) - keeperBefore;
        assertGt(reward, 0, "the kick paid its keeper");
        assertEq(usdc.balanceOf(address(waterfall)), 600e6 - reward, "out of the revenue");
    }

    /// Rewards draw on pending revenue first and the fund only for the rest.
    function test_cover_revenueFirstThenTheFund() public {
        _revenueIn(30e6);
        uint256 fundBefore = insurance.balance();
        vm.expectEmit(true, true, false, true, address(waterfall));
        emit ISolvencyWaterfall.RewardPaid(address(auctionHouse), keeper, 30e6, 20e6);
        vm.prank(address(auctionHouse));
        uint256 paid = waterfall.cover(keeper, 50e6);
        assertEq(paid, 50e6);
        assertEq(usdc.balanceOf(address(waterfall)), 0);
        assertEq(fundBefore - insurance.balance(), 20e6);
    }

    /// Revenue held for holders is theirs: rewards never touch it.
    function test_cover_neverSpendsWhatIsHeldForHolders() public {
        uint256 id = _issueSeries(1_000e6);
        _buy(dave, id, 1_000e6);
        _revenueIn(RESERVE + 200e6);
        waterfall.route();
        assertEq(waterfall.heldForHolders(), 200e6, "the revenue beyond the reserve repaid the bonds");
        _drainFundTo(0);
        vm.prank(address(auctionHouse));
        uint256 paid = waterfall.cover(keeper, 5_000e6);
        assertEq(paid, RESERVE, "only the reserve, never the holders' 200");
        assertEq(usdc.balanceOf(address(waterfall)), 200e6);
    }

    /// `route` keeps the reserve back from the bonds and the fund; revenue beyond it flows on.
    function test_route_keepsTheReserveBack() public {
        _revenueIn(RESERVE);
        assertEq(waterfall.pendingForFund(), 0);
        (uint256 toBonds, uint256 toFund) = waterfall.route();
        assertEq(toBonds + toFund, 0, "the reserve stays");
        _revenueIn(70e6);
        assertEq(waterfall.pendingForFund(), 70e6);
        (, toFund) = waterfall.route();
        assertEq(toFund, 70e6);
        assertEq(usdc.balanceOf(address(waterfall)), RESERVE);
    }

    function test_rewardCapacity_isRevenuePlusTheFund() public {
        _revenueIn(123e6);
        assertEq(waterfall.rewardCapacity(), 123e6 + insurance.balance());
    }

    function test_cover_onlyARewardSpender() public {
        vm.expectRevert(abi.encodeWithSelector(ISolvencyWaterfall.NotRewardSpender.selector, keeper));
        vm.prank(keeper);
        waterfall.cover(keeper, 1);
    }
}
