// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IPortfolioMargin
/// @notice Portfolio (SPAN-style) margin for the accounts of a margin protocol that opted in. Every market and
/// collateral asset maps to a risk factor (assets that move together share one: an ETH perp and WETH collateral);
/// a scenario shocks each factor by a signed fraction. An account's maintenance requirement is its worst loss over
/// the scenarios, never below a minimum fraction of its gross exposure; its initial requirement is the maintenance
/// requirement times a multiplier above 1.
/// @dev Exposures are wad quote amounts at current prices: a position's signed notional (size × price, long
/// positive) and a collateral's haircut value (what the protocol counts in equity). A market mapped to no factor is
/// charged its standard maintenance requirement on top; a collateral mapped to no factor carries no scenario risk
/// (as in standard mode, where its haircut is its only buffer).
interface IPortfolioMargin {
    error TooManyFactors(uint256 count, uint256 max);
    error TooManyScenarios(uint256 count, uint256 max);
    error NoScenarios();
    error ScenarioLength(uint256 scenario, uint256 length, uint256 factorCount);
    error ShockOutOfRange(uint256 scenario, uint256 factor, int256 shockBps);
    error UnknownFactor(uint256 factor, uint256 factorCount);
    error AssetIdOutOfRange(uint256 id, uint256 max);
    error InvalidMinFraction(uint256 minFractionWad);
    error InvalidMultiplier(uint256 initialMultiplierWad);
    /// @notice A book is a whole number of triples, at most 64.
    error BookLength(uint256 length);
    error NegativeBookEntry(int256 value);

    /// @notice The scenarios were replaced; `shocksBps[k][f]` is scenario k's shock to factor f [bps, signed].
    event ScenariosSet(int16[][] shocksBps);
    /// @notice The floor [wad fraction of gross exposure] and the initial-to-maintenance multiplier [wad, > 1].
    event ParamsSet(uint64 minFractionWad, uint64 initialMultiplierWad);
    /// @notice The floor was raised; the next raise may come no sooner than `nextRaiseAt` [unix seconds].
    event FloorRaised(uint64 fromWad, uint64 toWad, uint40 nextRaiseAt);
    event MarketFactorSet(uint256 indexed marketId, uint256 factor);
    event CollateralFactorSet(uint256 indexed collateralId, uint256 factor);

    /// @notice Sets the floor (a fraction of gross exposure, < 1) and the initial multiplier (> 1, ≤ 10); the owner's.
    /// The floor moves every opted-in account's maintenance line, so it rises in steps (Aave's risk stewards): each
    /// raise at most 5/4 of the floor in force and at least a day after the previous one (`StepLimit`:
    /// `RaiseTooLarge`, `RaiseTooSoon`); a cut takes effect at once. Through the timelock a trader sees every step queued before
    /// the first runs. A higher multiplier only limits new exposure and is not limited.
    function setParams(uint64 minFractionWad, uint64 initialMultiplierWad) external;

    /// @notice Maintenance and initial requirements of one account [wad, rounded up].
    /// @param book One triple per asset id i: market i's signed notional (size × price, long positive), market i's
    /// standard maintenance requirement (charged when the market maps to no factor), collateral i's haircut value
    /// [wad]; ids beyond the book hold nothing. At most 64 triples.
    function requirementsWad(int256[] calldata book) external view returns (uint256 maintenanceWad, uint256 initialWad);

    /// @notice Each scenario's loss for the same book [wad, rounded up; 0 for a gain], and the floor (min fraction ×
    /// gross exposure, rounded up).
    function scenarioLossesWad(int256[] calldata book)
        external
        view
        returns (uint256[] memory lossesWad, uint256 floorWad);

    /// @notice Number of risk factors (fixed at deployment, ≤ 16).
    function factorCount() external view returns (uint256);
    /// @notice Number of scenarios (≤ 16).
    function scenarioCount() external view returns (uint256);
    /// @notice Scenario k's shock to factor f [bps, signed; −10,000 is a fall to zero].
    function shockBps(uint256 scenario, uint256 factor) external view returns (int256);
    /// @notice The factor of a market, and whether it has one.
    function marketFactor(uint256 marketId) external view returns (uint256 factor, bool mapped);
    /// @notice The factor of a collateral, and whether it has one.
    function collateralFactor(uint256 collateralId) external view returns (uint256 factor, bool mapped);
    /// @notice The requirement's floor as a fraction of gross exposure [wad].
    function minFractionWad() external view returns (uint64);
    /// @notice The earliest time the floor may next be raised [unix seconds; 0: any time].
    function nextFloorRaiseAt() external view returns (uint40);
    /// @notice Initial requirement = maintenance requirement × this [wad, > 1].
    function initialMultiplierWad() external view returns (uint64);
}
