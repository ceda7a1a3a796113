// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {BaseTest} from "../Base.t.sol";
import {ILiquidationEngine, LiquidationParams} from "../../src/interfaces/ILiquidationEngine.sol";

contract ParamsTest is BaseTest {
    function test_setParams_storesAndEmits() public {
        LiquidationParams memory p = _demoLiquidationParams();
        p.penaltyWad = 0.03e18;
        engine.setParams(p);
        assertEq(engine.params().penaltyWad, 0.03e18);
    }

    function test_setParams_onlyOwner() public {
        LiquidationParams memory p = _demoLiquidationParams();
        vm.prank(alice);
        vm.expectRevert("UNAUTHORIZED");
        engine.setParams(p);
    }

    function test_setParams_rejectsEachBadField() public {
        LiquidationParams memory p = _demoLiquidationParams();
        p.targetHealthWad = 1e18;
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.InvalidParams.selector, "target health"));
        engine.setParams(p);
        p = _demoLiquidationParams();
        p.fullCloseHealthWad = 1e18;
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.InvalidParams.selector, "full-close health"));
        engine.setParams(p);
        p = _demoLiquidationParams();
        p.penaltyWad = 0;
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.InvalidParams.selector, "penalty"));
        engine.setParams(p);
        p = _demoLiquidationParams();
        p.keeperShareWad = 1e18 + 1;
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.InvalidParams.selector, "keeper share"));
        engine.setParams(p);
        p = _demoLiquidationParams();
        p.collateralDiscountWad = 1e18;
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.InvalidParams.selector, "collateral discount"));
        engine.setParams(p);
    }

    function test_setWaterfall_rejectsZero() public {
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.InvalidParams.selector, "waterfall"));
        engine.setWaterfall(address(0));
    }

    function test_previewLiquidation_zeroWhenHealthy() public {
        _openLong(alice, 1_000e6, 2e18);
        (int256 close, uint256 penalty, uint256 reward) = engine.previewLiquidation(alice, ETH_MARKET);
        assertEq(close, 0);
        assertEq(penalty, 0);
        assertEq(reward, 0);
    }
}
