// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IOracle, PriceStatus, isUsable} from "../interfaces/IOracle.sol";
import {WadMath} from "./WadMath.sol";

/// @title GasReimbursement
/// @notice The gas part of a keeper reward, the one formula every liquidation module pays it by.
library GasReimbursement {
    using WadMath for uint256;

    /// @notice The factor of a reimbursement at cost, no markup [bps].
    uint16 internal constant AT_COST_BPS = 10_000;

    /// @dev `gasUnits` × block.basefee × the native asset's price × `factorBps`, rounded down [wad quote]; zero without
    /// an oracle or while its price is unusable (gas is then valued at nothing rather than at a wrong price).
    function wad(IOracle nativeOracle, uint256 gasUnits, uint16 factorBps) internal view returns (uint256) {
        if (address(nativeOracle) == address(0)) return 0;
        (uint256 nativePriceWad, PriceStatus s) = nativeOracle.read();
        if (!isUsable(s)) return 0;
        // [gas] × [wei/gas] = [wei]; × [wad quote per 1e18 wei] / 1e18 = [wad quote]
        return (gasUnits * block.basefee).mulWadDown(nativePriceWad) * factorBps / 10_000;
    }

    /// @dev `gasUnits` at cost (`wad`, no markup), of which the part not spent settling bad debt (`uncappedGas`
    /// aside) at most `capWad` [wad quote, rounded down]. Settling an emptied account's bad debt comes once per account
    /// (nothing to farm) and, with the insurance fund empty, opens a bond series: it is paid in full.
    function atCostWithinWad(IOracle nativeOracle, uint256 gasUnits, uint256 uncappedGas, uint256 capWad)
        internal
        view
        returns (uint256)
    {
        uint256 costWad = wad(nativeOracle, gasUnits, AT_COST_BPS);
        uint256 uncappedWad = uncappedGas == 0 ? 0 : costWad * WadMath.min(uncappedGas, gasUnits) / gasUnits;
        return WadMath.min(costWad - uncappedWad, capWad) + uncappedWad;
    }
}
