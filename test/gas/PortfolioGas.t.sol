// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {BaseTest} from "../Base.t.sol";
import {PushPriceFeed} from "../../src/oracle/PushPriceFeed.sol";
import {TestnetToken} from "../../src/demo/TestnetToken.sol";
import {IOracle} from "../../src/interfaces/IOracle.sol";
import {MarketParams} from "../../src/interfaces/IMarginProtocol.sol";

/// @notice Gas of the health check in portfolio mode for accounts holding 2, 5 and 10 assets, next to the same accounts
/// in standard mode, written to `snapshots/PortfolioGasTest.json` (a benchmark, not asserts). The demo module has 2
/// factors and 9 scenarios; extra markets and collaterals are listed here on their own feeds, alternately on the ETH
/// and BTC factors.
contract PortfolioGasTest is BaseTest {
    uint256[] internal extraMarkets;
    uint256[] internal extraCollaterals;
    TestnetToken[] internal extraTokens;

    function setUp() public override {
        super.setUp();
        for (uint256 i; i < 4; ++i) {
            PushPriceFeed feed = new PushPriceFeed(address(this), address(this), 3600, 1e18, 10_000_000e18);
            feed.push(100e18);
            uint256 id = protocol.listMarket(
                MarketParams({
                    oracle: IOracle(address(feed)),
                    maintenanceFractionBps: 500,
                    initialFractionBps: 1_000,
                    tradeFeeBps: 5,
                    openInterestCapWad: 1_000_000e18,
                    minPositionNotionalWad: 10e18
                })
            );
            portfolio.setMarketFactor(id, i % 2);
            extraMarkets.push(id);
        }
        for (uint256 i; i < 2; ++i) {
            PushPriceFeed feed = new PushPriceFeed(address(this), address(this), 3600, 1e18, 10_000_000e18);
            feed.push(100e18);
            TestnetToken token = new TestnetToken("extra", "X", 18, address(this));
            uint256 id = protocol.listCollateral(address(token), feed, 0.8e18, type(uint128).max);
            portfolio.setCollateralFactor(id, i % 2);
            extraCollaterals.push(id);
            extraTokens.push(token);
        }
        _openLong(bob, 10_000e6, 1e18); // a live market
    }

    /// 2 assets: WETH and a short ETH perp.
    function _two(address who) internal {
        _depositCollateral(who, WETH_ID, 10e18);
        _trade(who, ETH_MARKET, -8e18);
    }

    /// 5 assets: the two, WBTC, a short BTC perp and one extra market.
    function _five(address who) internal {
        _two(who);
        _depositCollateral(who, WBTC_ID, 0.5e8);
        _trade(who, BTC_MARKET, -0.4e18);
        _trade(who, extraMarkets[0], 10e18);
    }

    /// 10 assets: the five, three more markets and two more collaterals.
    function _ten(address who) internal {
        _five(who);
        for (uint256 i = 1; i < 4; ++i) {
            _trade(who, extraMarkets[i], i % 2 == 0 ? int256(10e18) : -10e18);
        }
        for (uint256 i; i < 2; ++i) {
            extraTokens[i].mint(who, 10e18);
            vm.startPrank(who);
            extraTokens[i].approve(address(protocol), 10e18);
            protocol.depositCollateral(extraCollaterals[i], 10e18);
            vm.stopPrank();
        }
    }

    function _measure(address who, uint256 assets, string memory n) internal {
        (uint256 marketMask, uint256 collateralMask) = protocol.accountMasks(who);
        assertEq(_popcount(marketMask) + _popcount(collateralMask), assets, "assets held");
        protocol.health(who);
        vm.snapshotGasLastCall(string.concat("standard health view: ", n, " assets"));
        vm.prank(who);
        protocol.setPortfolioMode(true);
        protocol.health(who);
        vm.snapshotGasLastCall(string.concat("portfolio health view: ", n, " assets"));
        assertLt(protocol.health(who).maintenanceWad, _standardMaintenance(who), "the hedges are cheaper");
    }

    function test_gas_health_twoAssets() public {
        _two(alice);
        _measure(alice, 2, "2");
    }

    function test_gas_health_fiveAssets() public {
        _five(alice);
        _measure(alice, 5, "5");
    }

    function test_gas_health_tenAssets() public {
        _ten(alice);
        _measure(alice, 10, "10");
    }

    /// A liquidation of a portfolio account (5 assets, the ETH short over-hedged after a rally) for comparison with
    /// `liquidate: partial, one position` in `GasTest`: the engine reads the effective fraction, the protocol checks
    /// health before and after.
    function test_gas_liquidate_portfolio() public {
        _depositCollateral(alice, WETH_ID, 2e18);
        vm.prank(alice);
        protocol.setPortfolioMode(true);
        _trade(alice, ETH_MARKET, -12e18);
        _trade(alice, extraMarkets[0], 10e18);
        _setEthPrice(3_450e18);
        assertTrue(protocol.isLiquidatable(alice));
        vm.prank(keeper);
        engine.liquidate(alice, ETH_MARKET, type(uint256).max);
        vm.snapshotGasLastCall("liquidate: portfolio account");
    }

    function _standardMaintenance(address who) internal returns (uint256 m) {
        uint256 snap = vm.snapshotState();
        vm.prank(who);
        protocol.setPortfolioMode(false);
        m = protocol.health(who).maintenanceWad;
        vm.revertToState(snap);
    }

    function _popcount(uint256 x) internal pure returns (uint256 n) {
        for (; x != 0; x >>= 1) {
            n += x & 1;
        }
    }
}
