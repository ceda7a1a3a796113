// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ILiquidatable} from "../interfaces/ILiquidatable.sol";

/// @notice An account below maintenance, as a keeper needs it to choose its calls.
struct LiquidationCandidate {
    address account;
    int256 equityWad;
    uint256 maintenanceWad;
    uint256 marketMask; // bit i set: a position in market i (liquidate)
    uint256 collateralMask; // bit i set: collateral i deposited (sold once no position is left)
    int256 quoteWad; // the quote balance; < 0 is debt
}

/// @title LiquidationLens
/// @notice Batched reads for keepers over any protocol that plugs into the engine (`ILiquidatable`): one call finds
/// the accounts below maintenance among many, so a keeper whose index lags can read its candidates from the chain.
contract LiquidationLens {
    /// @notice The call ran out of gas after `scanned` accounts: ask about fewer at once.
    error ScanOutOfGas(uint256 scanned);

    /// @dev Below this, a failed read may have been an out-of-gas (the callee gets 63/64 of what is left), not a
    /// revert of the protocol's: the scan stops rather than leave the account out.
    uint256 internal constant MIN_GAS_AFTER_FAILURE = 100_000;

    /// @notice The accounts of `accounts` whose equity is below their maintenance requirement, in the given order.
    /// An account whose margin cannot be read (an invalid price makes the protocol revert) is left out: the engine
    /// would refuse to liquidate it too. A call that runs out of gas reverts `ScanOutOfGas`, never a shorter list.
    function belowMaintenance(ILiquidatable protocol, address[] calldata accounts)
        external
        view
        returns (LiquidationCandidate[] memory found)
    {
        found = new LiquidationCandidate[](accounts.length);
        uint256 count;
        for (uint256 i; i < accounts.length; ++i) {
            address account = accounts[i];
            try protocol.marginState(account) returns (int256 equityWad, uint256 maintenanceWad) {
                if (equityWad >= 0 && uint256(equityWad) >= maintenanceWad) continue;
                (uint256 marketMask, uint256 collateralMask) = protocol.accountMasks(account);
                found[count++] = LiquidationCandidate({
                    account: account,
                    equityWad: equityWad,
                    maintenanceWad: maintenanceWad,
                    marketMask: marketMask,
                    collateralMask: collateralMask,
                    quoteWad: protocol.quoteBalance(account)
                });
            } catch {
                // An invalid price: not liquidatable now; unless the read ran out of gas.
                if (gasleft() < MIN_GAS_AFTER_FAILURE) revert ScanOutOfGas(i);
            }
        }
        // Trim the array to the accounts found.
        assembly ("memory-safe") {
            mstore(found, count)
        }
    }
}
