// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IOracle, PriceStatus} from "./IOracle.sol";
import {ILiquidatable} from "./ILiquidatable.sol";
import {IPortfolioMargin} from "./IPortfolioMargin.sol";

/// @notice Listing parameters of a perpetual market. The oracle and the three fractions share one storage slot, so
/// the health check reads a market in a single load; fractions are in basis points [bps: 10_000 = 100%].
struct MarketParams {
    IOracle oracle; // price of one base unit in the quote asset
    uint16 maintenanceFractionBps; // maintenance requirement per unit of |notional| [bps]
    uint16 initialFractionBps; // initial requirement per unit of |notional| [bps], > maintenance
    uint16 tradeFeeBps; // fee per unit of traded notional, paid to the liquidity vault [bps], ≤ maintenance
    uint128 openInterestCapWad; // cap on the long side and on the short side, each [wad base units]
    uint128 minPositionNotionalWad; // a position left open by a trade is 0 or at least this notional [wad quote]
}

/// @notice Listing parameters of a collateral token.
struct CollateralParams {
    address token; // an ERC20 without transfer fees or hooks
    IOracle oracle; // price of one whole token in the quote asset
    uint8 decimals; // the token's decimals, read at listing
    uint64 haircutWad; // fraction of the value counted as margin [wad], < 1
    uint128 depositCap; // cap on the protocol's total balance of the token [token units]
}

/// @notice An account's margin state.
struct Health {
    int256 equityWad; // quote balance + haircut collateral + unrealized PnL, rounded down [wad]
    uint256 initialWad; // initial requirement, rounded up [wad]
    uint256 maintenanceWad; // maintenance requirement, rounded up [wad]
    uint256 healthWad; // equity / maintenance [wad]; 0 when equity ≤ 0; type(uint256).max with no requirement
}

/// @title IMarginProtocol
/// @notice A cross-margin perpetuals protocol. Each account holds a quote balance (negative is debt to the liquidity
/// vault), several collateral tokens each counted at a haircut, and positions in several perpetual markets traded at
/// the oracle price against the liquidity vault, which is every trader's counterparty.
/// @dev Units: quote amounts are 18-decimal fixed point [wad] and always whole quote-token units (the quote token has
/// 6 decimals, so every stored quote amount is a multiple of 1e12); sizes are base units [wad]; prices are quote per
/// whole base unit or per whole collateral token [wad]; collateral balances are in the token's own units.
/// Every entry point that can lower an account's health ends with that account's health check; rounding always
/// favours the protocol.
interface IMarginProtocol is ILiquidatable {
    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    error NotEngine(address caller);
    error ZeroAmount();
    error UnknownMarket(uint256 marketId);
    error UnknownCollateral(uint256 collateralId);
    error TooManyListings(uint256 count);
    error InvalidParams(string reason);
    error InvalidPrice(address oracle, uint256 priceWad, PriceStatus status);
    error DepositCapExceeded(uint256 collateralId, uint256 totalAfter, uint256 cap);
    error OpenInterestCapExceeded(uint256 marketId, uint256 openInterestWad, uint256 capWad);
    error InsufficientCollateral(uint256 collateralId, uint256 requested, uint256 balance);
    error InsufficientQuote(uint256 requestedWad, int256 balanceWad);
    error InitialMarginViolated(address account, int256 equityWad, uint256 initialWad);
    error MaintenanceMarginViolated(address account, int256 surplusBeforeWad, int256 surplusAfterWad);
    error NotReducing(uint256 marketId, int256 sizeWad, int256 sizeDeltaWad);
    error NotLiquidatable(address account);
    error AccountNotEmpty(address account);
    error AccountInAuction(address account, uint256 lots);
    error NotLiquidator(address caller);
    error NoBadDebt(address account);
    error PriceLimitExceeded(uint256 priceWad, uint256 limitPriceWad);
    error PositionBelowMinimum(uint256 marketId, uint256 notionalWad, uint256 minimumWad);
    error BreakerActive(uint8 level);
    error NotGuardian(address caller);
    error InvalidLevel(uint8 level);
    /// @notice The guardian may only lower a cap.
    error CapNotLowered(uint256 currentCap, uint256 requestedCap);
    error Reentrancy();
    error TransferAmountMismatch(address token, uint256 expected, uint256 received);
    /// @notice Opting in to portfolio margin while no module is set.
    error PortfolioMarginUnset();
    /// @notice A liquidation step would lower a solvent portfolio account's health [wad].
    error PortfolioHealthLowered(address account, uint256 healthBeforeWad, uint256 healthAfterWad);

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    event EngineSet(address indexed engine);
    event LiquidatorSet(address indexed liquidator, bool allowed);
    /// @notice Auction proceeds credited to an account.
    event QuoteCredited(address indexed account, address indexed payer, uint256 amountWad, int256 quoteBalanceWad);
    /// @notice Collateral an auction did not sell, returned to the account.
    event CollateralReturned(address indexed account, uint256 indexed collateralId, uint256 amount, uint256 balance);
    event GuardianSet(address indexed guardian);
    /// @notice Circuit-breaker level: 0 normal; 1 no new exposure; 2 also no new liquidations; 3 also no collateral
    /// sales. Deposits, repayments and reductions never halt.
    event BreakerLevelSet(uint8 level, address indexed by);
    event MarketListed(uint256 indexed marketId, MarketParams params);
    event CollateralListed(uint256 indexed collateralId, CollateralParams params);
    /// @notice A market's open-interest cap was changed, by the owner or (lowered) by the guardian [wad base units].
    event OpenInterestCapSet(uint256 indexed marketId, uint128 capWad, address indexed by);
    /// @notice A collateral's deposit cap was changed, by the owner or (lowered) by the guardian [token units].
    event DepositCapSet(uint256 indexed collateralId, uint128 cap, address indexed by);

    /// @notice Quote deposited or withdrawn; `amountWad` is positive for a deposit.
    event QuoteTransferred(address indexed account, int256 amountWad, int256 quoteBalanceWad);
    /// @notice Collateral deposited or withdrawn; `amount` is positive for a deposit [token units].
    event CollateralTransferred(address indexed account, uint256 indexed collateralId, int256 amount, uint256 balance);
    /// @notice A position changed by a trade or a liquidation, with the state after it.
    event PositionUpdated(
        address indexed account,
        uint256 indexed marketId,
        int256 sizeDeltaWad,
        int256 sizeWad,
        int256 openNotionalWad,
        uint256 priceWad,
        int256 realizedPnlWad,
        uint256 feeWad,
        int256 quoteBalanceWad,
        bool liquidation
    );
    /// @notice A liquidation penalty was charged to an account.
    event PenaltyCharged(
        address indexed account,
        address indexed keeper,
        uint256 keeperRewardWad,
        address insurance,
        uint256 insuranceWad,
        int256 quoteBalanceWad
    );
    /// @notice Collateral was sold out of an account during its liquidation.
    event CollateralSeized(
        address indexed account,
        uint256 indexed collateralId,
        address indexed buyer,
        uint256 amount,
        uint256 quotePaidWad,
        uint256 collateralBalance,
        int256 quoteBalanceWad
    );
    /// @notice The negative quote balance of an emptied account was written off against the liquidity vault.
    event BadDebtWrittenOff(address indexed account, uint256 badDebtWad);
    /// @notice The vault's receivable (the sum of account debts) changed [wad].
    event VaultReceivableUpdated(uint256 receivableWad);
    event FeeShareSet(address indexed recipient, uint256 shareBps);
    /// @notice The insurance share of trade fees accrued so far was paid to `recipient` (the solvency waterfall).
    event FeesSwept(address indexed recipient, uint256 amountWad);
    /// @notice The portfolio-margin module (zero: portfolio margin off for every account).
    event PortfolioMarginSet(address indexed module);
    /// @notice An account opted in to (or out of) portfolio margin.
    event PortfolioModeSet(address indexed account, bool enabled);

    /*//////////////////////////////////////////////////////////////
                               ACCOUNTS
    //////////////////////////////////////////////////////////////*/

    /// @notice Deposits quote tokens [token units, 6 decimals] to the caller's account; repays debt first.
    /// Works whatever the oracle says.
    function depositQuote(uint256 amount) external;

    /// @notice Withdraws quote tokens [token units] up to the positive quote balance; needs initial margin after,
    /// with unrealized gains counted as zero.
    function withdrawQuote(uint256 amount) external;

    /// @notice Deposits collateral [token units], credited by the balance change the transfer caused.
    /// Topping up a held collateral works whatever the oracle says; adding a collateral the account does not hold
    /// needs its price to be valid, since an invalid price on any held asset pauses the account's liquidation.
    function depositCollateral(uint256 collateralId, uint256 amount) external;

    /// @notice Withdraws collateral [token units]; needs valid prices and initial margin after, with unrealized
    /// gains counted as zero.
    function withdrawCollateral(uint256 collateralId, uint256 amount) external;

    /// @notice Opts the caller in to portfolio margin (`enabled`) or out of it. The account must meet the initial
    /// requirement of its new mode afterwards (`InitialMarginViolated` otherwise); opting in needs a module.
    /// In portfolio mode equity is the same as in standard mode (collateral at its haircut value); the requirements
    /// come from the module's scenarios (see `IPortfolioMargin`).
    function setPortfolioMode(bool enabled) external;

    /// @notice Whether an account opted in to portfolio margin (in force only while a module is set).
    function portfolioMode(address account) external view returns (bool);

    /*//////////////////////////////////////////////////////////////
                                TRADING
    //////////////////////////////////////////////////////////////*/

    /// @notice Trades `sizeDeltaWad` base units of a market at the oracle price plus the trade fee.
    /// Growing or opening exposure needs a valid price and initial margin after. A trade that only reduces the
    /// position must end above maintenance or with a margin surplus no lower than before; at an invalid (but
    /// positive) price it is still allowed, realizing its loss and forfeiting its gain.
    /// @param limitPriceWad For a buy, the highest acceptable oracle price; for a sell, the lowest [wad]. 0 for a sell
    /// or type(uint256).max for a buy accepts any price.
    function trade(uint256 marketId, int256 sizeDeltaWad, uint256 limitPriceWad) external;

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @notice Equity, requirements and health of an account at current prices; reverts on an invalid price.
    function health(address account) external view returns (Health memory);

    /// @notice True when equity is below the maintenance requirement. Reverts on an invalid price.
    function isLiquidatable(address account) external view returns (bool);

    /// @notice The portfolio-margin module for opted-in accounts (zero: none).
    function portfolioMargin() external view returns (IPortfolioMargin);

    /// @notice A position: size [wad base units], and open notional (the signed quote amount paid for it) [wad].
    function position(address account, uint256 marketId) external view returns (int256 sizeWad, int256 openNotionalWad);

    /// @notice Collateral balance [token units].
    function collateralBalance(address account, uint256 collateralId) external view returns (uint256);

    function market(uint256 marketId) external view returns (MarketParams memory);
    function collateral(uint256 collateralId) external view returns (CollateralParams memory);
    function marketCount() external view returns (uint256);
    function collateralCount() external view returns (uint256);

    /// @notice Open interest of a market, long and short [wad base units].
    function openInterest(uint256 marketId) external view returns (uint256 longWad, uint256 shortWad);

    /// @notice Σ over markets of (long + short open interest) × the last price, valid or not [wad quote]. The vault
    /// keeps a share of it idle.
    function openInterestNotional() external view returns (uint256);

    /// @notice Sum of all account debts, owed to the liquidity vault [wad].
    function vaultReceivable() external view returns (uint256);

    function engine() external view returns (address);

    /// @notice Sets the circuit-breaker level; the guardian or the owner.
    function setBreakerLevel(uint8 level) external;

    /// @notice Sets a market's open-interest cap: the owner (the timelock) either way; the guardian only lower, at
    /// once. A cap only stops a side from growing past it (reductions and liquidations never check it), so lowering
    /// it can only make the protocol safer.
    function setOpenInterestCap(uint256 marketId, uint128 capWad) external;

    /// @notice Sets a collateral's deposit cap: the owner either way; the guardian only lower, at once. Only
    /// deposits check it.
    function setDepositCap(uint256 collateralId, uint128 cap) external;
    function quoteToken() external view returns (address);
}
