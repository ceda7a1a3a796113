// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "solmate/tokens/ERC20.sol";
import {ERC4626} from "solmate/tokens/ERC4626.sol";
import {SafeTransferLib} from "solmate/utils/SafeTransferLib.sol";
import {Owned} from "solmate/auth/Owned.sol";
import {QuoteUnits} from "./libraries/QuoteUnits.sol";
import {IDeficitVault} from "./interfaces/IDeficitVault.sol";
import {VirtualShares} from "./libraries/VirtualShares.sol";

interface IVaultProtocol {
    function vaultReceivable() external view returns (uint256);
    function openInterestNotional() external view returns (uint256);
}

/// @title LiquidityVault
/// @notice ERC4626 vault on the quote asset: the pool that is every trader's counterparty. It earns trade fees and
/// traders' losses and pays traders' gains. Its assets are its idle tokens plus what indebted accounts owe it through
/// the protocol; a loss written off as bad debt lowers that receivable and so the share price.
/// @dev A reserve of idle tokens, a share of the protocol's open-interest notional, cannot be withdrawn by depositors:
/// the protocol draws on it to pay traders' gains and to lend the liquidation penalties of indebted accounts, so
/// that depositors running for the exit cannot block liquidations.
/// A deficit the insurance fund could not pay is carried as a receivable from the solvency waterfall while bonds are
/// on sale for it (`IDeficitVault`): deposits wait until it is settled (a newcomer neither pays for a loss recorded
/// before it joined nor takes the bond proceeds owed to those who bore it), and exits are priced without it.
/// Shares are priced with a virtual stake of one whole quote token (`VirtualShares`), so that a first depositor cannot
/// inflate the share price to take a later deposit, seeded or not.
contract LiquidityVault is ERC4626, Owned, IDeficitVault {
    using SafeTransferLib for ERC20;

    error NotProtocol(address caller);
    error ProtocolAlreadySet();
    error InsufficientIdle(uint256 requested, uint256 available);
    error InvalidReserve(uint256 reserveBps);
    error NotWaterfall(address caller);
    error DeficitOpen(uint256 deficitReceivable);

    event WaterfallSet(address indexed waterfall);
    /// @notice The deficit owed by the waterfall changed: `delta` > 0 recorded, < 0 repaid or socialized.
    event DeficitUpdated(int256 delta, uint256 deficitReceivable, bool socialized);

    event ProtocolSet(address indexed protocol);
    event Drawn(address indexed to, uint256 amount);

    uint256 internal constant BPS = 10_000;

    /// @notice Idle tokens depositors cannot withdraw, as a share of the open-interest notional [bps].
    uint256 public immutable reserveBps;
    /// @dev The wad value of one quote-token unit.
    uint256 internal immutable QUOTE_UNIT_WAD;
    /// @dev The virtual stake shares are priced with (`VirtualShares`) [quote token units, and as many shares].
    uint256 internal immutable VIRTUAL_UNITS;

    /// @notice The margin protocol allowed to draw from the vault to pay traders.
    address public protocol;
    /// @notice The solvency waterfall allowed to book, repay and socialize deficits.
    address public waterfall;
    /// @inheritdoc IDeficitVault
    uint256 public deficitReceivable;

    constructor(ERC20 quote_, address owner_, uint256 reserveBps_)
        ERC4626(quote_, "Liquidity Vault Share", "LVS")
        Owned(owner_)
    {
        if (reserveBps_ > BPS) revert InvalidReserve(reserveBps_);
        reserveBps = reserveBps_;
        QUOTE_UNIT_WAD = QuoteUnits.unitWad(quote_.decimals());
        VIRTUAL_UNITS = VirtualShares.unitsFor(quote_.decimals());
    }

    function setProtocol(address protocol_) external onlyOwner {
        if (protocol != address(0)) revert ProtocolAlreadySet();
        protocol = protocol_;
        emit ProtocolSet(protocol_);
    }

    function setWaterfall(address waterfall_) external onlyOwner {
        waterfall = waterfall_;
        emit WaterfallSet(waterfall_);
    }

    modifier onlyWaterfall() {
        if (msg.sender != waterfall) revert NotWaterfall(msg.sender);
        _;
    }

    /// @inheritdoc IDeficitVault
    function recordDeficit(uint256 amount) external onlyWaterfall {
        deficitReceivable += amount;
        emit DeficitUpdated(int256(amount), deficitReceivable, false);
    }

    /// @inheritdoc IDeficitVault
    function deficitRepaid(uint256 amount) external onlyWaterfall {
        deficitReceivable -= amount;
        emit DeficitUpdated(-int256(amount), deficitReceivable, false);
    }

    /// @inheritdoc IDeficitVault
    function socializeDeficit(uint256 amount) external onlyWaterfall {
        deficitReceivable -= amount;
        emit DeficitUpdated(-int256(amount), deficitReceivable, true);
    }

    /// @notice Pays `amount` [quote token units] of idle tokens, reserve included, to the protocol.
    function draw(uint256 amount) external {
        if (msg.sender != protocol) revert NotProtocol(msg.sender);
        uint256 idle = asset.balanceOf(address(this));
        if (amount > idle) revert InsufficientIdle(amount, idle);
        asset.safeTransfer(msg.sender, amount);
        emit Drawn(msg.sender, amount);
    }

    /// @notice Idle tokens plus the receivable from indebted accounts and the deficit owed by the waterfall [quote
    /// token units, rounded down].
    function totalAssets() public view override returns (uint256) {
        return exitAssets() + deficitReceivable;
    }

    /// @notice What exits are priced on: total assets without the deficit still on sale as bonds [quote units].
    function exitAssets() public view returns (uint256) {
        uint256 receivableWad = protocol == address(0) ? 0 : IVaultProtocol(protocol).vaultReceivable();
        return asset.balanceOf(address(this)) + receivableWad / QUOTE_UNIT_WAD;
    }

    /// @notice Shares `assets` buy at total assets and the virtual stake, rounded down (what a deposit mints).
    function convertToShares(uint256 assets) public view override returns (uint256) {
        return VirtualShares.depositSharesDown(assets, totalSupply, totalAssets(), VIRTUAL_UNITS);
    }

    /// @notice What `shares` are worth at total assets, at the exit price, rounded down (exits themselves are priced on
    /// `exitAssets`).
    function convertToAssets(uint256 shares) public view override returns (uint256) {
        return VirtualShares.redeemAssetsDown(shares, totalSupply, totalAssets(), VIRTUAL_UNITS);
    }

    /// @dev Entries wait while a deficit is open; `deposit` and `mint` revert through these.
    function previewDeposit(uint256 assets) public view override returns (uint256) {
        _revertIfDeficitOpen();
        return convertToShares(assets);
    }

    function previewMint(uint256 shares) public view override returns (uint256) {
        _revertIfDeficitOpen();
        return VirtualShares.mintAssetsUp(shares, totalSupply, totalAssets(), VIRTUAL_UNITS);
    }

    function maxDeposit(address) public view override returns (uint256) {
        return deficitReceivable == 0 ? type(uint256).max : 0;
    }

    function maxMint(address) public view override returns (uint256) {
        return deficitReceivable == 0 ? type(uint256).max : 0;
    }

    /// @dev Exits are priced on `exitAssets` (rounded against the leaver, as in ERC4626).
    function previewWithdraw(uint256 assets) public view override returns (uint256) {
        return VirtualShares.withdrawSharesUp(assets, totalSupply, exitAssets(), VIRTUAL_UNITS);
    }

    function previewRedeem(uint256 shares) public view override returns (uint256) {
        return VirtualShares.redeemAssetsDown(shares, totalSupply, exitAssets(), VIRTUAL_UNITS);
    }

    function _revertIfDeficitOpen() internal view {
        if (deficitReceivable != 0) revert DeficitOpen(deficitReceivable);
    }

    /// @notice Idle tokens kept back from depositors [quote token units, rounded up].
    function reserve() public view returns (uint256) {
        if (protocol == address(0)) return 0;
        uint256 reserveWad = IVaultProtocol(protocol).openInterestNotional() * reserveBps / BPS;
        return (reserveWad + QUOTE_UNIT_WAD - 1) / QUOTE_UNIT_WAD;
    }

    /// @notice What depositors may withdraw in all [quote token units]: idle tokens above the reserve.
    function withdrawable() public view returns (uint256) {
        uint256 idle = asset.balanceOf(address(this));
        uint256 kept = reserve();
        return idle > kept ? idle - kept : 0;
    }

    function maxWithdraw(address owner_) public view override returns (uint256) {
        uint256 assets = previewRedeem(balanceOf[owner_]);
        uint256 available = withdrawable();
        return assets < available ? assets : available;
    }

    function maxRedeem(address owner_) public view override returns (uint256) {
        return VirtualShares.redeemSharesDown(maxWithdraw(owner_), totalSupply, exitAssets(), VIRTUAL_UNITS);
    }

    /// @dev Only idle tokens above the reserve can leave; the receivable is paid in as debts are repaid.
    function beforeWithdraw(uint256 assets, uint256) internal view override {
        uint256 available = withdrawable();
        if (assets > available) revert InsufficientIdle(assets, available);
    }
}
