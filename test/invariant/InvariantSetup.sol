// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {BaseTest} from "../Base.t.sol";
import {Handler} from "./Handler.sol";
import {WaterfallLedger} from "./WaterfallLedger.sol";
import {WaterfallActions} from "./WaterfallActions.sol";
import {CollateralPattern} from "../../src/interfaces/ILiquidationEngine.sol";

/// @notice The demo system driven by the handler: shared by the invariant suites and the handler's coverage test.
abstract contract InvariantSetup is BaseTest {
    /// @dev What the insurance fund holds when the handler starts: what the owner left of its stake, handed to the
    /// first handler staker [quote units].
    uint256 internal constant FUND_SEED = 5_000e6;

    Handler internal handler;

    function setUp() public virtual override {
        super.setUp();
        // A one-hour cooldown (seven days in the demo) lets the handler wait it out in ten-minute steps that keep the
        // price feeds fresh. The owner has already taken $45,000 of its $50,000 stake out, the honest way (a request,
        // the cooldown, the withdrawal): a fund that a few crashes exhaust, so that bad debt reaches the bonds.
        insurance.setCooldown(1 hours);
        insurance.requestWithdraw(insurance.convertToShares(50_000e6 - FUND_SEED));
        vm.warp(block.timestamp + 1 hours);
        insurance.withdrawRequested(address(this));
        ethFeed.push(3_000e18);
        btcFeed.push(60_000e18);
        // The demo's guards: moves of more than 25% within a minute halt new exposure in that asset.
        ethFeed.setGuards(600, 0.25e18, 60);
        btcFeed.setGuards(600, 0.25e18, 60);
        handler = new Handler(protocol, engine, usdc, weth, wbtc, ethFeed, btcFeed, address(insurance));
        // The handler pushes prices and funds actors.
        ethFeed.setPusher(address(handler));
        btcFeed.setPusher(address(handler));
        usdc.transferOwnership(address(handler));
        weth.transferOwnership(address(handler));
        wbtc.transferOwnership(address(handler));
        handler.setAuctionHouse(auctionHouse);
        handler.setBackstop(backstop);
        handler.setWaterfall(waterfall, vault, insurance);
        handler.setPreLiquidation(preLiquidation);
        // A $20 reward reserve: kicks and resets draw on revenue first, and routing still runs often.
        waterfall.setRewardReserve(20e6);
        // WETH goes to the backstop first (internal pattern; keepers buy it at the fixed discount once the backstop's
        // small WETH cap is full), WBTC by Dutch auction: all three patterns run in one system.
        engine.setCollateralPattern(WETH_ID, CollateralPattern.Internal);
        engine.setCollateralPattern(WBTC_ID, CollateralPattern.DutchAuction);
        backstop.setAsset(WETH_ID, address(wethPool), 5_000e18);
        backstop.transferOwnership(address(handler));
        protocol.setGuardian(address(handler));
        // The rest of the stake is the first handler staker's, who may take it out too.
        assertEq(insurance.balance(), FUND_SEED);
        insurance.transfer(handler.stakers(0), insurance.balanceOf(address(this)));
        targetContract(address(handler));
        targetSelector(FuzzSelector({addr: address(handler), selectors: _actions()}));
    }

    function _actions() internal pure returns (bytes4[] memory actions) {
        actions = new bytes4[](30);
        actions[0] = Handler.depositQuote.selector;
        actions[1] = Handler.withdrawQuote.selector;
        actions[2] = Handler.depositCollateral.selector;
        actions[3] = Handler.withdrawCollateral.selector;
        actions[4] = Handler.trade.selector;
        actions[5] = Handler.movePrice.selector;
        actions[6] = Handler.liquidate.selector;
        actions[7] = Handler.buyCollateral.selector;
        actions[8] = Handler.kick.selector;
        actions[9] = Handler.take.selector;
        actions[10] = Handler.redo.selector;
        actions[11] = Handler.selfLiquidate.selector;
        actions[12] = Handler.setBreaker.selector;
        actions[13] = Handler.absorb.selector;
        actions[14] = Handler.backstopBuyAuction.selector;
        actions[15] = Handler.backstopSell.selector;
        actions[16] = Handler.crash.selector;
        actions[17] = WaterfallActions.buyBonds.selector;
        actions[18] = WaterfallActions.transferBonds.selector;
        actions[19] = WaterfallActions.closeSeries.selector;
        actions[20] = WaterfallActions.route.selector;
        actions[21] = WaterfallActions.redeem.selector;
        actions[22] = WaterfallActions.sweepFees.selector;
        actions[23] = WaterfallActions.stake.selector;
        actions[24] = WaterfallActions.requestWithdraw.selector;
        actions[25] = WaterfallActions.withdrawRequested.selector;
        actions[26] = WaterfallActions.cancelWithdraw.selector;
        actions[27] = WaterfallActions.stakerExit.selector;
        actions[28] = Handler.setPortfolioMode.selector;
        actions[29] = Handler.preLiquidate.selector;
    }

    function _traders() internal view returns (address[3] memory) {
        return handler.tradersList();
    }

    function _books() internal view returns (WaterfallLedger.Books memory) {
        return handler.ledgerBooks();
    }
}
