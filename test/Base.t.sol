// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {SystemDeployer} from "../script/SystemDeployer.sol";
import {TestnetToken} from "../src/demo/TestnetToken.sol";
import {PushPriceFeed} from "../src/oracle/PushPriceFeed.sol";
import {LiquidityVault} from "../src/LiquidityVault.sol";
import {MarginProtocol} from "../src/MarginProtocol.sol";
import {LiquidationEngine} from "../src/LiquidationEngine.sol";
import {InsuranceFund} from "../src/InsuranceFund.sol";
import {Health} from "../src/interfaces/IMarginProtocol.sol";
import {AuctionHouse} from "../src/AuctionHouse.sol";
import {ConstantProductPool} from "../src/demo/ConstantProductPool.sol";
import {PoolTakeCallee} from "../src/periphery/PoolTakeCallee.sol";
import {SolvencyWaterfall} from "../src/SolvencyWaterfall.sol";
import {BackstopVault} from "../src/BackstopVault.sol";
import {PortfolioMargin} from "../src/PortfolioMargin.sol";
import {PreLiquidation} from "../src/PreLiquidation.sol";
import {LiquidationParams} from "../src/interfaces/ILiquidationEngine.sol";
import {StepLimit} from "../src/libraries/StepLimit.sol";

/// @notice The demo system deployed with this contract as owner and price pusher, plus bounded-input helpers.
abstract contract BaseTest is Test, SystemDeployer {
    uint256 internal constant ETH_MARKET = 0;
    uint256 internal constant BTC_MARKET = 1;
    uint256 internal constant WETH_ID = 0;
    uint256 internal constant WBTC_ID = 1;
    uint256 internal constant WAD = 1e18;

    TestnetToken internal usdc;
    TestnetToken internal weth;
    TestnetToken internal wbtc;
    PushPriceFeed internal ethFeed;
    PushPriceFeed internal btcFeed;
    LiquidityVault internal vault;
    MarginProtocol internal protocol;
    LiquidationEngine internal engine;
    InsuranceFund internal insurance;
    AuctionHouse internal auctionHouse;
    ConstantProductPool internal wethPool;
    PoolTakeCallee internal takeCallee;
    BackstopVault internal backstop;
    SolvencyWaterfall internal waterfall;
    PortfolioMargin internal portfolio;
    PreLiquidation internal preLiquidation;

    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");
    address internal keeper = makeAddr("keeper");
    address internal keeper2 = makeAddr("keeper2");

    function setUp() public virtual {
        vm.warp(1_700_000_000);
        Deployment memory d = _deploySystem(address(this), address(this));
        _bind(d);
        // Unit tests move prices freely; the feed guards (grace period, volatility flag) have their own tests.
        ethFeed.setGuards(0, 0, 0);
        btcFeed.setGuards(0, 0, 0);
        _fundKeeper(keeper);
        _fundKeeper(keeper2);
    }

    /*//////////////////////////////////////////////////////////////
                                HELPERS
    //////////////////////////////////////////////////////////////*/

    /// @dev Keeps the deployment's handles; a suite with more handles (the lending market's) extends it.
    function _bind(Deployment memory d) internal virtual {
        usdc = d.usdc;
        weth = d.weth;
        wbtc = d.wbtc;
        ethFeed = d.ethFeed;
        btcFeed = d.btcFeed;
        vault = d.vault;
        protocol = d.protocol;
        engine = d.engine;
        insurance = d.insuranceFund;
        auctionHouse = d.auctionHouse;
        wethPool = d.wethPool;
        takeCallee = d.takeCallee;
        backstop = d.backstop;
        waterfall = d.waterfall;
        portfolio = d.portfolioMargin;
        preLiquidation = d.preLiquidation;
    }

    function _fundKeeper(address who) internal {
        usdc.mint(who, 1_000_000e6);
        vm.startPrank(who);
        usdc.approve(address(protocol), type(uint256).max);
        usdc.approve(address(auctionHouse), type(uint256).max);
        vm.stopPrank();
    }

    function _depositQuote(address who, uint256 amount) internal {
        usdc.mint(who, amount);
        vm.startPrank(who);
        usdc.approve(address(protocol), amount);
        protocol.depositQuote(amount);
        vm.stopPrank();
    }

    function _depositCollateral(address who, uint256 collateralId, uint256 amount) internal {
        TestnetToken token = collateralId == WETH_ID ? weth : wbtc;
        token.mint(who, amount);
        vm.startPrank(who);
        token.approve(address(protocol), amount);
        protocol.depositCollateral(collateralId, amount);
        vm.stopPrank();
    }

    function _trade(address who, uint256 marketId, int256 sizeDeltaWad) internal {
        vm.prank(who);
        protocol.trade(marketId, sizeDeltaWad, sizeDeltaWad > 0 ? type(uint256).max : 0);
    }

    /// @dev `who` deposits `wethAmount` of WETH, goes long 4 ETH at the current price, the price falls to
    /// `crashPriceWad`, and a keeper closes the position: `who` is left owing quote against its WETH.
    function _indebtedOnWeth(address who, uint256 wethAmount, uint256 crashPriceWad) internal {
        _depositCollateral(who, WETH_ID, wethAmount);
        _trade(who, ETH_MARKET, 4e18);
        _setEthPrice(crashPriceWad);
        vm.prank(keeper);
        engine.liquidate(who, ETH_MARKET, type(uint256).max);
    }

    /// @dev Raises the engine's target health to `targetWad` as fast as it allows (5/4 of its distance above 1 a day),
    /// moving time on between raises (callers that read prices afterwards push them again).
    function _raiseEngineTargetTo(uint64 targetWad) internal {
        LiquidationParams memory p = engine.params();
        while (p.targetHealthWad < targetWad) {
            uint256 stepWad = 1e18 + (p.targetHealthWad - 1e18) * StepLimit.MAX_RAISE_BPS / 10_000;
            p.targetHealthWad = stepWad < targetWad ? uint64(stepWad) : targetWad;
            if (engine.nextParamsRaiseAt() > block.timestamp) vm.warp(engine.nextParamsRaiseAt());
            engine.setParams(p);
        }
    }

    function _setEthPrice(uint256 priceWad) internal {
        ethFeed.push(int192(int256(priceWad)));
    }

    function _setBtcPrice(uint256 priceWad) internal {
        btcFeed.push(int192(int256(priceWad)));
    }

    function _health(address who) internal view returns (Health memory) {
        return protocol.health(who);
    }

    /// @dev Equity − maintenance: the margin surplus.
    function _surplus(address who) internal view returns (int256) {
        (int256 e, uint256 m) = protocol.marginState(who);
        return e - int256(m);
    }

    function _liquidatable(address who) internal view returns (bool) {
        return protocol.isLiquidatable(who);
    }

    /// @dev A long ETH position of `sizeWad` on `marginUsdc` of quote margin.
    function _openLong(address who, uint256 marginUsdc, uint256 sizeWad) internal {
        _depositQuote(who, marginUsdc);
        _trade(who, ETH_MARKET, int256(sizeWad));
    }
}
