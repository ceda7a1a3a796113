// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "solmate/tokens/ERC20.sol";
import {TestnetToken} from "../src/demo/TestnetToken.sol";
import {PushPriceFeed} from "../src/oracle/PushPriceFeed.sol";
import {LiquidityVault} from "../src/LiquidityVault.sol";
import {LiquidationEngine} from "../src/LiquidationEngine.sol";
import {ILiquidatable} from "../src/interfaces/ILiquidatable.sol";
import {IMarginProtocol} from "../src/interfaces/IMarginProtocol.sol";
import {LiquidationParams} from "../src/interfaces/ILiquidationEngine.sol";
import {AuctionHouse} from "../src/AuctionHouse.sol";
import {AuctionParams, KeeperRewardParams} from "../src/interfaces/IAuctionHouse.sol";
import {IPriceCurve} from "../src/interfaces/IPriceCurve.sol";
import {ConstantProductPool} from "../src/demo/ConstantProductPool.sol";
import {PoolTakeCallee} from "../src/periphery/PoolTakeCallee.sol";
import {BackstopVault} from "../src/BackstopVault.sol";
import {BackstopRewardParams} from "../src/interfaces/IBackstopVault.sol";
import {SolvencyWaterfall} from "../src/SolvencyWaterfall.sol";
import {LendingMarket} from "../src/lending/LendingMarket.sol";
import {RateModel} from "../src/interfaces/ILendingMarket.sol";

/// @notice The lending market (issue 5: liquidation as a service): a second protocol of another shape behind the same
/// `ILiquidatable`, liquidated by its own instances of the unchanged `LiquidationEngine`, `AuctionHouse` and
/// `BackstopVault`, and sharing the perps protocol's `SolvencyWaterfall` and `InsuranceFund`.
abstract contract LendingDeployer {
    /// @notice What the lending deployment reuses from the perps system.
    struct LendingInputs {
        TestnetToken usdc;
        TestnetToken weth;
        TestnetToken wbtc;
        PushPriceFeed ethFeed;
        PushPriceFeed btcFeed;
        SolvencyWaterfall waterfall;
        IPriceCurve curve;
        ConstantProductPool wethPool;
        ConstantProductPool wbtcPool;
    }

    struct LendingDeployment {
        LendingMarket market;
        LiquidityVault vault;
        LiquidationEngine engine;
        AuctionHouse auctionHouse;
        BackstopVault backstop;
        PoolTakeCallee takeCallee;
    }

    /// @notice Lenders' deposit at deployment [quote units]: 2M USDC.
    uint256 internal constant LENDING_VAULT_SEED = 2_000_000e6;
    /// @notice The lending backstop's seed [quote units]: 500k USDC.
    uint256 internal constant LENDING_BACKSTOP_SEED = 500_000e6;

    /// @notice Deploys the lending market with its lenders' vault (seeded by the owner), engine, auction house and
    /// backstop, and binds the engine and auction house to the shared waterfall. Rates: 2% a year at zero utilization,
    /// +10% up to the 80% kink, +100% above it (per second in the model). WETH borrows to 75% and is liquidated above
    /// 82.5% LTV; WBTC 70% / 77.5%. Collateral patterns default to fixed fee; the caller may set others per collateral.
    function _deployLending(LendingInputs memory i, address owner) internal returns (LendingDeployment memory l) {
        l.vault = new LiquidityVault(ERC20(address(i.usdc)), owner, 0); // no open interest: no reserve
        l.market = new LendingMarket(
            ERC20(address(i.usdc)),
            l.vault,
            owner,
            RateModel({
                baseRatePerSecondWad: 634_195_839, // 2% / 31,536,000 s
                slope1PerSecondWad: 3_170_979_198, // 10% a year
                slope2PerSecondWad: 31_709_791_983, // 100% a year
                kinkWad: 0.8e18
            })
        );
        l.vault.setProtocol(address(l.market));
        l.vault.setWaterfall(address(i.waterfall));
        l.market.listCollateral(address(i.weth), i.ethFeed, 0.75e18, 0.825e18, 20_000e18);
        l.market.listCollateral(address(i.wbtc), i.btcFeed, 0.7e18, 0.775e18, 1_000e8);

        // The same engine bytecode and parameters as the perps engine; only the collateral sales apply here. The 5%
        // discount stays under 1 − liquidation LTV: the sale price (95% of the oracle) exceeds the liquidation-LTV value
        // equity counts, so every sale raises the account's equity.
        l.engine = new LiquidationEngine(
            ILiquidatable(address(l.market)),
            6,
            owner,
            LiquidationParams({
                targetHealthWad: 1.25e18,
                fullCloseHealthWad: 0.5e18,
                penaltyWad: 0.025e18,
                keeperShareWad: 0.4e18,
                collateralDiscountWad: 0.05e18,
                dustNotionalWad: 10e18
            })
        );
        l.market.setEngine(address(l.engine));
        l.engine.setWaterfall(address(i.waterfall));
        i.waterfall.setEngine(address(l.engine), true);

        _deployLendingAuctions(i, l, owner);
        _deployLendingBackstop(i, l, owner);

        i.usdc.mint(owner, LENDING_VAULT_SEED);
        i.usdc.approve(address(l.vault), LENDING_VAULT_SEED);
        l.vault.deposit(LENDING_VAULT_SEED, owner);
    }

    function _deployLendingAuctions(LendingInputs memory i, LendingDeployment memory l, address owner) internal {
        l.auctionHouse = new AuctionHouse(ILiquidatable(address(l.market)), l.engine, owner);
        l.market.setLiquidator(address(l.auctionHouse), true);
        l.auctionHouse.setRewardPayer(address(i.waterfall));
        i.waterfall.setRewardSpender(address(l.auctionHouse), true);
        l.auctionHouse.setWaterfall(address(i.waterfall));
        AuctionParams memory p = AuctionParams({
            curve: i.curve,
            startBufferWad: 1.1e18,
            resetAfterSeconds: 600,
            resetBelowWad: 0.85e18,
            penaltyWad: 0.05e18,
            capWad: 2_000_000e18
        });
        l.auctionHouse.setAuctionParams(0, p);
        l.auctionHouse.setAuctionParams(1, p);
        l.auctionHouse.setGlobalLimits(3_000_000e18, 10e18);
        l.auctionHouse
            .setKeeperRewardParams(
                KeeperRewardParams({
                    nativeOracle: i.ethFeed,
                    gasFactorBps: 12_000,
                    kickGas: 310_000,
                    redoGas: 125_000,
                    tipWad: 5e18,
                    chipWad: 0.001e18,
                    maxRewardWad: 300e18,
                    floorBuyGas: 315_000
                })
            );
        l.takeCallee = new PoolTakeCallee(address(l.auctionHouse), 6);
    }

    function _deployLendingBackstop(LendingInputs memory i, LendingDeployment memory l, address owner) internal {
        l.backstop = new BackstopVault(IMarginProtocol(address(l.market)), l.engine, l.auctionHouse, owner);
        l.engine.setBackstop(address(l.backstop), 0.02e18);
        l.auctionHouse.setBackstop(address(l.backstop));
        l.backstop.setAsset(0, address(i.wethPool), 750_000e18);
        l.backstop.setAsset(1, address(i.wbtcPool), 750_000e18);
        l.backstop.setMaxSlippage(0.01e18);
        l.backstop
            .setRewardParams(
                BackstopRewardParams({
                    nativeOracle: i.ethFeed,
                    gasFactorBps: 12_000,
                    absorbGas: 300_000,
                    tipWad: 2e18,
                    gainShareWad: 0.5e18,
                    maxRewardWad: 300e18
                })
            );
        i.usdc.mint(owner, LENDING_BACKSTOP_SEED);
        i.usdc.approve(address(l.backstop), LENDING_BACKSTOP_SEED);
        l.backstop.deposit(LENDING_BACKSTOP_SEED, owner);
    }
}
