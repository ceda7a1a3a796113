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
import {LiquidationParams} from "../src/interfaces/ILiquidationEngine.sol";

/// @notice The system with its demo parameters, deployed by the same code in the deploy script and in the tests.
/// Every call is made by the inheriting contract (the broadcasting key in the script, the test contract in tests).
abstract contract SystemDeployer {
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
    }

    /// @notice The deployment itself, shared with the tests so they run against the demo parameters.
    function _deploySystem(address owner, address pusher) internal returns (Deployment memory d) {
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
        d.engine = new LiquidationEngine(
            d.protocol,
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
        d.insuranceFund = new InsuranceFund(ERC20(address(d.usdc)), address(d.engine));
        d.engine.setInsuranceFund(address(d.insuranceFund));
        d.protocol.setEngine(address(d.engine));

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
                    minPositionNotionalWad: 10e18
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
                    minPositionNotionalWad: 10e18
                })
            );

        if (pusher == owner) {
            d.ethFeed.push(3_000e18);
            d.btcFeed.push(60_000e18);
        }

        // Seed the vault with 5M and the insurance fund with 50k of the quote asset.
        d.usdc.mint(owner, 5_050_000e6);
        d.usdc.approve(address(d.vault), 5_000_000e6);
        d.vault.deposit(5_000_000e6, owner);
        d.usdc.transfer(address(d.insuranceFund), 50_000e6);
    }
}
