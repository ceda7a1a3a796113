// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "solmate/tokens/ERC20.sol";
import {TestnetToken} from "../src/demo/TestnetToken.sol";
import {PushPriceFeed} from "../src/oracle/PushPriceFeed.sol";
import {LiquidityVault} from "../src/LiquidityVault.sol";
import {MarginProtocol} from "../src/MarginProtocol.sol";
import {LiquidationEngine} from "../src/LiquidationEngine.sol";
import {InsuranceFund} from "../src/InsuranceFund.sol";
import {IOracle} from "../src/interfaces/IOracle.sol";
import {MarketParams} from "../src/interfaces/IMarginProtocol.sol";
import {AuctionHouse} from "../src/AuctionHouse.sol";
import {IPriceCurve} from "../src/interfaces/IPriceCurve.sol";
import {StairstepExponentialDecrease} from "../src/auction/StairstepExponentialDecrease.sol";
import {ConstantProductPool} from "../src/demo/ConstantProductPool.sol";
import {PoolTakeCallee} from "../src/periphery/PoolTakeCallee.sol";
import {BackstopVault} from "../src/BackstopVault.sol";
import {SolvencyWaterfall} from "../src/SolvencyWaterfall.sol";
import {IInsuranceFund} from "../src/interfaces/IInsuranceFund.sol";
import {BondAuctionParams} from "../src/interfaces/ISolvencyWaterfall.sol";
import {LendingDeployer} from "./LendingDeployer.sol";
import {PortfolioMargin} from "../src/PortfolioMargin.sol";
import {PreLiquidation} from "../src/PreLiquidation.sol";
import {PreLiquidationParams} from "../src/interfaces/IPreLiquidation.sol";
import {LiquidationLens} from "../src/periphery/LiquidationLens.sol";
import {Owned} from "solmate/auth/Owned.sol";
import {Timelock} from "../src/governance/Timelock.sol";

/// @notice The system with its demo parameters, deployed by the same code in the deploy script and in the tests.
/// Every call is made by the inheriting contract (the broadcasting key in the script, the test contract in tests).
abstract contract SystemDeployer is LendingDeployer {
    struct Deployment {
        TestnetToken usdc;
        TestnetToken weth;
        TestnetToken wbtc;
        PushPriceFeed ethFeed;
        PushPriceFeed btcFeed;
        LiquidityVault vault;
        MarginProtocol protocol;
        LiquidationEngine engine;
        InsuranceFund insuranceFund;
        AuctionHouse auctionHouse;
        IPriceCurve curve;
        ConstantProductPool wethPool;
        ConstantProductPool wbtcPool;
        PoolTakeCallee takeCallee;
        BackstopVault backstop;
        SolvencyWaterfall waterfall;
        LendingDeployment lending;
        PortfolioMargin portfolioMargin;
        PreLiquidation preLiquidation;
        LiquidationLens liquidationLens;
    }

    /// @notice Hands every risk-bearing contract of `d` to `timelock`: from then on each owner call (parameters, module
    /// swaps, liquidator registrations, listings, oracle guards) waits the timelock's delay. The timelock's guardian
    /// becomes both protocols' guardian, so halting (`setBreakerLevel`) still takes effect at once. The demo tokens and
    /// pools stay with the deployer.
    function _handOverToTimelock(Deployment memory d, Timelock timelock) internal {
        d.protocol.setGuardian(timelock.guardian());
        d.lending.market.setGuardian(timelock.guardian());
        Owned[16] memory owned = [
            Owned(address(d.ethFeed)),
            Owned(address(d.btcFeed)),
            Owned(address(d.vault)),
            Owned(address(d.protocol)),
            Owned(address(d.engine)),
            Owned(address(d.insuranceFund)),
            Owned(address(d.auctionHouse)),
            Owned(address(d.backstop)),
            Owned(address(d.waterfall)),
            Owned(address(d.portfolioMargin)),
            Owned(address(d.preLiquidation)),
            Owned(address(d.lending.market)),
            Owned(address(d.lending.vault)),
            Owned(address(d.lending.engine)),
            Owned(address(d.lending.auctionHouse)),
            Owned(address(d.lending.backstop))
        ];
        for (uint256 i; i < owned.length; ++i) {
            owned[i].transferOwnership(address(timelock));
        }
    }

    /// @notice The owner's stake that seeds the insurance fund in the tests and by default [quote units]: 50k USDC.
    uint256 internal constant DEFAULT_INSURANCE_STAKE = 50_000e6;

    /// @notice The deployment itself, shared with the tests so they run against the demo parameters.
    function _deploySystem(address owner, address pusher) internal returns (Deployment memory d) {
        return _deploySystem(owner, pusher, DEFAULT_INSURANCE_STAKE);
    }

    /// @notice The same, with the insurance fund seeded by `insuranceStake` [quote units, > 0] of the owner's.
    function _deploySystem(address owner, address pusher, uint256 insuranceStake)
        internal
        returns (Deployment memory d)
    {
        require(insuranceStake > 0, "insurance stake must be positive");
        d.usdc = new TestnetToken("USD Coin (local)", "USDC", 6, owner);
        d.weth = new TestnetToken("Wrapped Ether (local)", "WETH", 18, owner);
        d.wbtc = new TestnetToken("Wrapped Bitcoin (local)", "WBTC", 8, owner);

        // heartbeat 1 h; floor $1 (a feed pinned there is broken); cap $10M.
        d.ethFeed = new PushPriceFeed(owner, pusher, 3600, 1e18, 10_000_000e18);
        d.btcFeed = new PushPriceFeed(owner, pusher, 3600, 1e18, 10_000_000e18);
        // Liquidations wait 10 minutes after an outage; a move of more than 25% within a minute halts new exposure
        // in that asset for a minute (circuit-breaker level 1, tripped by the feed itself).
        d.ethFeed.setGuards(600, 0.25e18, 60);
        d.btcFeed.setGuards(600, 0.25e18, 60);

        d.vault = new LiquidityVault(ERC20(address(d.usdc)), owner, 1_000); // 10% of open interest stays idle
        d.protocol = new MarginProtocol(ERC20(address(d.usdc)), d.vault, owner);
        d.vault.setProtocol(address(d.protocol));
        d.engine = new LiquidationEngine(d.protocol, 6, owner, _demoLiquidationParams());
        d.insuranceFund = new InsuranceFund(ERC20(address(d.usdc)), address(d.engine), owner);
        d.protocol.setEngine(address(d.engine));
        _deployWaterfall(d, owner);

        d.protocol.listCollateral(address(d.weth), d.ethFeed, 0.8e18, 20_000e18);
        d.protocol.listCollateral(address(d.wbtc), d.btcFeed, 0.75e18, 1_000e8);
        d.protocol
            .listMarket(
                MarketParams({
                    oracle: IOracle(address(d.ethFeed)),
                    maintenanceFractionBps: 500,
                    initialFractionBps: 1_000,
                    tradeFeeBps: 5,
                    openInterestCapWad: 100_000e18,
                    minPositionNotionalWad: _dustNotionalWad()
                })
            );
        d.protocol
            .listMarket(
                MarketParams({
                    oracle: IOracle(address(d.btcFeed)),
                    maintenanceFractionBps: 500,
                    initialFractionBps: 1_000,
                    tradeFeeBps: 5,
                    openInterestCapWad: 5_000e18,
                    minPositionNotionalWad: _dustNotionalWad()
                })
            );

        if (pusher == owner) {
            d.ethFeed.push(3_000e18);
            d.btcFeed.push(60_000e18);
        }

        // Seed the vault with 5M of the quote asset and the insurance fund with the stake.
        d.usdc.mint(owner, 5_000_000e6 + insuranceStake);
        d.usdc.approve(address(d.vault), 5_000_000e6);
        d.vault.deposit(5_000_000e6, owner);
        // The insurance fund's seed is the owner's stake (its first shares, before any penalty arrives).
        d.usdc.approve(address(d.insuranceFund), insuranceStake);
        d.insuranceFund.deposit(insuranceStake, owner);

        _deployAuctions(d, owner);
        _deployBackstop(d, owner);
        d.lending = _deployLending(
            LendingInputs(d.usdc, d.weth, d.wbtc, d.ethFeed, d.btcFeed, d.waterfall, d.curve, d.wethPool, d.wbtcPool),
            owner
        );
        _deployPortfolioMargin(d, owner);
        _deployPreLiquidation(d, owner);
        // Stateless: the keeper reads its candidates from the chain through it when the index lags.
        d.liquidationLens = new LiquidationLens();
    }

    /// @notice The solvency waterfall: the insurance fund pays first; a deficit of $100 or more goes to a bond series
    /// priced from 0.98 down to 0.85 per unit of face over 60 s, then 30 s at the floor (short, for a local chain; a
    /// production deployment would use hours), maturing in 30 days. A fifth of every trade fee is revenue too.
    function _deployWaterfall(Deployment memory d, address owner) internal {
        d.waterfall = new SolvencyWaterfall(
            ERC20(address(d.usdc)), IInsuranceFund(address(d.insuranceFund)), owner, _demoBondAuctionParams()
        );
        d.waterfall.setEngine(address(d.engine), true);
        d.engine.setWaterfall(address(d.waterfall));
        _configureGasReimbursement(d.engine, d.waterfall, d.ethFeed);
        d.insuranceFund.setSpender(address(d.waterfall), true);
        d.insuranceFund.setWaterfall(d.waterfall);
        d.vault.setWaterfall(address(d.waterfall));
        d.protocol.setFeeShare(address(d.waterfall), 2_000);
    }

    /// @notice The demo's bond auction parameters (described at `_deployWaterfall`).
    function _demoBondAuctionParams() internal pure returns (BondAuctionParams memory) {
        return BondAuctionParams({
            startPriceWad: 0.98e18,
            floorPriceWad: 0.85e18,
            decaySeconds: 60,
            floorSeconds: 30,
            maturitySeconds: 30 days,
            minSeriesUnits: 100e6
        });
    }

    /// @notice The Dutch-auction pattern: the auction house, its curve, and pools a keeper without capital sells into.
    function _deployAuctions(Deployment memory d, address owner) internal {
        d.auctionHouse = new AuctionHouse(d.protocol, d.engine, owner);
        d.protocol.setLiquidator(address(d.auctionHouse), true);
        // Kick and reset rewards: pending revenue first (kept back up to $1,000 from bonds and the fund), then the fund.
        d.auctionHouse.setRewardPayer(address(d.waterfall));
        d.waterfall.setRewardSpender(address(d.auctionHouse), true);
        d.waterfall.setRewardReserve(1_000e6);
        d.auctionHouse.setWaterfall(address(d.waterfall));
        // −1% every 10 s from 110% of the oracle price (the rest of the demo auction parameters in DemoConfig).
        d.curve = new StairstepExponentialDecrease(0.99e18, 10);
        _configureAuctionHouse(d.auctionHouse, d.curve, d.ethFeed);

        // Pools at the initial oracle prices: 1,000 WETH and 50 WBTC, each against 3M of the quote asset.
        d.wethPool = new ConstantProductPool(ERC20(address(d.weth)), ERC20(address(d.usdc)), owner);
        d.wbtcPool = new ConstantProductPool(ERC20(address(d.wbtc)), ERC20(address(d.usdc)), owner);
        d.usdc.mint(owner, 6_000_000e6);
        d.weth.mint(owner, 1_000e18);
        d.wbtc.mint(owner, 50e8);
        d.usdc.approve(address(d.wethPool), 3_000_000e6);
        d.weth.approve(address(d.wethPool), 1_000e18);
        d.wethPool.addLiquidity(1_000e18, 3_000_000e6);
        d.usdc.approve(address(d.wbtcPool), 3_000_000e6);
        d.wbtc.approve(address(d.wbtcPool), 50e8);
        d.wbtcPool.addLiquidity(50e8, 3_000_000e6);
        d.takeCallee = new PoolTakeCallee(address(d.auctionHouse), 6);
    }

    /// @notice The internal pattern: the backstop vault, seeded with 1M of the quote asset, buying at 2% under the
    /// oracle price (auction lots at their floor), holding at most $750k of each asset at the oracle price. It calls only
    /// the engine and the auction house, so it needs no liquidator role on the protocol.
    function _deployBackstop(Deployment memory d, address owner) internal {
        d.backstop = new BackstopVault(d.protocol, d.engine, d.auctionHouse, owner);
        _configureBackstop(d.backstop, d.engine, d.auctionHouse, address(d.wethPool), address(d.wbtcPool), d.ethFeed);
        d.usdc.mint(owner, 1_000_000e6);
        d.usdc.approve(address(d.backstop), 1_000_000e6);
        d.backstop.deposit(1_000_000e6, owner);
    }

    /// @notice Portfolio margin, opt-in per account: two risk factors, ETH (the ETH market and WETH) and BTC (the BTC
    /// market and WBTC); each shocked by ±6% alone, both ±6% together and in opposite directions, and a correlated
    /// crash of −10% each. The requirement is never below 1% of gross exposure (a perfect hedge, 10 WETH against a
    /// short of 8 ETH, costs 40% of its standard maintenance); initial = 1.5 × maintenance.
    function _deployPortfolioMargin(Deployment memory d, address owner) internal {
        d.portfolioMargin = new PortfolioMargin(owner, 2, 0.01e18, 1.5e18);
        d.portfolioMargin.setScenarios(demoScenarios());
        d.portfolioMargin.setMarketFactor(0, 0);
        d.portfolioMargin.setMarketFactor(1, 1);
        d.portfolioMargin.setCollateralFactor(0, 0);
        d.portfolioMargin.setCollateralFactor(1, 1);
        d.protocol.setPortfolioMargin(d.portfolioMargin);
    }

    /// @notice The demo scenarios: one row per scenario, shocks to [ETH, BTC] in basis points.
    function demoScenarios() internal pure returns (int16[][] memory rows) {
        int16[2][9] memory table = [
            [int16(600), int16(0)],
            [int16(-600), int16(0)],
            [int16(0), int16(600)],
            [int16(0), int16(-600)],
            [int16(600), int16(600)],
            [int16(-600), int16(-600)],
            [int16(600), int16(-600)],
            [int16(-600), int16(600)],
            [int16(-1_000), int16(-1_000)]
        ];
        rows = new int16[][](table.length);
        for (uint256 k; k < table.length; ++k) {
            rows[k] = new int16[](2);
            rows[k][0] = table[k][0];
            rows[k][1] = table[k][1];
        }
    }

    /// @notice The soft margin call on both markets: between health 1.25 and the maintenance line a keeper may close up
    /// to 10% (at the top) to 50% (at the line) of a position, enough to lift health back to 1.25, for 0.5% to 1.5% of
    /// the closed notional, all of it the keeper's; the engine's full penalty is 2.5%. Accounts may opt out.
    function _deployPreLiquidation(Deployment memory d, address owner) internal {
        d.preLiquidation = new PreLiquidation(d.protocol, d.engine, 6, owner);
        d.protocol.setLiquidator(address(d.preLiquidation), true);
        PreLiquidationParams memory p = _demoPreLiquidationParams();
        d.preLiquidation.setParams(0, p);
        d.preLiquidation.setParams(1, p);
    }

    /// @notice The demo's pre-liquidation parameters (both markets): zone [1, 1.25) (its top at the engine's target
    /// health, so the engine's close leaves it), close factor 10% → 50%,
    /// incentive 0.5% → 1.5%, opt-out allowed.
    function _demoPreLiquidationParams() internal pure returns (PreLiquidationParams memory) {
        return PreLiquidationParams({
            preHealthWad: 1.25e18,
            closeFactorTopWad: 0.1e18,
            closeFactorLineWad: 0.5e18,
            incentiveTopWad: 0.005e18,
            incentiveLineWad: 0.015e18,
            optOutAllowed: true
        });
    }
}
