// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "solmate/tokens/ERC20.sol";
import {IOracle} from "../interfaces/IOracle.sol";
import {IMarginProtocol, MarketParams, CollateralParams} from "../interfaces/IMarginProtocol.sol";
import {QuoteUnits} from "./QuoteUnits.sol";

/// @title Listing
/// @notice The margin protocol's listing checks and writes, linked as an external library (run by delegatecall in the
/// protocol's storage) to keep cold code out of the protocol's runtime size. Behaviour, errors and events are the
/// protocol's own.
library Listing {
    uint256 internal constant WAD = 1e18;
    uint256 internal constant BPS = 10_000;
    uint256 internal constant MAX_LISTINGS = 64;

    /// @notice Lists market number `marketId` (the current count). Requires maintenance < initial ≤ 1 and
    /// fee ≤ maintenance.
    function listMarket(
        mapping(uint256 => MarketParams) storage markets,
        uint256 marketId,
        MarketParams calldata params
    ) external {
        if (address(params.oracle) == address(0)) {
            revert IMarginProtocol.InvalidParams("oracle");
        }
        if (params.maintenanceFractionBps == 0 || params.maintenanceFractionBps >= params.initialFractionBps) {
            revert IMarginProtocol.InvalidParams("maintenance fraction");
        }
        if (params.initialFractionBps > BPS) revert IMarginProtocol.InvalidParams("initial fraction");
        if (params.tradeFeeBps > params.maintenanceFractionBps) revert IMarginProtocol.InvalidParams("trade fee");
        if (marketId == MAX_LISTINGS) revert IMarginProtocol.TooManyListings(marketId);
        markets[marketId] = params;
        emit IMarginProtocol.MarketListed(marketId, params);
    }

    /// @notice Lists collateral number `collateralId` (the current count): a token other than the quote token, not
    /// yet listed, with at most 18 decimals and a haircut in (0, 1).
    function listCollateral(
        mapping(uint256 => CollateralParams) storage collaterals,
        uint256 collateralId,
        address quote,
        address token,
        IOracle oracle,
        uint64 haircutWad,
        uint128 depositCap
    ) external {
        if (token == address(0) || token == quote) revert IMarginProtocol.InvalidParams("token");
        if (address(oracle) == address(0)) revert IMarginProtocol.InvalidParams("oracle");
        if (haircutWad == 0 || haircutWad >= WAD) revert IMarginProtocol.InvalidParams("haircut");
        uint8 decimals = ERC20(token).decimals();
        QuoteUnits.unitWad(decimals); // reverts above 18 decimals
        for (uint256 i; i < collateralId; ++i) {
            if (collaterals[i].token == token) revert IMarginProtocol.InvalidParams("token already listed");
        }
        if (collateralId == MAX_LISTINGS) revert IMarginProtocol.TooManyListings(collateralId);
        CollateralParams memory params = CollateralParams(token, oracle, decimals, haircutWad, depositCap);
        collaterals[collateralId] = params;
        emit IMarginProtocol.CollateralListed(collateralId, params);
    }

    /// @notice Sets market `marketId`'s open-interest cap; unless `mayRaise`, only lower.
    function setOpenInterestCap(
        mapping(uint256 => MarketParams) storage markets,
        uint256 marketCount,
        uint256 marketId,
        uint128 capWad,
        bool mayRaise
    ) external {
        if (marketId >= marketCount) revert IMarginProtocol.UnknownMarket(marketId);
        MarketParams storage params = markets[marketId];
        uint128 current = params.openInterestCapWad;
        if (!mayRaise && capWad >= current) revert IMarginProtocol.CapNotLowered(current, capWad);
        params.openInterestCapWad = capWad;
        emit IMarginProtocol.OpenInterestCapSet(marketId, capWad, msg.sender);
    }

    /// @notice Sets collateral `collateralId`'s deposit cap; unless `mayRaise`, only lower.
    function setDepositCap(
        mapping(uint256 => CollateralParams) storage collaterals,
        uint256 collateralCount,
        uint256 collateralId,
        uint128 cap,
        bool mayRaise
    ) external {
        if (collateralId >= collateralCount) {
            revert IMarginProtocol.UnknownCollateral(collateralId);
        }
        CollateralParams storage params = collaterals[collateralId];
        uint128 current = params.depositCap;
        if (!mayRaise && cap >= current) revert IMarginProtocol.CapNotLowered(current, cap);
        params.depositCap = cap;
        emit IMarginProtocol.DepositCapSet(collateralId, cap, msg.sender);
    }
}
