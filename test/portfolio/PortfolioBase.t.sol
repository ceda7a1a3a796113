// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PortfolioViews} from "./PortfolioViews.sol";
import {PushPriceFeed} from "../../src/oracle/PushPriceFeed.sol";
import {IOracle} from "../../src/interfaces/IOracle.sol";
import {MarketParams} from "../../src/interfaces/IMarginProtocol.sol";

/// @notice Helpers for the portfolio-margin tests: a third market that tracks ETH (a pegged "stETH" perp on its own
/// feed, mapped to the ETH factor), opt-in and opt-out.
abstract contract PortfolioBase is PortfolioViews {
    uint256 internal constant STETH_MARKET = 2;
    PushPriceFeed internal stethFeed;

    function _listPeggedMarket() internal {
        stethFeed = new PushPriceFeed(address(this), address(this), 3600, 1e18, 10_000_000e18);
        stethFeed.push(3_000e18);
        uint256 id = protocol.listMarket(
            MarketParams({
                oracle: IOracle(address(stethFeed)),
                maintenanceFractionBps: 500,
                initialFractionBps: 1_000,
                tradeFeeBps: 5,
                openInterestCapWad: 100_000e18,
                minPositionNotionalWad: 10e18
            })
        );
        assertEq(id, STETH_MARKET);
        portfolio.setMarketFactor(STETH_MARKET, 0);
    }

    function _optIn(address who) internal {
        vm.prank(who);
        protocol.setPortfolioMode(true);
    }

    function _optOut(address who) internal {
        vm.prank(who);
        protocol.setPortfolioMode(false);
    }
}
