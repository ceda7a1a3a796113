// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "solmate/tokens/ERC20.sol";
import {SafeTransferLib} from "solmate/utils/SafeTransferLib.sol";
import {IAuctionTakeCallee} from "../interfaces/IAuctionHouse.sol";
import {ConstantProductPool} from "../demo/ConstantProductPool.sol";
import {QuoteUnits} from "../libraries/QuoteUnits.sol";

/// @title PoolTakeCallee
/// @notice Flash settlement for keepers without capital: receives an auction lot, sells it into a pool, and hands the
/// taker the quote asset (what the take costs plus the profit) before the protocol and the auction house collect it
/// from the taker, who approves both.
/// `data` = abi.encode(pool, minProfit [quote token units]).
contract PoolTakeCallee is IAuctionTakeCallee {
    using SafeTransferLib for ERC20;

    error NotAuctionHouse(address caller);
    error Unprofitable(uint256 outUnits, uint256 owedUnits, uint256 minProfitUnits);

    address public immutable auctionHouse;
    /// @dev The wad value of one quote-token unit.
    uint256 internal immutable QUOTE_UNIT_WAD;

    constructor(address auctionHouse_, uint8 quoteDecimals) {
        auctionHouse = auctionHouse_;
        QUOTE_UNIT_WAD = QuoteUnits.unitWad(quoteDecimals);
    }

    /// @inheritdoc IAuctionTakeCallee
    function onAuctionTake(address taker, uint256 collateralAmount, uint256 owedWad, bytes calldata data) external {
        if (msg.sender != auctionHouse) revert NotAuctionHouse(msg.sender);
        (ConstantProductPool pool, uint256 minProfitUnits) = abi.decode(data, (ConstantProductPool, uint256));
        ERC20 collateral = pool.collateral();
        uint256 owedUnits = owedWad / QUOTE_UNIT_WAD;
        collateral.safeApprove(address(pool), collateralAmount);
        uint256 outUnits = pool.swap(address(collateral), collateralAmount, owedUnits + minProfitUnits, taker);
        if (outUnits < owedUnits + minProfitUnits) revert Unprofitable(outUnits, owedUnits, minProfitUnits);
    }
}
