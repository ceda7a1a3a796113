// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {WaterfallChecks} from "./WaterfallChecks.sol";

/// @notice The solvency waterfall's books after every call: the layers add up to the bad debt recognized (property 6),
/// the revenue and the bonds are accounted for to the unit, and the vault's deficit is exactly what the open series
/// still owe it. The order of the layers (property 15) is checked event by event in `WaterfallLedger`.
/// @dev Fewer, deeper runs than the other suites (about the same number of calls): a bond series is repaid only after
/// the fund ran dry, a crash left bad debt, the sale closed and revenue arrived, a chain that 32 calls seldom complete.
/// forge-config: default.invariant.runs = 24
/// forge-config: default.invariant.depth = 96
/// forge-config: ci.invariant.runs = 500
/// forge-config: ci.invariant.depth = 100
contract WaterfallInvariantsTest is WaterfallChecks {
    /// Property 6: bad debt only falls by explicit coverage.
    function invariant_badDebtLayers() public view {
        _checkBadDebtLayers();
    }

    /// The waterfall's token ledger.
    function invariant_revenueLedger() public view {
        _checkRevenueLedger();
    }

    /// The bond books, series by series and holder by holder.
    function invariant_bondBooks() public view {
        _checkBondBooks();
    }

    /// The vault's deficit receivable is what the open series still owe it.
    function invariant_vaultDeficit() public view {
        _checkVaultDeficit();
    }
}
