// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title ScenarioMath
/// @notice The arithmetic of portfolio margin, pure and shared by the module and the tests. A scenario is one 256-bit
/// word of 16 signed 16-bit shocks [bps], factor f in bits 16f..16f+15. Exposures are signed wad quote amounts per
/// factor; a shock s moves an exposure e by e × s / 10,000.
library ScenarioMath {
    uint256 internal constant BPS = 10_000;
    uint256 internal constant WAD = 1e18;
    /// @dev Hard caps that bound the health check's gas.
    uint256 internal constant MAX_FACTORS = 16;
    uint256 internal constant MAX_SCENARIOS = 16;

    /// @dev Factor f's shock in a packed scenario word [bps, signed].
    function shockBps(bytes32 scenario, uint256 factor) internal pure returns (int256) {
        return int256(int16(uint16(uint256(scenario) >> (16 * factor))));
    }

    /// @dev Packs up to 16 shocks [bps] into a scenario word.
    function pack(int16[] memory shocksBps) internal pure returns (bytes32 word) {
        uint256 w;
        for (uint256 f; f < shocksBps.length; ++f) {
            w |= uint256(uint16(shocksBps[f])) << (16 * f);
        }
        return bytes32(w);
    }

    /// @dev The scenario's loss [wad], rounded up: −Σ exposure × shock / 10,000 when negative, else 0. The sum is
    /// exact (in wad·bps); the one division rounds against the account.
    function lossWadUp(int256[16] memory exposureWad, uint256 factorCount, bytes32 scenario)
        internal
        pure
        returns (uint256)
    {
        int256 pnlWadBps;
        for (uint256 f; f < factorCount; ++f) {
            int256 e = exposureWad[f];
            if (e != 0) pnlWadBps += e * shockBps(scenario, f);
        }
        if (pnlWadBps >= 0) return 0;
        uint256 lossWadBps = uint256(-pnlWadBps);
        return (lossWadBps + BPS - 1) / BPS;
    }

    /// @dev The floor: gross exposure × min fraction [wad], rounded up.
    function floorWadUp(uint256 grossWad, uint256 minFractionWad) internal pure returns (uint256) {
        return (grossWad * minFractionWad + WAD - 1) / WAD;
    }

    /// @dev Initial requirement: maintenance × multiplier [wad], rounded up.
    function initialWadUp(uint256 maintenanceWad, uint256 multiplierWad) internal pure returns (uint256) {
        return (maintenanceWad * multiplierWad + WAD - 1) / WAD;
    }
}
