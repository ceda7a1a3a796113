// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {BaseTest} from "../Base.t.sol";
import {BondSeries} from "../../src/interfaces/ISolvencyWaterfall.sol";

/// @notice Helpers for the waterfall tests, on the demo parameters: bonds from 0.98 down to 0.85 per unit of face over
/// 60 s, then 30 s at the floor; a deficit under $100 is socialized at once. Amounts in quote units (6 decimals).
abstract contract WaterfallBase is BaseTest {
    uint256 internal constant START_PRICE = 0.98e18;
    uint256 internal constant FLOOR_PRICE = 0.85e18;
    uint256 internal constant DECAY = 60; // [s]
    uint256 internal constant FLOOR_WINDOW = 30; // [s]
    uint256 internal constant MIN_SERIES = 100e6;

    function setUp() public virtual override {
        super.setUp();
        // These tests follow revenue to the bonds and the fund unit by unit; the reward reserve the demo keeps back
        // ($1,000) has its own tests (RewardReserve.t.sol).
        waterfall.setRewardReserve(0);
    }

    /// @dev Where the losses outside the test went (`_drainFundTo`).
    address internal elsewhere = makeAddr("elsewhere");

    /// @dev A loss elsewhere has left the insurance fund `left` units (the engine's cover, paid out of the system).
    function _drainFundTo(uint256 left) internal {
        uint256 spent = insurance.balance() - left;
        vm.prank(address(engine));
        insurance.cover(elsewhere, spent);
        assertEq(insurance.balance(), left);
    }

    /// @dev The engine recognizes `deficit` of bad debt with the fund empty: a bond series opens on it.
    function _issueSeries(uint256 deficit) internal returns (uint256 id) {
        if (insurance.balance() != 0) _drainFundTo(0);
        id = waterfall.seriesCount();
        vm.prank(address(engine));
        waterfall.absorbBadDebt(address(vault), alice, deficit);
        assertEq(waterfall.series(id).deficit, deficit);
    }

    /// @dev `buyer` pays up to `maxCost` for bonds of series `id` at any price.
    function _buy(address buyer, uint256 id, uint256 maxCost) internal returns (uint256 cost, uint256 face) {
        usdc.mint(buyer, maxCost);
        vm.startPrank(buyer);
        usdc.approve(address(waterfall), maxCost);
        (cost, face) = waterfall.buyBonds(id, maxCost, type(uint256).max, buyer);
        vm.stopPrank();
    }

    /// @dev Revenue arrives at the waterfall as a plain transfer, as a penalty share does.
    function _revenue(uint256 amount) internal {
        usdc.mint(address(waterfall), amount);
    }

    function _series(uint256 id) internal view returns (BondSeries memory) {
        return waterfall.series(id);
    }

    function _min(uint256 a, uint256 b) internal pure returns (uint256) {
        return a < b ? a : b;
    }
}
