// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "solmate/tokens/ERC20.sol";
import {ERC4626} from "solmate/tokens/ERC4626.sol";
import {SafeTransferLib} from "solmate/utils/SafeTransferLib.sol";
import {Owned} from "solmate/auth/Owned.sol";

interface IReceivableSource {
    function vaultReceivable() external view returns (uint256);
}

/// @title LiquidityVault
/// @notice ERC4626 vault on the quote asset: the pool that is every trader's counterparty. It earns trade fees and
/// traders' losses and pays traders' gains. Its assets are its idle tokens plus what indebted accounts owe it through
/// the protocol; a loss written off as bad debt lowers that receivable and so the share price.
contract LiquidityVault is ERC4626, Owned {
    using SafeTransferLib for ERC20;

    error NotProtocol(address caller);
    error ProtocolAlreadySet();
    error InsufficientIdle(uint256 requested, uint256 idle);

    event ProtocolSet(address indexed protocol);
    event Drawn(address indexed to, uint256 amount);

    /// @notice The margin protocol allowed to draw from the vault to pay traders.
    address public protocol;

    constructor(ERC20 quote_, address owner_) ERC4626(quote_, "Liquidity Vault Share", "LVS") Owned(owner_) {}

    function setProtocol(address protocol_) external onlyOwner {
        if (protocol != address(0)) revert ProtocolAlreadySet();
        protocol = protocol_;
        emit ProtocolSet(protocol_);
    }

    /// @notice Pays `amount` [quote token units] of idle tokens to the protocol, to settle traders' gains.
    function draw(uint256 amount) external {
        if (msg.sender != protocol) revert NotProtocol(msg.sender);
        uint256 idle = asset.balanceOf(address(this));
        if (amount > idle) revert InsufficientIdle(amount, idle);
        asset.safeTransfer(msg.sender, amount);
        emit Drawn(msg.sender, amount);
    }

    /// @notice Idle tokens plus the receivable from indebted accounts [quote token units, rounded down].
    function totalAssets() public view override returns (uint256) {
        uint256 receivable = protocol == address(0) ? 0 : IReceivableSource(protocol).vaultReceivable() / 1e12;
        return asset.balanceOf(address(this)) + receivable;
    }

    /// @dev Only idle tokens can leave; the receivable is paid in as debts are repaid.
    function beforeWithdraw(uint256 assets, uint256) internal view override {
        uint256 idle = asset.balanceOf(address(this));
        if (assets > idle) revert InsufficientIdle(assets, idle);
    }
}
