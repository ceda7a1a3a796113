// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title ILiquidatable
/// @notice The whole surface a liquidation engine needs from a margin protocol. Any protocol that implements it can
/// plug into the engine. Every state-changing function is callable only by the protocol's engine, and each one moves
/// value at the protocol's current oracle price, which is constant within a transaction.
/// @dev Amounts are 18-decimal fixed point [wad] in the quote asset unless named otherwise; collateral amounts are in
/// the collateral token's own units [token units].
interface ILiquidatable {
    /// @notice A payout batch is open for `owner` (when opening one), or the caller does not own it (when closing).
    error PayoutsOpen(address owner);

    /// @notice An account's margin state at the current oracle prices, all of which must be valid.
    /// @return equityWad Quote balance + haircut collateral value + unrealized PnL, rounded down [wad].
    /// @return maintenanceWad Sum of |notional| × maintenance fraction, rounded up [wad].
    function marginState(address account) external view returns (int256 equityWad, uint256 maintenanceWad);

    /// @notice One position and its market at the current (valid) oracle price.
    /// @return sizeWad Signed position size in base units [wad]; positive is long.
    /// @return priceWad Oracle price of the market [wad].
    /// @return maintenanceFractionWad The market's maintenance fraction of notional [wad].
    function positionState(address account, uint256 marketId)
        external
        view
        returns (int256 sizeWad, uint256 priceWad, uint256 maintenanceFractionWad);

    /// @notice One collateral balance, its oracle price and haircut.
    /// @return amount Balance [token units].
    /// @return priceWad Oracle price of one whole token [wad].
    /// @return haircutWad Fraction of the value counted as margin [wad].
    /// @return decimals The token's decimals.
    function collateralState(address account, uint256 collateralId)
        external
        view
        returns (uint256 amount, uint256 priceWad, uint256 haircutWad, uint8 decimals);

    /// @notice The account's quote balance [wad, whole quote units]; negative is debt.
    function quoteBalance(address account) external view returns (int256 quoteWad);

    /// @notice Bitmaps of the account's open markets and held collateral (bit i = id i).
    function accountMasks(address account) external view returns (uint256 marketMask, uint256 collateralMask);

    /// @notice Closes `sizeDeltaWad` of a position (opposite sign to the position) at the oracle price, realizing its
    /// PnL against the liquidity vault, and charges the account `keeperRewardWad` paid to `keeper` plus `insuranceWad`
    /// paid to `insurance`, both in the quote asset.
    /// @return closedNotionalWad |size closed| × price, rounded up [wad].
    /// @return equityAfterWad The account's equity after the close and the penalty [wad].
    /// @return maintenanceAfterWad Its maintenance requirement after the close [wad].
    /// @dev Callable by the engine and by registered liquidation modules (the pre-liquidation module closes slices of
    /// accounts still above maintenance through it, with no insurance share).
    function liquidatePosition(
        address account,
        uint256 marketId,
        int256 sizeDeltaWad,
        address keeper,
        uint256 keeperRewardWad,
        address insurance,
        uint256 insuranceWad
    ) external returns (uint256 closedNotionalWad, int256 equityAfterWad, uint256 maintenanceAfterWad);

    /// @notice Opens a payout batch for the caller, for the rest of the transaction: its `liquidatePosition` calls that
    /// pay `keeper` and `insurance` still charge each account at once, but the payees are paid the sums once, by
    /// `endPayouts` (two transfers for a whole batch instead of two per position). Reverts while one is open.
    function beginPayouts(address keeper, address insurance) external;

    /// @notice Pays what the caller's payout batch owes and closes it. Reverts when the caller has none open.
    function endPayouts() external;

    /// @notice Sells `amount` of the account's collateral to `buyer` for `quotePaidWad`, which the buyer pays in the
    /// quote asset and which is credited to the account's quote balance.
    function seizeCollateral(address account, uint256 collateralId, uint256 amount, address buyer, uint256 quotePaidWad)
        external;

    /// @notice Sets the negative quote balance of an account with no position and no collateral to zero. The loss falls
    /// on the liquidity vault (its receivable shrinks); the engine then covers what it can from the insurance fund and
    /// records the rest as deficit.
    /// @return badDebtWad The debt written off [wad].
    function writeOffBadDebt(address account) external returns (uint256 badDebtWad);

    /// @notice Where bad-debt coverage must be paid: the liquidity vault that bore the loss.
    function liquidityVault() external view returns (address);

    /// @notice Pulls `amountWad` (whole quote units) of the quote asset from `payer` and credits it to the account's
    /// quote balance (repaying its debt to the vault first): auction proceeds.
    function creditQuote(address account, uint256 amountWad, address payer) external;

    /// @notice Pulls `amount` of collateral from `from` back into the account: what an auction did not sell.
    function returnCollateral(address account, uint256 collateralId, uint256 amount, address from) external;

    /// @notice Adds `delta` (±1) to the account's count of collateral lots in auction; bad debt cannot be written
    /// off while it is nonzero, since the auctions may still repay the debt.
    function adjustAuctionLots(address account, int256 delta) external;

    /// @notice The account's number of collateral lots in auction.
    function auctionLots(address account) external view returns (uint256);

    /// @notice The circuit-breaker level (0 normal; 1 no new exposure; 2 no new liquidations or kicks; 3 no takes).
    function breakerLevel() external view returns (uint8);
}
