// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IOracle, PriceStatus} from "./IOracle.sol";
import {ILiquidatable} from "./ILiquidatable.sol";
import {CollateralParams} from "./IMarginProtocol.sol";

/// @notice A collateral token of the lending market.
struct LendingCollateralParams {
    address token; // an ERC20 without transfer fees or hooks
    IOracle oracle; // price of one whole token in the quote asset
    uint8 decimals; // the token's decimals, read at listing
    uint64 borrowLtvWad; // borrow limit: debt ≤ Σ value × borrow LTV after a borrow or a withdrawal [wad]
    uint64 liquidationLtvWad; // liquidatable once debt > Σ value × liquidation LTV [wad], > borrow LTV, < 1
    uint128 depositCap; // cap on the market's total balance of the token [token units]
}

/// @notice The borrow rate per second as a function of utilization u = debt ÷ (idle + debt) of the lenders' vault:
/// base + slope1 × u ÷ kink below the kink, base + slope1 + slope2 × (u − kink) ÷ (1 − kink) above it. A configured
/// (constant) rate is base alone, with both slopes zero. All per-second rates [wad per second].
struct RateModel {
    uint64 baseRatePerSecondWad;
    uint64 slope1PerSecondWad;
    uint64 slope2PerSecondWad;
    uint64 kinkWad; // (0, 1)
}

/// @notice An account's lending position at the current index and prices.
struct LendingAccount {
    uint256 debtWad; // principal + interest, rounded up to whole quote units [wad]
    uint256 collateralValueWad; // Σ balance × price, rounded down [wad]
    uint256 borrowLimitWad; // Σ value × borrow LTV, rounded down [wad]
    uint256 liquidationLimitWad; // Σ value × liquidation LTV, rounded down [wad]
    int256 equityWad; // the engine's equity: liquidation limit − debt [wad]; liquidatable below 0
    uint256 healthFactorWad; // liquidation limit ÷ debt, rounded down [wad]; < 1 ⇔ liquidatable; max without debt
}

/// @title ILendingMarket
/// @notice An over-collateralized lending market: borrowers deposit collateral tokens and borrow the quote asset from
/// a lenders' vault (`LiquidityVault`, ERC4626), paying interest through a borrow index. It plugs into the liquidation
/// engine through `ILiquidatable` with no perpetual markets: its accounts are liquidated only by collateral sales
/// (fixed-fee `buyCollateral`, Dutch auction `kick`/`take`, or the backstop), and bad debt goes through the solvency
/// waterfall to the lenders' vault.
/// @dev Margin mapping (what the engine sees), literally as `ILiquidatable` documents it, with D = debt and L = each
/// collateral's liquidation LTV, reported as its haircut by `collateralState`:
///   equity = quote balance + haircut collateral value = Σ value × L (each term rounded down) − D,
///   maintenance = Σ |notional| × fraction = 0 (no positions),
/// so liquidatable ⇔ equity < 0 ⇔ D > Σ value × L. `quoteBalance` is −D in whole quote units, rounded up (against
/// the borrower). The engine sells at oracle × max(1 − discount, L) ≥ the value equity counts, so a sale never lowers
/// equity nor raises debt. For people: health factor = Σ value × L ÷ D (`healthFactorOf`), < 1 ⇔ liquidatable.
/// Debt: each account holds scaled debt s [wad]; D = s × index, rounded up to whole quote units. The index grows by
/// rate × elapsed seconds on every touch (and in every view), rounded up. Σ s = total scaled debt exactly, and the
/// vault's receivable is total scaled × index rounded down, so receivable ≤ Σ D ≤ receivable + one unit per borrower.
interface ILendingMarket is ILiquidatable {
    error NotEngine(address caller);
    error NotLiquidator(address caller);
    error NotGuardian(address caller);
    error ZeroAmount();
    error UnknownCollateral(uint256 collateralId);
    error TooManyListings(uint256 count);
    error InvalidParams(string reason);
    error InvalidPrice(address oracle, uint256 priceWad, PriceStatus status);
    error DepositCapExceeded(uint256 collateralId, uint256 totalAfter, uint256 cap);
    error InsufficientCollateral(uint256 collateralId, uint256 requested, uint256 balance);
    error BorrowLimitExceeded(address account, uint256 debtWad, uint256 borrowLimitWad);
    error AccountNotEmpty(address account);
    error AccountInAuction(address account, uint256 lots);
    error NoBadDebt(address account);
    error BreakerActive(uint8 level);
    error InvalidLevel(uint8 level);
    /// @notice The guardian may only lower a cap.
    error CapNotLowered(uint256 currentCap, uint256 requestedCap);
    error Reentrancy();
    error TransferAmountMismatch(address token, uint256 expected, uint256 received);
    /// @notice The lending market has no perpetual markets: there is no position to liquidate.
    error NoMarkets(uint256 marketId);
    error NothingToClaim(address account);
    error NoDebt(address account);

    event EngineSet(address indexed engine);
    event LiquidatorSet(address indexed liquidator, bool allowed);
    event GuardianSet(address indexed guardian);
    event BreakerLevelSet(uint8 level, address indexed by);
    event RateModelSet(RateModel model);
    event CollateralListed(uint256 indexed collateralId, LendingCollateralParams params);
    /// @notice A collateral's deposit cap was changed, by the owner or (lowered) by the guardian [token units].
    event DepositCapSet(uint256 indexed collateralId, uint128 cap, address indexed by);
    /// @notice The borrow index moved to `indexWad` at `rateWad` per second; `receivableWad` is the vault's receivable.
    event InterestAccrued(uint256 indexWad, uint256 ratePerSecondWad, uint256 receivableWad);
    event CollateralTransferred(address indexed account, uint256 indexed collateralId, int256 amount, uint256 balance);
    /// @notice Debt changed by a borrow (`amountWad` > 0) or a repayment (< 0); `scaledDebtWad` and `debtWad` after.
    event DebtUpdated(
        address indexed account, address indexed payer, int256 amountWad, uint256 scaledDebtWad, uint256 debtWad
    );
    event CollateralSeized(
        address indexed account,
        uint256 indexed collateralId,
        address indexed buyer,
        uint256 amount,
        uint256 quotePaidWad,
        uint256 balance,
        uint256 debtWad
    );
    event CollateralReturned(address indexed account, uint256 indexed collateralId, uint256 amount, uint256 balance);
    event QuoteCredited(address indexed account, address indexed payer, uint256 amountWad, uint256 debtWad);
    /// @notice Proceeds beyond the debt were kept for the account: `claimable` after [quote units].
    event Refunded(address indexed account, uint256 amount, uint256 claimable);
    event RefundClaimed(address indexed account, uint256 amount);
    event BadDebtWrittenOff(address indexed account, uint256 badDebtWad);

    /// @notice Deposits `amount` [token units] of collateral for the caller.
    function depositCollateral(uint256 collateralId, uint256 amount) external;

    /// @notice Withdraws collateral; with debt, it must stay within the borrow limit at `Valid` prices.
    function withdrawCollateral(uint256 collateralId, uint256 amount) external;

    /// @notice Borrows `amount` [quote token units] from the lenders' vault. Needs the breaker below level 1, `Valid`
    /// prices, and debt ≤ Σ value × borrow LTV afterwards. The debt grows by `amount` rounded up in scaled terms.
    function borrow(uint256 amount) external;

    /// @notice Repays up to `amount` [quote token units] of `account`'s debt from the caller (capped at the debt);
    /// returns what was paid [quote units]. Never blocked by the breaker or an oracle.
    function repay(address account, uint256 amount) external returns (uint256 paid);

    /// @notice Pays the caller the proceeds of its liquidations beyond its debt [quote units].
    function claimRefund() external returns (uint256 amount);

    /// @notice Moves the borrow index to now. Anyone may call; every state change does.
    function accrue() external;

    /// @notice The borrow index now (what `accrue` would store) [wad, starts at 1].
    function borrowIndexWad() external view returns (uint256);

    /// @notice The borrow rate at the current utilization [wad per second].
    function borrowRatePerSecondWad() external view returns (uint256);

    /// @notice Utilization of the lenders' vault: receivable ÷ (idle + receivable) [wad].
    function utilizationWad() external view returns (uint256);

    /// @notice The account's debt now, rounded up to whole quote units [wad].
    function debtOf(address account) external view returns (uint256 debtWad);

    /// @notice The account's scaled debt (debt ÷ index) [wad].
    function scaledDebtOf(address account) external view returns (uint256);

    /// @notice Σ scaled debt over all accounts [wad].
    function totalScaledDebtWad() external view returns (uint256);

    /// @notice What borrowers owe the vault now: total scaled debt × index, rounded down [wad]. Read by the vault.
    function vaultReceivable() external view returns (uint256);

    /// @notice Always 0: the vault keeps no open-interest reserve for a lending market (read by the vault).
    function openInterestNotional() external view returns (uint256);

    /// @notice The account's position at the current index and (valid or volatile) prices.
    function accountState(address account_) external view returns (LendingAccount memory);

    /// @notice Whether debt > Σ value × liquidation LTV (equity < 0 = maintenance, as the engine sees it).
    function isLiquidatable(address account_) external view returns (bool);

    /// @notice The Aave-style health factor Σ value × liquidation LTV ÷ debt, rounded down [wad]: < 1 ⇔ liquidatable;
    /// type(uint256).max without debt. At usable prices (an unusable one reverts).
    function healthFactorOf(address account_) external view returns (uint256);

    /// @notice The collateral balance of an account [token units].
    function collateralBalance(address account_, uint256 collateralId) external view returns (uint256);

    /// @notice Proceeds owed to an account beyond its repaid debt [quote units].
    function claimable(address account_) external view returns (uint256);

    /// @notice The lending parameters of a collateral.
    function lendingCollateral(uint256 collateralId) external view returns (LendingCollateralParams memory);

    /// @notice The collateral as the engine's modules read it (`AuctionHouse`, `BackstopVault` cache its token, oracle
    /// and decimals): the haircut is the liquidation LTV.
    function collateral(uint256 collateralId) external view returns (CollateralParams memory);

    /// @notice The number of listed collaterals.
    function collateralCount() external view returns (uint256);

    /// @notice The quote asset (what is borrowed and lent).
    function quoteToken() external view returns (address);

    /// @notice The rate model.
    function rateModel() external view returns (RateModel memory);

    /// @notice Sets a collateral's deposit cap: the owner (the timelock) either way; the guardian only lower, at once.
    /// Only deposits check it, so lowering it can only make the market safer.
    function setDepositCap(uint256 collateralId, uint128 cap) external;

    /// @notice Sets the circuit-breaker level (guardian or owner): 1 stops borrows, 2 stops new liquidations (collateral
    /// seizures and kicks), 3 stops auction takes as well. Repayments and deposits are never stopped.
    function setBreakerLevel(uint8 level) external;
}
