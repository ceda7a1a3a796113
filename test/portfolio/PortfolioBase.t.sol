// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PortfolioViews} from "./PortfolioViews.sol";
import {PushPriceFeed} from "../../src/oracle/PushPriceFeed.sol";
import {IOracle} from "../../src/interfaces/IOracle.sol";
import {MarketParams} from "../../src/interfaces/IMarginProtocol.sol";
import {StepLimit} from "../../src/libraries/StepLimit.sol";

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

    /// @dev Raises the floor to `targetWad` as fast as the module allows (5/4 a day), pushing the feeds' prices
    /// again after each day so that they stay fresh; returns the number of raises.
    function _raiseFloorTo(uint64 targetWad) internal returns (uint256 raises) {
        uint64 multiplier = portfolio.initialMultiplierWad();
        while (portfolio.minFractionWad() < targetWad) {
            uint256 stepWad = uint256(portfolio.minFractionWad()) * StepLimit.MAX_RAISE_BPS / 10_000;
            if (portfolio.nextFloorRaiseAt() > block.timestamp) {
                vm.warp(portfolio.nextFloorRaiseAt());
                _pushAgain(ethFeed);
                _pushAgain(btcFeed);
                if (address(stethFeed) != address(0)) _pushAgain(stethFeed);
            }
            portfolio.setParams(stepWad < targetWad ? uint64(stepWad) : targetWad, multiplier);
            ++raises;
        }
    }

    function _pushAgain(PushPriceFeed feed) internal {
        feed.push(int192(feed.answerWad()));
    }
}
