// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Owned} from "solmate/auth/Owned.sol";
import {IPortfolioMargin} from "./interfaces/IPortfolioMargin.sol";
import {ScenarioMath} from "./libraries/ScenarioMath.sol";
import {StepLimit} from "./libraries/StepLimit.sol";

/// @title PortfolioMargin
/// @notice Scenario-based requirements for opted-in accounts. See `IPortfolioMargin`. The configuration is read in a
/// handful of slots: one per scenario (16 packed shocks), two per asset kind (one byte per id: factor + 1, 0 for none)
/// and one for the parameters, so a health check costs at most 16 + 4 + 1 storage reads whatever the account holds.
contract PortfolioMargin is IPortfolioMargin, Owned {
    /// @dev Asset ids the byte maps cover (the margin protocol lists at most 64 of each kind).
    uint256 internal constant MAX_ASSETS = 64;
    uint256 internal constant WAD = 1e18;

    /// @inheritdoc IPortfolioMargin
    uint256 public immutable factorCount;

    uint8 internal _scenarioCount;
    /// @inheritdoc IPortfolioMargin
    uint64 public minFractionWad;
    /// @inheritdoc IPortfolioMargin
    uint64 public initialMultiplierWad;
    /// @inheritdoc IPortfolioMargin
    uint40 public nextFloorRaiseAt;
    bytes32[16] internal _scenarios;
    uint256[2] internal _marketFactors;
    uint256[2] internal _collateralFactors;

    constructor(address owner_, uint256 factorCount_, uint64 minFractionWad_, uint64 initialMultiplierWad_)
        Owned(owner_)
    {
        if (factorCount_ == 0 || factorCount_ > ScenarioMath.MAX_FACTORS) {
            revert TooManyFactors(factorCount_, ScenarioMath.MAX_FACTORS);
        }
        factorCount = factorCount_;
        _setParams(minFractionWad_, initialMultiplierWad_);
    }

    /*//////////////////////////////////////////////////////////////
                             CONFIGURATION
    //////////////////////////////////////////////////////////////*/

    /// @notice Replaces the scenarios: one row of `factorCount` shocks [bps] per scenario, each ≥ −10,000 (a price
    /// cannot fall below zero); at most 16 rows.
    function setScenarios(int16[][] calldata shocksBps) external onlyOwner {
        uint256 count = shocksBps.length;
        if (count == 0) revert NoScenarios();
        if (count > ScenarioMath.MAX_SCENARIOS) revert TooManyScenarios(count, ScenarioMath.MAX_SCENARIOS);
        for (uint256 k; k < count; ++k) {
            int16[] calldata row = shocksBps[k];
            if (row.length != factorCount) revert ScenarioLength(k, row.length, factorCount);
            for (uint256 f; f < row.length; ++f) {
                if (row[f] < -int16(int256(ScenarioMath.BPS))) revert ShockOutOfRange(k, f, row[f]);
            }
            _scenarios[k] = ScenarioMath.pack(row);
        }
        for (uint256 k = count; k < _scenarioCount; ++k) {
            delete _scenarios[k];
        }
        _scenarioCount = uint8(count);
        emit ScenariosSet(shocksBps);
    }

    /// @inheritdoc IPortfolioMargin
    function setParams(uint64 minFractionWad_, uint64 initialMultiplierWad_) external onlyOwner {
        uint64 currentWad = minFractionWad;
        _setParams(minFractionWad_, initialMultiplierWad_);
        if (StepLimit.checkRaise(currentWad, minFractionWad_, 0, nextFloorRaiseAt)) {
            uint40 nextRaiseAt = StepLimit.nextClock();
            nextFloorRaiseAt = nextRaiseAt;
            emit FloorRaised(currentWad, minFractionWad_, nextRaiseAt);
        }
    }

    /// @notice Maps a market to a risk factor.
    function setMarketFactor(uint256 marketId, uint256 factor) external onlyOwner {
        _checkAsset(marketId, factor);
        _marketFactors[marketId >> 5] = _withFactor(_marketFactors[marketId >> 5], marketId, factor);
        emit MarketFactorSet(marketId, factor);
    }

    /// @notice Maps a collateral asset to a risk factor.
    function setCollateralFactor(uint256 collateralId, uint256 factor) external onlyOwner {
        _checkAsset(collateralId, factor);
        _collateralFactors[collateralId >> 5] = _withFactor(_collateralFactors[collateralId >> 5], collateralId, factor);
        emit CollateralFactorSet(collateralId, factor);
    }

    function _setParams(uint64 minFractionWad_, uint64 initialMultiplierWad_) internal {
        if (minFractionWad_ == 0 || minFractionWad_ >= WAD) revert InvalidMinFraction(minFractionWad_);
        if (initialMultiplierWad_ <= WAD || initialMultiplierWad_ > 10 * WAD) {
            revert InvalidMultiplier(initialMultiplierWad_);
        }
        minFractionWad = minFractionWad_;
        initialMultiplierWad = initialMultiplierWad_;
        emit ParamsSet(minFractionWad_, initialMultiplierWad_);
    }

    function _checkAsset(uint256 id, uint256 factor) internal view {
        if (id >= MAX_ASSETS) revert AssetIdOutOfRange(id, MAX_ASSETS - 1);
        if (factor >= factorCount) revert UnknownFactor(factor, factorCount);
    }

    /// @dev `word` with id's byte set to factor + 1.
    function _withFactor(uint256 word, uint256 id, uint256 factor) internal pure returns (uint256) {
        uint256 shift = (id & 31) * 8;
        return (word & ~(uint256(0xff) << shift)) | ((factor + 1) << shift);
    }

    /*//////////////////////////////////////////////////////////////
                              REQUIREMENTS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IPortfolioMargin
    function requirementsWad(int256[] calldata book)
        external
        view
        returns (uint256 maintenanceWad, uint256 initialWad)
    {
        (int256[16] memory exposureWad, uint256 grossWad, uint256 unmappedWad) = _exposures(book);
        (uint64 minFraction, uint64 multiplier) = (minFractionWad, initialMultiplierWad);
        maintenanceWad = ScenarioMath.floorWadUp(grossWad, minFraction);
        uint256 count = _scenarioCount;
        uint256 factors = factorCount;
        for (uint256 k; k < count; ++k) {
            uint256 lossWad = ScenarioMath.lossWadUp(exposureWad, factors, _scenarios[k]);
            if (lossWad > maintenanceWad) maintenanceWad = lossWad;
        }
        maintenanceWad += unmappedWad;
        initialWad = ScenarioMath.initialWadUp(maintenanceWad, multiplier);
    }

    /// @inheritdoc IPortfolioMargin
    function scenarioLossesWad(int256[] calldata book)
        external
        view
        returns (uint256[] memory lossesWad, uint256 floorWad)
    {
        (int256[16] memory exposureWad, uint256 grossWad,) = _exposures(book);
        floorWad = ScenarioMath.floorWadUp(grossWad, minFractionWad);
        lossesWad = new uint256[](_scenarioCount);
        for (uint256 k; k < lossesWad.length; ++k) {
            lossesWad[k] = ScenarioMath.lossWadUp(exposureWad, factorCount, _scenarios[k]);
        }
    }

    /// @dev Net exposure per factor, gross exposure of the mapped assets, and the standard requirement of unmapped
    /// markets. A negative haircut value or maintenance requirement cannot come from the protocol and is refused.
    function _exposures(int256[] calldata book)
        internal
        view
        returns (int256[16] memory exposureWad, uint256 grossWad, uint256 unmappedWad)
    {
        if (book.length > 3 * MAX_ASSETS || book.length % 3 != 0) revert BookLength(book.length);
        uint256[2] memory marketWords = _marketFactors;
        uint256[2] memory collateralWords = _collateralFactors;
        for (uint256 i; i < book.length / 3; ++i) {
            int256 notionalWad = book[3 * i];
            if (notionalWad != 0) {
                uint256 f = _factorOf(marketWords, i);
                if (f == 0) {
                    unmappedWad += _nonNegative(book[3 * i + 1]);
                } else {
                    exposureWad[f - 1] += notionalWad;
                    grossWad += notionalWad >= 0 ? uint256(notionalWad) : uint256(-notionalWad);
                }
            }
            uint256 valueWad = _nonNegative(book[3 * i + 2]);
            if (valueWad != 0) {
                uint256 f = _factorOf(collateralWords, i);
                if (f != 0) {
                    exposureWad[f - 1] += int256(valueWad);
                    grossWad += valueWad;
                }
            }
        }
    }

    function _nonNegative(int256 x) internal pure returns (uint256) {
        if (x < 0) revert NegativeBookEntry(x);
        return uint256(x);
    }

    /// @dev Factor + 1 of asset `id` (0 when unmapped).
    function _factorOf(uint256[2] memory words, uint256 id) internal pure returns (uint256) {
        return (words[id >> 5] >> ((id & 31) * 8)) & 0xff;
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IPortfolioMargin
    function scenarioCount() external view returns (uint256) {
        return _scenarioCount;
    }

    /// @inheritdoc IPortfolioMargin
    function shockBps(uint256 scenario, uint256 factor) external view returns (int256) {
        if (factor >= factorCount) revert UnknownFactor(factor, factorCount);
        if (scenario >= _scenarioCount) revert TooManyScenarios(scenario + 1, _scenarioCount);
        return ScenarioMath.shockBps(_scenarios[scenario], factor);
    }

    /// @inheritdoc IPortfolioMargin
    function marketFactor(uint256 marketId) external view returns (uint256 factor, bool mapped) {
        return _decode(_marketFactors, marketId);
    }

    /// @inheritdoc IPortfolioMargin
    function collateralFactor(uint256 collateralId) external view returns (uint256 factor, bool mapped) {
        return _decode(_collateralFactors, collateralId);
    }

    function _decode(uint256[2] memory words, uint256 id) internal pure returns (uint256 factor, bool mapped) {
        if (id >= MAX_ASSETS) return (0, false);
        uint256 b = _factorOf(words, id);
        return b == 0 ? (0, false) : (b - 1, true);
    }
}
