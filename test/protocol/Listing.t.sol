// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {BaseTest} from "../Base.t.sol";
import {IMarginProtocol, MarketParams} from "../../src/interfaces/IMarginProtocol.sol";
import {IOracle} from "../../src/interfaces/IOracle.sol";
import {QuoteUnits} from "../../src/libraries/QuoteUnits.sol";
import {TestnetToken} from "../../src/demo/TestnetToken.sol";

contract ListingTest is BaseTest {
    function _params(uint16 mmf, uint16 imf, uint16 fee) internal view returns (MarketParams memory) {
        return MarketParams({
            oracle: IOracle(address(ethFeed)),
            maintenanceFractionBps: mmf,
            initialFractionBps: imf,
            tradeFeeBps: fee,
            openInterestCapWad: 1e24,
            minPositionNotionalWad: 10e18
        });
    }

    function test_listMarket_assignsNextId() public {
        assertEq(protocol.listMarket(_params(300, 600, 3)), 2);
        assertEq(protocol.marketCount(), 3);
        assertEq(protocol.market(2).maintenanceFractionBps, 300);
    }

    function test_listMarket_onlyOwner() public {
        MarketParams memory p = _params(300, 600, 3);
        vm.prank(alice);
        vm.expectRevert("UNAUTHORIZED");
        protocol.listMarket(p);
    }

    function test_listMarket_rejectsBadFractions() public {
        vm.expectRevert(abi.encodeWithSelector(IMarginProtocol.InvalidParams.selector, "maintenance fraction"));
        protocol.listMarket(_params(600, 600, 3));
        vm.expectRevert(abi.encodeWithSelector(IMarginProtocol.InvalidParams.selector, "maintenance fraction"));
        protocol.listMarket(_params(0, 600, 0));
        vm.expectRevert(abi.encodeWithSelector(IMarginProtocol.InvalidParams.selector, "initial fraction"));
        protocol.listMarket(_params(600, 10_001, 3));
        // A fee above the maintenance fraction would let a reduction lower the margin surplus.
        vm.expectRevert(abi.encodeWithSelector(IMarginProtocol.InvalidParams.selector, "trade fee"));
        protocol.listMarket(_params(300, 600, 301));
    }

    function test_listMarket_rejectsZeroOracle() public {
        MarketParams memory p = _params(300, 600, 3);
        p.oracle = IOracle(address(0));
        vm.expectRevert(abi.encodeWithSelector(IMarginProtocol.InvalidParams.selector, "oracle"));
        protocol.listMarket(p);
    }

    function test_listCollateral_rejectsQuoteDuplicateAndBadHaircut() public {
        vm.expectRevert(abi.encodeWithSelector(IMarginProtocol.InvalidParams.selector, "token"));
        protocol.listCollateral(address(usdc), ethFeed, 0.5e18, 1);
        vm.expectRevert(abi.encodeWithSelector(IMarginProtocol.InvalidParams.selector, "token already listed"));
        protocol.listCollateral(address(weth), ethFeed, 0.5e18, 1);
        TestnetToken t = new TestnetToken("T", "T", 18, address(this));
        vm.expectRevert(abi.encodeWithSelector(IMarginProtocol.InvalidParams.selector, "haircut"));
        protocol.listCollateral(address(t), ethFeed, 1e18, 1);
        vm.expectRevert(abi.encodeWithSelector(IMarginProtocol.InvalidParams.selector, "haircut"));
        protocol.listCollateral(address(t), ethFeed, 0, 1);
    }

    function test_listCollateral_rejectsMoreThan18Decimals() public {
        TestnetToken t = new TestnetToken("T", "T", 24, address(this));
        vm.expectRevert(abi.encodeWithSelector(QuoteUnits.UnsupportedDecimals.selector, 24));
        protocol.listCollateral(address(t), ethFeed, 0.5e18, 1);
    }

    function test_setEngine_onlyOwner() public {
        vm.prank(alice);
        vm.expectRevert("UNAUTHORIZED");
        protocol.setEngine(alice);
    }
}
