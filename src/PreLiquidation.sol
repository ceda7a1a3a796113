// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Owned} from "solmate/auth/Owned.sol";
import {ILiquidatable} from "./interfaces/ILiquidatable.sol";
import {ILiquidationEngine, LiquidationParams} from "./interfaces/ILiquidationEngine.sol";
import {IPreLiquidation, PreLiquidationParams} from "./interfaces/IPreLiquidation.sol";
import {WadMath} from "./libraries/WadMath.sol";
import {QuoteUnits} from "./libraries/QuoteUnits.sol";
import {StepLimit} from "./libraries/StepLimit.sol";

/// @title PreLiquidation
/// @notice The soft margin call. See `IPreLiquidation` and docs/design.md ("Pre-liquidation").
contract PreLiquidation is IPreLiquidation, Owned {
    using WadMath for uint256;
    using WadMath for int256;

    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    /// @dev Why a plan cannot run (`Ok` when it can); `preLiquidate` turns each into its error.
    enum Status {
        Ok,
        NotEnabled,
        OptedOut,
        NoPosition,
        NotInZone,
        BelowMaintenance,
        IncentiveNotBelowPenalty,
        ZoneAboveEngineTarget,
        CloseTooSmall,
        DustRemainder
    }

    /// @dev See `zoneClock`.
    struct ZoneClock {
        uint64 lastTopWad;
        uint40 nextRaiseAt;
    }

    /// @dev A pre-liquidation's inputs (read from the protocol and the engine) and its outcome.
    struct Plan {
        int256 equityWad;
        uint256 maintenanceWad;
        int256 sizeWad;
        uint256 priceWad;
        uint256 maintenanceFractionWad;
        uint256 healthBeforeWad;
        uint256 preHealthWad;
        uint256 closeFactorWad;
        uint256 incentiveFractionWad; // min(schedule, maintenance fraction × health)
        uint256 closeSizeWad; // absolute [wad base units]
        uint256 incentiveWad; // [wad, whole quote units]
        uint256 dustNotionalWad;
        uint256 errorValueWad; // the amount a CloseTooSmall / DustRemainder / IncentiveNotBelowPenalty names
    }

    /*//////////////////////////////////////////////////////////////
                               CONSTANTS
    //////////////////////////////////////////////////////////////*/

    uint256 internal constant WAD = 1e18;
    /// @dev The top of the zone is at most health 10: anything higher would pre-liquidate healthy books.
    uint256 internal constant MAX_PRE_HEALTH_WAD = 10e18;

    /*//////////////////////////////////////////////////////////////
                               IMMUTABLES
    //////////////////////////////////////////////////////////////*/

    ILiquidatable internal immutable PROTOCOL;
    ILiquidationEngine internal immutable ENGINE;
    /// @dev The wad value of one quote-token unit.
    uint256 internal immutable QUOTE_UNIT_WAD;

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    mapping(uint256 marketId => PreLiquidationParams) internal _params;
    mapping(address account => mapping(uint256 marketId => bool)) internal _optedOut;
    /// @dev Per market: the last top of its zone and when it may next rise (`zoneClock`).
    mapping(uint256 marketId => ZoneClock) internal _zoneClocks;

    bool transient locked;

    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    constructor(ILiquidatable protocol_, ILiquidationEngine engine_, uint8 quoteDecimals, address owner_)
        Owned(owner_)
    {
        address engineProtocol = address(engine_.protocol());
        if (engineProtocol != address(protocol_)) revert EngineMismatch(engineProtocol, address(protocol_));
        PROTOCOL = protocol_;
        ENGINE = engine_;
        QUOTE_UNIT_WAD = QuoteUnits.unitWad(quoteDecimals);
    }

    modifier nonReentrant() {
        if (locked) revert Reentrancy();
        locked = true;
        _;
        locked = false;
    }

    /*//////////////////////////////////////////////////////////////
                             CONFIGURATION
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IPreLiquidation
    function setParams(uint256 marketId, PreLiquidationParams calldata p) external onlyOwner {
        if (p.preHealthWad != 0) {
            _validate(p);
        } else if (
            p.closeFactorTopWad != 0 || p.closeFactorLineWad != 0 || p.incentiveTopWad != 0 || p.incentiveLineWad != 0
                || p.optOutAllowed
        ) {
            revert InvalidPreHealth(0); // only the zero struct disables a market
        }
        if (p.preHealthWad != 0) _stepZone(marketId, p.preHealthWad);
        _params[marketId] = p;
        emit ParamsSet(marketId, p);
    }

    /// @dev The top rises in steps from the last top the market had (a market's first zone is free).
    function _stepZone(uint256 marketId, uint64 topWad) internal {
        ZoneClock memory clock = _zoneClocks[marketId];
        if (clock.lastTopWad != 0 && StepLimit.checkRaise(clock.lastTopWad, topWad, WAD, clock.nextRaiseAt)) {
            clock.nextRaiseAt = StepLimit.nextClock();
        }
        clock.lastTopWad = topWad;
        _zoneClocks[marketId] = clock;
    }

    /// @inheritdoc IPreLiquidation
    function zoneClock(uint256 marketId) external view returns (uint64 lastTopWad, uint40 nextRaiseAt) {
        ZoneClock memory clock = _zoneClocks[marketId];
        return (clock.lastTopWad, clock.nextRaiseAt);
    }

    function _validate(PreLiquidationParams calldata p) internal view {
        if (p.preHealthWad <= WAD || p.preHealthWad > MAX_PRE_HEALTH_WAD) revert InvalidPreHealth(p.preHealthWad);
        if (p.closeFactorTopWad == 0 || p.closeFactorTopWad > p.closeFactorLineWad || p.closeFactorLineWad > WAD) {
            revert InvalidCloseFactors(p.closeFactorTopWad, p.closeFactorLineWad);
        }
        if (p.incentiveTopWad > p.incentiveLineWad) revert InvalidIncentives(p.incentiveTopWad, p.incentiveLineWad);
        LiquidationParams memory engineParams = ENGINE.params();
        if (p.incentiveLineWad >= engineParams.penaltyWad) {
            revert IncentiveNotBelowPenalty(p.incentiveLineWad, engineParams.penaltyWad);
        }
        if (p.preHealthWad > engineParams.targetHealthWad) {
            revert ZoneAboveEngineTarget(p.preHealthWad, engineParams.targetHealthWad);
        }
    }

    /// @inheritdoc IPreLiquidation
    function setOptOut(uint256 marketId, bool optedOut) external {
        if (optedOut && !_params[marketId].optOutAllowed) revert OptOutNotAllowed(marketId);
        _optedOut[msg.sender][marketId] = optedOut;
        emit OptOutSet(msg.sender, marketId, optedOut);
    }

    /*//////////////////////////////////////////////////////////////
                            PRE-LIQUIDATION
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IPreLiquidation
    function preLiquidate(address account, uint256 marketId, uint256 maxCloseSizeWad)
        external
        nonReentrant
        returns (int256 closedSizeWad, uint256 incentiveWad)
    {
        if (account == msg.sender) revert SelfPreLiquidation(account);
        Plan memory plan;
        Status status = _plan(account, marketId, maxCloseSizeWad, plan);
        if (status != Status.Ok) _revert(status, account, marketId, plan);
        closedSizeWad = plan.sizeWad > 0 ? -plan.closeSizeWad.toInt() : plan.closeSizeWad.toInt();
        incentiveWad = plan.incentiveWad;

        // The whole incentive goes to the caller; no insurance share (docs/design.md says why).
        (uint256 closedNotionalWad, int256 equityAfterWad, uint256 maintenanceAfterWad) =
            PROTOCOL.liquidatePosition(account, marketId, closedSizeWad, msg.sender, incentiveWad, address(0), 0);

        emit PreLiquidated(
            account,
            marketId,
            msg.sender,
            closedSizeWad,
            closedNotionalWad,
            plan.priceWad,
            plan.closeFactorWad,
            plan.incentiveFractionWad,
            incentiveWad,
            plan.healthBeforeWad,
            WadMath.healthWad(equityAfterWad, maintenanceAfterWad)
        );
    }

    /// @inheritdoc IPreLiquidation
    function previewPreLiquidation(address account, uint256 marketId)
        external
        view
        returns (int256 closeSizeWad, uint256 incentiveWad, uint256 healthWad)
    {
        Plan memory plan;
        Status status = _plan(account, marketId, type(uint256).max, plan);
        healthWad = plan.healthBeforeWad;
        if (status != Status.Ok) return (0, 0, healthWad);
        closeSizeWad = plan.sizeWad > 0 ? -plan.closeSizeWad.toInt() : plan.closeSizeWad.toInt();
        incentiveWad = plan.incentiveWad;
    }

    /// @dev Fills `plan` and says whether it can run. Slice: min(close factor × |size|, the size x that lifts health
    /// to the top of the zone h_p, the caller's limit). Closing notional x at the oracle price leaves PnL in equity
    /// and removes the incentive q·x from it and m·x from the requirement, as in the engine's `_plan`:
    ///   (E − q·x) = h_p·(M − m·x)  ⇒  x = (h_p·M − E) / (h_p·m − q),
    /// rounded up, so that the account leaves the zone; h_p·m > q always holds in the zone since q ≤ m·h < m·h_p.
    function _plan(address account, uint256 marketId, uint256 maxCloseSizeWad, Plan memory plan)
        internal
        view
        returns (Status)
    {
        PreLiquidationParams memory p = _params[marketId];
        if (p.preHealthWad == 0) return Status.NotEnabled;
        plan.preHealthWad = p.preHealthWad;
        (plan.equityWad, plan.maintenanceWad) = PROTOCOL.marginState(account);
        (plan.sizeWad, plan.priceWad, plan.maintenanceFractionWad) = PROTOCOL.positionState(account, marketId);
        plan.healthBeforeWad = WadMath.healthWad(plan.equityWad, plan.maintenanceWad);
        if (p.optOutAllowed && _optedOut[account][marketId]) return Status.OptedOut;
        if (plan.sizeWad == 0) return Status.NoPosition;
        if (plan.healthBeforeWad >= p.preHealthWad) return Status.NotInZone;
        if (plan.healthBeforeWad < WAD) return Status.BelowMaintenance;

        // The engine's penalty may have been lowered since the parameters were set: the incentive stays below it.
        LiquidationParams memory engineParams = ENGINE.params();
        plan.dustNotionalWad = engineParams.dustNotionalWad;
        if (p.incentiveLineWad >= engineParams.penaltyWad) {
            plan.errorValueWad = engineParams.penaltyWad;
            return Status.IncentiveNotBelowPenalty;
        }
        // ...and its target health may have been lowered: one charge per breach, never a pre-liquidation right after
        // the engine's close.
        if (p.preHealthWad > engineParams.targetHealthWad) {
            plan.errorValueWad = engineParams.targetHealthWad;
            return Status.ZoneAboveEngineTarget;
        }
        plan.closeFactorWad =
            _interpolateDown(p.closeFactorTopWad, p.closeFactorLineWad, p.preHealthWad, plan.healthBeforeWad);
        // Never more than m × health: the largest incentive that cannot lower health (the engine's rule).
        plan.incentiveFractionWad = WadMath.min(
            _interpolateDown(p.incentiveTopWad, p.incentiveLineWad, p.preHealthWad, plan.healthBeforeWad),
            plan.maintenanceFractionWad.mulWadDown(plan.healthBeforeWad)
        );

        uint256 fullSizeWad = plan.sizeWad.abs();
        uint256 capSizeWad = fullSizeWad.mulWadDown(plan.closeFactorWad);
        uint256 closeSizeWad = WadMath.min(capSizeWad, _targetSize(plan));
        bool limited = maxCloseSizeWad < closeSizeWad;
        if (limited) closeSizeWad = maxCloseSizeWad;
        if (closeSizeWad < fullSizeWad) {
            uint256 restNotionalWad = (fullSizeWad - closeSizeWad).mulWadDown(plan.priceWad);
            if (restNotionalWad < plan.dustNotionalWad) {
                if (limited) {
                    plan.errorValueWad = restNotionalWad;
                    return Status.DustRemainder;
                }
                // Close the rest too if the close factor allows the whole position; else leave the dust notional.
                uint256 dustSizeWad = plan.dustNotionalWad.divWadUp(plan.priceWad);
                closeSizeWad = capSizeWad >= fullSizeWad
                    ? fullSizeWad
                    : (fullSizeWad > dustSizeWad ? fullSizeWad - dustSizeWad : 0);
            }
        }
        if (closeSizeWad < fullSizeWad) {
            // A slice under the dust notional would move health less than the rounding of its realized PnL.
            uint256 closeNotionalWad = closeSizeWad.mulWadDown(plan.priceWad);
            if (closeNotionalWad < plan.dustNotionalWad || closeSizeWad == 0) {
                plan.errorValueWad = closeNotionalWad;
                return Status.CloseTooSmall;
            }
        }
        plan.closeSizeWad = closeSizeWad;
        plan.incentiveWad = _incentive(plan);
        return Status.Ok;
    }

    /// @dev The size that lifts health to the top of the zone, rounded up [wad base units]; unbounded when the
    /// rounded denominator vanishes (health a wei under the top).
    function _targetSize(Plan memory plan) internal pure returns (uint256) {
        uint256 numeratorWad = plan.preHealthWad.mulWadUp(plan.maintenanceWad) - uint256(plan.equityWad);
        uint256 hm = plan.preHealthWad.mulWadDown(plan.maintenanceFractionWad);
        if (hm <= plan.incentiveFractionWad) return type(uint256).max;
        return numeratorWad.divWadUp(hm - plan.incentiveFractionWad).divWadUp(plan.priceWad);
    }

    /// @dev Closed notional × incentive fraction, never more than the equity, less one quote unit held back to absorb
    /// the rounding of the requirement after the close (as the engine's penalty), rounded down to whole quote units.
    function _incentive(Plan memory plan) internal view returns (uint256 incentiveWad) {
        uint256 closedNotionalWad = plan.closeSizeWad.mulWadUp(plan.priceWad);
        incentiveWad = WadMath.min(closedNotionalWad.mulWadDown(plan.incentiveFractionWad), uint256(plan.equityWad));
        incentiveWad = incentiveWad > QUOTE_UNIT_WAD ? incentiveWad - QUOTE_UNIT_WAD : 0;
        incentiveWad = QuoteUnits.roundDown(incentiveWad, QUOTE_UNIT_WAD);
    }

    /// @dev top + (line − top) × (h_p − h) / (h_p − 1), rounded down; `top` at or above h_p, `line` at or below 1.
    function _interpolateDown(uint256 topWad, uint256 lineWad, uint256 preHealthWad, uint256 healthWad)
        internal
        pure
        returns (uint256)
    {
        if (healthWad >= preHealthWad) return topWad;
        if (healthWad <= WAD) return lineWad;
        return topWad + (lineWad - topWad) * (preHealthWad - healthWad) / (preHealthWad - WAD);
    }

    function _revert(Status status, address account, uint256 marketId, Plan memory plan) internal view {
        if (status == Status.NotEnabled) revert MarketNotEnabled(marketId);
        if (status == Status.OptedOut) revert OptedOut(account, marketId);
        if (status == Status.NoPosition) revert NoPosition(account, marketId);
        if (status == Status.NotInZone) revert NotInZone(account, plan.healthBeforeWad, plan.preHealthWad);
        if (status == Status.BelowMaintenance) revert BelowMaintenance(account, plan.healthBeforeWad, address(ENGINE));
        if (status == Status.IncentiveNotBelowPenalty) {
            revert IncentiveNotBelowPenalty(_params[marketId].incentiveLineWad, plan.errorValueWad);
        }
        if (status == Status.ZoneAboveEngineTarget) {
            revert ZoneAboveEngineTarget(plan.preHealthWad, plan.errorValueWad);
        }
        if (status == Status.CloseTooSmall) revert CloseTooSmall(plan.errorValueWad, plan.dustNotionalWad);
        revert DustRemainder(plan.errorValueWad, plan.dustNotionalWad);
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IPreLiquidation
    function closeFactorWad(uint256 marketId, uint256 healthWad) external view returns (uint256) {
        PreLiquidationParams memory p = _params[marketId];
        if (p.preHealthWad == 0) return 0;
        return _interpolateDown(p.closeFactorTopWad, p.closeFactorLineWad, p.preHealthWad, healthWad);
    }

    /// @inheritdoc IPreLiquidation
    function incentiveFractionWad(uint256 marketId, uint256 healthWad) external view returns (uint256) {
        PreLiquidationParams memory p = _params[marketId];
        if (p.preHealthWad == 0) return 0;
        return _interpolateDown(p.incentiveTopWad, p.incentiveLineWad, p.preHealthWad, healthWad);
    }

    function params(uint256 marketId) external view returns (PreLiquidationParams memory) {
        return _params[marketId];
    }

    function isOptedOut(address account, uint256 marketId) external view returns (bool) {
        return _params[marketId].optOutAllowed && _optedOut[account][marketId];
    }

    function protocol() external view returns (ILiquidatable) {
        return PROTOCOL;
    }

    function engine() external view returns (ILiquidationEngine) {
        return ENGINE;
    }
}
