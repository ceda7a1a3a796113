// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FixedPointMathLib} from "solmate/utils/FixedPointMathLib.sol";

/// @title VirtualShares
/// @notice ERC4626 share prices for a vault that must resist the first-depositor (inflation) attack. Entries are priced
/// as if `virtualUnits` of assets and as many shares, owned by no one, had been in the vault from its first block
/// (OpenZeppelin's virtual offset, kept at the asset's decimals so that a share is still worth one asset unit at the
/// start). Exits are priced at the lower of that price and the plain pro-rata one, so that the virtual assets, which do
/// not exist, are never paid out: after a loss (a share worth less than a unit) the holders' claims still sum to at
/// most the assets held.
/// @dev Why this closes the attack: to push a newcomer's rounding loss up to X, a donor must raise the price of a share
/// to X, and the virtual shares then own about `virtualUnits` × X of the donation, so the donor always loses about
/// `virtualUnits` times more than the newcomer (a million times for a 6-decimal quote). The cost to honest holders is
/// the virtual stake's part of every gain, `virtualUnits` ÷ (supply + `virtualUnits`), which stays in the vault.
library VirtualShares {
    using FixedPointMathLib for uint256;

    /// @dev The virtual stake of a vault on a token with `decimals`: one whole token [token units].
    function unitsFor(uint8 decimals) internal pure returns (uint256) {
        return 10 ** uint256(decimals);
    }

    /// @dev Shares a deposit of `assets` mints, at the virtual price, rounded down.
    function depositSharesDown(uint256 assets, uint256 supply, uint256 totalAssets, uint256 virtualUnits)
        internal
        pure
        returns (uint256)
    {
        return assets.mulDivDown(supply + virtualUnits, totalAssets + virtualUnits);
    }

    /// @dev Assets a mint of `shares` costs, at the virtual price, rounded up.
    function mintAssetsUp(uint256 shares, uint256 supply, uint256 totalAssets, uint256 virtualUnits)
        internal
        pure
        returns (uint256)
    {
        return shares.mulDivUp(totalAssets + virtualUnits, supply + virtualUnits);
    }

    /// @dev Assets `shares` redeem for, at the exit price (the lower of the virtual and the pro-rata one), rounded down.
    function redeemAssetsDown(uint256 shares, uint256 supply, uint256 totalAssets, uint256 virtualUnits)
        internal
        pure
        returns (uint256)
    {
        uint256 atVirtual = shares.mulDivDown(totalAssets + virtualUnits, supply + virtualUnits);
        if (supply == 0) return atVirtual;
        uint256 proRata = shares.mulDivDown(totalAssets, supply);
        return atVirtual < proRata ? atVirtual : proRata;
    }

    /// @dev Shares a withdrawal of `assets` burns, at the exit price, rounded up (none can be had from an empty vault).
    function withdrawSharesUp(uint256 assets, uint256 supply, uint256 totalAssets, uint256 virtualUnits)
        internal
        pure
        returns (uint256)
    {
        uint256 atVirtual = assets.mulDivUp(supply + virtualUnits, totalAssets + virtualUnits);
        if (supply == 0 || assets == 0) return atVirtual;
        if (totalAssets == 0) return type(uint256).max;
        uint256 proRata = assets.mulDivUp(supply, totalAssets);
        return atVirtual > proRata ? atVirtual : proRata;
    }

    /// @dev The most shares whose redemption pays at most `assets`, at the exit price, rounded down.
    function redeemSharesDown(uint256 assets, uint256 supply, uint256 totalAssets, uint256 virtualUnits)
        internal
        pure
        returns (uint256)
    {
        uint256 atVirtual = assets.mulDivDown(supply + virtualUnits, totalAssets + virtualUnits);
        if (supply == 0 || totalAssets == 0) return atVirtual;
        uint256 proRata = assets.mulDivDown(supply, totalAssets);
        return atVirtual > proRata ? atVirtual : proRata;
    }
}
