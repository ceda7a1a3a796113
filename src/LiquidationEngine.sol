// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Owned} from "solmate/auth/Owned.sol";
import {ILiquidatable} from "./interfaces/ILiquidatable.sol";
import {
    ILiquidationEngine,
    LiquidationParams,
    LiquidationOrder,
    CollateralPattern,
    GasReimbursementParams
} from "./interfaces/ILiquidationEngine.sol";
import {ISolvencyWaterfall} from "./interfaces/ISolvencyWaterfall.sol";
import {IBackstopVault} from "./interfaces/IBackstopVault.sol";
import {WadMath} from "./libraries/WadMath.sol";
import {QuoteUnits} from "./libraries/QuoteUnits.sol";
import {GasReimbursement} from "./libraries/GasReimbursement.sol";
import {StepLimit} from "./libraries/StepLimit.sol";
import {DustSweep} from "./libraries/DustSweep.sol";

/// @title LiquidationEngine
/// @notice Fixed-fee liquidation. See `ILiquidationEngine`.
contract LiquidationEngine is ILiquidationEngine, Owned {
    using WadMath for uint256;
    using WadMath for int256;

    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    /// @dev A liquidation's inputs (read from the protocol) and its outcome (computed here).
    struct Plan {
        int256 equityWad;
        uint256 maintenanceWad;
        int256 sizeWad;
        uint256 priceWad;
        uint256 maintenanceFractionWad;
        uint256 healthBeforeWad; // derived once from equity and maintenance
        uint256 closeSizeWad; // absolute [wad base units]
        uint256 penaltyWad;
        uint256 keeperRewardWad;
        uint256 healthAfterWad;
    }

    /*//////////////////////////////////////////////////////////////
                               CONSTANTS
    //////////////////////////////////////////////////////////////*/

    uint256 internal constant WAD = 1e18;

    /*//////////////////////////////////////////////////////////////
                               IMMUTABLES
    //////////////////////////////////////////////////////////////*/

    ILiquidatable internal immutable PROTOCOL;
    /// @dev The wad value of one quote-token unit.
    uint256 internal immutable QUOTE_UNIT_WAD;

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    LiquidationParams internal _params;
    GasReimbursementParams internal _gas;
    /// @inheritdoc ILiquidationEngine
    address public waterfall;
    /// @inheritdoc ILiquidationEngine
    mapping(uint256 collateralId => CollateralPattern) public collateralPattern;
    /// @inheritdoc ILiquidationEngine
    address public backstop;
    /// @inheritdoc ILiquidationEngine
    uint64 public backstopDiscountWad;
    /// @inheritdoc ILiquidationEngine
    uint256 public totalBadDebtWad;
    /// @inheritdoc ILiquidationEngine
    uint256 public totalDeficitWad;
    /// @inheritdoc ILiquidationEngine
    uint40 public nextParamsRaiseAt;

    bool transient locked;
    /// @dev Gas the current call spent settling bad debt (`_settleBadDebt`): reimbursed at cost outside the notional
    /// cap, since a settlement comes once per emptied account (nothing to farm) and, with the fund empty, opens a bond
    /// series (about 230k more). Read and zeroed by the reimbursement (or handed to the backstop, which reimburses its
    /// caller), so that none counts for a later call of the same transaction.
    uint256 transient settlementGas;

    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    constructor(ILiquidatable protocol_, uint8 quoteDecimals, address owner_, LiquidationParams memory params_)
        Owned(owner_)
    {
        PROTOCOL = protocol_;
        QUOTE_UNIT_WAD = QuoteUnits.unitWad(quoteDecimals);
        _setParams(params_);
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

    modifier notSelf(address account) {
        if (account == msg.sender) revert SelfLiquidation(account);
        _;
    }

    /*//////////////////////////////////////////////////////////////
                             CONFIGURATION
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ILiquidationEngine
    function setParams(LiquidationParams calldata params_) external onlyOwner {
        LiquidationParams memory current = _params;
        uint256 clock = nextParamsRaiseAt;
        bool targetRaised = StepLimit.checkRaise(current.targetHealthWad, params_.targetHealthWad, WAD, clock);
        bool penaltyRaised = StepLimit.checkRaise(current.penaltyWad, params_.penaltyWad, 0, clock);
        if (targetRaised || penaltyRaised) nextParamsRaiseAt = StepLimit.nextClock();
        _setParams(params_);
    }

    function setCollateralPattern(uint256 collateralId, CollateralPattern pattern) external onlyOwner {
        collateralPattern[collateralId] = pattern;
        emit CollateralPatternSet(collateralId, pattern);
    }

    function setWaterfall(address waterfall_) external onlyOwner {
        if (waterfall_ == address(0)) revert InvalidParams("waterfall");
        waterfall = waterfall_;
    }

    /// @notice Sets the backstop vault and its discount, which must be positive and not exceed the keepers' fixed
    /// discount: the backstop buys first because it buys dearer for the account.
    function setBackstop(address backstop_, uint64 discountWad) external onlyOwner {
        // Nonzero: the backstop pays whoever triggers a buy out of the discount, so without one nobody would.
        if (discountWad == 0 || discountWad > _params.collateralDiscountWad) revert InvalidParams("backstop discount");
        backstop = backstop_;
        backstopDiscountWad = discountWad;
        emit BackstopSet(backstop_, discountWad);
    }

    /// @inheritdoc ILiquidationEngine
    function setGasReimbursement(GasReimbursementParams calldata g) external onlyOwner {
        if (g.maxNotionalShareWad > WAD) revert InvalidParams("notional share");
        // A reimbursement the waterfall refuses would revert every liquidation: refuse the setting instead.
        if (address(g.nativeOracle) != address(0) && !ISolvencyWaterfall(_fund()).isRewardSpender(address(this))) {
            revert NotWaterfallSpender(waterfall);
        }
        _gas = g;
        emit GasReimbursementSet(g);
    }

    function _setParams(LiquidationParams memory p) internal {
        if (p.targetHealthWad <= WAD) revert InvalidParams("target health");
        if (p.fullCloseHealthWad >= WAD) revert InvalidParams("full-close health");
        if (p.penaltyWad == 0 || p.penaltyWad >= WAD) revert InvalidParams("penalty");
        if (p.keeperShareWad > WAD) revert InvalidParams("keeper share");
        if (p.collateralDiscountWad >= WAD) revert InvalidParams("collateral discount");
        _params = p;
        emit ParamsSet(p);
    }

    /*//////////////////////////////////////////////////////////////
                         POSITION LIQUIDATION
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ILiquidationEngine
    /// @dev Incentive: penalty = closed notional × min(penalty fraction, maintenance fraction × health), so that closing
    /// never lowers the health of a solvent account; the keeper gets its share, the insurance fund the rest. With
    /// equity ≤ 0 only the keeper's share is charged (it becomes bad debt the insurance fund covers); charging the
    /// fund's share too would only move the fund's money in a circle.
    function liquidate(address account, uint256 marketId, uint256 maxCloseSizeWad)
        external
        nonReentrant
        notSelf(account)
        returns (int256 closedSizeWad)
    {
        uint256 gasStart = gasleft();
        address fund = _fund();
        uint256 closedNotionalWad;
        (closedSizeWad,, closedNotionalWad,) = _liquidate(account, marketId, maxCloseSizeWad, _params, fund, false);
        _reimburseGas(fund, gasStart, closedNotionalWad, 0);
    }

    /// @inheritdoc ILiquidationEngine
    /// @dev The parameters and the waterfall are read once for the whole batch, and the payees paid once.
    function liquidateBatch(LiquidationOrder[] calldata orders)
        external
        nonReentrant
        returns (int256[] memory closedSizesWad, uint256 keeperRewardWad)
    {
        uint256 gasStart = gasleft();
        LiquidationParams memory p = _params;
        address fund = _fund();
        closedSizesWad = new int256[](orders.length);
        bool[] memory closedInFull = new bool[](orders.length);
        uint256 closedNotionalWad;
        // The keeper and the waterfall are paid once for the whole batch.
        PROTOCOL.beginPayouts(msg.sender, fund);
        for (uint256 i; i < orders.length; ++i) {
            LiquidationOrder calldata order = orders[i];
            if (order.account == msg.sender) revert SelfLiquidation(order.account);
            (uint256 rewardWad, uint256 notionalWad) = (0, 0);
            (closedSizesWad[i], rewardWad, notionalWad, closedInFull[i]) =
                _liquidate(order.account, order.marketId, type(uint256).max, p, fund, true);
            keeperRewardWad += rewardWad;
            closedNotionalWad += notionalWad;
        }
        PROTOCOL.endPayouts();
        // Bad debt only once the waterfall holds the batch's insurance shares: settled in the middle, a debt would
        // find the fund without the revenue the positions closed before it brought.
        for (uint256 i; i < orders.length; ++i) {
            if (closedInFull[i]) _settleIfEmpty(orders[i].account);
        }
        // Reimbursed once the settlements have measured their gas, by the waterfall (its revenue, the batch's
        // insurance shares among it, then the fund).
        keeperRewardWad += _reimburseGas(fund, gasStart, closedNotionalWad, 0);
    }

    /// @dev The penalty's insurance share is revenue: the waterfall repays bondholders with it, then the fund.
    function _fund() internal view returns (address fund) {
        fund = waterfall;
        if (fund == address(0)) revert InvalidParams("waterfall not set");
    }

    /// @dev One position's liquidation. In a batch, an account no longer below maintenance or without a position in
    /// the market closes nothing (returns zeros) instead of reverting, and the caller settles an emptied account's bad
    /// debt (`closedInFull`: the position closed in full, so the account may be empty).
    function _liquidate(
        address account,
        uint256 marketId,
        uint256 maxCloseSizeWad,
        LiquidationParams memory p,
        address fund,
        bool inBatch
    ) internal returns (int256 closedSizeWad, uint256 keeperRewardWad, uint256 closedNotionalWad, bool closedInFull) {
        Plan memory plan = _snapshot(account, marketId);
        if (plan.equityWad >= plan.maintenanceWad.toInt()) {
            if (inBatch) return (0, 0, 0, false);
            revert Healthy(account, plan.equityWad, plan.maintenanceWad);
        }
        if (plan.sizeWad == 0) {
            if (inBatch) return (0, 0, 0, false);
            revert NoPosition(account, marketId);
        }
        _plan(p, plan);
        if (plan.closeSizeWad > maxCloseSizeWad) {
            uint256 remainderNotionalWad = (plan.sizeWad.abs() - maxCloseSizeWad).mulWadDown(plan.priceWad);
            if (remainderNotionalWad < p.dustNotionalWad) {
                revert DustRemainder(remainderNotionalWad, p.dustNotionalWad);
            }
            uint256 closeNotionalWad = maxCloseSizeWad.mulWadDown(plan.priceWad);
            if (closeNotionalWad < p.dustNotionalWad) revert CloseTooSmall(closeNotionalWad, p.dustNotionalWad);
            plan.closeSizeWad = maxCloseSizeWad;
            _penalty(p, plan);
        }
        closedSizeWad = plan.sizeWad > 0 ? -plan.closeSizeWad.toInt() : plan.closeSizeWad.toInt();
        keeperRewardWad = plan.keeperRewardWad;

        int256 equityAfterWad;
        uint256 maintenanceAfterWad;
        (closedNotionalWad, equityAfterWad, maintenanceAfterWad) = PROTOCOL.liquidatePosition(
            account,
            marketId,
            closedSizeWad,
            msg.sender,
            plan.keeperRewardWad,
            fund,
            plan.penaltyWad - plan.keeperRewardWad
        );

        plan.healthAfterWad = WadMath.healthWad(equityAfterWad, maintenanceAfterWad);
        _emitLiquidated(account, marketId, closedSizeWad, closedNotionalWad, plan);
        // A partial close leaves a position: the account cannot be empty.
        closedInFull = plan.closeSizeWad == plan.sizeWad.abs();
        if (closedInFull && !inBatch) _settleIfEmpty(account);
    }

    /// @inheritdoc ILiquidationEngine
    function previewLiquidation(address account, uint256 marketId)
        external
        view
        returns (int256 closeSizeWad, uint256 penaltyWad, uint256 keeperRewardWad)
    {
        Plan memory plan = _snapshot(account, marketId);
        if (plan.equityWad >= plan.maintenanceWad.toInt() || plan.sizeWad == 0) return (0, 0, 0);
        _plan(_params, plan);
        closeSizeWad = plan.sizeWad > 0 ? -plan.closeSizeWad.toInt() : plan.closeSizeWad.toInt();
        // The notional the protocol reports closing (rounded up).
        GasReimbursementParams memory g = _gas;
        keeperRewardWad = plan.keeperRewardWad
            + _gasReimbursementWad(g, uint256(g.callGas) + g.previewGas, 0, plan.closeSizeWad.mulWadUp(plan.priceWad));
        return (closeSizeWad, plan.penaltyWad, keeperRewardWad);
    }

    function _snapshot(address account, uint256 marketId) internal view returns (Plan memory plan) {
        (plan.equityWad, plan.maintenanceWad) = PROTOCOL.marginState(account);
        (plan.sizeWad, plan.priceWad, plan.maintenanceFractionWad) = PROTOCOL.positionState(account, marketId);
        plan.healthBeforeWad = WadMath.healthWad(plan.equityWad, plan.maintenanceWad);
    }

    function _emitLiquidated(
        address account,
        uint256 marketId,
        int256 closedSizeWad,
        uint256 closedNotionalWad,
        Plan memory plan
    ) internal {
        emit Liquidated(
            account,
            marketId,
            msg.sender,
            closedSizeWad,
            closedNotionalWad,
            plan.priceWad,
            plan.penaltyWad,
            plan.keeperRewardWad,
            plan.penaltyWad - plan.keeperRewardWad,
            plan.healthBeforeWad,
            plan.healthAfterWad
        );
    }

    /// @dev How much to close: all of it when equity ≤ 0, health is under the full-close bound, or the rest would be
    /// dust; otherwise the notional x that brings health to the target h*. Closing x at the oracle price leaves PnL
    /// in equity and removes penalty q·x from it and m·x from the requirement:
    ///   (E − q·x) = h*·(M − m·x)  ⇒  x = (h*·M − E) / (h*·m − q).
    function _plan(LiquidationParams memory p, Plan memory plan) internal view {
        uint256 fullSizeWad = plan.sizeWad.abs();
        plan.closeSizeWad = fullSizeWad;
        if (plan.equityWad > 0 && plan.healthBeforeWad >= p.fullCloseHealthWad) {
            uint256 penaltyFractionWad = _penaltyFraction(p, plan.healthBeforeWad, plan.maintenanceFractionWad);
            uint256 numeratorWad = uint256(p.targetHealthWad).mulWadUp(plan.maintenanceWad) - uint256(plan.equityWad);
            uint256 denominatorWad =
                uint256(p.targetHealthWad).mulWadDown(plan.maintenanceFractionWad) - penaltyFractionWad;
            uint256 partialSizeWad =
                denominatorWad == 0 ? fullSizeWad : numeratorWad.divWadUp(denominatorWad).divWadUp(plan.priceWad);
            // Close at least the dust notional: a slice smaller than that would move health less than the rounding
            // of its realized PnL to whole quote units.
            uint256 minimumSizeWad = uint256(p.dustNotionalWad).divWadUp(plan.priceWad);
            if (partialSizeWad < minimumSizeWad) partialSizeWad = minimumSizeWad;
            if (partialSizeWad < fullSizeWad) {
                uint256 remainderNotionalWad = (fullSizeWad - partialSizeWad).mulWadDown(plan.priceWad);
                if (remainderNotionalWad >= p.dustNotionalWad) plan.closeSizeWad = partialSizeWad;
            }
        }
        _penalty(p, plan);
    }

    /// @dev Penalty [wad, whole quote units, rounded down] and the keeper's part of it [rounded down].
    function _penalty(LiquidationParams memory p, Plan memory plan) internal view {
        uint256 closedNotionalWad = plan.closeSizeWad.mulWadUp(plan.priceWad);
        if (plan.equityWad <= 0) {
            // Bad debt the fund pays: capped, so that liquidating one's own insolvent twin earns no share of it, once
            // gas is reimbursed (without it the share is the keeper's only pay).
            uint256 shareWad = closedNotionalWad.mulWadDown(p.penaltyWad).mulWadDown(p.keeperShareWad);
            GasReimbursementParams storage g = _gas;
            if (address(g.nativeOracle) != address(0)) shareWad = WadMath.min(shareWad, g.insolventTipWad);
            plan.keeperRewardWad = QuoteUnits.roundDown(shareWad, QUOTE_UNIT_WAD);
            plan.penaltyWad = plan.keeperRewardWad;
            return;
        }
        uint256 fractionWad = _penaltyFraction(p, plan.healthBeforeWad, plan.maintenanceFractionWad);
        // Never more than the equity, so a solvent account is not pushed into bad debt by its own penalty; one quote
        // unit is held back to absorb the rounding of the requirement after the close.
        uint256 penaltyWad = WadMath.min(closedNotionalWad.mulWadDown(fractionWad), uint256(plan.equityWad));
        penaltyWad = penaltyWad > QUOTE_UNIT_WAD ? penaltyWad - QUOTE_UNIT_WAD : 0;
        plan.penaltyWad = QuoteUnits.roundDown(penaltyWad, QUOTE_UNIT_WAD);
        plan.keeperRewardWad = QuoteUnits.roundDown(plan.penaltyWad.mulWadDown(p.keeperShareWad), QUOTE_UNIT_WAD);
    }

    /// @dev min(penalty fraction, maintenance fraction × health): the largest penalty that cannot lower health.
    function _penaltyFraction(LiquidationParams memory p, uint256 healthWad, uint256 maintenanceFractionWad)
        internal
        pure
        returns (uint256)
    {
        return WadMath.min(p.penaltyWad, maintenanceFractionWad.mulWadDown(healthWad));
    }

    /*//////////////////////////////////////////////////////////////
                           GAS REIMBURSEMENT
    //////////////////////////////////////////////////////////////*/

    /// @dev Pays the keeper the gas the call used since `gasStart` and what it cannot measure (`callGas`), at cost,
    /// and `tipWad`, through the waterfall (revenue, then the insurance fund), as far as they can pay; returns what
    /// was paid [wad quote]. Call it last: what follows it is counted in `callGas`.
    function _reimburseGas(address fund, uint256 gasStart, uint256 closedNotionalWad, uint256 tipWad)
        internal
        returns (uint256 paidWad)
    {
        GasReimbursementParams memory g = _gas;
        uint256 gasUnits = gasStart - gasleft() + g.callGas;
        uint256 settledGas = settlementGas;
        if (settledGas != 0) settlementGas = 0;
        uint256 owedWad = _gasReimbursementWad(g, gasUnits, settledGas, closedNotionalWad)
            + QuoteUnits.roundDown(tipWad, QUOTE_UNIT_WAD);
        if (owedWad == 0) return 0;
        paidWad = ISolvencyWaterfall(fund).cover(msg.sender, owedWad / QUOTE_UNIT_WAD) * QUOTE_UNIT_WAD;
        emit GasReimbursed(msg.sender, gasUnits, closedNotionalWad, paidWad);
    }

    /// @dev The gas at cost (`GasReimbursement.atCostWithinWad`: the part not spent settling bad debt within the notional
    /// share of `closedNotionalWad`), in whole quote units (rounded down) [wad quote]; zero when nothing closed.
    function _gasReimbursementWad(
        GasReimbursementParams memory g,
        uint256 gasUnits,
        uint256 settledGas,
        uint256 closedNotionalWad
    ) internal view returns (uint256) {
        if (closedNotionalWad == 0) return 0;
        uint256 capWad = closedNotionalWad.mulWadDown(g.maxNotionalShareWad);
        return QuoteUnits.roundDown(
            GasReimbursement.atCostWithinWad(g.nativeOracle, gasUnits, settledGas, capWad), QUOTE_UNIT_WAD
        );
    }

    /*//////////////////////////////////////////////////////////////
                            COLLATERAL SALE
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ILiquidationEngine
    /// @dev Sale price = oracle price × max(1 − discount, haircut): the keeper's discount never exceeds what the
    /// haircut already withheld, so the sale cannot lower the account's equity.
    function buyCollateral(address account, uint256 collateralId, uint256 maxAmount, uint256 maxPriceWad)
        external
        nonReentrant
        notSelf(account)
        returns (uint256 amount, uint256 quotePaidWad)
    {
        uint256 gasStart = gasleft();
        CollateralPattern pattern = collateralPattern[collateralId];
        if (pattern == CollateralPattern.DutchAuction) revert WrongPattern(collateralId, pattern);
        if (pattern == CollateralPattern.Internal) _requireBackstopFull(collateralId);
        uint256 debtWad = _sellableDebt(account);
        uint256 salePriceWad;
        (amount, salePriceWad, quotePaidWad) =
            _sale(account, collateralId, debtWad, maxAmount, type(uint256).max, _params.collateralDiscountWad);
        if (salePriceWad > maxPriceWad) revert PriceLimit(salePriceWad, maxPriceWad);

        PROTOCOL.seizeCollateral(account, collateralId, amount, msg.sender, quotePaidWad);
        emit CollateralSold(account, collateralId, msg.sender, amount, salePriceWad, quotePaidWad);
        _settleIfEmpty(account);
        // The discount alone pays less than the gas on a small sale or in congestion: gas at cost, as for a close,
        // within the notional share of the quote paid.
        _reimburseGas(_fund(), gasStart, quotePaidWad, 0);
    }

    /// @inheritdoc ILiquidationEngine
    function sellToBackstop(address account, uint256 collateralId, uint256 maxPaidWad)
        external
        nonReentrant
        returns (uint256 amount, uint256 salePriceWad, uint256 quotePaidWad, uint256 settlementGasUsed)
    {
        if (msg.sender != backstop) revert NotBackstop(msg.sender);
        CollateralPattern pattern = collateralPattern[collateralId];
        if (pattern != CollateralPattern.Internal) revert WrongPattern(collateralId, pattern);
        uint256 debtWad = _sellableDebt(account);
        (amount, salePriceWad, quotePaidWad) =
            _sale(account, collateralId, debtWad, type(uint256).max, maxPaidWad, backstopDiscountWad);

        PROTOCOL.seizeCollateral(account, collateralId, amount, msg.sender, quotePaidWad);
        emit CollateralSold(account, collateralId, msg.sender, amount, salePriceWad, quotePaidWad);
        _settleIfEmpty(account);
        // The backstop reimburses its caller; it is told this part, and none of it stays for a later call.
        settlementGasUsed = settlementGas;
        if (settlementGasUsed != 0) settlementGas = 0;
    }

    /// @dev Keepers buy internal-pattern collateral only while the backstop cannot: it has priority.
    function _requireBackstopFull(uint256 collateralId) internal view {
        address backstop_ = backstop;
        if (backstop_ == address(0)) return;
        uint256 capacityWad = IBackstopVault(backstop_).capacity(collateralId, backstopDiscountWad);
        if (capacityWad >= _params.dustNotionalWad) revert BackstopFirst(collateralId, capacityWad);
    }

    /// @dev Reverts unless the account is below maintenance and in debt; returns the debt [wad].
    function _sellableDebt(address account) internal view returns (uint256 debtWad) {
        int256 quoteWad = PROTOCOL.quoteBalance(account);
        if (quoteWad >= 0) revert NoDebt(account, quoteWad);
        (int256 equityWad, uint256 maintenanceWad) = PROTOCOL.marginState(account);
        if (equityWad >= maintenanceWad.toInt()) revert Healthy(account, equityWad, maintenanceWad);
        debtWad = uint256(-quoteWad);
    }

    /// @dev The amount to sell [token units]: enough to repay the debt (rounded up), never more than held, than the
    /// buyer wants (`maxAmount`, or what `maxPaidWad` buys), and never leaving a remainder worth less than the dust
    /// minimum: a keeper's own limit that would reverts; the backstop's budget shrinks the amount to leave the dust.
    function _sale(
        address account,
        uint256 collateralId,
        uint256 debtWad,
        uint256 maxAmount,
        uint256 maxPaidWad,
        uint256 discountWad
    ) internal view returns (uint256 amount, uint256 salePriceWad, uint256 quotePaidWad) {
        (uint256 balance, uint256 priceWad, uint256 haircutWad, uint8 decimals) =
            PROTOCOL.collateralState(account, collateralId);
        if (balance == 0) revert NoCollateral(account, collateralId);
        salePriceWad = priceWad.mulWadUp(WadMath.max(WAD - discountWad, haircutWad));
        uint256 unitWad = QuoteUnits.unitWad(decimals);
        uint256 neededWholeWad = debtWad.divWadUp(salePriceWad); // [wad whole tokens]
        amount = WadMath.min(WadMath.min((neededWholeWad + unitWad - 1) / unitWad, balance), maxAmount);
        uint256 budget =
            maxPaidWad == type(uint256).max ? type(uint256).max : _affordable(maxPaidWad, salePriceWad, unitWad);
        if (amount < balance) {
            uint256 remainderValueWad = ((balance - amount) * unitWad).mulWadDown(priceWad);
            if (remainderValueWad < _params.dustNotionalWad) {
                if (maxAmount < balance) revert DustRemainder(remainderValueWad, _params.dustNotionalWad);
                amount = balance;
            }
        }
        if (amount > budget) {
            // Leave at least the dust minimum's worth behind (rounded up to a whole token unit).
            uint256 dustAmount = (uint256(_params.dustNotionalWad).divWadUp(priceWad) + unitWad - 1) / unitWad;
            amount = balance - budget >= dustAmount ? budget : (balance > dustAmount ? balance - dustAmount : 0);
        }
        if (amount == 0) revert NoCollateral(account, collateralId);
        quotePaidWad = QuoteUnits.roundUp((amount * unitWad).mulWadUp(salePriceWad), QUOTE_UNIT_WAD);
    }

    /// @dev Token units whose price (rounded up to whole quote units) stays within `maxPaidWad`.
    function _affordable(uint256 maxPaidWad, uint256 salePriceWad, uint256 unitWad) internal view returns (uint256) {
        uint256 budgetWad = QuoteUnits.roundDown(maxPaidWad, QUOTE_UNIT_WAD);
        // One quote unit of slack absorbs the upward rounding of the price paid.
        budgetWad = budgetWad > QUOTE_UNIT_WAD ? budgetWad - QUOTE_UNIT_WAD : 0;
        return budgetWad.divWadDown(salePriceWad) / unitWad;
    }

    /*//////////////////////////////////////////////////////////////
                               BAD DEBT
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ILiquidationEngine
    /// @dev Dust first: with no positions left, collateral worth less than both the dust minimum and the debt goes to
    /// the caller; the write-off then reverts unless the account has no positions, no lots in auction and a debt.
    function settleBadDebt(address account) external nonReentrant returns (uint256 badDebtWad) {
        uint256 gasStart = gasleft();
        (uint256 marketMask, uint256 collateralMask) = PROTOCOL.accountMasks(account);
        if (marketMask != 0 || collateralMask == 0) {
            badDebtWad = _settleBadDebt(account);
            settlementGas = 0; // not reimbursed
            return badDebtWad;
        }
        DustSweep.sweep(PROTOCOL, account, collateralMask, _params.dustNotionalWad, msg.sender);
        badDebtWad = _settleBadDebt(account);
        _reimburseGas(_fund(), gasStart, _params.dustNotionalWad, _gas.insolventTipWad);
    }

    function _settleIfEmpty(address account) internal {
        (uint256 marketMask, uint256 collateralMask) = PROTOCOL.accountMasks(account);
        if (marketMask != 0 || collateralMask != 0 || PROTOCOL.quoteBalance(account) >= 0) return;
        // Collateral still in auction may yet repay the debt: the auction settles it when it ends.
        if (PROTOCOL.auctionLots(account) == 0) _settleBadDebt(account);
    }

    /// @dev The account's own collateral is already gone; the waterfall takes the rest (insurance fund, then bonds,
    /// then socialization). Debts are whole quote units, so the division is exact.
    function _settleBadDebt(address account) internal returns (uint256 badDebtWad) {
        uint256 gasAtStart = gasleft();
        badDebtWad = PROTOCOL.writeOffBadDebt(account);
        (uint256 paid,,) =
            ISolvencyWaterfall(waterfall).absorbBadDebt(PROTOCOL.liquidityVault(), account, badDebtWad / QUOTE_UNIT_WAD);
        uint256 coveredWad = paid * QUOTE_UNIT_WAD;
        uint256 deficitWad = badDebtWad - coveredWad;
        totalBadDebtWad += badDebtWad;
        totalDeficitWad += deficitWad;
        emit BadDebtSettled(account, badDebtWad, coveredWad, deficitWad);
        settlementGas += gasAtStart - gasleft();
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    function protocol() external view returns (ILiquidatable) {
        return PROTOCOL;
    }

    function params() external view returns (LiquidationParams memory) {
        return _params;
    }

    function gasReimbursementParams() external view returns (GasReimbursementParams memory) {
        return _gas;
    }
}
