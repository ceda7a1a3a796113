// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "solmate/tokens/ERC20.sol";
import {SafeTransferLib} from "solmate/utils/SafeTransferLib.sol";
import {Owned} from "solmate/auth/Owned.sol";

/// @title ConstantProductPool
/// @notice A minimal x·y = k pool of one collateral token against the quote asset, with a 0.3% fee, standing in for a
/// DEX on the local chain so that a keeper without capital can sell an auction lot within the same transaction.
/// Liquidity is the owner's; anyone may swap.
contract ConstantProductPool is Owned {
    using SafeTransferLib for ERC20;

    error UnknownToken(address token);
    error InsufficientOutput(uint256 out, uint256 minOut);
    error ZeroAmount();

    event Swapped(address indexed tokenIn, uint256 amountIn, uint256 amountOut, address indexed to);
    event LiquidityAdded(uint256 collateralAmount, uint256 quoteAmount);
    event LiquidityRemoved(uint256 collateralAmount, uint256 quoteAmount);

    uint256 internal constant FEE_BPS = 30;

    ERC20 public immutable collateral;
    ERC20 public immutable quote;

    constructor(ERC20 collateral_, ERC20 quote_, address owner_) Owned(owner_) {
        collateral = collateral_;
        quote = quote_;
    }

    /// @notice Reserves [token units].
    function reserves() public view returns (uint256 collateralReserve, uint256 quoteReserve) {
        return (collateral.balanceOf(address(this)), quote.balanceOf(address(this)));
    }

    /// @notice Output for `amountIn` of `tokenIn`, after the fee, rounded down [token units].
    function quoteOut(address tokenIn, uint256 amountIn) public view returns (uint256) {
        (uint256 c, uint256 q) = reserves();
        (uint256 reserveIn, uint256 reserveOut) = tokenIn == address(collateral) ? (c, q) : (q, c);
        if (tokenIn != address(collateral) && tokenIn != address(quote)) revert UnknownToken(tokenIn);
        uint256 inAfterFee = amountIn * (10_000 - FEE_BPS);
        return inAfterFee * reserveOut / (reserveIn * 10_000 + inAfterFee);
    }

    /// @notice Swaps `amountIn` of `tokenIn` (pulled from the caller) for at least `minOut` of the other token.
    function swap(address tokenIn, uint256 amountIn, uint256 minOut, address to) external returns (uint256 out) {
        if (amountIn == 0) revert ZeroAmount();
        out = quoteOut(tokenIn, amountIn);
        if (out < minOut) revert InsufficientOutput(out, minOut);
        ERC20(tokenIn).safeTransferFrom(msg.sender, address(this), amountIn);
        (tokenIn == address(collateral) ? quote : collateral).safeTransfer(to, out);
        emit Swapped(tokenIn, amountIn, out, to);
    }

    function addLiquidity(uint256 collateralAmount, uint256 quoteAmount) external onlyOwner {
        collateral.safeTransferFrom(msg.sender, address(this), collateralAmount);
        quote.safeTransferFrom(msg.sender, address(this), quoteAmount);
        emit LiquidityAdded(collateralAmount, quoteAmount);
    }

    function removeLiquidity(uint256 collateralAmount, uint256 quoteAmount) external onlyOwner {
        collateral.safeTransfer(msg.sender, collateralAmount);
        quote.safeTransfer(msg.sender, quoteAmount);
        emit LiquidityRemoved(collateralAmount, quoteAmount);
    }
}
