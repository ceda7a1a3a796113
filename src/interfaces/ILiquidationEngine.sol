// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ILiquidatable} from "./ILiquidatable.sol";
import {IOracle} from "./IOracle.sol";

/// @notice Parameters of fixed-fee liquidation [all wad fractions].
struct LiquidationParams {
    uint64 targetHealthWad; // a partial liquidation restores health to this (> 1)
    uint64 fullCloseHealthWad; // below this health, positions close in full (< 1)
    uint64 penaltyWad; // penalty per unit of closed notional, charged to the account
    uint64 keeperShareWad; // share of the penalty paid to the keeper; the rest funds the insurance fund
    uint64 collateralDiscountWad; // discount on the oracle price when collateral is sold to cover debt
    uint128 dustNotionalWad; // a position left after a partial close is 0 or at least this notional [wad quote]
}

/// @notice The gas part of a fixed-fee keeper reward, and the keeper's part of an insolvent account's penalty. A
/// keeper is reimbursed its gas at cost by the solvency waterfall: what the call measures it used (`gasleft()`, its
/// bad-debt settlements included) plus `callGas` for what it cannot measure, × `block.basefee` × the native asset's
/// oracle price, no markup, at most `maxNotionalShareWad` of the notional it closes; the keeper's share of the penalty
/// is its margin over the gas. Reimbursed at cost, a keeper who liquidates its own account from a second address gets
/// back the base fee it burned and still pays the penalty: nothing to farm.
struct GasReimbursementParams {
    IOracle nativeOracle; // the native asset's price [wad quote]; unset: no reimbursement and no insolvent cap
    uint32 callGas; // what a call uses but cannot measure: the transaction's 21k, its calldata, the payment itself
    uint32 previewGas; // one close's measured gas as `previewLiquidation` estimates it (a call measures its own)
    uint64 maxNotionalShareWad; // the reimbursement of a call is at most this share of the notional it closes
    uint96 insolventTipWad; // at equity <= 0 the keeper's penalty part is at most this; a dust sweep earns it [wad]
}

/// @notice One position of a batch liquidation (`liquidateBatch`).
struct LiquidationOrder {
    address account;
    uint256 marketId;
}

/// @notice How an asset's seized collateral becomes the quote asset: sold at once to keepers at a fixed discount
/// (`buyCollateral`), by Dutch auction (the auction house's `kick`/`take`), or to the protocol's own backstop vault at
/// a smaller discount with priority (`sellToBackstop`; keepers buy at the fixed discount only while the backstop's
/// capacity is below the dust minimum). Chosen per collateral asset.
enum CollateralPattern {
    FixedFee,
    DutchAuction,
    Internal
}

/// @title ILiquidationEngine
/// @notice Fixed-fee liquidation of accounts below maintenance margin, reaching the protocol only through
/// `ILiquidatable`. Positions close at the oracle price with a penalty on the closed notional, partially when a slice
/// restores health to the target; debt left after the positions are closed is covered by selling the account's
/// collateral to the keeper at a discount; debt left once nothing remains is written off and handed to the solvency
/// waterfall (`ISolvencyWaterfall`): the insurance fund, then solvency bonds, then socialization.
interface ILiquidationEngine {
    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    error Healthy(address account, int256 equityWad, uint256 maintenanceWad);
    error NoPosition(address account, uint256 marketId);
    error NoDebt(address account, int256 quoteWad);
    error NoCollateral(address account, uint256 collateralId);
    error PositionsOpen(address account, uint256 marketMask);
    error SelfLiquidation(address account);
    error PriceLimit(uint256 priceWad, uint256 limitWad);
    error DustRemainder(uint256 remainder, uint256 minimum);
    error CloseTooSmall(uint256 closeNotionalWad, uint256 minimumWad);
    error InvalidParams(string reason);
    error Reentrancy();
    error WrongPattern(uint256 collateralId, CollateralPattern pattern);
    error NotBackstop(address caller);
    error BackstopFirst(uint256 collateralId, uint256 capacityWad);
    error DustLeft(address account, uint256 collateralValueWad, uint256 dustNotionalWad);
    error NotWaterfallSpender(address waterfall);

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    event ParamsSet(LiquidationParams params);
    event CollateralPatternSet(uint256 indexed collateralId, CollateralPattern pattern);
    event BackstopSet(address indexed backstop, uint256 discountWad);
    event GasReimbursementSet(GasReimbursementParams params);
    /// @notice A keeper's gas reimbursed by the waterfall: `gasUnits` measured and added, for closes of
    /// `closedNotionalWad` in all [wad].
    event GasReimbursed(address indexed keeper, uint256 gasUnits, uint256 closedNotionalWad, uint256 paidWad);
    event Liquidated(
        address indexed account,
        uint256 indexed marketId,
        address indexed keeper,
        int256 closedSizeWad,
        uint256 closedNotionalWad,
        uint256 priceWad,
        uint256 penaltyWad,
        uint256 keeperRewardWad,
        uint256 insuranceWad,
        uint256 healthBeforeWad,
        uint256 healthAfterWad
    );
    event CollateralSold(
        address indexed account,
        uint256 indexed collateralId,
        address indexed keeper,
        uint256 amount,
        uint256 priceWad,
        uint256 quotePaidWad
    );
    /// @notice Bad debt recognized at liquidation time, split into what the insurance fund covered and the deficit.
    event BadDebtSettled(address indexed account, uint256 badDebtWad, uint256 coveredWad, uint256 deficitWad);

    /*//////////////////////////////////////////////////////////////
                               LIQUIDATION
    //////////////////////////////////////////////////////////////*/

    /// @notice Closes up to `maxCloseSizeWad` (absolute base units) of the account's position in `marketId`: as much
    /// as restores health to the target (at least the dust notional), or all of it when health is below the
    /// full-close bound or the remainder would be dust. A limit that would leave dust, or close less than the dust
    /// notional of a larger position, reverts. Writes off bad debt when nothing is left.
    /// @return closedSizeWad The signed size closed (opposite sign to the position).
    function liquidate(address account, uint256 marketId, uint256 maxCloseSizeWad)
        external
        returns (int256 closedSizeWad);

    /// @notice Liquidates many positions in one transaction, each as `liquidate` with no size limit would, in order. An
    /// order whose account is no longer below maintenance, or has no position in its market, closes nothing and the
    /// batch goes on: another keeper, or an earlier order of the same account, got there first. Any other failure
    /// reverts the whole batch. The keeper and the waterfall are paid once, after the closes; the bad debt of the
    /// accounts the batch emptied is settled after that, so the fund covers it with the batch's insurance shares in.
    /// @return closedSizesWad The signed size each order closed (0 for a skipped order).
    /// @return keeperRewardWad The keeper's reward over the whole batch, its gas reimbursement included [wad quote].
    function liquidateBatch(LiquidationOrder[] calldata orders)
        external
        returns (int256[] memory closedSizesWad, uint256 keeperRewardWad);

    /// @notice Buys up to `maxAmount` [token units] of the collateral of an account that is below maintenance and in
    /// debt, for an asset of the fixed-fee pattern (or of the internal pattern while the backstop's capacity is below
    /// the dust minimum; otherwise `BackstopFirst`), at the oracle price × max(1 − discount, haircut), never paying more
    /// than `maxPriceWad` per whole token, and never more quote than the account's debt unless the whole balance is
    /// taken. The caller pays in the quote asset (approved to the protocol) and gets its gas back at cost from the
    /// waterfall, within the notional share of the quote paid (`GasReimbursed`), as for a close.
    /// @return amount Collateral bought [token units].
    /// @return quotePaidWad Quote paid [wad].
    function buyCollateral(address account, uint256 collateralId, uint256 maxAmount, uint256 maxPriceWad)
        external
        returns (uint256 amount, uint256 quotePaidWad);

    /// @notice Sells the backstop vault (the only caller) collateral of an account that is below maintenance and in
    /// debt, for an asset of the internal pattern, at the oracle price × max(1 − backstop discount, haircut): as much
    /// as repays the debt, never more than `maxPaidWad` of quote, and never leaving a remainder worth less than the
    /// dust minimum (the amount shrinks to leave one). The backstop pays in the quote asset (approved to the protocol).
    /// @return amount Collateral sold [token units].
    /// @return salePriceWad Price per whole token [wad].
    /// @return quotePaidWad Quote paid [wad].
    /// @return settlementGas Gas spent settling the account's bad debt when the sale emptied it (the backstop
    /// reimburses its caller that part at cost outside its value cap, as the engine does for its own calls).
    function sellToBackstop(address account, uint256 collateralId, uint256 maxPaidWad)
        external
        returns (uint256 amount, uint256 salePriceWad, uint256 quotePaidWad, uint256 settlementGas);

    /// @notice Writes off the debt of an account with no positions and hands it to the solvency waterfall (insurance
    /// fund, then bonds, then socialization). Called by `liquidate`, `buyCollateral` and `sellToBackstop` when they
    /// empty an account, and by the auction house when an auction ends with nothing left. Anyone may call it on an
    /// account whose collateral is worth less than the dust minimum in all (at the oracle price, no haircut): that
    /// dust goes to the caller, whose gas the waterfall reimburses at cost (at most the dust minimum's notional
    /// share) with the insolvent tip, so that no dust is left forever for want of someone paid to clear it
    /// (`DustLeft` otherwise).
    function settleBadDebt(address account) external returns (uint256 badDebtWad);

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    function protocol() external view returns (ILiquidatable);

    /// @notice The liquidation pattern of a collateral asset (fixed fee by default).
    function collateralPattern(uint256 collateralId) external view returns (CollateralPattern);

    /// @notice Chooses the pattern of a collateral asset; the owner.
    function setCollateralPattern(uint256 collateralId, CollateralPattern pattern) external;
    /// @notice The solvency waterfall: it receives the penalties' insurance share and takes every bad debt.
    function waterfall() external view returns (address);

    /// @notice The backstop vault of the internal pattern and its discount on the oracle price [wad].
    function backstop() external view returns (address);
    function backstopDiscountWad() external view returns (uint64);
    function params() external view returns (LiquidationParams memory);
    /// @notice Sets the liquidation parameters; the owner's. The target health and the penalty take more from every
    /// liquidated account, so each rises in steps (`StepLimit`): the target's distance above 1 and the penalty by at
    /// most 5/4 a raise, at least a day after the previous raise of either (`RaiseTooLarge`, `RaiseTooSoon`); a cut
    /// takes effect at once.
    function setParams(LiquidationParams calldata params_) external;
    /// @notice The earliest time the target or the penalty may next be raised [unix seconds; 0: any time].
    function nextParamsRaiseAt() external view returns (uint40);

    /// @notice Bad debt recorded in total and the part the insurance fund could not cover (raised by bonds or
    /// socialized, see the waterfall) [wad].
    function totalBadDebtWad() external view returns (uint256);
    function totalDeficitWad() external view returns (uint256);

    /// @notice The gas reimbursement of fixed-fee closes (see `GasReimbursementParams`); the owner sets it, and the
    /// engine must be a reward spender of its waterfall when it reimburses anything (`NotWaterfallSpender`).
    function gasReimbursementParams() external view returns (GasReimbursementParams memory);
    function setGasReimbursement(GasReimbursementParams calldata params_) external;

    /// @notice What `liquidate` would close now, and the penalty and keeper reward it would pay [wad], the reward with
    /// its gas reimbursement at this block's base fee (before the waterfall's means bound it).
    function previewLiquidation(address account, uint256 marketId)
        external
        view
        returns (int256 closeSizeWad, uint256 penaltyWad, uint256 keeperRewardWad);
}
