// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {BaseTest} from "../Base.t.sol";
import {IMarginProtocol, MarketParams} from "../../src/interfaces/IMarginProtocol.sol";
import {IOracle} from "../../src/interfaces/IOracle.sol";
import {OutOfRangeStatusOracle, ShortAnswerOracle} from "../mocks/BadOracles.sol";

/// @notice A malformed oracle answer is never taken for a price.
contract OracleAnswersTest is BaseTest {
    function _listWith(address oracle) internal returns (uint256) {
        return protocol.listMarket(
            MarketParams({
                oracle: IOracle(oracle),
                maintenanceFractionBps: 500,
                initialFractionBps: 1_000,
                tradeFeeBps: 5,
                openInterestCapWad: 1e24,
                minPositionNotionalWad: 10e18
            })
        );
    }

    function test_trade_revertsOnStatusOutOfRange() public {
        uint256 id = _listWith(address(new OutOfRangeStatusOracle()));
        _depositQuote(alice, 1_000e6);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IMarginProtocol.InvalidParams.selector, "oracle status"));
        protocol.trade(id, 0.1e18, type(uint256).max);
    }

    function test_trade_revertsOnShortAnswer() public {
        uint256 id = _listWith(address(new ShortAnswerOracle()));
        _depositQuote(alice, 1_000e6);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IMarginProtocol.InvalidParams.selector, "oracle answer"));
        protocol.trade(id, 0.1e18, type(uint256).max);
    }

    function test_positionState_revertsOnStatusOutOfRange() public {
        uint256 id = _listWith(address(new OutOfRangeStatusOracle()));
        vm.expectRevert(abi.encodeWithSelector(IMarginProtocol.InvalidParams.selector, "oracle status"));
        protocol.positionState(alice, id);
    }
}
