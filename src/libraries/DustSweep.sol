// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ILiquidatable} from "../interfaces/ILiquidatable.sol";
import {ILiquidationEngine} from "../interfaces/ILiquidationEngine.sol";
import {WadMath} from "./WadMath.sol";
import {QuoteUnits} from "./QuoteUnits.sol";

/// @title DustSweep
/// @notice The engine's dust rule (`settleBadDebt`): collateral nobody is paid to buy goes to whoever clears the
/// account, so that its bad debt can be written off. Errors and events are the engine's own.
library DustSweep {
    using WadMath for uint256;

    /// @dev Hands every collateral balance in `collateralMask` to `to` for nothing, if all of it is worth (oracle price,
    /// no haircut, rounded up) less than `dustNotionalWad` and less than the debt: the owner loses nothing it does not
    /// owe. Reverts `NoDebt` or `DustLeft` otherwise.
    function sweep(ILiquidatable protocol, address account, uint256 collateralMask, uint256 dustNotionalWad, address to)
        internal
    {
        uint256 valueWad;
        uint256 id;
        for (uint256 mask = collateralMask; mask != 0; (mask, id) = (mask >> 1, id + 1)) {
            if (mask & 1 == 0) continue;
            (uint256 balance, uint256 priceWad,, uint8 decimals) = protocol.collateralState(account, id);
            valueWad += (balance * QuoteUnits.unitWad(decimals)).mulWadUp(priceWad);
        }
        int256 quoteWad = protocol.quoteBalance(account);
        if (quoteWad >= 0) revert ILiquidationEngine.NoDebt(account, quoteWad);
        if (valueWad >= dustNotionalWad || valueWad >= uint256(-quoteWad)) {
            revert ILiquidationEngine.DustLeft(account, valueWad, dustNotionalWad);
        }
        id = 0;
        for (uint256 mask = collateralMask; mask != 0; (mask, id) = (mask >> 1, id + 1)) {
            if (mask & 1 == 0) continue;
            (uint256 balance,,,) = protocol.collateralState(account, id);
            protocol.seizeCollateral(account, id, balance, to, 0);
            emit ILiquidationEngine.CollateralSold(account, id, to, balance, 0, 0);
        }
    }
}
