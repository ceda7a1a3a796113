// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "solmate/tokens/ERC20.sol";
import {SafeTransferLib} from "solmate/utils/SafeTransferLib.sol";
import {Owned} from "solmate/auth/Owned.sol";
import {IOracle, PriceStatus, isUsable} from "./interfaces/IOracle.sol";
import {IMarginProtocol, MarketParams, CollateralParams, Health} from "./interfaces/IMarginProtocol.sol";
import {ILiquidatable} from "./interfaces/ILiquidatable.sol";
import {IPortfolioMargin} from "./interfaces/IPortfolioMargin.sol";
import {LiquidityVault} from "./LiquidityVault.sol";
import {WadMath} from "./libraries/WadMath.sol";
import {QuoteUnits} from "./libraries/QuoteUnits.sol";
import {Listing} from "./libraries/Listing.sol";

/// @title MarginProtocol
/// @notice Cross-margin perpetuals against a liquidity vault. See `IMarginProtocol` for the model and units.
contract MarginProtocol is IMarginProtocol, Owned {
    using SafeTransferLib for ERC20;
    using WadMath for uint256;
    using WadMath for int256;

    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    /// @dev One storage slot per account.
    struct AccountState {
        int120 quoteWad; // [wad, whole quote units]; negative is debt owed to the vault
        bool portfolio; // opted in to portfolio margin (in force while a module is set)
        uint64 marketMask; // bit i set when the position in market i is nonzero
        uint64 collateralMask; // bit i set when the balance of collateral i is nonzero
    }

    struct Position {
        int128 sizeWad; // [wad base units], positive is long
        int128 openNotionalWad; // quote paid for the position, signed like the size, rounded up [wad]
    }

    struct OpenInterest {
        uint128 longWad; // [wad base units]
        uint128 shortWad; // [wad base units]
    }

    /*//////////////////////////////////////////////////////////////
                               CONSTANTS
    //////////////////////////////////////////////////////////////*/

    uint256 internal constant WAD = 1e18;
    uint256 internal constant BPS = 10_000;
    /// @dev One basis point in wad.
    uint256 internal constant BPS_WAD = 1e14;
    uint256 internal constant MAX_LISTINGS = 64;

    /*//////////////////////////////////////////////////////////////
                               IMMUTABLES
    //////////////////////////////////////////////////////////////*/

    ERC20 internal immutable QUOTE;
    LiquidityVault internal immutable VAULT;
    /// @dev The wad value of one quote-token unit (1e12 for a 6-decimal stablecoin).
    uint256 internal immutable QUOTE_UNIT_WAD;

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    address public engine;
    /// @inheritdoc ILiquidatable
    /// @dev Packed with `engine`, which every liquidation reads anyway.
    uint8 public breakerLevel;
    /// @notice May set the circuit-breaker level.
    address public guardian;
    /// @notice Liquidation modules besides the engine (the auction house, the pre-liquidation module) allowed to close
    /// positions, seize and return collateral.
    mapping(address => bool) public isLiquidator;
    /// @inheritdoc ILiquidatable
    mapping(address => uint256) public auctionLots;
    /// @notice Sum of all negative quote balances: what accounts owe the vault [wad].
    uint256 public vaultReceivable;
    /// @notice Receives the insurance share of trade fees (the solvency waterfall: bondholders, then the fund).
    address public feeRecipient;
    /// @notice The share of every trade fee that goes to `feeRecipient` instead of the vault [bps].
    uint16 public feeShareBps;
    /// @dev Fee shares accrued and not yet swept, plus one once a fee share is set: whole quote units are multiples of
    /// the unit's wad value, so the extra wei is unambiguous, and the slot never returns to zero (an accrual costs a
    /// warm rewrite, not a fresh write, on every liquidation and trade after a sweep).
    uint256 internal _feesOwedWadPlusOne;

    /// @inheritdoc IMarginProtocol
    uint256 public marketCount;
    /// @inheritdoc IMarginProtocol
    uint256 public collateralCount;
    mapping(uint256 marketId => MarketParams) internal markets;
    mapping(uint256 collateralId => CollateralParams) internal collaterals;
    mapping(uint256 marketId => OpenInterest) internal openInterests;
    /// @notice The protocol's total balance of each collateral [token units].
    mapping(uint256 collateralId => uint256) public collateralTotal;

    mapping(address => AccountState) internal accounts;
    mapping(address => mapping(uint256 marketId => Position)) internal positions;
    mapping(address => mapping(uint256 collateralId => uint256)) internal balances;

    /// @notice The portfolio-margin module for opted-in accounts; none when zero (every account is then margined
    /// by the standard rules).
    IPortfolioMargin public portfolioMargin;

    bool transient locked;
    /// @dev A payout batch (`beginPayouts`): the liquidator that opened it, its payees, and what they are owed so far
    /// [quote token units]. Transient: it cannot outlive the transaction.
    address transient payoutOwner;
    address transient payoutKeeper;
    address transient payoutInsurance;
    uint256 transient keeperOwedUnits;
    uint256 transient insuranceOwedUnits;

    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    constructor(ERC20 quote_, LiquidityVault vault_, address owner_) Owned(owner_) {
        if (address(vault_.asset()) != address(quote_)) revert InvalidParams("vault asset is not the quote token");
        QUOTE = quote_;
        VAULT = vault_;
        QUOTE_UNIT_WAD = QuoteUnits.unitWad(quote_.decimals());
    }

    /*//////////////////////////////////////////////////////////////
                               MODIFIERS
    //////////////////////////////////////////////////////////////*/

    modifier nonReentrant() {
        if (locked) revert Reentrancy();
        locked = true;
        _;
        locked = false;
    }

    modifier onlyEngine() {
        if (msg.sender != engine) revert NotEngine(msg.sender);
        _;
    }

    /// @dev A change that can only make the protocol safer: the guardian's at once, or the owner's.
    modifier onlyGuardianOrOwner() {
        _checkGuardianOrOwner();
        _;
    }

    function _checkGuardianOrOwner() internal view {
        if (msg.sender != guardian && msg.sender != owner) revert NotGuardian(msg.sender);
    }

    /// @dev The engine or another liquidation module (the auction house, the pre-liquidation module).
    modifier onlyLiquidator() {
        if (msg.sender != engine && !isLiquidator[msg.sender]) revert NotLiquidator(msg.sender);
        _;
    }

    /*//////////////////////////////////////////////////////////////
                                LISTING
    //////////////////////////////////////////////////////////////*/

    function setEngine(address engine_) external onlyOwner {
        engine = engine_;
        emit EngineSet(engine_);
    }

    function setLiquidator(address liquidator, bool allowed) external onlyOwner {
        isLiquidator[liquidator] = allowed;
        emit LiquidatorSet(liquidator, allowed);
    }

    /// @notice Sends `shareBps` (at most half) of every trade fee to `recipient`, accrued per trade and paid by
    /// `sweepFees`; the rest stays the vault's.
    function setFeeShare(address recipient, uint16 shareBps) external onlyOwner {
        if (shareBps > BPS / 2) revert InvalidParams("fee share");
        if (recipient == address(0)) revert InvalidParams("fee recipient");
        feeRecipient = recipient;
        feeShareBps = shareBps;
        if (_feesOwedWadPlusOne == 0) _feesOwedWadPlusOne = 1;
        emit FeeShareSet(recipient, shareBps);
    }

    /// @notice Pays the fee shares accrued to `feeRecipient` (anyone may call).
    function sweepFees() external nonReentrant returns (uint256 amountWad) {
        amountWad = feesOwedWad();
        if (amountWad == 0) revert ZeroAmount();
        if (feeRecipient == address(0)) revert InvalidParams("fee recipient");
        _feesOwedWadPlusOne = 1;
        QUOTE.safeTransfer(feeRecipient, QuoteUnits.toUnitsExact(amountWad, QUOTE_UNIT_WAD));
        emit FeesSwept(feeRecipient, amountWad);
    }

    /// @notice Fee shares accrued and not yet swept to `feeRecipient` [wad, whole quote units]; held by this contract.
    function feesOwedWad() public view returns (uint256) {
        uint256 stored = _feesOwedWadPlusOne;
        return stored == 0 ? 0 : stored - 1;
    }

    /// @notice Sets the portfolio-margin module; zero turns portfolio margin off for every account at once.
    function setPortfolioMargin(IPortfolioMargin module) external onlyOwner {
        portfolioMargin = module;
        emit PortfolioMarginSet(address(module));
    }

    function setGuardian(address guardian_) external onlyOwner {
        guardian = guardian_;
        emit GuardianSet(guardian_);
    }

    /// @inheritdoc IMarginProtocol
    function setBreakerLevel(uint8 level) external onlyGuardianOrOwner {
        if (level > 3) revert InvalidLevel(level);
        breakerLevel = level;
        emit BreakerLevelSet(level, msg.sender);
    }

    /// @inheritdoc IMarginProtocol
    function setOpenInterestCap(uint256 marketId, uint128 capWad) external onlyGuardianOrOwner {
        Listing.setOpenInterestCap(markets, marketCount, marketId, capWad, msg.sender == owner);
    }

    /// @inheritdoc IMarginProtocol
    function setDepositCap(uint256 collateralId, uint128 cap) external onlyGuardianOrOwner {
        Listing.setDepositCap(collaterals, collateralCount, collateralId, cap, msg.sender == owner);
    }

    /// @notice Lists a perpetual market. Requires maintenance < initial ≤ 1 and fee ≤ maintenance, so that a trade
    /// that only reduces a position can never lower the account's margin surplus (equity − maintenance).
    function listMarket(MarketParams calldata params) external onlyOwner returns (uint256 marketId) {
        marketId = marketCount;
        Listing.listMarket(markets, marketId, params);
        marketCount = marketId + 1;
    }

    /// @notice Lists a collateral token. Tokens with transfer fees or hooks must not be listed; deposits are still
    /// credited by the balance change they cause, so a fee cannot inflate a balance.
    function listCollateral(address token, IOracle oracle, uint64 haircutWad, uint128 depositCap)
        external
        onlyOwner
        returns (uint256 collateralId)
    {
        collateralId = collateralCount;
        Listing.listCollateral(collaterals, collateralId, address(QUOTE), token, oracle, haircutWad, depositCap);
        collateralCount = collateralId + 1;
    }

    /*//////////////////////////////////////////////////////////////
                                 QUOTE
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IMarginProtocol
    function depositQuote(uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        uint256 amountWad = amount * QUOTE_UNIT_WAD;
        QUOTE.safeTransferFrom(msg.sender, address(this), amount);
        int256 balanceWad = _updateQuote(msg.sender, 0, amountWad.toInt());
        emit QuoteTransferred(msg.sender, amountWad.toInt(), balanceWad);
        // Health check: a deposit only raises equity and needs no price, so it holds whatever the oracle says.
    }

    /// @inheritdoc IMarginProtocol
    function withdrawQuote(uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        int256 amountWad = (amount * QUOTE_UNIT_WAD).toInt();
        int256 available = accounts[msg.sender].quoteWad;
        if (amountWad > available) revert InsufficientQuote(uint256(amountWad), available);
        int256 balanceWad = _updateQuote(msg.sender, 0, -amountWad);
        QUOTE.safeTransfer(msg.sender, amount);
        emit QuoteTransferred(msg.sender, -amountWad, balanceWad);
        _requireInitialMargin(msg.sender, true);
    }

    /*//////////////////////////////////////////////////////////////
                               COLLATERAL
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IMarginProtocol
    function depositCollateral(uint256 collateralId, uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        CollateralParams storage params = _collateral(collateralId);
        uint256 held = balances[msg.sender][collateralId];
        if (held == 0) _validPrice(params.oracle);
        ERC20 token = ERC20(params.token);
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = token.balanceOf(address(this)) - before;
        if (received != amount) revert TransferAmountMismatch(address(token), amount, received);
        uint256 total = collateralTotal[collateralId] + received;
        if (total > params.depositCap) revert DepositCapExceeded(collateralId, total, params.depositCap);
        collateralTotal[collateralId] = total;
        uint256 balance = _setCollateral(msg.sender, collateralId, held + received);
        emit CollateralTransferred(msg.sender, collateralId, received.toInt(), balance);
        // Health check: a deposit only raises equity and needs no price.
    }

    /// @inheritdoc IMarginProtocol
    function withdrawCollateral(uint256 collateralId, uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        CollateralParams storage params = _collateral(collateralId);
        uint256 held = balances[msg.sender][collateralId];
        if (amount > held) revert InsufficientCollateral(collateralId, amount, held);
        collateralTotal[collateralId] -= amount;
        uint256 balance = _setCollateral(msg.sender, collateralId, held - amount);
        ERC20(params.token).safeTransfer(msg.sender, amount);
        emit CollateralTransferred(msg.sender, collateralId, -amount.toInt(), balance);
        _requireInitialMargin(msg.sender, true);
    }

    /// @inheritdoc IMarginProtocol
    function setPortfolioMode(bool enabled) external nonReentrant {
        if (enabled && address(portfolioMargin) == address(0)) revert PortfolioMarginUnset();
        accounts[msg.sender].portfolio = enabled;
        emit PortfolioModeSet(msg.sender, enabled);
        _requireInitialMargin(msg.sender, false);
    }

    /*//////////////////////////////////////////////////////////////
                                TRADING
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IMarginProtocol
    function trade(uint256 marketId, int256 sizeDeltaWad, uint256 limitPriceWad) external nonReentrant {
        if (sizeDeltaWad == 0) revert ZeroAmount();
        MarketParams storage params = _market(marketId);
        (uint256 priceWad, PriceStatus status) = _read(params.oracle);
        if (sizeDeltaWad > 0 ? priceWad > limitPriceWad : priceWad < limitPriceWad) {
            revert PriceLimitExceeded(priceWad, limitPriceWad);
        }
        bool reducing = _isReducing(positions[msg.sender][marketId].sizeWad, sizeDeltaWad);
        // New exposure needs a `Valid` price and the breaker below level 1. Reducing risk needs neither: at an
        // unusable price the loss is realized and the gain forfeited.
        if (!reducing) {
            if (status != PriceStatus.Valid) revert InvalidPrice(address(params.oracle), priceWad, status);
            if (breakerLevel >= 1) revert BreakerActive(breakerLevel);
        } else if (priceWad == 0) {
            revert InvalidPrice(address(params.oracle), priceWad, status);
        }
        bool usable = isUsable(status);
        // A reduction at a usable price is checked against the surplus it started from, when every price the
        // account needs is usable; otherwise (another asset's feed is down) it goes unchecked, like one at an
        // unusable price, so that reducing risk is never blocked by an unrelated oracle.
        (bool checkReduction, int256 surplusBeforeWad) = reducing && usable ? _surplus(msg.sender) : (false, int256(0));

        _fill(msg.sender, marketId, params, sizeDeltaWad, priceWad, usable);

        // Health check. Growing exposure needs initial margin. A reduction must end above maintenance or at least
        // not lower the margin surplus: with fee ≤ maintenance fraction (enforced at listing) only the rounding of a
        // dust-sized trade to whole quote units can fail this. A reduction at an invalid price cannot be checked; its
        // gain is forfeited instead.
        if (!reducing) {
            _requireInitialMargin(msg.sender, false);
        } else if (checkReduction) {
            (, int256 surplusAfterWad) = _surplus(msg.sender);
            if (surplusAfterWad < 0 && surplusAfterWad < surplusBeforeWad) {
                revert MaintenanceMarginViolated(msg.sender, surplusBeforeWad, surplusAfterWad);
            }
        }
    }

    /// @dev Executes a trade at `priceWad`: moves the position and open interest, settles PnL and fee with the vault.
    function _fill(
        address account,
        uint256 marketId,
        MarketParams storage params,
        int256 sizeDeltaWad,
        uint256 priceWad,
        bool priceValid
    ) internal {
        Position memory pos = positions[account][marketId];
        (Position memory next, int256 realizedPnlWad) = _applyFill(pos, sizeDeltaWad, priceWad);
        if (!priceValid && realizedPnlWad > 0) realizedPnlWad = 0;
        if (next.sizeWad != 0) {
            uint256 notionalWad = int256(next.sizeWad).abs().mulWadDown(priceWad);
            if (notionalWad < params.minPositionNotionalWad) {
                revert PositionBelowMinimum(marketId, notionalWad, params.minPositionNotionalWad);
            }
        }
        _updateOpenInterest(marketId, params, pos.sizeWad, next.sizeWad);
        _storePosition(account, marketId, next);

        uint256 feeWad = QuoteUnits.roundUp(
            sizeDeltaWad.abs().mulWadUp(priceWad).mulWadUp(params.tradeFeeBps * BPS_WAD), QUOTE_UNIT_WAD
        );
        int256 pnlWad = QuoteUnits.roundFloor(realizedPnlWad, QUOTE_UNIT_WAD);
        uint256 shareWad = _feeShare(account, feeWad, pnlWad);
        int256 balanceWad = _updateQuote(account, pnlWad - (feeWad - shareWad).toInt(), -shareWad.toInt());
        emit PositionUpdated(
            account,
            marketId,
            sizeDeltaWad,
            next.sizeWad,
            next.openNotionalWad,
            priceWad,
            realizedPnlWad,
            feeWad,
            balanceWad,
            false
        );
    }

    /*//////////////////////////////////////////////////////////////
                              LIQUIDATION
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ILiquidatable
    function liquidatePosition(
        address account,
        uint256 marketId,
        int256 sizeDeltaWad,
        address keeper,
        uint256 keeperRewardWad,
        address insurance,
        uint256 insuranceWad
    )
        external
        onlyLiquidator
        nonReentrant
        returns (uint256 closedNotionalWad, int256 equityAfterWad, uint256 maintenanceAfterWad)
    {
        (bool guarded, int256 equityBeforeWad, uint256 maintenanceBeforeWad) = _portfolioMargin(account);
        closedNotionalWad =
            _closeForLiquidation(account, marketId, sizeDeltaWad, keeper, keeperRewardWad, insurance, insuranceWad);
        (equityAfterWad,, maintenanceAfterWad,) = _margin(account, 0);
        if (guarded) {
            _requireHealthKept(account, equityBeforeWad, maintenanceBeforeWad, equityAfterWad, maintenanceAfterWad);
        }
    }

    function _closeForLiquidation(
        address account,
        uint256 marketId,
        int256 sizeDeltaWad,
        address keeper,
        uint256 keeperRewardWad,
        address insurance,
        uint256 insuranceWad
    ) internal returns (uint256 closedNotionalWad) {
        if (breakerLevel >= 2) revert BreakerActive(breakerLevel);
        MarketParams storage params = _market(marketId);
        uint256 priceWad = _validPrice(params.oracle);
        Position memory pos = positions[account][marketId];
        if (!_isReducing(pos.sizeWad, sizeDeltaWad)) revert NotReducing(marketId, pos.sizeWad, sizeDeltaWad);

        (Position memory next, int256 realizedPnlWad) = _applyFill(pos, sizeDeltaWad, priceWad);
        _updateOpenInterest(marketId, params, pos.sizeWad, next.sizeWad);
        _storePosition(account, marketId, next);
        closedNotionalWad = sizeDeltaWad.abs().mulWadUp(priceWad);

        int256 penaltyWad = (keeperRewardWad + insuranceWad).toInt();
        // The one place where rounding favours the account: a liquidation must never lower its health, and realizing
        // PnL rounded down could, by less than one quote unit, on a slice too small to release that much margin.
        int256 balanceWad = _updateQuote(account, QuoteUnits.roundCeil(realizedPnlWad, QUOTE_UNIT_WAD), -penaltyWad);
        _payOut(
            keeper,
            QuoteUnits.toUnitsExact(keeperRewardWad, QUOTE_UNIT_WAD),
            insurance,
            QuoteUnits.toUnitsExact(insuranceWad, QUOTE_UNIT_WAD)
        );

        emit PositionUpdated(
            account,
            marketId,
            sizeDeltaWad,
            next.sizeWad,
            next.openNotionalWad,
            priceWad,
            realizedPnlWad,
            0,
            balanceWad,
            true
        );
        emit PenaltyCharged(account, keeper, keeperRewardWad, insurance, insuranceWad, balanceWad);
    }

    /// @inheritdoc ILiquidatable
    function beginPayouts(address keeper, address insurance) external onlyLiquidator {
        if (payoutOwner != address(0)) revert PayoutsOpen(payoutOwner);
        (payoutOwner, payoutKeeper, payoutInsurance) = (msg.sender, keeper, insurance);
    }

    /// @inheritdoc ILiquidatable
    function endPayouts() external onlyLiquidator nonReentrant {
        if (payoutOwner != msg.sender) revert PayoutsOpen(payoutOwner);
        (uint256 keeperUnits, uint256 insuranceUnits) = (keeperOwedUnits, insuranceOwedUnits);
        (address keeper, address insurance) = (payoutKeeper, payoutInsurance);
        (payoutOwner, keeperOwedUnits, insuranceOwedUnits) = (address(0), 0, 0);
        if (keeperUnits != 0) QUOTE.safeTransfer(keeper, keeperUnits);
        if (insuranceUnits != 0) QUOTE.safeTransfer(insurance, insuranceUnits);
    }

    /// @dev Pays a liquidation's keeper reward and insurance share, or owes them to the caller's open payout batch
    /// when it pays the same payees.
    function _payOut(address keeper, uint256 keeperUnits, address insurance, uint256 insuranceUnits) internal {
        if (payoutOwner == msg.sender && keeper == payoutKeeper && insurance == payoutInsurance) {
            keeperOwedUnits += keeperUnits;
            insuranceOwedUnits += insuranceUnits;
            return;
        }
        if (keeperUnits != 0) QUOTE.safeTransfer(keeper, keeperUnits);
        if (insuranceUnits != 0) QUOTE.safeTransfer(insurance, insuranceUnits);
    }

    /// @inheritdoc ILiquidatable
    function seizeCollateral(address account, uint256 collateralId, uint256 amount, address buyer, uint256 quotePaidWad)
        external
        onlyLiquidator
        nonReentrant
    {
        if (breakerLevel >= 3) revert BreakerActive(breakerLevel);
        CollateralParams storage params = _collateral(collateralId);
        uint256 held = balances[account][collateralId];
        if (amount == 0) revert ZeroAmount();
        if (amount > held) revert InsufficientCollateral(collateralId, amount, held);
        // A sale out of a portfolio account must not lower its health (collateral may hedge a position); an auction's
        // seizure pays nothing now, its proceeds are credited as they come in.
        (bool guarded, int256 equityBeforeWad, uint256 maintenanceBeforeWad) =
            quotePaidWad != 0 ? _portfolioMargin(account) : (false, int256(0), uint256(0));
        if (quotePaidWad != 0) {
            QUOTE.safeTransferFrom(buyer, address(this), QuoteUnits.toUnitsExact(quotePaidWad, QUOTE_UNIT_WAD));
        }
        collateralTotal[collateralId] -= amount;
        uint256 balance = _setCollateral(account, collateralId, held - amount);
        int256 balanceWad = _updateQuote(account, 0, quotePaidWad.toInt());
        ERC20(params.token).safeTransfer(buyer, amount);
        emit CollateralSeized(account, collateralId, buyer, amount, quotePaidWad, balance, balanceWad);
        if (guarded) {
            (int256 equityAfterWad,, uint256 maintenanceAfterWad,) = _margin(account, 0);
            _requireHealthKept(account, equityBeforeWad, maintenanceBeforeWad, equityAfterWad, maintenanceAfterWad);
        }
    }

    /// @inheritdoc ILiquidatable
    function writeOffBadDebt(address account) external onlyEngine nonReentrant returns (uint256 badDebtWad) {
        AccountState memory state = accounts[account];
        if (state.marketMask != 0 || state.collateralMask != 0) revert AccountNotEmpty(account);
        if (state.quoteWad >= 0) revert NoBadDebt(account);
        uint256 lots = auctionLots[account];
        if (lots != 0) revert AccountInAuction(account, lots);
        badDebtWad = uint256(-int256(state.quoteWad));
        // The vault forgives the debt: its receivable falls and no token moves.
        _updateQuote(account, badDebtWad.toInt(), 0);
        emit BadDebtWrittenOff(account, badDebtWad);
    }

    /// @inheritdoc ILiquidatable
    function creditQuote(address account, uint256 amountWad, address payer) external onlyLiquidator nonReentrant {
        if (amountWad == 0) revert ZeroAmount();
        QUOTE.safeTransferFrom(payer, address(this), QuoteUnits.toUnitsExact(amountWad, QUOTE_UNIT_WAD));
        int256 balanceWad = _updateQuote(account, 0, amountWad.toInt());
        emit QuoteCredited(account, payer, amountWad, balanceWad);
    }

    /// @inheritdoc ILiquidatable
    function returnCollateral(address account, uint256 collateralId, uint256 amount, address from)
        external
        onlyLiquidator
        nonReentrant
    {
        if (amount == 0) revert ZeroAmount();
        CollateralParams storage params = _collateral(collateralId);
        ERC20 token = ERC20(params.token);
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(from, address(this), amount);
        uint256 received = token.balanceOf(address(this)) - before;
        if (received != amount) revert TransferAmountMismatch(address(token), amount, received);
        collateralTotal[collateralId] += amount; // returning what was seized: not capped
        uint256 balance = _setCollateral(account, collateralId, balances[account][collateralId] + amount);
        emit CollateralReturned(account, collateralId, amount, balance);
    }

    /// @inheritdoc ILiquidatable
    function adjustAuctionLots(address account, int256 delta) external onlyLiquidator {
        auctionLots[account] = uint256(int256(auctionLots[account]) + delta);
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IMarginProtocol
    function health(address account) external view returns (Health memory h) {
        (h.equityWad, h.initialWad, h.maintenanceWad,) = _margin(account, WITH_INITIAL);
        h.healthWad = WadMath.healthWad(h.equityWad, h.maintenanceWad);
    }

    /// @inheritdoc IMarginProtocol
    function isLiquidatable(address account) external view returns (bool) {
        (int256 equityWad,, uint256 maintenanceWad,) = _margin(account, 0);
        return equityWad < maintenanceWad.toInt();
    }

    /// @inheritdoc ILiquidatable
    function marginState(address account) external view returns (int256 equityWad, uint256 maintenanceWad) {
        (equityWad,, maintenanceWad,) = _margin(account, 0);
    }

    /// @inheritdoc ILiquidatable
    /// @dev For a portfolio account the fraction is effective: the requirement the position's full close releases
    /// per unit of its notional, rounded down, 0 when the close would release nothing (a hedge). The requirement is
    /// convex in the position (a maximum of linear scenario losses and a floor linear in |size|), so closing any part
    /// x of the notional releases at least fraction × x, and the engine's penalty (≤ fraction × health) cannot lower
    /// health; `liquidatePosition` refuses what would anyway.
    function positionState(address account, uint256 marketId)
        external
        view
        returns (int256 sizeWad, uint256 priceWad, uint256 maintenanceFractionWad)
    {
        MarketParams storage params = _market(marketId);
        (sizeWad, priceWad, maintenanceFractionWad) =
        (positions[account][marketId].sizeWad, _validPrice(params.oracle), params.maintenanceFractionBps * BPS_WAD);
        if (sizeWad != 0 && _isPortfolio(account)) {
            (,, uint256 withWad,) = _margin(account, 0);
            (,, uint256 withoutWad,) = _margin(account, EXCLUDE_MARKET | marketId << 8);
            maintenanceFractionWad =
                withWad > withoutWad ? (withWad - withoutWad).divWadDown(sizeWad.abs().mulWadUp(priceWad)) : 0;
        }
    }

    /// @inheritdoc ILiquidatable
    function collateralState(address account, uint256 collateralId)
        external
        view
        returns (uint256 amount, uint256 priceWad, uint256 haircutWad, uint8 decimals)
    {
        CollateralParams storage params = _collateral(collateralId);
        return (balances[account][collateralId], _validPrice(params.oracle), params.haircutWad, params.decimals);
    }

    /// @inheritdoc ILiquidatable
    function quoteBalance(address account) external view returns (int256) {
        return accounts[account].quoteWad;
    }

    /// @inheritdoc ILiquidatable
    function accountMasks(address account) external view returns (uint256 marketMask, uint256 collateralMask) {
        AccountState memory state = accounts[account];
        return (state.marketMask, state.collateralMask);
    }

    /// @inheritdoc ILiquidatable
    function liquidityVault() external view returns (address) {
        return address(VAULT);
    }

    /// @inheritdoc IMarginProtocol
    function portfolioMode(address account) external view returns (bool) {
        return accounts[account].portfolio;
    }

    /// @inheritdoc IMarginProtocol
    function position(address account, uint256 marketId) external view returns (int256, int256) {
        Position memory pos = positions[account][marketId];
        return (pos.sizeWad, pos.openNotionalWad);
    }

    /// @inheritdoc IMarginProtocol
    function collateralBalance(address account, uint256 collateralId) external view returns (uint256) {
        return balances[account][collateralId];
    }

    function market(uint256 marketId) external view returns (MarketParams memory) {
        return _market(marketId);
    }

    function collateral(uint256 collateralId) external view returns (CollateralParams memory) {
        return _collateral(collateralId);
    }

    /// @inheritdoc IMarginProtocol
    function openInterest(uint256 marketId) external view returns (uint256, uint256) {
        OpenInterest memory oi = openInterests[marketId];
        return (oi.longWad, oi.shortWad);
    }

    /// @inheritdoc IMarginProtocol
    function openInterestNotional() external view returns (uint256 notionalWad) {
        for (uint256 id; id < marketCount; ++id) {
            OpenInterest memory oi = openInterests[id];
            (uint256 priceWad,) = _read(markets[id].oracle);
            notionalWad += (uint256(oi.longWad) + oi.shortWad).mulWadUp(priceWad);
        }
    }

    function quoteToken() external view returns (address) {
        return address(QUOTE);
    }

    /*//////////////////////////////////////////////////////////////
                              HEALTH CHECK
    //////////////////////////////////////////////////////////////*/

    /// @dev `_margin` options: compute the initial requirement; count unrealized gains as zero (for withdrawals, so
    /// a pumped price cannot be withdrawn against: Mango, 2022); report an invalid price instead of reverting; leave
    /// out the market whose id is in bits 8 and up (the requirement without that position).
    uint256 internal constant WITH_INITIAL = 1;
    uint256 internal constant WITHOUT_GAINS = 2;
    uint256 internal constant LENIENT = 4;
    uint256 internal constant EXCLUDE_MARKET = 8;

    /// @dev Equity and requirements at current prices. Collateral value and PnL round down, requirements round up.
    /// An invalid price reverts with `InvalidPrice`, or with `LENIENT` returns `pricesValid = false` at once.
    /// A portfolio account's requirements come from the module (`_book`, `_portfolioRequirements`).
    function _margin(address account, uint256 options)
        internal
        view
        returns (int256 equityWad, uint256 initialWad, uint256 maintenanceWad, bool pricesValid)
    {
        AccountState memory state = accounts[account];
        equityWad = state.quoteWad;
        uint256 book = state.portfolio && address(portfolioMargin) != address(0) ? _newBook() : 0;
        uint256 id;
        for (uint256 mask = state.marketMask; mask != 0; (mask, id) = (mask >> 1, id + 1)) {
            if (mask & 1 == 0 || (options & EXCLUDE_MARKET != 0 && id == options >> 8)) continue;
            MarketParams storage params = markets[id];
            Position memory pos = positions[account][id];
            uint256 priceWad;
            (priceWad, pricesValid) = _price(params.oracle, options & LENIENT != 0);
            if (!pricesValid) return (0, 0, 0, false);
            int256 pnlWad = int256(pos.sizeWad).mulWadFloor(priceWad) - pos.openNotionalWad;
            equityWad += options & WITHOUT_GAINS != 0 && pnlWad > 0 ? int256(0) : pnlWad;
            uint256 notionalWad = int256(pos.sizeWad).abs().mulWadUp(priceWad);
            uint256 marketMaintenanceWad = notionalWad.mulWadUp(params.maintenanceFractionBps * BPS_WAD);
            maintenanceWad += marketMaintenanceWad;
            if (book != 0) {
                _put(book, 3 * id, uint256(pos.sizeWad > 0 ? notionalWad.toInt() : -notionalWad.toInt()));
                _put(book, 3 * id + 1, marketMaintenanceWad);
            } else if (options & WITH_INITIAL != 0) {
                initialWad += notionalWad.mulWadUp(params.initialFractionBps * BPS_WAD);
            }
        }
        if (book != 0) _extendBook(book, 3 * id);
        uint256 collateralWad;
        (collateralWad, pricesValid) = _collateralValue(account, state.collateralMask, options & LENIENT != 0, book);
        if (!pricesValid) return (0, 0, 0, false);
        equityWad += collateralWad.toInt();
        if (book != 0) (maintenanceWad, initialWad) = _portfolioRequirements(book);
    }

    /// @dev Σ balance × price × haircut over the held collateral, rounded down [wad]; `valid = false` on an invalid
    /// price when `lenient`. Writes each value into the portfolio book when there is one.
    function _collateralValue(address account, uint256 collateralMask, bool lenient, uint256 book)
        internal
        view
        returns (uint256 totalWad, bool valid)
    {
        uint256 id;
        for (; collateralMask != 0; (collateralMask, id) = (collateralMask >> 1, id + 1)) {
            if (collateralMask & 1 == 0) continue;
            CollateralParams storage params = collaterals[id];
            uint256 valueWad; // the price first
            (valueWad, valid) = _price(params.oracle, lenient);
            if (!valid) return (0, false);
            valueWad = (balances[account][id] * QuoteUnits.unitWad(params.decimals)).mulWadDown(valueWad)
                .mulWadDown(params.haircutWad);
            totalWad += valueWad;
            if (book != 0) _put(book, 3 * id + 2, valueWad);
        }
        if (book != 0) _extendBook(book, 3 * id);
        valid = true;
    }

    /*//////////////////////////////////////////////////////////////
                            PORTFOLIO BOOK
    //////////////////////////////////////////////////////////////*/

    /// @dev A portfolio account's exposures, laid out in memory as the calldata of
    /// `IPortfolioMargin.requirementsWad(int256[] book)`: a word whose low 4 bytes are the selector, the array's
    /// offset (0x20), its length, then one triple per id i: market i's signed notional, market i's standard
    /// maintenance requirement, collateral i's haircut value [wad]. Room for every id; the length stops after the
    /// last held one. Returns the pointer (never 0).
    function _newBook() internal pure returns (uint256 book) {
        uint256 size = 0x60 + 3 * MAX_LISTINGS * 0x20;
        assembly ("memory-safe") {
            book := mload(0x40)
            mstore(0x40, add(book, size))
            calldatacopy(book, calldatasize(), size) // zeroes
            mstore(book, 0x56974012) // IPortfolioMargin.requirementsWad.selector
            mstore(add(book, 0x20), 0x20)
        }
    }

    function _put(uint256 book, uint256 index, uint256 word) internal pure {
        assembly ("memory-safe") {
            mstore(add(add(book, 0x60), shl(5, index)), word)
        }
    }

    /// @dev Raises the book's length to `length` words.
    function _extendBook(uint256 book, uint256 length) internal pure {
        assembly ("memory-safe") {
            if gt(length, mload(add(book, 0x40))) { mstore(add(book, 0x40), length) }
        }
    }

    /// @dev `portfolioMargin.requirementsWad(book)`, made in assembly on the prepared calldata (no ABI encoder);
    /// a failed call bubbles its revert, a short answer is refused.
    function _portfolioRequirements(uint256 book) internal view returns (uint256 maintenanceWad, uint256 initialWad) {
        address module = address(portfolioMargin);
        bool ok;
        assembly ("memory-safe") {
            let size := add(0x44, shl(5, mload(add(book, 0x40))))
            ok := staticcall(gas(), module, add(book, 28), size, 0, 64)
            if iszero(ok) {
                returndatacopy(0, 0, returndatasize())
                revert(0, returndatasize())
            }
            ok := gt(returndatasize(), 63)
            maintenanceWad := mload(0)
            initialWad := mload(32)
        }
        if (!ok) revert InvalidParams("portfolio answer");
    }

    /// @dev Initial margin after an action. Withdrawals count unrealized gains as zero.
    function _requireInitialMargin(address account, bool withoutGains) internal view {
        (int256 equityWad, uint256 initialWad,,) = _margin(account, WITH_INITIAL | (withoutGains ? WITHOUT_GAINS : 0));
        if (equityWad < initialWad.toInt()) revert InitialMarginViolated(account, equityWad, initialWad);
    }

    function _isPortfolio(address account) internal view returns (bool) {
        return accounts[account].portfolio && address(portfolioMargin) != address(0);
    }

    /// @dev Whether the account is margined by the portfolio module, and then its equity and maintenance requirement.
    function _portfolioMargin(address account)
        internal
        view
        returns (bool portfolio, int256 equityWad, uint256 maintenanceWad)
    {
        portfolio = _isPortfolio(account);
        if (portfolio) (equityWad,, maintenanceWad,) = _margin(account, 0);
    }

    /// @dev A liquidation step on a solvent portfolio account must not lower its health (E'/M' ≥ E/M, compared
    /// exactly by cross-multiplication); at equity ≤ 0 health is 0 and any step is allowed.
    function _requireHealthKept(
        address account,
        int256 equityBeforeWad,
        uint256 maintenanceBeforeWad,
        int256 equityAfterWad,
        uint256 maintenanceAfterWad
    ) internal pure {
        if (equityBeforeWad <= 0) return;
        if (equityAfterWad * maintenanceBeforeWad.toInt() < equityBeforeWad * maintenanceAfterWad.toInt()) {
            revert PortfolioHealthLowered(
                account,
                WadMath.healthWad(equityBeforeWad, maintenanceBeforeWad),
                WadMath.healthWad(equityAfterWad, maintenanceAfterWad)
            );
        }
    }

    /// @dev Equity − maintenance requirement [wad], or `known = false` when a price the account needs is invalid.
    function _surplus(address account) internal view returns (bool known, int256 surplusWad) {
        (int256 equityWad,, uint256 maintenanceWad, bool valid) = _margin(account, LENIENT);
        return (valid, equityWad - maintenanceWad.toInt());
    }

    /*//////////////////////////////////////////////////////////////
                            INTERNAL HELPERS
    //////////////////////////////////////////////////////////////*/

    /// @dev The oracle's price and whether it is usable; reverts on an unusable price unless `lenient`.
    function _price(IOracle oracle, bool lenient) internal view returns (uint256 priceWad, bool valid) {
        PriceStatus status;
        (priceWad, status) = _read(oracle);
        valid = isUsable(status);
        if (!valid && !lenient) revert InvalidPrice(address(oracle), priceWad, status);
    }

    /// @dev `oracle.read()`. Called on every health check, so the call is made in assembly (no ABI encoder, no memory
    /// growth). A failed call bubbles its revert; a short answer or a status out of range is refused.
    function _read(IOracle oracle) internal view returns (uint256 priceWad, PriceStatus status) {
        bool ok;
        uint256 rawStatus;
        assembly ("memory-safe") {
            mstore(0, 0x57de26a4) // IOracle.read.selector
            ok := staticcall(gas(), oracle, 28, 4, 0, 64)
            if iszero(ok) {
                returndatacopy(0, 0, returndatasize())
                revert(0, returndatasize())
            }
            ok := gt(returndatasize(), 63)
            priceWad := mload(0)
            rawStatus := mload(32)
        }
        if (!ok) revert InvalidParams("oracle answer");
        if (rawStatus > uint256(type(PriceStatus).max)) revert InvalidParams("oracle status");
        status = PriceStatus(rawStatus);
    }

    function _validPrice(IOracle oracle) internal view returns (uint256 priceWad) {
        (priceWad,) = _price(oracle, false);
    }

    /// @dev A fill that shrinks the position without flipping it.
    function _isReducing(int256 sizeWad, int256 sizeDeltaWad) internal pure returns (bool) {
        return sizeWad != 0 && (sizeWad > 0) != (sizeDeltaWad > 0) && sizeDeltaWad.abs() <= sizeWad.abs();
    }

    /// @dev The position after a fill at `priceWad`, and the PnL it realizes. The closed part's cost basis is removed
    /// pro rata, keeping the remaining open notional rounded up (against the trader); a flip closes the whole position
    /// and opens the rest at the price.
    function _applyFill(Position memory pos, int256 sizeDeltaWad, uint256 priceWad)
        internal
        pure
        returns (Position memory next, int256 realizedPnlWad)
    {
        int256 sizeWad = pos.sizeWad;
        int256 newSizeWad = sizeWad + sizeDeltaWad;
        if (sizeWad == 0 || (sizeWad > 0) == (sizeDeltaWad > 0)) {
            // Opening or growing: pay the price, rounded against the trader.
            next.openNotionalWad = _toInt128(pos.openNotionalWad + sizeDeltaWad.mulWadCeil(priceWad));
        } else {
            bool flips = newSizeWad != 0 && (newSizeWad > 0) != (sizeWad > 0);
            int256 closedWad = flips ? -sizeWad : sizeDeltaWad;
            int256 remainingWad = sizeWad + closedWad;
            int256 remainingNotionalWad = int256(pos.openNotionalWad).mulDivCeil(remainingWad.abs(), sizeWad.abs());
            realizedPnlWad = (-closedWad).mulWadFloor(priceWad) - (pos.openNotionalWad - remainingNotionalWad);
            next.openNotionalWad = flips ? _toInt128(newSizeWad.mulWadCeil(priceWad)) : _toInt128(remainingNotionalWad);
        }
        next.sizeWad = _toInt128(newSizeWad);
    }

    function _storePosition(address account, uint256 marketId, Position memory next) internal {
        positions[account][marketId] = next;
        AccountState storage state = accounts[account];
        uint64 bit = uint64(1 << marketId);
        state.marketMask = next.sizeWad != 0 ? state.marketMask | bit : state.marketMask & ~bit;
    }

    /// @dev Moves open interest from the old side/size to the new; only growth of a side is capped.
    function _updateOpenInterest(uint256 marketId, MarketParams storage params, int256 oldSizeWad, int256 newSizeWad)
        internal
    {
        OpenInterest memory oi = openInterests[marketId];
        uint256 longWad = oi.longWad + WadMath.positivePart(newSizeWad) - WadMath.positivePart(oldSizeWad);
        uint256 shortWad = oi.shortWad + WadMath.negativePart(newSizeWad) - WadMath.negativePart(oldSizeWad);
        uint256 cap = params.openInterestCapWad;
        if (longWad > oi.longWad && longWad > cap) revert OpenInterestCapExceeded(marketId, longWad, cap);
        if (shortWad > oi.shortWad && shortWad > cap) revert OpenInterestCapExceeded(marketId, shortWad, cap);
        openInterests[marketId] = OpenInterest(uint128(longWad), uint128(shortWad));
    }

    /// @dev The insurance share of a trade fee [wad, whole units, rounded down]. It leaves the vault's books and waits
    /// here for `sweepFees`, so it is taken only from an account that stays solvent after the trade: an indebted one's
    /// whole fee is the vault's receivable, never cash the vault would have to lend.
    function _feeShare(address account, uint256 feeWad, int256 pnlWad) internal returns (uint256 shareWad) {
        uint256 shareBps = feeShareBps;
        if (shareBps == 0 || accounts[account].quoteWad + pnlWad < feeWad.toInt()) return 0;
        shareWad = QuoteUnits.roundDown(feeWad * shareBps / BPS, QUOTE_UNIT_WAD);
        if (shareWad != 0) _feesOwedWadPlusOne += shareWad;
    }

    /// @dev Applies two changes to an account's quote balance [wad, whole units]: `vaultDeltaWad` is value exchanged
    /// with the vault (PnL, fees, forgiven debt); `externalDeltaWad` is value the caller moves in or out of the
    /// protocol (deposits, withdrawals, penalties, sale proceeds). Debt is the vault's receivable, so tokens move
    /// between the protocol and the vault only by: −vaultDelta − Δreceivable.
    function _updateQuote(address account, int256 vaultDeltaWad, int256 externalDeltaWad)
        internal
        returns (int256 afterWad)
    {
        AccountState storage state = accounts[account];
        int256 beforeWad = state.quoteWad;
        afterWad = beforeWad + vaultDeltaWad + externalDeltaWad;
        state.quoteWad = _toInt120(afterWad);
        int256 receivableDeltaWad = WadMath.negativePart(afterWad).toInt() - WadMath.negativePart(beforeWad).toInt();
        if (receivableDeltaWad != 0) {
            uint256 receivable = uint256(vaultReceivable.toInt() + receivableDeltaWad);
            vaultReceivable = receivable;
            emit VaultReceivableUpdated(receivable);
        }
        int256 toVaultWad = -vaultDeltaWad - receivableDeltaWad;
        if (toVaultWad > 0) {
            QUOTE.safeTransfer(address(VAULT), QuoteUnits.toUnitsExact(uint256(toVaultWad), QUOTE_UNIT_WAD));
        } else if (toVaultWad < 0) {
            VAULT.draw(QuoteUnits.toUnitsExact(uint256(-toVaultWad), QUOTE_UNIT_WAD));
        }
    }

    function _setCollateral(address account, uint256 collateralId, uint256 balance) internal returns (uint256) {
        balances[account][collateralId] = balance;
        AccountState storage state = accounts[account];
        uint64 bit = uint64(1 << collateralId);
        state.collateralMask = balance != 0 ? state.collateralMask | bit : state.collateralMask & ~bit;
        return balance;
    }

    function _market(uint256 marketId) internal view returns (MarketParams storage) {
        if (marketId >= marketCount) revert UnknownMarket(marketId);
        return markets[marketId];
    }

    function _collateral(uint256 collateralId) internal view returns (CollateralParams storage) {
        if (collateralId >= collateralCount) revert UnknownCollateral(collateralId);
        return collaterals[collateralId];
    }

    function _toInt128(int256 x) internal pure returns (int128) {
        if (x > type(int128).max || x < type(int128).min) revert InvalidParams("int128 overflow");
        return int128(x);
    }

    function _toInt120(int256 x) internal pure returns (int120) {
        if (x > type(int120).max || x < type(int120).min) revert InvalidParams("int120 overflow");
        return int120(x);
    }
}
