// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "solmate/tokens/ERC20.sol";
import {SafeTransferLib} from "solmate/utils/SafeTransferLib.sol";
import {IInsuranceFund} from "./interfaces/IInsuranceFund.sol";

/// @title InsuranceFund
/// @notice Receives its share of every liquidation penalty as plain transfers and pays bad-debt coverage on the
/// engine's order. Anyone may top it up by transferring the quote asset to it.
contract InsuranceFund is IInsuranceFund {
    using SafeTransferLib for ERC20;

    ERC20 public immutable quote;
    address public immutable engine;

    constructor(ERC20 quote_, address engine_) {
        quote = quote_;
        engine = engine_;
    }

    /// @inheritdoc IInsuranceFund
    function cover(address to, uint256 amount) external returns (uint256 paid) {
        if (msg.sender != engine) revert NotEngine(msg.sender);
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
