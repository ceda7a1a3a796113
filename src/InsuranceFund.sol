// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "solmate/tokens/ERC20.sol";
import {SafeTransferLib} from "solmate/utils/SafeTransferLib.sol";
import {Owned} from "solmate/auth/Owned.sol";
import {IInsuranceFund} from "./interfaces/IInsuranceFund.sol";

/// @title InsuranceFund
/// @notice Receives its share of every liquidation penalty as plain transfers and pays, on the engine's order (or a
/// liquidation module's, such as the auction house paying keeper rewards), bad-debt coverage and keeper rewards.
/// Anyone may top it up by transferring the quote asset to it.
contract InsuranceFund is IInsuranceFund, Owned {
    using SafeTransferLib for ERC20;

    event SpenderSet(address indexed spender, bool allowed);

    ERC20 public immutable quote;
    address public immutable engine;
    /// @notice Liquidation modules besides the engine allowed to draw on the fund.
    mapping(address => bool) public isSpender;

    constructor(ERC20 quote_, address engine_, address owner_) Owned(owner_) {
        quote = quote_;
        engine = engine_;
    }

    function setSpender(address spender, bool allowed) external onlyOwner {
        isSpender[spender] = allowed;
        emit SpenderSet(spender, allowed);
    }

    /// @inheritdoc IInsuranceFund
    function cover(address to, uint256 amount) external returns (uint256 paid) {
        if (msg.sender != engine && !isSpender[msg.sender]) revert NotEngine(msg.sender);
        uint256 available = quote.balanceOf(address(this));
        paid = amount < available ? amount : available;
        if (paid != 0) quote.safeTransfer(to, paid);
        emit Covered(to, paid, available - paid);
    }

    /// @inheritdoc IInsuranceFund
    function balance() external view returns (uint256) {
        return quote.balanceOf(address(this));
    }
}
