// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {WaterfallActions} from "./WaterfallActions.sol";
import {TestnetToken} from "../../src/demo/TestnetToken.sol";
import {PushPriceFeed} from "../../src/oracle/PushPriceFeed.sol";
import {MarginProtocol} from "../../src/MarginProtocol.sol";
import {LiquidationEngine} from "../../src/LiquidationEngine.sol";
import {IMarginProtocol, Health} from "../../src/interfaces/IMarginProtocol.sol";
import {ILiquidationEngine, GasReimbursementParams} from "../../src/interfaces/ILiquidationEngine.sol";
import {PriceStatus} from "../../src/interfaces/IOracle.sol";
import {AuctionHouse} from "../../src/AuctionHouse.sol";
import {IAuctionHouse, Auction} from "../../src/interfaces/IAuctionHouse.sol";
import {BackstopVault} from "../../src/BackstopVault.sol";
import {IBackstopVault, BackstopRewardParams} from "../../src/interfaces/IBackstopVault.sol";
import {ConstantProductPool} from "../../src/demo/ConstantProductPool.sol";
import {LiquidityVault} from "../../src/LiquidityVault.sol";
import {InsuranceFund} from "../../src/InsuranceFund.sol";
import {SolvencyWaterfall} from "../../src/SolvencyWaterfall.sol";
import {PreLiquidation} from "../../src/PreLiquidation.sol";
import {IPreLiquidation} from "../../src/interfaces/IPreLiquidation.sol";

/// @notice Drives the system through random sequences of deposits, withdrawals, trades, price moves within bounds,
/// liquidations by two keepers, and (in `WaterfallActions`) bond sales, redemptions and staking. Every revert must be
/// one the model explains, or the handler fails the run; per-call properties (3, 4, 5, 7, 8, 14, 15) are asserted
/// here and in the ledger, global ones in `InvariantsTest`. Every action is `recorded`: its events feed the ledger.
contract Handler is WaterfallActions {
    uint256 internal constant WAD = 1e18;

    MarginProtocol public immutable protocol;
    LiquidationEngine public immutable engine;
    TestnetToken public immutable usdc;
    TestnetToken[2] internal collateralTokens;
    PushPriceFeed[2] internal feeds; // index = market id = collateral id (ETH, BTC)
    address public immutable insurance;

    address[3] public traders;
    address[2] public keepers;

    constructor(
        MarginProtocol protocol_,
        LiquidationEngine engine_,
        TestnetToken usdc_,
        TestnetToken weth,
        TestnetToken wbtc,
        PushPriceFeed ethFeed,
        PushPriceFeed btcFeed,
        address insurance_
    ) {
        protocol = protocol_;
        engine = engine_;
        usdc = usdc_;
        collateralTokens = [weth, wbtc];
        feeds = [ethFeed, btcFeed];
        insurance = insurance_;
        traders = [makeAddr("trader0"), makeAddr("trader1"), makeAddr("trader2")];
        keepers = [makeAddr("keeperA"), makeAddr("keeperB")];
        for (uint256 i; i < 2; ++i) {
            vm.prank(keepers[i]);
            usdc.approve(address(protocol_), type(uint256).max);
        }
    }

    function tradersList() external view returns (address[3] memory) {
        return traders;
    }

    AuctionHouse public auctionHouse;
    uint256[] internal openAuctions;
    /// @notice Keeper rewards the insurance fund paid on kicks and resets [wad].
    uint256 public ghostRewardOutflowWad;

    function setAuctionHouse(AuctionHouse auctionHouse_) external {
        auctionHouse = auctionHouse_;
        for (uint256 i; i < 2; ++i) {
            vm.prank(keepers[i]);
            usdc.approve(address(auctionHouse_), type(uint256).max);
        }
    }

    BackstopVault public backstop;
    /// @notice Quote paid to keepers by every liquidation path [wad].
    uint256 public ghostKeeperRewardsWad;
    /// @notice The auctions' reward budgets set at their kicks, each at most the auction's penalty [wad].
    uint256 public ghostAuctionBudgetsWad;
    /// @notice The engine's gas reimbursements, each at most the gas at cost at its base fee [wad].
    uint256 public ghostGasReimbursedWad;
    /// @notice What the backstop gained on its buys: oracle value bought − price paid [wad].
    uint256 public ghostBackstopGainWad;

    function setBackstop(BackstopVault backstop_) external {
        backstop = backstop_;
    }

    function setWaterfall(SolvencyWaterfall waterfall_, LiquidityVault vault_, InsuranceFund fund_) external {
        _initLedger(usdc, protocol, vault_, fund_, waterfall_);
        ledgerEngine = address(engine);
        _initWaterfallActors();
    }

    /// @notice Penalties charged on liquidated accounts (keeper and insurance shares) and collected by auctions [wad].
    function ghostPenaltiesWad() public view returns (uint256) {
        return ghostLiquidationPenaltiesWad + books.auctionPenalties * 1e12;
    }

    function _refreshFeeds() internal override {
        for (uint256 i; i < 2; ++i) {
            feeds[i].push(int192(feeds[i].answerWad()));
        }
    }

    function _quote() internal view override returns (TestnetToken) {
        return usdc;
    }

    function openAuctionCount() external view returns (uint256) {
        return openAuctions.length;
    }

    function openAuctionAt(uint256 i) external view returns (uint256) {
        return openAuctions[i];
    }

    /*//////////////////////////////////////////////////////////////
                                ACTIONS
    //////////////////////////////////////////////////////////////*/

    function depositQuote(uint256 actorSeed, uint256 amount) external recorded {
        address a = traders[actorSeed % 3];
        amount = amount % 8 == 0 ? bound(amount, 1, 1e6) : bound(amount, 100e6, 20_000e6);
        usdc.mint(a, amount);
        (bool healthyBefore, bool known) = _healthy(a);
        vm.startPrank(a);
        usdc.approve(address(protocol), amount);
        protocol.depositQuote(amount);
        vm.stopPrank();
        _assertNotWorse(a, healthyBefore, known);
    }

    function withdrawQuote(uint256 actorSeed, uint256 amount) external recorded {
        address a = traders[actorSeed % 3];
        int256 q = protocol.quoteBalance(a);
        if (q < 1e12) return;
        // A third of the time all of it: the account then trades on its collateral alone, so losses become debt.
        amount = amount % 3 == 0 ? uint256(q) / 1e12 : bound(amount, 1, uint256(q) / 1e12);
        (bool healthyBefore, bool known) = _healthy(a);
        _flush();
        vm.prank(a);
        try protocol.withdrawQuote(amount) {
            _assertNotWorse(a, healthyBefore, known);
        } catch (bytes memory reason) {
            _drop();
            _expectMarginRevert(reason);
        }
    }

    function depositCollateral(uint256 actorSeed, uint256 id, uint256 amount) external recorded {
        address a = traders[actorSeed % 3];
        id = id % 2;
        TestnetToken token = collateralTokens[id];
        uint256 room = protocol.collateral(id).depositCap - protocol.collateralTotal(id);
        if (room == 0) return;
        amount = bound(amount, 1, id == 0 ? 2e18 : 0.05e8); // thin collateral: losses outgrow it
        if (amount > room) amount = room;
        token.mint(a, amount);
        (bool healthyBefore, bool known) = _healthy(a);
        vm.startPrank(a);
        token.approve(address(protocol), amount);
        protocol.depositCollateral(id, amount);
        vm.stopPrank();
        _assertNotWorse(a, healthyBefore, known);
    }

    function withdrawCollateral(uint256 actorSeed, uint256 id, uint256 amount) external recorded {
        address a = traders[actorSeed % 3];
        id = id % 2;
        uint256 held = protocol.collateralBalance(a, id);
        if (held == 0) return;
        amount = bound(amount, 1, held);
        (bool healthyBefore, bool known) = _healthy(a);
        _flush();
        vm.prank(a);
        try protocol.withdrawCollateral(id, amount) {
            _assertNotWorse(a, healthyBefore, known);
        } catch (bytes memory reason) {
            _drop();
            _expectMarginRevert(reason);
        }
    }

    function trade(uint256 actorSeed, uint256 marketId, int256 sizeDeltaWad) external recorded {
        address a = traders[actorSeed % 3];
        marketId = marketId % 2;
        int256 maxSizeWad = _affordableSize(a, marketId);
        if (maxSizeWad == 0) return;
        sizeDeltaWad = bound(sizeDeltaWad, -maxSizeWad, maxSizeWad);
        if (sizeDeltaWad == 0) return;
        (bool healthyBefore, bool known) = _healthy(a);
        _flush();
        vm.prank(a);
        try protocol.trade(marketId, sizeDeltaWad, sizeDeltaWad > 0 ? type(uint256).max : 0) {
            _assertNotWorse(a, healthyBefore, known);
        } catch (bytes memory reason) {
            _drop();
            if (_haltedBy(reason, 1)) return;
            bytes4 sel = bytes4(reason);
            if (sel == IMarginProtocol.OpenInterestCapExceeded.selector) return;
            if (sel == IMarginProtocol.PositionBelowMinimum.selector) {
                (, uint256 notional, uint256 minimum) = abi.decode(_args(reason), (uint256, uint256, uint256));
                assertLt(notional, minimum);
                return;
            }
            if (sel == IMarginProtocol.MaintenanceMarginViolated.selector) {
                // only a reduction that would end below maintenance and below where it started
                (, int256 beforeSurplus, int256 afterSurplus) = abi.decode(_args(reason), (address, int256, int256));
                assertLt(afterSurplus, 0);
                assertLt(afterSurplus, beforeSurplus);
                return;
            }
            _expectMarginRevert(reason);
        }
    }

    /// @dev Moves one price by up to ±15% and refreshes both feeds, so no price goes stale.
    function movePrice(uint256 feedSeed, uint256 moveBps, uint256 dt) external recorded {
        uint256 i = feedSeed % 2;
        vm.warp(block.timestamp + bound(dt, 0, 10 minutes));
        uint256 price = uint256(int256(feeds[i].answerWad()));
        moveBps = bound(moveBps, 8_500, 11_500);
        uint256 next = price * moveBps / 10_000;
        uint256 lo = i == 0 ? 300e18 : 6_000e18;
        uint256 hi = i == 0 ? 30_000e18 : 600_000e18;
        if (next < lo) next = lo;
        if (next > hi) next = hi;
        feeds[i].push(int192(int256(next)));
        PushPriceFeed other = feeds[1 - i];
        other.push(int192(other.answerWad()));
    }

    /// @dev Opts a trader in to portfolio margin or out of it (property 29): it succeeds only at or above the new
    /// mode's initial requirement, and never turns a healthy account unhealthy.
    function setPortfolioMode(uint256 actorSeed, bool enabled) external recorded {
        address a = traders[actorSeed % 3];
        (bool healthyBefore, bool known) = _healthy(a);
        _flush();
        vm.prank(a);
        try protocol.setPortfolioMode(enabled) {
            assertEq(protocol.portfolioMode(a), enabled);
            Health memory h = protocol.health(a);
            assertGe(h.equityWad, int256(h.initialWad), "opted to a mode below its initial requirement");
            if (enabled) ghostPortfolioOptIns++;
            _assertNotWorse(a, healthyBefore, known);
        } catch (bytes memory reason) {
            _drop();
            _expectMarginRevert(reason);
        }
    }

    /// @notice Successful opt-ins and liquidations of portfolio accounts so far (the coverage test checks the handler
    /// reaches them).
    uint256 public ghostPortfolioOptIns;
    uint256 public ghostPortfolioLiquidations;

    /// @dev A step the protocol refused because it would lower a solvent portfolio account's health (property 30):
    /// only ever for a portfolio account with positive equity, and the health it reports would indeed fall.
    function _expectPortfolioRefusal(address a, bytes memory reason, int256 equityBefore) internal view returns (bool) {
        if (bytes4(reason) != IMarginProtocol.PortfolioHealthLowered.selector) return false;
        (address account, uint256 before, uint256 afterwards) = abi.decode(_args(reason), (address, uint256, uint256));
        assertEq(account, a);
        assertTrue(protocol.portfolioMode(a), "refused a standard account");
        assertGt(equityBefore, 0, "refused an insolvent account");
        assertLe(afterwards, before);
        return true;
    }

    /// @dev A leveraged long on collateral alone, then a fall, a keeper closing the position and the collateral going to
    /// its buyer: through the checked actions, a path to the indebted, under-collateralized accounts the liquidation
    /// patterns exist for. Two 14% drops a minute apart leave bad debt; one 8% drop mostly leaves equity, so the close
    /// charges a penalty whose share is revenue for the waterfall. The trade asks for three quarters of
    /// `_affordableSize` (0.9 of what the initial margin allows); the whole bound (1.2 of it) the margin check refuses.
    function crash(uint256 actorSeed, uint256 marketSeed) external recorded {
        uint256 m = marketSeed % 2;
        address a = traders[actorSeed % 3];
        this.depositCollateral(actorSeed, m, m == 0 ? 1e18 : 0.05e8);
        this.withdrawQuote(actorSeed, 0);
        this.trade(actorSeed, m, _affordableSize(a, m) * 3 / 4);
        if ((marketSeed >> 1) % 3 == 0) {
            this.movePrice(m, 9_200, 61);
        } else {
            this.movePrice(m, 8_600, 61);
            this.movePrice(m, 8_600, 61);
        }
        _closePositionsFirst(actorSeed, actorSeed);
        if (m == 0) {
            // WETH goes to the backstop first, to a keeper once the backstop is full.
            this.absorb(actorSeed, actorSeed, 1);
            this.buyCollateral(actorSeed, actorSeed, 0, type(uint256).max - 1);
        } else {
            this.kick(actorSeed, actorSeed, 1); // WBTC is auctioned
        }
    }

    struct LiquidationSnap {
        address keeper;
        address account;
        uint256 marketId;
        int256 size;
        bool liquidatable;
        uint256 maxClose;
        Health before;
        int256 plannedClose;
        uint256 reward;
        uint256 previewGasWad;
        uint256 notionalWad;
        uint256 gasStart;
        uint256 keeperBalance;
        uint256 badDebtBefore;
    }

    /// @dev The notional that caps a call's gas reimbursement: none when the call settled bad debt (its settlement gas
    /// is reimbursed outside the cap, so the model bounds the payment by the whole gas at cost only).
    function _capOf(uint256 badDebtBefore, uint256 notionalWad) internal view returns (uint256) {
        return engine.totalBadDebtWad() == badDebtBefore ? notionalWad : type(uint128).max;
    }

    /// @dev A base fee from none to 1,000 gwei, picked by the seed's second byte.
    function _baseFee(uint256 seed) internal pure returns (uint256) {
        uint256[4] memory baseFees = [uint256(0), 10 gwei, 300 gwei, 1_000 gwei];
        return baseFees[(seed >> 8) % 4];
    }

    /// @dev A close without a limit runs at a base fee from none to 1,000 gwei, so that its gas is reimbursed.
    function liquidate(uint256 keeperSeed, uint256 actorSeed, uint256 marketId, uint256 maxClose) external recorded {
        LiquidationSnap memory s;
        s.keeper = keepers[keeperSeed % 2];
        s.account = _pickLiquidatable(actorSeed);
        s.marketId = _aimAtPosition(s.account, marketId);
        (s.size,) = protocol.position(s.account, s.marketId);
        s.liquidatable = protocol.isLiquidatable(s.account);
        s.maxClose = maxClose % 4 == 0 ? bound(maxClose, 0, _abs(s.size)) : type(uint256).max;
        s.before = protocol.health(s.account);
        vm.fee(s.maxClose == type(uint256).max ? _baseFee(keeperSeed) : 0);
        (s.plannedClose,, s.reward) = engine.previewLiquidation(s.account, s.marketId);
        s.notionalWad = (_abs(s.plannedClose) * uint256(int256(feeds[s.marketId].answerWad())) + WAD - 1) / WAD;
        GasReimbursementParams memory g = engine.gasReimbursementParams();
        s.previewGasWad = _gasAtCostWad(uint256(g.callGas) + g.previewGas, s.notionalWad);
        s.keeperBalance = usdc.balanceOf(s.keeper);
        s.badDebtBefore = engine.totalBadDebtWad();

        _flush();
        vm.prank(s.keeper);
        s.gasStart = gasleft();
        try engine.liquidate(s.account, s.marketId, s.maxClose) returns (int256 closed) {
            _checkLiquidation(s, closed);
        } catch (bytes memory reason) {
            _drop();
            if (_haltedBy(reason, 2)) return;
            if (_expectPortfolioRefusal(s.account, reason, s.before.equityWad)) return;
            bytes4 sel = bytes4(reason);
            if (sel == ILiquidationEngine.Healthy.selector) assertFalse(s.liquidatable);
            else if (sel == ILiquidationEngine.NoPosition.selector) assertEq(s.size, 0);
            else if (sel == ILiquidationEngine.DustRemainder.selector) assertLt(s.maxClose, _abs(s.size));
            else if (sel == ILiquidationEngine.CloseTooSmall.selector) assertLt(s.maxClose, _abs(s.size));
            else revert("unexplained liquidate revert");
        }
    }

    /// @dev `gasUnits` × base fee × ETH price [wad quote]: gas at cost, with no cap.
    function _atCostWad(uint256 gasUnits) internal view returns (uint256) {
        return gasUnits * block.basefee * uint256(int256(feeds[0].answerWad())) / WAD;
    }

    /// @dev An independent model of the engine's gas reimbursement: `gasUnits` × base fee × ETH price, at most the
    /// notional share of `notionalWad`, in whole quote units.
    function _gasAtCostWad(uint256 gasUnits, uint256 notionalWad) internal view returns (uint256) {
        GasReimbursementParams memory g = engine.gasReimbursementParams();
        uint256 costWad = _atCostWad(gasUnits);
        uint256 capWad = notionalWad * g.maxNotionalShareWad / WAD;
        uint256 owedWad = costWad < capWad ? costWad : capWad;
        return owedWad - owedWad % 1e12;
    }

    function _checkLiquidation(LiquidationSnap memory s, int256 closed) internal {
        // What the call used, measured from here: more than the engine can measure of itself.
        uint256 gasUsed = s.gasStart - gasleft();
        // Property 3: only an unhealthy account is liquidated.
        assertTrue(s.liquidatable, "liquidated a healthy account");
        (int256 sizeAfter,) = protocol.position(s.account, s.marketId);
        assertEq(sizeAfter, s.size + closed);
        uint256 received = usdc.balanceOf(s.keeper) - s.keeperBalance;
        if (block.basefee == 0) {
            // Property 8: the keeper receives exactly the computed reward (when the planned close ran).
            if (closed == s.plannedClose) assertEq(received, s.reward / 1e12, "keeper reward");
        } else {
            // Property 43: the gas part is at most the gas at cost (what the call used and the engine's unmeasurable
            // `callGas`), never a markup; the waterfall pays what it can. The rest is the keeper's share as previewed.
            assertEq(closed, s.plannedClose);
            uint256 gasPaidWad = received * 1e12 + s.previewGasWad - s.reward;
            uint256 atCostWad = _gasAtCostWad(
                gasUsed + engine.gasReimbursementParams().callGas, _capOf(s.badDebtBefore, s.notionalWad)
            );
            assertLe(gasPaidWad, atCostWad, "gas reimbursed beyond its cost");
            ghostGasReimbursedWad += gasPaidWad;
        }
        // The penalty itself (keeper and insurance shares) is booked by the ledger from `PenaltyCharged`.
        ghostKeeperRewardsWad += received * 1e12;
        if (protocol.portfolioMode(s.account)) ghostPortfolioLiquidations++;
        // Property 5: a solvent account's health never falls.
        if (s.before.equityWad > 0) {
            assertGe(protocol.health(s.account).healthWad, s.before.healthWad, "health fell");
        }
        // Property 7: the remainder is zero or above the dust minimum.
        if (sizeAfter != 0) {
            uint256 price = uint256(int256(feeds[s.marketId].answerWad()));
            assertGe(_abs(sizeAfter) * price / WAD + 1, engine.params().dustNotionalWad, "dust left");
        }
    }

    /// @dev A collateral sale's inputs, kept in memory for its checks.
    struct SaleSnap {
        address keeper;
        uint256 id;
        uint256 held;
        int256 equityBefore;
        uint256 quoteBefore;
        uint256 gasStart;
        uint256 badDebtBefore;
    }

    function _checkSale(SaleSnap memory s, address a, uint256 amount, uint256 paidWad) internal {
        // What the call used, measured from here: more than the engine can measure of itself.
        uint256 gasUsed = s.gasStart - gasleft();
        assertLe(amount, s.held);
        assertEq(collateralTokens[s.id].balanceOf(s.keeper), amount + _priorHoldings(s.keeper, s.id, amount));
        (int256 equityAfter,) = protocol.marginState(a);
        // Property 5 for sales: equity never falls (settled bad debt only raises it to 0).
        assertGe(equityAfter, s.equityBefore, "sale lowered equity");
        assertGt(paidWad, 0, "no zero-price sale");
        // Property 43 for sales: the keeper paid the sale price less its gas at cost, never more back.
        uint256 gasPaidWad = (usdc.balanceOf(s.keeper) + paidWad / 1e12 - s.quoteBefore) * 1e12;
        uint256 atCostWad =
            _gasAtCostWad(gasUsed + engine.gasReimbursementParams().callGas, _capOf(s.badDebtBefore, paidWad));
        assertLe(gasPaidWad, atCostWad, "sale gas reimbursed beyond its cost");
        ghostGasReimbursedWad += gasPaidWad;
        ghostKeeperRewardsWad += gasPaidWad;
    }

    function buyCollateral(uint256 keeperSeed, uint256 actorSeed, uint256 id, uint256 maxAmount) external recorded {
        _closePositionsFirst(keeperSeed, actorSeed);
        address k = keepers[keeperSeed % 2];
        address a = _pickLiquidatable(actorSeed);
        id = id % 2;
        if (protocol.collateralBalance(a, id) == 0 && maxAmount % 5 != 0) id = 1 - id;
        uint256 held = protocol.collateralBalance(a, id);
        maxAmount = maxAmount % 3 == 0 ? bound(maxAmount, 0, held) : type(uint256).max;
        int256 q = protocol.quoteBalance(a);
        bool liquidatable = protocol.isLiquidatable(a);
        (int256 equityBefore,) = protocol.marginState(a);
        usdc.mint(k, 10_000_000e6);
        _flush();
        vm.fee(_baseFee(keeperSeed)); // a sale's gas is reimbursed too
        SaleSnap memory s = SaleSnap(k, id, held, equityBefore, usdc.balanceOf(k), 0, engine.totalBadDebtWad());
        s.gasStart = gasleft();
        vm.prank(k);
        try engine.buyCollateral(a, id, maxAmount, type(uint256).max) returns (uint256 amount, uint256 paidWad) {
            assertTrue(liquidatable && q < 0, "sale from a healthy or debt-free account");
            _checkSale(s, a, amount, paidWad);
        } catch (bytes memory reason) {
            _drop();
            if (_haltedBy(reason, 3)) return;
            if (_expectPortfolioRefusal(a, reason, equityBefore)) return;
            bytes4 sel = bytes4(reason);
            if (sel == ILiquidationEngine.NoDebt.selector) assertGe(q, 0);
            else if (sel == ILiquidationEngine.Healthy.selector) assertFalse(liquidatable);
            else if (sel == ILiquidationEngine.NoCollateral.selector) assertEq(held, 0);
            else if (sel == ILiquidationEngine.DustRemainder.selector) assertLt(maxAmount, held);
            else if (sel == ILiquidationEngine.WrongPattern.selector) assertEq(id, 1);
            else if (sel == IMarginProtocol.ZeroAmount.selector) assertEq(maxAmount, 0);
            else if (sel == ILiquidationEngine.BackstopFirst.selector) _assertBackstopCouldBuy(id);
            else revert("unexplained buyCollateral revert");
        }
    }

    /*//////////////////////////////////////////////////////////////
                            PRE-LIQUIDATION
    //////////////////////////////////////////////////////////////*/

    PreLiquidation public preLiquidation;
    /// @notice Successful pre-liquidations (the coverage test checks the action can succeed).
    uint256 public ghostPreLiquidations;

    function setPreLiquidation(PreLiquidation preLiquidation_) external {
        preLiquidation = preLiquidation_;
    }

    struct PreLiquidationSnap {
        address keeper;
        address account;
        uint256 marketId;
        int256 size;
        uint256 maxClose;
        Health before;
        uint256 preHealth;
        uint256 closeFactor;
        bool optedOut;
        int256 plannedClose;
        uint256 plannedIncentive;
        uint256 keeperBalance;
    }

    /// @dev A keeper pre-liquidates an account (the first one in the zone, when there is one); a fifth of the time the
    /// account first flips its opt-out. Properties 23–26: only inside the zone, within the close factor, never lowering
    /// health, never past the top of the zone beyond rounding, the caller paid exactly the incentive, opt-outs honoured.
    function preLiquidate(uint256 keeperSeed, uint256 actorSeed, uint256 marketId, uint256 maxClose) external recorded {
        PreLiquidationSnap memory s;
        s.keeper = keepers[keeperSeed % 2];
        s.account = _pickInZone(actorSeed);
        s.marketId = _aimAtPosition(s.account, marketId);
        // Half the time the account first gets a position if it has none (as `crash` does), and the price drifts until
        // it is in the zone: random campaigns seldom stop there.
        if ((marketId >> 4) % 2 == 0) {
            (int256 held,) = protocol.position(s.account, s.marketId);
            if (held == 0) {
                this.depositQuote(actorSeed, 1_000e6 + 1);
                int256 size = _affordableSize(s.account, s.marketId) / 2;
                this.trade(actorSeed, s.marketId, (marketId >> 5) % 2 == 0 ? size : -size);
            }
            _driftIntoZone(s.account, s.marketId);
        }
        if ((marketId >> 8) % 5 == 0) {
            vm.prank(s.account);
            preLiquidation.setOptOut(s.marketId, !preLiquidation.isOptedOut(s.account, s.marketId));
        }
        s.optedOut = preLiquidation.isOptedOut(s.account, s.marketId);
        (s.size,) = protocol.position(s.account, s.marketId);
        s.maxClose = maxClose % 4 == 0 ? bound(maxClose, 0, _abs(s.size)) : type(uint256).max;
        s.before = protocol.health(s.account);
        s.preHealth = preLiquidation.params(s.marketId).preHealthWad;
        s.closeFactor = preLiquidation.closeFactorWad(s.marketId, s.before.healthWad);
        (s.plannedClose, s.plannedIncentive,) = preLiquidation.previewPreLiquidation(s.account, s.marketId);
        s.keeperBalance = usdc.balanceOf(s.keeper);

        _flush();
        vm.prank(s.keeper);
        try preLiquidation.preLiquidate(s.account, s.marketId, s.maxClose) returns (int256 closed, uint256 incentive) {
            _checkPreLiquidation(s, closed, incentive);
        } catch (bytes memory reason) {
            _drop();
            if (_haltedBy(reason, 2)) return;
            _explainPreLiquidationRevert(s, reason);
        }
    }

    function _checkPreLiquidation(PreLiquidationSnap memory s, int256 closed, uint256 incentive) internal {
        ++ghostPreLiquidations;
        assertFalse(s.optedOut, "pre-liquidated an opted-out account");
        assertTrue(s.before.healthWad >= WAD && s.before.healthWad < s.preHealth, "pre-liquidated outside the zone");
        (int256 sizeAfter,) = protocol.position(s.account, s.marketId);
        assertEq(sizeAfter, s.size + closed);
        assertLe(_abs(closed), _abs(s.size) * s.closeFactor / WAD, "beyond the close factor");
        if (closed == s.plannedClose) assertEq(incentive, s.plannedIncentive, "preview");
        uint256 received = usdc.balanceOf(s.keeper) - s.keeperBalance;
        assertEq(received * 1e12, incentive, "the caller gets the whole incentive");
        ghostKeeperRewardsWad += incentive;
        uint256 healthAfter = protocol.health(s.account).healthWad;
        assertGe(healthAfter, s.before.healthWad, "pre-liquidation lowered health");
        // A portfolio account's requirement is convex in the position: the slice, sized on the effective fraction (the
        // average release of a full close), releases at least what it assumed, so it may leave the zone higher up;
        // the close factor still bounds it.
        bool portfolio = protocol.portfolioMode(s.account) && address(protocol.portfolioMargin()) != address(0);
        if (sizeAfter != 0 && healthAfter != type(uint256).max && !portfolio) {
            assertLe(healthAfter, s.preHealth + 1e13, "pushed past the top of the zone");
            uint256 price = uint256(int256(feeds[s.marketId].answerWad()));
            assertGe(_abs(sizeAfter) * price / WAD + 1, engine.params().dustNotionalWad, "dust left");
        }
    }

    function _explainPreLiquidationRevert(PreLiquidationSnap memory s, bytes memory reason) internal view {
        bytes4 sel = bytes4(reason);
        uint256 h = s.before.healthWad;
        if (sel == IPreLiquidation.NotInZone.selector) {
            assertGe(h, s.preHealth);
        } else if (sel == IPreLiquidation.BelowMaintenance.selector) {
            assertLt(h, WAD);
        } else if (sel == IPreLiquidation.NoPosition.selector) {
            assertEq(s.size, 0);
        } else if (sel == IPreLiquidation.OptedOut.selector) {
            assertTrue(s.optedOut);
        } else if (sel == IPreLiquidation.DustRemainder.selector) {
            assertLt(s.maxClose, _abs(s.size));
        } else if (sel == IPreLiquidation.CloseTooSmall.selector) {
            _assertSliceUnderDust(s, reason);
        } else if (sel == IPreLiquidation.SelfPreLiquidation.selector) {
            revert("a keeper is never a trader");
        }
        // A slice that would lower a portfolio account's health is refused by the protocol (property 30).
        else if (!_expectPortfolioRefusal(s.account, reason, s.before.equityWad)) {
            revert("unexplained preLiquidate revert");
        }
    }

    /// @dev Moves the market's price in 1% steps (through the checked `movePrice`), in the direction that lowers the
    /// account's health, until it is below the top of the zone (or thirty steps were taken). Near the line a 1% move
    /// shifts health by about 0.2 at 5% maintenance, so the steps land in the zone rather than across it.
    function _driftIntoZone(address account, uint256 marketId) internal {
        (int256 size,) = protocol.position(account, marketId);
        if (size == 0) return;
        uint256 step = size > 0 ? 9_900 : 10_100;
        uint256 top = preLiquidation.params(marketId).preHealthWad;
        for (uint256 i; i < 30 && protocol.health(account).healthWad >= top; ++i) {
            this.movePrice(marketId, step, 61);
        }
    }

    /// @dev A slice refused as too small is under the dust notional, and either the caller's limit made it so or there
    /// was no slice to preview.
    function _assertSliceUnderDust(PreLiquidationSnap memory s, bytes memory reason) internal pure {
        (uint256 closeNotional, uint256 minimum) = abi.decode(_args(reason), (uint256, uint256));
        assertLt(closeNotional, minimum);
        assertTrue(s.plannedClose == 0 || s.maxClose < _abs(s.size), "preview promised a slice");
    }

    /// @dev Market `seed % 2`, or mostly (four times in five) the other one when `account` has no position there.
    function _aimAtPosition(address account, uint256 seed) internal view returns (uint256 marketId) {
        marketId = seed % 2;
        (int256 first,) = protocol.position(account, marketId);
        if (first == 0 && seed % 5 != 0) marketId = 1 - marketId;
    }

    /// @dev Starting from the seeded trader, the first one in the zone (1 ≤ health < the top of the ETH market's
    /// zone); the seeded one if none is.
    function _pickInZone(uint256 seed) internal view returns (address) {
        uint256 top = preLiquidation.params(0).preHealthWad;
        for (uint256 i; i < 3; ++i) {
            address a = traders[(seed % 3 + i) % 3];
            uint256 h = protocol.health(a).healthWad;
            if (h >= WAD && h < top) return a;
        }
        return traders[seed % 3];
    }

    /*//////////////////////////////////////////////////////////////
                                AUCTIONS
    //////////////////////////////////////////////////////////////*/

    function kick(uint256 keeperSeed, uint256 actorSeed, uint256 id) external recorded {
        _closePositionsFirst(keeperSeed, actorSeed);
        address k = keepers[keeperSeed % 2];
        address a = _pickLiquidatable(actorSeed);
        id = id % 5 == 0 ? 0 : 1; // mostly the auctioned asset
        // The reward comes from the waterfall's pending revenue, then the fund: count what the keeper received.
        uint256 keeperBefore = usdc.balanceOf(k);
        _flush();
        vm.prank(k);
        try auctionHouse.kick(a, id) returns (uint256 auctionId) {
            assertTrue(protocol.isLiquidatable(a) || protocol.quoteBalance(a) < 0);
            openAuctions.push(auctionId);
            uint256 paidWad = (usdc.balanceOf(k) - keeperBefore) * 1e12;
            // No lot earns more than it is worth: the kick and the budget it leaves stay within the value share.
            Auction memory started = auctionHouse.auction(auctionId);
            uint256 valueWad = uint256(started.lot) * 10 ** (18 - collateralTokens[id].decimals())
                * uint256(int256(feeds[id].answerWad())) / WAD;
            if (started.targetWad < valueWad) valueWad = started.targetWad;
            uint256 shareWad = auctionHouse.rewardParams().maxValueShareWad;
            uint256 budgetWad = uint256(started.rewardLeft) * 1e12 + paidWad;
            assertLe(budgetWad, valueWad * shareWad / WAD, "reward beyond the lot");
            assertLe(budgetWad, started.penaltyLeftWad, "reward beyond the penalty");
            ghostAuctionBudgetsWad += budgetWad;
            ghostRewardOutflowWad += paidWad;
            ghostKeeperRewardsWad += paidWad;
        } catch (bytes memory reason) {
            _drop();
            if (_haltedBy(reason, 2)) return;
            bytes4 sel = bytes4(reason);
            if (sel == IAuctionHouse.NotLiquidatable.selector) {
                assertFalse(protocol.isLiquidatable(a));
            } else if (sel == IAuctionHouse.NoDebt.selector) {
                assertGe(protocol.quoteBalance(a), 0);
            } else if (sel == IAuctionHouse.NoCollateral.selector) {
                assertEq(protocol.collateralBalance(a, id), 0);
            } else if (sel == IAuctionHouse.AlreadyInAuction.selector) {
                assertGt(protocol.auctionLots(a), 0);
            } else if (sel == IAuctionHouse.NoRoom.selector) {
                assertLt(auctionHouse.room(id), auctionHouse.dustWad() + 1e12);
            } else if (sel == IAuctionHouse.NotListed.selector) {
                assertEq(id, 0); // WETH is sold at a fixed discount, not auctioned
            } else if (sel == IAuctionHouse.PositionsOpen.selector) {
                (uint256 marketMask,) = protocol.accountMasks(a);
                assertGt(marketMask, 0, "positions open");
            } else {
                revert("unexplained kick revert");
            }
        }
    }

    /// @dev Lets time pass (the curve decays), refreshes both feeds, and takes from an open auction.
    function take(uint256 keeperSeed, uint256 auctionSeed, uint256 maxAmount, uint256 dt) external recorded {
        if (openAuctions.length == 0) return;
        uint256 index = auctionSeed % openAuctions.length;
        uint256 auctionId = openAuctions[index];
        _elapse(dt);
        Auction memory before = auctionHouse.auction(auctionId);
        if (before.lot == 0) {
            _forget(index);
            return;
        }
        maxAmount = maxAmount % 3 == 0 ? bound(maxAmount, 1, before.lot) : type(uint256).max;
        (uint256 price, bool needsReset) = auctionHouse.status(auctionId);
        address k = keepers[keeperSeed % 2];
        usdc.mint(k, 10_000_000e6);
        _flush();
        vm.prank(k);
        try auctionHouse.take(auctionId, maxAmount, type(uint256).max, k, "") returns (uint256 amount, uint256 paid) {
            // Property 12: never a sale below the floor, never a zero-bid settlement.
            assertFalse(needsReset, "sold past the floor");
            assertGt(paid, 0);
            assertLe(amount, before.lot);
            assertLe(paid, before.targetWad);
            assertGe(paid + 1e12, amount * price / 10 ** collateralTokens[before.collateralId].decimals(), "underpaid");
            if (auctionHouse.auction(auctionId).lot == 0) _forget(index);
        } catch (bytes memory reason) {
            _drop();
            if (_haltedBy(reason, 3)) return;
            bytes4 sel = bytes4(reason);
            if (sel == IAuctionHouse.NeedsReset.selector) assertTrue(needsReset);
            else if (sel == IAuctionHouse.ZeroTake.selector) assertLe(before.targetWad, auctionHouse.dustWad() * 2);
            else if (sel == IAuctionHouse.LotDust.selector) assertLt(maxAmount, before.lot);
            else revert("unexplained take revert");
        }
    }

    function redo(uint256 keeperSeed, uint256 auctionSeed, uint256 dt) external recorded {
        if (openAuctions.length == 0) return;
        uint256 index = auctionSeed % openAuctions.length;
        uint256 auctionId = openAuctions[index];
        _elapse(dt);
        if (auctionHouse.auction(auctionId).lot == 0) {
            _forget(index);
            return;
        }
        (, bool needsReset) = auctionHouse.status(auctionId);
        address k = keepers[keeperSeed % 2];
        uint256 keeperBefore = usdc.balanceOf(k);
        uint256 budgetBefore = auctionHouse.auction(auctionId).rewardLeft;
        _flush();
        vm.prank(k);
        try auctionHouse.redo(auctionId) {
            assertTrue(needsReset);
            uint256 paidWad = (usdc.balanceOf(k) - keeperBefore) * 1e12;
            // A reset draws on the lot's budget and never beyond it.
            assertLe(paidWad, budgetBefore * 1e12, "reset beyond the lot's budget");
            assertLe(auctionHouse.auction(auctionId).rewardLeft + paidWad / 1e12, budgetBefore);
            ghostRewardOutflowWad += paidWad;
            ghostKeeperRewardsWad += paidWad;
        } catch (bytes memory reason) {
            _drop();
            if (_haltedBy(reason, 2)) return;
            if (bytes4(reason) == IAuctionHouse.BackstopFirst.selector) {
                // Below the floor with a backstop able to buy the whole lot: it goes to the backstop instead.
                (, uint256 capacity) = abi.decode(_args(reason), (uint256, uint256));
                assertTrue(needsReset);
                assertGt(capacity, 0);
                return;
            }
            assertEq(bytes4(reason), IAuctionHouse.NoResetNeeded.selector);
            assertFalse(needsReset);
        }
    }

    /*//////////////////////////////////////////////////////////////
                                BACKSTOP
    //////////////////////////////////////////////////////////////*/

    struct BackstopSnap {
        address keeper;
        address account;
        uint256 id;
        uint256 held;
        int256 quote;
        bool liquidatable;
        int256 equity;
        uint256 keeperBalance;
        uint256 price;
        uint256 capacity;
        uint256 heldBefore;
        uint256 tipsBefore;
        uint256 gasStart;
        uint256 badDebtBefore;
    }

    function _checkAbsorb(BackstopSnap memory s, uint256 amount, uint256 paid, uint256 reward) internal {
        // What the call used, measured from here: more than the backstop can measure of itself.
        uint256 gasUsed = s.gasStart - gasleft();
        assertEq(backstop.held(s.id), s.heldBefore + amount);
        uint256 value = amount * s.price / 10 ** collateralTokens[s.id].decimals();
        // Never below the oracle price × (1 − backstop discount), never above the oracle price.
        assertGe(paid + 1e12, value * (WAD - engine.backstopDiscountWad()) / WAD, "backstop underpaid");
        assertLe(paid, value + 1e12, "backstop overpaid");
        assertLe(paid, s.capacity, "beyond capacity");
        assertLe(backstop.held(s.id) * s.price / 10 ** collateralTokens[s.id].decimals(), _cap(s.id) + 1e12);
        (int256 equityAfter,) = _marginOrZero(s.account);
        assertGe(equityAfter, s.equity, "backstop sale lowered equity");
        uint256 left = protocol.collateralBalance(s.account, s.id);
        assertTrue(left == 0 || left * s.price / 10 ** collateralTokens[s.id].decimals() + 1 >= 10e18, "dust");
        assertEq(usdc.balanceOf(s.keeper) - s.keeperBalance, reward / 1e12);
        // The tip comes out of the backstop's gain (its own books); the rest is gas at cost, within half the value.
        (,, uint256 tipsAfter) = backstop.totals();
        uint256 gasPaidWad = reward - (tipsAfter - s.tipsBefore);
        BackstopRewardParams memory r = backstop.rewardParams();
        uint256 costWad = _atCostWad(gasUsed + r.callGas);
        uint256 capWad = _capOf(s.badDebtBefore, value * r.maxValueShareWad / WAD);
        assertLe(gasPaidWad, costWad < capWad ? costWad : capWad, "absorb gas reimbursed beyond its cost");
        ghostGasReimbursedWad += gasPaidWad;
        ghostKeeperRewardsWad += reward;
        ghostBackstopGainWad += value > paid ? value - paid : 0;
    }

    /// @dev The backstop buys an account's collateral (WETH is in the internal pattern; WBTC is auctioned), at a base
    /// fee from none to 1,000 gwei, so that its gas is reimbursed.
    function absorb(uint256 keeperSeed, uint256 actorSeed, uint256 id) external recorded {
        _closePositionsFirst(keeperSeed, actorSeed);
        BackstopSnap memory s;
        s.keeper = keepers[keeperSeed % 2];
        s.account = _pickLiquidatable(actorSeed);
        s.id = id % 5 == 0 ? 1 : 0;
        s.held = protocol.collateralBalance(s.account, s.id);
        s.quote = protocol.quoteBalance(s.account);
        s.liquidatable = protocol.isLiquidatable(s.account);
        (s.equity,) = _marginOrZero(s.account);
        s.keeperBalance = usdc.balanceOf(s.keeper);
        s.price = uint256(int256(feeds[s.id].answerWad()));
        s.capacity = backstop.capacity(s.id, engine.backstopDiscountWad());
        s.heldBefore = backstop.held(s.id);
        (,, s.tipsBefore) = backstop.totals();
        s.badDebtBefore = engine.totalBadDebtWad();
        vm.fee(_baseFee(keeperSeed));
        _flush();
        s.gasStart = gasleft();
        vm.prank(s.keeper);
        try backstop.absorb(s.account, s.id) returns (uint256 amount, uint256 paid, uint256 reward) {
            assertTrue(s.liquidatable && s.quote < 0, "backstop bought from a healthy or debt-free account");
            _checkAbsorb(s, amount, paid, reward);
        } catch (bytes memory reason) {
            _drop();
            if (_haltedBy(reason, 3)) return;
            if (_expectPortfolioRefusal(s.account, reason, s.equity)) return;
            bytes4 sel = bytes4(reason);
            if (sel == ILiquidationEngine.NoDebt.selector) assertGe(s.quote, 0);
            else if (sel == ILiquidationEngine.Healthy.selector) assertFalse(s.liquidatable);
            else if (sel == ILiquidationEngine.NoCollateral.selector) assertTrue(s.held == 0 || s.capacity < 20e18);
            else if (sel == ILiquidationEngine.WrongPattern.selector) assertEq(s.id, 1);
            else if (sel == IBackstopVault.NoCapacity.selector) assertLt(s.capacity, 1e12);
            else revert("unexplained absorb revert");
        }
    }

    struct FloorSnap {
        uint256 index;
        uint256 auctionId;
        Auction before;
        uint256 curve;
        uint256 oracle;
        uint256 floorFraction;
        uint256 floor;
        address keeper;
        uint256 keeperBalance;
    }

    /// @dev Lets time pass and has the backstop buy an auction lot that decayed below its floor.
    function backstopBuyAuction(uint256 keeperSeed, uint256 auctionSeed, uint256 dt) external recorded {
        if (openAuctions.length == 0) return;
        FloorSnap memory s;
        s.index = auctionSeed % openAuctions.length;
        s.auctionId = openAuctions[s.index];
        vm.warp(block.timestamp + bound(dt, 0, 10 minutes));
        for (uint256 i; i < 2; ++i) {
            feeds[i].push(int192(feeds[i].answerWad()));
        }
        s.before = auctionHouse.auction(s.auctionId);
        if (s.before.lot == 0) {
            _forget(s.index);
            return;
        }
        (s.curve,) = auctionHouse.status(s.auctionId);
        s.oracle = uint256(int256(feeds[s.before.collateralId].answerWad()));
        s.floorFraction = auctionHouse.params(s.before.collateralId).resetBelowWad;
        s.floor = s.oracle * s.floorFraction / WAD;
        s.keeper = keepers[keeperSeed % 2];
        s.keeperBalance = usdc.balanceOf(s.keeper);
        _flush();
        vm.prank(s.keeper);
        try backstop.buyAuction(s.auctionId) returns (uint256 amount, uint256 paid, uint256 reward) {
            _checkFloorBuy(s, amount, paid, reward);
        } catch (bytes memory reason) {
            _drop();
            if (_haltedBy(reason, 3)) return;
            bytes4 sel = bytes4(reason);
            uint256 capacity = backstop.capacity(s.before.collateralId, WAD - s.floorFraction);
            if (sel == IAuctionHouse.AboveFloor.selector) assertGe(s.curve + 1, s.floor);
            else if (sel == IBackstopVault.NoCapacity.selector) assertLe(capacity, 1e12);
            else if (sel == IAuctionHouse.ZeroTake.selector) assertTrue(capacity < 20e18 || s.before.targetWad <= 20e18);
            else if (sel == IAuctionHouse.LotDust.selector) assertLt(capacity, s.before.lot * s.floor / 1e8 + 1e12);
            else revert("unexplained buyAuction revert");
        }
    }

    function _checkFloorBuy(FloorSnap memory s, uint256 amount, uint256 paid, uint256 reward) internal {
        // Property 12 for the backstop: only below the floor, at the floor, never a zero bid.
        assertLt(s.curve, s.floor + 1, "bought above the floor");
        assertGt(paid, 0);
        uint256 value = amount * s.oracle / 10 ** collateralTokens[s.before.collateralId].decimals();
        assertGe(paid + 1e12, value * s.floorFraction / WAD, "paid below the floor");
        assertEq(usdc.balanceOf(s.keeper) - s.keeperBalance, reward / 1e12);
        // The keeper is paid by the reward payer (pending revenue, then the fund), as for the reset it replaces.
        ghostKeeperRewardsWad += reward;
        ghostRewardOutflowWad += reward;
        ghostBackstopGainWad += value > paid ? value - paid : 0;
        if (auctionHouse.auction(s.auctionId).lot == 0) _forget(s.index);
    }

    /// @dev The owner sells part of the backstop's holdings into the pool, which frees exposure room; it reverts when
    /// the pool pays less than the oracle price × (1 − max slippage).
    function backstopSell(uint256 id, uint256 fraction) external recorded {
        id = id % 2;
        uint256 heldAmount = backstop.held(id);
        if (heldAmount == 0) return;
        uint256 amount = heldAmount * bound(fraction, 1, 100) / 100;
        if (amount == 0) return;
        (, uint256 soldBefore,) = backstop.totals();
        _flush();
        try backstop.sellToPool(id, amount) returns (uint256 received) {
            (, uint256 soldAfter,) = backstop.totals();
            assertEq(soldAfter - soldBefore, received);
            uint256 oracle = uint256(int256(feeds[id].answerWad()));
            uint256 value = amount * oracle / 10 ** collateralTokens[id].decimals();
            assertGe(received + 1e12, value * (WAD - backstop.maxSlippageWad()) / WAD, "sold below the bound");
        } catch (bytes memory reason) {
            _drop();
            assertEq(bytes4(reason), ConstantProductPool.InsufficientOutput.selector, "unexplained sale revert");
        }
    }

    /// @dev As a keeper would, closes a liquidatable account's positions (through the checked `liquidate` action)
    /// before turning to its collateral, so that collateral sales, kicks and backstop buys meet indebted accounts.
    function _closePositionsFirst(uint256 keeperSeed, uint256 actorSeed) internal {
        if (!protocol.isLiquidatable(_pickLiquidatable(actorSeed))) return;
        this.liquidate(keeperSeed, actorSeed, 0, 1);
        this.liquidate(keeperSeed, actorSeed, 1, 1);
    }

    function _cap(uint256 id) internal view returns (uint256) {
        return backstop.assetConfig(id).exposureCapWad;
    }

    function _assertBackstopCouldBuy(uint256 id) internal view {
        assertGe(backstop.capacity(id, engine.backstopDiscountWad()), engine.params().dustNotionalWad);
    }

    function _marginOrZero(address a) internal view returns (int256 equity, uint256 maintenance) {
        try protocol.marginState(a) returns (int256 e, uint256 m) {
            return (e, m);
        } catch {
            return (0, 0);
        }
    }

    function _elapse(uint256 dt) internal {
        vm.warp(block.timestamp + bound(dt, 0, 5 minutes));
        _refreshFeeds();
    }

    function _forget(uint256 index) internal {
        openAuctions[index] = openAuctions[openAuctions.length - 1];
        openAuctions.pop();
    }

    /// @dev Raises or lowers the circuit breaker; mostly back to 0 so that the other actions keep running.
    function setBreaker(uint256 seed) external recorded {
        uint8 level = seed % 8 < 5 ? 0 : uint8(seed % 4);
        protocol.setBreakerLevel(level);
    }

    /// @dev Property 13: an action refused by the breaker is one the current level halts.
    function _haltedBy(bytes memory reason, uint8 minimumLevel) internal view returns (bool) {
        if (bytes4(reason) != IMarginProtocol.BreakerActive.selector) return false;
        uint8 level = abi.decode(_args(reason), (uint8));
        assertGe(level, minimumLevel, "halted below its level");
        assertEq(level, protocol.breakerLevel());
        return true;
    }

    /// Property 14: an account can never liquidate itself.
    function selfLiquidate(uint256 actorSeed, uint256 marketId) external recorded {
        address a = traders[actorSeed % 3];
        _flush();
        vm.prank(a);
        try engine.liquidate(a, marketId % 2, type(uint256).max) {
            revert("self-liquidation succeeded");
        } catch (bytes memory reason) {
            _drop();
            assertEq(bytes4(reason), ILiquidationEngine.SelfLiquidation.selector);
        }
    }

    /*//////////////////////////////////////////////////////////////
                                HELPERS
    //////////////////////////////////////////////////////////////*/

    mapping(address => mapping(uint256 => uint256)) internal keeperCollateral;

    /// @dev Starting from the seeded trader, the first liquidatable one; the seeded one if none is.
    function _pickLiquidatable(uint256 seed) internal view returns (address) {
        for (uint256 i; i < 3; ++i) {
            address a = traders[(seed % 3 + i) % 3];
            if (protocol.isLiquidatable(a)) return a;
        }
        return traders[seed % 3];
    }

    /// @dev A size bound that mostly passes the initial-margin check: 1.2 × (equity − initial) / (price × 10.05%).
    function _affordableSize(address a, uint256 marketId) internal view returns (int256) {
        Health memory h = protocol.health(a);
        int256 freeWad = h.equityWad - int256(h.initialWad);
        if (freeWad <= 0) {
            (int256 size,) = protocol.position(a, marketId);
            return size >= 0 ? size : -size; // only reductions can pass
        }
        uint256 price = uint256(int256(feeds[marketId].answerWad()));
        return int256(uint256(freeWad) * 12 / 10 * 1e18 / (price * 1005 / 10_000));
    }

    function _priorHoldings(address k, uint256 id, uint256 amount) internal returns (uint256 prior) {
        prior = keeperCollateral[k][id];
        keeperCollateral[k][id] = prior + amount;
    }

    function _healthy(address a) internal view returns (bool healthy, bool known) {
        try protocol.marginState(a) returns (int256 e, uint256 m) {
            return (e >= int256(m), true);
        } catch {
            return (false, false);
        }
    }

    /// Property 4: no action other than a price move turns a healthy account unhealthy.
    function _assertNotWorse(address a, bool healthyBefore, bool known) internal view {
        if (!known || !healthyBefore) return;
        (bool healthyAfter,) = _healthy(a);
        assertTrue(healthyAfter, "a non-price action made a healthy account unhealthy");
    }

    /// @dev The only margin reverts the model accepts carry their own proof: equity below the requirement.
    function _expectMarginRevert(bytes memory reason) internal pure {
        bytes4 sel = bytes4(reason);
        if (sel == IMarginProtocol.InvalidPrice.selector) {
            // New exposure while the asset's feed reports a large move (breaker level 1 for that asset).
            (,, PriceStatus status) = abi.decode(_args(reason), (address, uint256, PriceStatus));
            assertEq(uint8(status), uint8(PriceStatus.Volatile));
            return;
        }
        if (sel == IMarginProtocol.InitialMarginViolated.selector) {
            (, int256 equity, uint256 initial) = abi.decode(_args(reason), (address, int256, uint256));
            assertLt(equity, int256(initial));
            return;
        }
        revert("unexplained revert");
    }

    function _args(bytes memory reason) internal pure returns (bytes memory args) {
        args = new bytes(reason.length - 4);
        for (uint256 i = 4; i < reason.length; ++i) {
            args[i - 4] = reason[i];
        }
    }

    function _abs(int256 x) internal pure returns (uint256) {
        return x >= 0 ? uint256(x) : uint256(-x);
    }
}
