// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {BaseTest} from "../Base.t.sol";

/// @notice Keeper calls measured as a keeper sees them: what each pays it and what its gas costs at this block's base
/// fee, ETH at its oracle price (the WETH collateral is priced by the same feed).
abstract contract KeeperGasBase is BaseTest {
    address internal dave = makeAddr("dave");

    /// @dev The cost of the last call at this block's base fee [wad quote]: execution gas + the 21k of a transaction.
    function _gasCostWad(uint256 executionGas, uint256 ethPriceWad) internal view returns (uint256) {
        return (executionGas + 21_000) * block.basefee * ethPriceWad / 1e18;
    }

    function _ethPriceWad() internal view returns (uint256 priceWad) {
        (priceWad,) = ethFeed.read();
    }

    /// @dev `keeper` liquidates `account`'s ETH position: the quote it received and the call's cost [wad].
    function _liquidateMeasured(address account) internal returns (uint256 rewardWad, uint256 costWad) {
        uint256 before = usdc.balanceOf(keeper);
        vm.prank(keeper);
        uint256 g = gasleft();
        engine.liquidate(account, ETH_MARKET, type(uint256).max);
        g -= gasleft();
        rewardWad = (usdc.balanceOf(keeper) - before) * 1e12;
        costWad = _gasCostWad(g, _ethPriceWad());
    }

    /// @dev `keeper` buys `account`'s WETH at the engine's discount: the amount, the quote paid, the keeper's reward
    /// (the WETH at the oracle price less what the purchase cost it, its gas back included) and the call's cost [wad].
    function _buyWethMeasured(address account)
        internal
        returns (uint256 amount, uint256 paidWad, uint256 rewardWad, uint256 costWad)
    {
        uint256 before = usdc.balanceOf(keeper);
        vm.prank(keeper);
        uint256 g = gasleft();
        (amount, paidWad) = engine.buyCollateral(account, WETH_ID, type(uint256).max, type(uint256).max);
        g -= gasleft();
        uint256 priceWad = _ethPriceWad();
        rewardWad = amount * priceWad / 1e18 - (before - usdc.balanceOf(keeper)) * 1e12;
        costWad = _gasCostWad(g, priceWad);
    }

    /// @dev `keeper` has the backstop absorb `account`'s WETH: the amount, the reward the absorb reports, the quote the
    /// keeper received and the call's cost [wad].
    function _absorbWethMeasured(address account)
        internal
        returns (uint256 amount, uint256 rewardWad, uint256 receivedWad, uint256 costWad)
    {
        uint256 before = usdc.balanceOf(keeper);
        vm.prank(keeper);
        uint256 g = gasleft();
        (amount,, rewardWad) = backstop.absorb(account, WETH_ID);
        g -= gasleft();
        receivedWad = (usdc.balanceOf(keeper) - before) * 1e12;
        costWad = _gasCostWad(g, _ethPriceWad());
    }
}
