// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {BaseTest} from "../Base.t.sol";
import {IOracle} from "../../src/interfaces/IOracle.sol";
import {MarketParams, CollateralParams} from "../../src/interfaces/IMarginProtocol.sol";

/// @notice An independent computation of an account's portfolio book and scenario losses from the protocol's and the
/// module's public views, to check the protocol and the module against (unit tests and invariants).
abstract contract PortfolioViews is BaseTest {
    function _price(IOracle oracle) internal view returns (uint256 priceWad) {
        (priceWad,) = oracle.read();
    }

    /// @dev The account's book as the module reads it, rebuilt from public views: per id, the signed notional
    /// (|size| × price rounded up), its standard maintenance requirement (rounded up) and the collateral's haircut
    /// value (rounded down).
    function _bookOf(address who) internal view returns (int256[] memory book) {
        uint256 markets = protocol.marketCount();
        uint256 collaterals = protocol.collateralCount();
        uint256 n = markets > collaterals ? markets : collaterals;
        book = new int256[](3 * n);
        for (uint256 i; i < markets; ++i) {
            (int256 size,) = protocol.position(who, i);
            if (size == 0) continue;
            MarketParams memory m = protocol.market(i);
            uint256 abs = size > 0 ? uint256(size) : uint256(-size);
            uint256 notional = _mulUp(abs, _price(m.oracle));
            book[3 * i] = size > 0 ? int256(notional) : -int256(notional);
            book[3 * i + 1] = int256(_mulUp(notional, uint256(m.maintenanceFractionBps) * 1e14));
        }
        for (uint256 i; i < collaterals; ++i) {
            uint256 bal = protocol.collateralBalance(who, i);
            if (bal == 0) continue;
            CollateralParams memory c = protocol.collateral(i);
            uint256 value = bal * 10 ** (18 - c.decimals) * _price(c.oracle) / 1e18;
            book[3 * i + 2] = int256(value * c.haircutWad / 1e18);
        }
    }

    /// @dev Each scenario's loss (rounded up) and the floor, computed here from the module's public configuration.
    function _expectedLosses(int256[] memory book) internal view returns (uint256[] memory losses, uint256 floor) {
        uint256 factors = portfolio.factorCount();
        int256[] memory exposure = new int256[](factors);
        uint256 gross;
        for (uint256 i; i < book.length / 3; ++i) {
            (uint256 f, bool mapped) = portfolio.marketFactor(i);
            if (mapped && book[3 * i] != 0) {
                exposure[f] += book[3 * i];
                gross += book[3 * i] > 0 ? uint256(book[3 * i]) : uint256(-book[3 * i]);
            }
            (f, mapped) = portfolio.collateralFactor(i);
            if (mapped) {
                exposure[f] += book[3 * i + 2];
                gross += uint256(book[3 * i + 2]);
            }
        }
        floor = _mulUp(gross, portfolio.minFractionWad());
        losses = new uint256[](portfolio.scenarioCount());
        for (uint256 k; k < losses.length; ++k) {
            int256 pnl;
            for (uint256 f; f < factors; ++f) {
                pnl += exposure[f] * portfolio.shockBps(k, f);
            }
            losses[k] = pnl >= 0 ? 0 : (uint256(-pnl) + 9_999) / 10_000;
        }
    }

    /// @dev max(floor, every loss): the maintenance requirement of a book with every market mapped.
    function _expectedMaintenance(address who) internal view returns (uint256 m) {
        (uint256[] memory losses, uint256 floor) = _expectedLosses(_bookOf(who));
        m = floor;
        for (uint256 k; k < losses.length; ++k) {
            if (losses[k] > m) m = losses[k];
        }
    }

    function _mulUp(uint256 x, uint256 y) internal pure returns (uint256) {
        return (x * y + 1e18 - 1) / 1e18;
    }
}
