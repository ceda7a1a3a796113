// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "solmate/tokens/ERC20.sol";
import {TestnetToken} from "../src/demo/TestnetToken.sol";
import {PushPriceFeed} from "../src/oracle/PushPriceFeed.sol";
import {LiquidityVault} from "../src/LiquidityVault.sol";
import {LiquidationEngine} from "../src/LiquidationEngine.sol";
import {ILiquidatable} from "../src/interfaces/ILiquidatable.sol";
import {IMarginProtocol} from "../src/interfaces/IMarginProtocol.sol";
import {AuctionHouse} from "../src/AuctionHouse.sol";
import {IPriceCurve} from "../src/interfaces/IPriceCurve.sol";
import {ConstantProductPool} from "../src/demo/ConstantProductPool.sol";
import {PoolTakeCallee} from "../src/periphery/PoolTakeCallee.sol";
import {BackstopVault} from "../src/BackstopVault.sol";
import {SolvencyWaterfall} from "../src/SolvencyWaterfall.sol";
import {LendingMarket} from "../src/lending/LendingMarket.sol";
import {RateModel} from "../src/interfaces/ILendingMarket.sol";
import {DemoConfig} from "./DemoConfig.sol";

/// @notice The lending market (issue 5: liquidation as a service): a second protocol of another shape behind the same
/// `ILiquidatable`, liquidated by its own instances of the unchanged `LiquidationEngine`, `AuctionHouse` and
/// `BackstopVault`, and sharing the perps protocol's `SolvencyWaterfall` and `InsuranceFund`.
abstract contract LendingDeployer is DemoConfig {
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
        l.engine = new LiquidationEngine(ILiquidatable(address(l.market)), 6, owner, _demoLiquidationParams());
        l.market.setEngine(address(l.engine));
        l.engine.setWaterfall(address(i.waterfall));
        i.waterfall.setEngine(address(l.engine), true);
        _configureGasReimbursement(l.engine, i.waterfall, i.ethFeed);

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
        _configureAuctionHouse(l.auctionHouse, i.curve, i.ethFeed);
        l.takeCallee = new PoolTakeCallee(address(l.auctionHouse), 6);
    }

    function _deployLendingBackstop(LendingInputs memory i, LendingDeployment memory l, address owner) internal {
        l.backstop = new BackstopVault(IMarginProtocol(address(l.market)), l.engine, l.auctionHouse, owner);
        _configureBackstop(l.backstop, l.engine, l.auctionHouse, address(i.wethPool), address(i.wbtcPool), i.ethFeed);
        i.usdc.mint(owner, LENDING_BACKSTOP_SEED);
        i.usdc.approve(address(l.backstop), LENDING_BACKSTOP_SEED);
        l.backstop.deposit(LENDING_BACKSTOP_SEED, owner);
    }
}
