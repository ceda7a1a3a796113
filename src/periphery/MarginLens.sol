// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IMarginProtocol, MarketParams} from "../interfaces/IMarginProtocol.sol";
import {WadMath} from "../libraries/WadMath.sol";

/// @title MarginLens
/// @notice Derived views of a margin protocol, computed from its public ones (kept out of the protocol for its code
/// size).
contract MarginLens {
    using WadMath for uint256;
    using WadMath for int256;

    uint256 internal constant WAD = 1e18;
    uint256 internal constant BPS_WAD = 1e14;

    /// @notice The market price at which a standard-mode account's health reaches 1 with every other price unchanged
    /// [wad]; 0 when no positive price would do it, and for a portfolio account (whose requirement is a maximum over
    /// scenarios, not linear in one price). Reverts like the protocol on an unknown market or an invalid price.
    /// @dev Solves equity(p) = maintenance(p) for this market's price p. With size s, price p0, maintenance fraction
    /// m, and E0, M_other the equity and the other markets' requirement at p0:
    /// E0 + s(p − p0) = M_other + |s| p m  ⇒  p = (E0 − s p0 − M_other) / (|s| m − s).
    function liquidationPrice(IMarginProtocol protocol, address account, uint256 marketId)
        external
        view
        returns (uint256)
    {
        MarketParams memory params = protocol.market(marketId);
        (int256 sizeWad,) = protocol.position(account, marketId);
        if (sizeWad == 0) return 0;
        (int256 equityWad, uint256 maintenanceWad) = protocol.marginState(account);
        if (protocol.portfolioMode(account) && address(protocol.portfolioMargin()) != address(0)) return 0;
        (, uint256 priceWad,) = protocol.positionState(account, marketId);
        uint256 maintenanceFractionWad = params.maintenanceFractionBps * BPS_WAD;
        uint256 ownMaintenanceWad = sizeWad.abs().mulWadUp(priceWad).mulWadUp(maintenanceFractionWad);
        int256 numerator = equityWad - sizeWad.mulWadFloor(priceWad) - (maintenanceWad - ownMaintenanceWad).toInt();
        int256 denominator = sizeWad.abs().mulWadUp(maintenanceFractionWad).toInt() - sizeWad;
        if (denominator == 0) return 0;
        int256 p = numerator * int256(WAD) / denominator;
        return p > 0 ? uint256(p) : 0;
    }
}
