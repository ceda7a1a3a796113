// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "solmate/tokens/ERC20.sol";
import {IMarginProtocol} from "../../src/interfaces/IMarginProtocol.sol";

/// @notice Benchmark helper: opens many protocol accounts in one transaction. Each account is a `FleetTrader` whose
/// constructor deposits quote and opens one position, so one call creates as many distinct accounts as its gas allows.
/// The traders keep no code: they exist to be measured and liquidated, not to act again.
contract AccountFleet {
    struct Order {
        uint256 depositQuote; // [quote token units]
        uint256 marketId;
        int256 sizeWad; // signed, positive is long
        uint256 limitPriceWad; // the trade's price limit (a ceiling for a long, a floor for a short)
    }

    error NotOpening(address caller);

    IMarginProtocol public immutable protocol;
    ERC20 public immutable quote;

    uint256 private _funding; // [quote token units] what the trader under construction may pull

    constructor(IMarginProtocol protocol_) {
        protocol = protocol_;
        quote = ERC20(protocol_.quoteToken());
    }

    /// @notice Opens one account per order, funded from this contract's quote balance; returns their addresses.
    function open(Order[] calldata orders) external returns (address[] memory accounts) {
        accounts = new address[](orders.length);
        for (uint256 i; i < orders.length; ++i) {
            Order calldata o = orders[i];
            _funding = o.depositQuote;
            accounts[i] = address(new FleetTrader(protocol, o.marketId, o.sizeWad, o.limitPriceWad));
        }
        _funding = 0;
    }

    /// @notice Called by a trader from its constructor: sends it the deposit of the order being opened.
    function fund() external returns (uint256 amount) {
        amount = _funding;
        if (amount == 0) revert NotOpening(msg.sender);
        _funding = 0;
        quote.transfer(msg.sender, amount);
    }
}

/// @notice One benchmark account: deposits what the fleet sends and opens a position, all in its constructor.
contract FleetTrader {
    constructor(IMarginProtocol protocol, uint256 marketId, int256 sizeWad, uint256 limitPriceWad) {
        uint256 amount = AccountFleet(msg.sender).fund();
        ERC20(protocol.quoteToken()).approve(address(protocol), amount);
        protocol.depositQuote(amount);
        protocol.trade(marketId, sizeWad, limitPriceWad);
    }
}
