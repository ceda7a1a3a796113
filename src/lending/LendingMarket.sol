// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "solmate/tokens/ERC20.sol";
import {SafeTransferLib} from "solmate/utils/SafeTransferLib.sol";
import {Owned} from "solmate/auth/Owned.sol";
import {IOracle, PriceStatus, isUsable} from "../interfaces/IOracle.sol";
import {ILiquidatable} from "../interfaces/ILiquidatable.sol";
import {CollateralParams} from "../interfaces/IMarginProtocol.sol";
import {ILendingMarket, LendingCollateralParams, RateModel, LendingAccount} from "../interfaces/ILendingMarket.sol";
import {LiquidityVault} from "../LiquidityVault.sol";
import {WadMath} from "../libraries/WadMath.sol";
import {QuoteUnits} from "../libraries/QuoteUnits.sol";

/// @title LendingMarket
/// @notice Over-collateralized lending against the lenders' `LiquidityVault`, liquidated by the unchanged engine
/// through `ILiquidatable`. See `ILendingMarket` for the margin mapping, the index and the rounding.
contract LendingMarket is ILendingMarket, Owned {
    using SafeTransferLib for ERC20;
    using WadMath for uint256;
    using WadMath for int256;

    /// @dev One storage slot per account.
    struct AccountData {
        uint128 scaledDebtWad; // debt ÷ index [wad]
        uint64 collateralMask; // bit i set when the balance of collateral i is nonzero
    }

    uint256 internal constant WAD = 1e18;
    uint256 internal constant MAX_LISTINGS = 64;
    /// @notice The highest borrow rate a model may reach: 1e-6 per second (about 3,150% a year) [wad per second].
    uint256 public constant MAX_RATE_PER_SECOND_WAD = 1e12;

    ERC20 internal immutable QUOTE;
    LiquidityVault internal immutable VAULT;
    /// @dev The wad value of one quote-token unit (1e12 for a 6-decimal stablecoin).
    uint256 internal immutable QUOTE_UNIT_WAD;

    address public engine;
    /// @inheritdoc ILiquidatable
    uint8 public breakerLevel;
    /// @notice May set the circuit-breaker level.
    address public guardian;
    /// @notice Liquidation modules besides the engine (the auction house) allowed to seize and return collateral.
    mapping(address => bool) public isLiquidator;
    /// @inheritdoc ILiquidatable
    mapping(address => uint256) public auctionLots;
    /// @inheritdoc ILendingMarket
    mapping(address => uint256) public claimable;
    /// @dev Σ claimable: quote the market holds for accounts [quote units].
    uint256 public totalClaimable;

    /// @dev The index as of `lastAccrual` [wad].
    uint256 internal _storedIndexWad = WAD;
    uint256 public lastAccrual;
    /// @inheritdoc ILendingMarket
    uint256 public totalScaledDebtWad;
    RateModel internal _rate;

    /// @inheritdoc ILendingMarket
    uint256 public collateralCount;
    mapping(uint256 collateralId => LendingCollateralParams) internal _collaterals;
    /// @notice The market's total balance of each collateral [token units].
    mapping(uint256 collateralId => uint256) public collateralTotal;
    mapping(address => AccountData) internal _accounts;
    mapping(address => mapping(uint256 collateralId => uint256)) internal _balances;

    bool transient locked;

    constructor(ERC20 quote_, LiquidityVault vault_, address owner_, RateModel memory rate_) Owned(owner_) {
        if (address(vault_.asset()) != address(quote_)) revert InvalidParams("vault asset is not the quote token");
        QUOTE = quote_;
        VAULT = vault_;
        QUOTE_UNIT_WAD = QuoteUnits.unitWad(quote_.decimals());
        lastAccrual = block.timestamp;
        _setRateModel(rate_);
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

    /// @dev A change that can only make the market safer: the guardian's at once, or the owner's.
    modifier onlyGuardianOrOwner() {
        if (msg.sender != guardian && msg.sender != owner) revert NotGuardian(msg.sender);
        _;
    }

    modifier onlyLiquidator() {
        if (msg.sender != engine && !isLiquidator[msg.sender]) revert NotLiquidator(msg.sender);
        _;
    }

    /*//////////////////////////////////////////////////////////////
                             CONFIGURATION
    //////////////////////////////////////////////////////////////*/

    function setEngine(address engine_) external onlyOwner {
        engine = engine_;
        emit EngineSet(engine_);
    }

    function setLiquidator(address liquidator, bool allowed) external onlyOwner {
        isLiquidator[liquidator] = allowed;
        emit LiquidatorSet(liquidator, allowed);
    }

    function setGuardian(address guardian_) external onlyOwner {
        guardian = guardian_;
        emit GuardianSet(guardian_);
    }

    /// @inheritdoc ILendingMarket
    function setBreakerLevel(uint8 level) external onlyGuardianOrOwner {
        if (level > 3) revert InvalidLevel(level);
        breakerLevel = level;
        emit BreakerLevelSet(level, msg.sender);
    }

    /// @inheritdoc ILendingMarket
    function setDepositCap(uint256 collateralId, uint128 cap) external onlyGuardianOrOwner {
        if (collateralId >= collateralCount) revert UnknownCollateral(collateralId);
        LendingCollateralParams storage p = _collaterals[collateralId];
        uint128 current = p.depositCap;
        if (msg.sender != owner && cap >= current) revert CapNotLowered(current, cap);
        p.depositCap = cap;
        emit DepositCapSet(collateralId, cap, msg.sender);
    }

    /// @notice Sets the rate model; interest up to now accrues at the old one.
    function setRateModel(RateModel calldata rate_) external onlyOwner {
        _accrue();
        _setRateModel(rate_);
    }

    function _setRateModel(RateModel memory r) internal {
        if (r.kinkWad == 0 || r.kinkWad >= WAD) revert InvalidParams("kink");
        if (uint256(r.baseRatePerSecondWad) + r.slope1PerSecondWad + r.slope2PerSecondWad > MAX_RATE_PER_SECOND_WAD) {
            revert InvalidParams("rate");
        }
        _rate = r;
        emit RateModelSet(r);
    }

    /// @notice Lists a collateral with 0 < borrow LTV < liquidation LTV < 1. Tokens with transfer fees or hooks must
    /// not be listed.
    function listCollateral(address token, IOracle oracle, uint64 borrowLtvWad, uint64 liquidationLtvWad, uint128 cap)
        external
        onlyOwner
        returns (uint256 collateralId)
    {
        if (token == address(0) || token == address(QUOTE)) revert InvalidParams("token");
        if (address(oracle) == address(0)) revert InvalidParams("oracle");
        if (borrowLtvWad == 0 || borrowLtvWad >= liquidationLtvWad) revert InvalidParams("borrow LTV");
        if (liquidationLtvWad >= WAD) revert InvalidParams("liquidation LTV");
        uint8 decimals = ERC20(token).decimals();
        QuoteUnits.unitWad(decimals); // reverts above 18 decimals
        collateralId = collateralCount;
        for (uint256 i; i < collateralId; ++i) {
            if (_collaterals[i].token == token) revert InvalidParams("token already listed");
        }
        if (collateralId == MAX_LISTINGS) revert TooManyListings(collateralId);
        LendingCollateralParams memory p =
            LendingCollateralParams(token, oracle, decimals, borrowLtvWad, liquidationLtvWad, cap);
        _collaterals[collateralId] = p;
        collateralCount = collateralId + 1;
        emit CollateralListed(collateralId, p);
    }

    /*//////////////////////////////////////////////////////////////
                               COLLATERAL
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ILendingMarket
    function depositCollateral(uint256 collateralId, uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        LendingCollateralParams storage p = _collateral(collateralId);
        uint256 held = _balances[msg.sender][collateralId];
        _pullExact(ERC20(p.token), msg.sender, amount);
        uint256 total = collateralTotal[collateralId] + amount;
        if (total > p.depositCap) revert DepositCapExceeded(collateralId, total, p.depositCap);
        collateralTotal[collateralId] = total;
        uint256 balance = _setCollateral(msg.sender, collateralId, held + amount);
        emit CollateralTransferred(msg.sender, collateralId, amount.toInt(), balance);
    }

    /// @inheritdoc ILendingMarket
    function withdrawCollateral(uint256 collateralId, uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        LendingCollateralParams storage p = _collateral(collateralId);
        uint256 held = _balances[msg.sender][collateralId];
        if (amount > held) revert InsufficientCollateral(collateralId, amount, held);
        uint256 indexWad = _accrue();
        collateralTotal[collateralId] -= amount;
        uint256 balance = _setCollateral(msg.sender, collateralId, held - amount);
        ERC20(p.token).safeTransfer(msg.sender, amount);
        emit CollateralTransferred(msg.sender, collateralId, -amount.toInt(), balance);
        if (_accounts[msg.sender].scaledDebtWad != 0) _requireBorrowLimit(msg.sender, indexWad);
    }

    /*//////////////////////////////////////////////////////////////
                                 DEBT
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ILendingMarket
    function borrow(uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        if (breakerLevel >= 1) revert BreakerActive(breakerLevel);
        uint256 indexWad = _accrue();
        // Against the borrower: the scaled debt added is rounded up.
        uint256 scaledWad = (amount * QUOTE_UNIT_WAD).divWadUp(indexWad);
        AccountData storage a = _accounts[msg.sender];
        uint256 scaledAfterWad = a.scaledDebtWad + scaledWad;
        a.scaledDebtWad = _toUint128(scaledAfterWad);
        totalScaledDebtWad += scaledWad;
        VAULT.draw(amount);
        QUOTE.safeTransfer(msg.sender, amount);
        emit DebtUpdated(
            msg.sender,
            msg.sender,
            (amount * QUOTE_UNIT_WAD).toInt(),
            scaledAfterWad,
            _debtWad(scaledAfterWad, indexWad)
        );
        _requireBorrowLimit(msg.sender, indexWad);
    }

    /// @inheritdoc ILendingMarket
    function repay(address account_, uint256 amount) external nonReentrant returns (uint256 paid) {
        if (amount == 0) revert ZeroAmount();
        uint256 indexWad = _accrue();
        uint256 debtWad = _debtWad(_accounts[account_].scaledDebtWad, indexWad);
        paid = WadMath.min(amount, debtWad / QUOTE_UNIT_WAD);
        if (paid == 0) revert NoDebt(account_);
        QUOTE.safeTransferFrom(msg.sender, address(VAULT), paid);
        _reduceDebt(account_, msg.sender, paid * QUOTE_UNIT_WAD, debtWad, indexWad);
    }

    /// @inheritdoc ILendingMarket
    function claimRefund() external nonReentrant returns (uint256 amount) {
        amount = claimable[msg.sender];
        if (amount == 0) revert NothingToClaim(msg.sender);
        claimable[msg.sender] = 0;
        totalClaimable -= amount;
        QUOTE.safeTransfer(msg.sender, amount);
        emit RefundClaimed(msg.sender, amount);
    }

    /// @inheritdoc ILendingMarket
    function accrue() external nonReentrant {
        _accrue();
    }

    /// @dev Lowers the account's debt by `amountWad` ≤ `debtWad` (whole units, already paid to the vault). A full
    /// repayment clears the scaled debt; a partial one removes `amount ÷ index` rounded down (against the borrower).
    function _reduceDebt(address account_, address payer, uint256 amountWad, uint256 debtWad, uint256 indexWad)
        internal
    {
        AccountData storage a = _accounts[account_];
        uint256 scaledWad = a.scaledDebtWad;
        uint256 removedWad = amountWad == debtWad ? scaledWad : WadMath.min(amountWad.divWadDown(indexWad), scaledWad);
        uint256 scaledAfterWad = scaledWad - removedWad;
        a.scaledDebtWad = uint128(scaledAfterWad);
        totalScaledDebtWad -= removedWad;
        emit DebtUpdated(account_, payer, -amountWad.toInt(), scaledAfterWad, _debtWad(scaledAfterWad, indexWad));
    }

    /// @dev Pays `amountWad` (whole units) from `payer` for the account: its debt first (to the vault), the rest is
    /// kept as the account's claimable refund. Returns the debt after [wad].
    function _credit(address account_, uint256 amountWad, address payer, uint256 indexWad)
        internal
        returns (uint256 debtAfterWad)
    {
        uint256 debtWad = _debtWad(_accounts[account_].scaledDebtWad, indexWad);
        uint256 toDebtWad = WadMath.min(amountWad, debtWad);
        if (toDebtWad != 0) {
            QUOTE.safeTransferFrom(payer, address(VAULT), toDebtWad / QUOTE_UNIT_WAD);
            _reduceDebt(account_, payer, toDebtWad, debtWad, indexWad);
        }
        uint256 refund = QuoteUnits.toUnitsExact(amountWad - toDebtWad, QUOTE_UNIT_WAD);
        if (refund != 0) {
            QUOTE.safeTransferFrom(payer, address(this), refund);
            uint256 owed = claimable[account_] + refund;
            claimable[account_] = owed;
            totalClaimable += refund;
            emit Refunded(account_, refund, owed);
        }
        return debtWad - toDebtWad;
    }

    /*//////////////////////////////////////////////////////////////
                              LIQUIDATION
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ILiquidatable
    /// @dev No perpetual markets: no position is ever closed, so nothing is ever owed.
    function beginPayouts(address, address) external view onlyEngine {}

    /// @inheritdoc ILiquidatable
    function endPayouts() external view onlyEngine {}

    /// @inheritdoc ILiquidatable
    /// @dev No perpetual markets: there is never a position to close.
    function liquidatePosition(address, uint256 marketId, int256, address, uint256, address, uint256)
        external
        view
        onlyEngine
        returns (uint256, int256, uint256)
    {
        revert NoMarkets(marketId);
    }

    /// @inheritdoc ILiquidatable
    /// @dev Every seizure starts a liquidation (a fixed-fee or backstop sale, or a kick): stopped from breaker level 2.
    function seizeCollateral(
        address account_,
        uint256 collateralId,
        uint256 amount,
        address buyer,
        uint256 quotePaidWad
    ) external onlyLiquidator nonReentrant {
        if (breakerLevel >= 2) revert BreakerActive(breakerLevel);
        LendingCollateralParams storage p = _collateral(collateralId);
        uint256 held = _balances[account_][collateralId];
        if (amount == 0) revert ZeroAmount();
        if (amount > held) revert InsufficientCollateral(collateralId, amount, held);
        uint256 indexWad = _accrue();
        collateralTotal[collateralId] -= amount;
        uint256 balance = _setCollateral(account_, collateralId, held - amount);
        // An auction's seizure pays nothing now: its proceeds are credited as they come in.
        uint256 debtAfterWad = quotePaidWad == 0
            ? _debtWad(_accounts[account_].scaledDebtWad, indexWad)
            : _credit(account_, quotePaidWad, buyer, indexWad);
        ERC20(p.token).safeTransfer(buyer, amount);
        emit CollateralSeized(account_, collateralId, buyer, amount, quotePaidWad, balance, debtAfterWad);
    }

    /// @inheritdoc ILiquidatable
    function writeOffBadDebt(address account_) external onlyEngine nonReentrant returns (uint256 badDebtWad) {
        AccountData memory a = _accounts[account_];
        if (a.collateralMask != 0) revert AccountNotEmpty(account_);
        uint256 lots = auctionLots[account_];
        if (lots != 0) revert AccountInAuction(account_, lots);
        uint256 indexWad = _accrue();
        badDebtWad = _debtWad(a.scaledDebtWad, indexWad);
        if (badDebtWad == 0) revert NoBadDebt(account_);
        // The vault forgives the debt: its receivable falls and no token moves.
        _accounts[account_].scaledDebtWad = 0;
        totalScaledDebtWad -= a.scaledDebtWad;
        emit BadDebtWrittenOff(account_, badDebtWad);
    }

    /// @inheritdoc ILiquidatable
    function creditQuote(address account_, uint256 amountWad, address payer) external onlyLiquidator nonReentrant {
        if (amountWad == 0) revert ZeroAmount();
        uint256 debtAfterWad = _credit(account_, amountWad, payer, _accrue());
        emit QuoteCredited(account_, payer, amountWad, debtAfterWad);
    }

    /// @inheritdoc ILiquidatable
    function returnCollateral(address account_, uint256 collateralId, uint256 amount, address from)
        external
        onlyLiquidator
        nonReentrant
    {
        if (amount == 0) revert ZeroAmount();
        LendingCollateralParams storage p = _collateral(collateralId);
        _pullExact(ERC20(p.token), from, amount);
        collateralTotal[collateralId] += amount; // returning what was seized: not capped
        uint256 balance = _setCollateral(account_, collateralId, _balances[account_][collateralId] + amount);
        emit CollateralReturned(account_, collateralId, amount, balance);
    }

    /// @inheritdoc ILiquidatable
    function adjustAuctionLots(address account_, int256 delta) external onlyLiquidator {
        auctionLots[account_] = uint256(int256(auctionLots[account_]) + delta);
    }

    /*//////////////////////////////////////////////////////////////
                            ENGINE VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ILiquidatable
    /// @dev The literal mapping: equity = Σ value × liquidation LTV (rounded down) − debt (rounded up to whole quote
    /// units), maintenance = 0 (no positions). So equity < maintenance ⇔ debt > Σ value × liquidation LTV.
    function marginState(address account_) external view returns (int256 equityWad, uint256 maintenanceWad) {
        return (_equityWad(account_), 0);
    }

    /// @inheritdoc ILiquidatable
    /// @dev No markets: size, price and fraction are all zero.
    function positionState(address, uint256) external pure returns (int256, uint256, uint256) {
        return (0, 0, 0);
    }

    /// @inheritdoc ILiquidatable
    /// @dev The haircut is the liquidation LTV.
    function collateralState(address account_, uint256 collateralId)
        external
        view
        returns (uint256 amount, uint256 priceWad, uint256 haircutWad, uint8 decimals)
    {
        LendingCollateralParams storage p = _collateral(collateralId);
        return (_balances[account_][collateralId], _usablePrice(p.oracle), p.liquidationLtvWad, p.decimals);
    }

    /// @inheritdoc ILiquidatable
    /// @dev −debt, rounded up to whole quote units: never positive (refunds are held apart, in `claimable`).
    function quoteBalance(address account_) external view returns (int256) {
        return -_debtWad(_accounts[account_].scaledDebtWad, _currentIndex()).toInt();
    }

    /// @inheritdoc ILiquidatable
    function accountMasks(address account_) external view returns (uint256 marketMask, uint256 collateralMask) {
        return (0, _accounts[account_].collateralMask);
    }

    /// @inheritdoc ILiquidatable
    function liquidityVault() external view returns (address) {
        return address(VAULT);
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ILendingMarket
    function borrowIndexWad() external view returns (uint256) {
        return _currentIndex();
    }

    /// @inheritdoc ILendingMarket
    function borrowRatePerSecondWad() external view returns (uint256) {
        return _ratePerSecond(_currentIndex());
    }

    /// @inheritdoc ILendingMarket
    function utilizationWad() external view returns (uint256) {
        return _utilization(_currentIndex());
    }

    /// @inheritdoc ILendingMarket
    function debtOf(address account_) external view returns (uint256) {
        return _debtWad(_accounts[account_].scaledDebtWad, _currentIndex());
    }

    /// @inheritdoc ILendingMarket
    function scaledDebtOf(address account_) external view returns (uint256) {
        return _accounts[account_].scaledDebtWad;
    }

    /// @inheritdoc ILendingMarket
    function vaultReceivable() external view returns (uint256) {
        return totalScaledDebtWad.mulWadDown(_currentIndex());
    }

    /// @inheritdoc ILendingMarket
    function openInterestNotional() external pure returns (uint256) {
        return 0;
    }

    /// @inheritdoc ILendingMarket
    function accountState(address account_) external view returns (LendingAccount memory s) {
        (s.collateralValueWad, s.borrowLimitWad, s.liquidationLimitWad) = _collateralValues(account_);
        s.debtWad = _debtWad(_accounts[account_].scaledDebtWad, _currentIndex());
        s.equityWad = s.liquidationLimitWad.toInt() - s.debtWad.toInt();
        s.healthFactorWad = _healthFactorWad(s.liquidationLimitWad, s.debtWad);
    }

    /// @inheritdoc ILendingMarket
    function healthFactorOf(address account_) external view returns (uint256) {
        (,, uint256 liquidationLimitWad) = _collateralValues(account_);
        return _healthFactorWad(liquidationLimitWad, _debtWad(_accounts[account_].scaledDebtWad, _currentIndex()));
    }

    /// @inheritdoc ILendingMarket
    function isLiquidatable(address account_) external view returns (bool) {
        return _equityWad(account_) < 0;
    }

    /// @inheritdoc ILendingMarket
    function collateralBalance(address account_, uint256 collateralId) external view returns (uint256) {
        return _balances[account_][collateralId];
    }

    /// @inheritdoc ILendingMarket
    function lendingCollateral(uint256 collateralId) external view returns (LendingCollateralParams memory) {
        return _collateral(collateralId);
    }

    /// @inheritdoc ILendingMarket
    function collateral(uint256 collateralId) external view returns (CollateralParams memory) {
        LendingCollateralParams storage p = _collateral(collateralId);
        return CollateralParams(p.token, p.oracle, p.decimals, p.liquidationLtvWad, p.depositCap);
    }

    /// @inheritdoc ILendingMarket
    function quoteToken() external view returns (address) {
        return address(QUOTE);
    }

    /// @inheritdoc ILendingMarket
    function rateModel() external view returns (RateModel memory) {
        return _rate;
    }

    /*//////////////////////////////////////////////////////////////
                                INTEREST
    //////////////////////////////////////////////////////////////*/

    /// @dev Stores the index grown to now and returns it.
    function _accrue() internal returns (uint256 indexWad) {
        indexWad = _storedIndexWad;
        uint256 elapsed = block.timestamp - lastAccrual;
        if (elapsed == 0) return indexWad;
        uint256 rateWad = _ratePerSecond(indexWad);
        indexWad = _grow(indexWad, rateWad, elapsed);
        _storedIndexWad = indexWad;
        lastAccrual = block.timestamp;
        emit InterestAccrued(indexWad, rateWad, totalScaledDebtWad.mulWadDown(indexWad));
    }

    /// @dev The index `accrue` would store now.
    function _currentIndex() internal view returns (uint256) {
        uint256 indexWad = _storedIndexWad;
        uint256 elapsed = block.timestamp - lastAccrual;
        return elapsed == 0 ? indexWad : _grow(indexWad, _ratePerSecond(indexWad), elapsed);
    }

    /// @dev index × (1 + rate × elapsed), rounded up (against the borrower): simple interest between touches.
    function _grow(uint256 indexWad, uint256 rateWad, uint256 elapsed) internal pure returns (uint256) {
        return indexWad.mulWadUp(WAD + rateWad * elapsed);
    }

    /// @dev The kink model at the utilization implied by `indexWad` [wad per second].
    function _ratePerSecond(uint256 indexWad) internal view returns (uint256) {
        RateModel memory r = _rate;
        uint256 u = _utilization(indexWad);
        if (u <= r.kinkWad) {
            return r.baseRatePerSecondWad + uint256(r.slope1PerSecondWad).mulWadUp(u.divWadUp(r.kinkWad));
        }
        return r.baseRatePerSecondWad + r.slope1PerSecondWad
            + uint256(r.slope2PerSecondWad).mulWadUp((u - r.kinkWad).divWadUp(WAD - r.kinkWad));
    }

    /// @dev receivable ÷ (idle + receivable) of the vault [wad, rounded up; 0 with nothing lent].
    function _utilization(uint256 indexWad) internal view returns (uint256) {
        uint256 receivableWad = totalScaledDebtWad.mulWadDown(indexWad);
        if (receivableWad == 0) return 0;
        uint256 idleWad = QUOTE.balanceOf(address(VAULT)) * QUOTE_UNIT_WAD;
        return WadMath.min(receivableWad.divWadUp(idleWad + receivableWad), WAD);
    }

    /// @dev scaled × index, rounded up to whole quote units [wad].
    function _debtWad(uint256 scaledWad, uint256 indexWad) internal view returns (uint256) {
        if (scaledWad == 0) return 0;
        return QuoteUnits.roundUp(scaledWad.mulWadUp(indexWad), QUOTE_UNIT_WAD);
    }

    /*//////////////////////////////////////////////////////////////
                                 HEALTH
    //////////////////////////////////////////////////////////////*/

    /// @dev The engine's equity: Σ value × liquidation LTV (rounded down) − debt (rounded up to whole quote units).
    function _equityWad(address account_) internal view returns (int256) {
        (,, uint256 liquidationLimitWad) = _collateralValues(account_);
        uint256 debtWad = _debtWad(_accounts[account_].scaledDebtWad, _currentIndex());
        return liquidationLimitWad.toInt() - debtWad.toInt();
    }

    /// @dev Σ value × liquidation LTV ÷ debt, rounded down [wad]; type(uint256).max without debt.
    function _healthFactorWad(uint256 liquidationLimitWad, uint256 debtWad) internal pure returns (uint256) {
        return debtWad == 0 ? type(uint256).max : liquidationLimitWad.divWadDown(debtWad);
    }

    /// @dev Σ value, Σ value × borrow LTV and Σ value × liquidation LTV, each term rounded down, at usable prices (an
    /// unusable one reverts).
    function _collateralValues(address account_)
        internal
        view
        returns (uint256 valueWad, uint256 borrowLimitWad, uint256 liquidationLimitWad)
    {
        uint256 id;
        for (uint256 mask = _accounts[account_].collateralMask; mask != 0; (mask, id) = (mask >> 1, id + 1)) {
            if (mask & 1 == 0) continue;
            LendingCollateralParams storage p = _collaterals[id];
            uint256 v = (_balances[account_][id] * QuoteUnits.unitWad(p.decimals)).mulWadDown(_usablePrice(p.oracle));
            valueWad += v;
            borrowLimitWad += v.mulWadDown(p.borrowLtvWad);
            liquidationLimitWad += v.mulWadDown(p.liquidationLtvWad);
        }
    }

    /// @dev Debt ≤ Σ value × borrow LTV, at `Valid` prices only (adding risk never uses a volatile or stale price).
    function _requireBorrowLimit(address account_, uint256 indexWad) internal view {
        uint256 limitWad;
        uint256 id;
        for (uint256 mask = _accounts[account_].collateralMask; mask != 0; (mask, id) = (mask >> 1, id + 1)) {
            if (mask & 1 == 0) continue;
            LendingCollateralParams storage p = _collaterals[id];
            (uint256 priceWad, PriceStatus status) = p.oracle.read();
            if (status != PriceStatus.Valid) revert InvalidPrice(address(p.oracle), priceWad, status);
            uint256 v = (_balances[account_][id] * QuoteUnits.unitWad(p.decimals)).mulWadDown(priceWad);
            limitWad += v.mulWadDown(p.borrowLtvWad);
        }
        uint256 debtWad = _debtWad(_accounts[account_].scaledDebtWad, indexWad);
        if (debtWad > limitWad) revert BorrowLimitExceeded(account_, debtWad, limitWad);
    }

    /*//////////////////////////////////////////////////////////////
                                HELPERS
    //////////////////////////////////////////////////////////////*/

    function _usablePrice(IOracle oracle) internal view returns (uint256 priceWad) {
        PriceStatus status;
        (priceWad, status) = oracle.read();
        if (!isUsable(status)) revert InvalidPrice(address(oracle), priceWad, status);
    }

    /// @dev Pulls exactly `amount` of `token` from `from` (a fee-on-transfer token is refused).
    function _pullExact(ERC20 token, address from, uint256 amount) internal {
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(from, address(this), amount);
        uint256 received = token.balanceOf(address(this)) - before;
        if (received != amount) revert TransferAmountMismatch(address(token), amount, received);
    }

    function _setCollateral(address account_, uint256 collateralId, uint256 balance) internal returns (uint256) {
        _balances[account_][collateralId] = balance;
        AccountData storage a = _accounts[account_];
        uint64 bit = uint64(1 << collateralId);
        a.collateralMask = balance != 0 ? a.collateralMask | bit : a.collateralMask & ~bit;
        return balance;
    }

    function _collateral(uint256 collateralId) internal view returns (LendingCollateralParams storage) {
        if (collateralId >= collateralCount) revert UnknownCollateral(collateralId);
        return _collaterals[collateralId];
    }

    function _toUint128(uint256 x) internal pure returns (uint128) {
        if (x > type(uint128).max) revert InvalidParams("uint128 overflow");
        return uint128(x);
    }
}
