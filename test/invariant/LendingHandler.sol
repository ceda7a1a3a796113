// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {TestnetToken} from "../../src/demo/TestnetToken.sol";
import {PushPriceFeed} from "../../src/oracle/PushPriceFeed.sol";
import {LendingMarket} from "../../src/lending/LendingMarket.sol";
import {LendingAccount} from "../../src/interfaces/ILendingMarket.sol";
import {LiquidationEngine} from "../../src/LiquidationEngine.sol";
import {CollateralPattern} from "../../src/interfaces/ILiquidationEngine.sol";
import {AuctionHouse} from "../../src/AuctionHouse.sol";
import {BackstopVault} from "../../src/BackstopVault.sol";
import {LiquidityVault} from "../../src/LiquidityVault.sol";

/// @notice Drives the lending market through random deposits, borrows, repayments, withdrawals, waits, price moves
/// and liquidations in all three patterns (switched per collateral at random), with ghost counters of what happened.
/// Calls the model allows to fail (a borrow over the limit, a sale leaving dust, a take that the curve has not reached)
/// are tried; a liquidation that succeeds on an account that was healthy before it is counted, and must never happen.
contract LendingHandler is Test {
    LendingMarket public immutable market;
    LiquidationEngine public immutable engine;
    AuctionHouse public immutable auctions;
    BackstopVault public immutable backstop;
    LiquidityVault public immutable vault;
    TestnetToken public immutable usdc;
    TestnetToken[2] internal tokens;
    PushPriceFeed[2] internal feeds;

    address[3] public borrowers;
    address public keeper = makeAddr("lendingKeeper");
    uint256[] internal openAuctions;

    /// @notice Liquidations (sales, kicks, backstop buys) that succeeded on an account that was healthy before.
    uint256 public ghostHealthyLiquidations;
    /// @notice Sales (fixed-fee or backstop) that lowered the engine's equity (Σ value × liquidation LTV − debt) or
    /// raised the debt of the account sold, or kicks that raised its debt: must never happen.
    uint256 public ghostEquityDrops;
    /// @notice Successful collateral sales (fixed-fee or backstop), for the coverage check.
    uint256 public ghostSales;
    /// @notice Successful liquidation actions, for the coverage check.
    uint256 public ghostLiquidations;
    uint256 public ghostTakes;
    uint256 public ghostBorrows;

    constructor(
        LendingMarket market_,
        LiquidationEngine engine_,
        AuctionHouse auctions_,
        BackstopVault backstop_,
        LiquidityVault vault_,
        TestnetToken usdc_,
        TestnetToken weth,
        TestnetToken wbtc,
        PushPriceFeed ethFeed,
        PushPriceFeed btcFeed
    ) {
        market = market_;
        engine = engine_;
        auctions = auctions_;
        backstop = backstop_;
        vault = vault_;
        usdc = usdc_;
        tokens = [weth, wbtc];
        feeds = [ethFeed, btcFeed];
        borrowers = [makeAddr("borrower0"), makeAddr("borrower1"), makeAddr("borrower2")];
        vm.startPrank(keeper);
        usdc.approve(address(market_), type(uint256).max);
        usdc.approve(address(auctions_), type(uint256).max);
        vm.stopPrank();
    }

    function borrowersList() external view returns (address[3] memory) {
        return borrowers;
    }

    function deposit(uint256 actorSeed, uint256 idSeed, uint256 amount) external {
        address a = borrowers[actorSeed % 3];
        uint256 id = idSeed % 2;
        amount = bound(amount, 1, id == 0 ? 20e18 : 1e8);
        tokens[id].mint(a, amount);
        vm.startPrank(a);
        tokens[id].approve(address(market), amount);
        market.depositCollateral(id, amount);
        vm.stopPrank();
    }

    function borrow(uint256 actorSeed, uint256 fractionBps) external {
        address a = borrowers[actorSeed % 3];
        LendingAccount memory s = market.accountState(a);
        if (s.borrowLimitWad <= s.debtWad + 2e12) return;
        // One quote unit below the limit: the new debt is rounded up, by up to one unit.
        uint256 room = (s.borrowLimitWad - s.debtWad) / 1e12 - 1;
        uint256 amount = room * bound(fractionBps, 1, 10_000) / 10_000;
        uint256 idle = usdc.balanceOf(address(vault));
        if (amount > idle) amount = idle;
        if (amount == 0) return;
        vm.prank(a);
        market.borrow(amount); // within the limit at valid prices: must succeed
        ++ghostBorrows;
    }

    function repay(uint256 actorSeed, uint256 amount) external {
        address a = borrowers[actorSeed % 3];
        uint256 debt = market.debtOf(a) / 1e12;
        if (debt == 0) return;
        amount = bound(amount, 1, debt + 100e6);
        usdc.mint(a, amount);
        vm.startPrank(a);
        usdc.approve(address(market), amount);
        uint256 paid = market.repay(a, amount);
        vm.stopPrank();
        assertEq(paid, amount < debt ? amount : debt, "repay pays min(amount, debt)");
    }

    function withdraw(uint256 actorSeed, uint256 idSeed, uint256 amount) external {
        address a = borrowers[actorSeed % 3];
        uint256 id = idSeed % 2;
        uint256 held = market.collateralBalance(a, id);
        if (held == 0) return;
        amount = bound(amount, 1, held);
        vm.prank(a);
        try market.withdrawCollateral(id, amount) {
            LendingAccount memory s = market.accountState(a);
            assertLe(s.debtWad, s.borrowLimitWad, "a withdrawal keeps the borrow limit");
        } catch {}
    }

    /// @dev Waits (interest accrues) and moves one price by −20%..+15%, keeping both feeds fresh.
    function movePrice(uint256 idSeed, uint256 moveBps, uint256 dt) external {
        uint256 i = idSeed % 2;
        vm.warp(block.timestamp + bound(dt, 0, 6 hours));
        uint256 price = uint256(int256(feeds[i].answerWad()));
        uint256 next = price * bound(moveBps, 8_000, 11_500) / 10_000;
        uint256 lo = i == 0 ? 500e18 : 10_000e18;
        uint256 hi = i == 0 ? 10_000e18 : 200_000e18;
        next = next < lo ? lo : next > hi ? hi : next;
        feeds[i].push(int192(int256(next)));
        feeds[1 - i].push(int192(feeds[1 - i].answerWad()));
    }

    function setPattern(uint256 idSeed, uint256 patternSeed) external {
        engine.setCollateralPattern(idSeed % 2, CollateralPattern(patternSeed % 3));
    }

    /// @dev A liquidation in the collateral's pattern: a fixed-fee sale, a backstop buy (or a keeper's sale once the
    /// backstop is full), or a kick.
    function liquidate(uint256 actorSeed, uint256 idSeed) external {
        address a = borrowers[actorSeed % 3];
        uint256 id = idSeed % 2;
        bool healthy = !market.isLiquidatable(a);
        (int256 equityBefore,) = market.marginState(a);
        uint256 debtBefore = market.debtOf(a);
        CollateralPattern p = engine.collateralPattern(id);
        bool ok;
        if (usdc.balanceOf(keeper) < 10_000_000e6) usdc.mint(keeper, 10_000_000e6);
        vm.startPrank(keeper);
        if (p == CollateralPattern.DutchAuction) {
            try auctions.kick(a, id) returns (uint256 auctionId) {
                openAuctions.push(auctionId);
                ok = true;
            } catch {}
        } else if (p == CollateralPattern.Internal) {
            try backstop.absorb(a, id) {
                ok = true;
            } catch {
                try engine.buyCollateral(a, id, type(uint256).max, type(uint256).max) {
                    ok = true;
                } catch {}
            }
        } else {
            try engine.buyCollateral(a, id, type(uint256).max, type(uint256).max) {
                ok = true;
            } catch {}
        }
        vm.stopPrank();
        if (ok) {
            ++ghostLiquidations;
            if (healthy) ++ghostHealthyLiquidations;
            (int256 equityAfter,) = market.marginState(a);
            // A kick takes the lot out of the account before it is sold: only its debt is checked.
            bool sale = p != CollateralPattern.DutchAuction;
            if (sale) ++ghostSales;
            if (market.debtOf(a) > debtBefore || (sale && equityAfter < equityBefore)) ++ghostEquityDrops;
        }
    }

    /// @dev Waits for the curve, then takes the whole of a live auction at the current price.
    function take(uint256 auctionSeed, uint256 dt) external {
        if (openAuctions.length == 0) return;
        uint256 k = auctionSeed % openAuctions.length;
        uint256 id = openAuctions[k];
        vm.warp(block.timestamp + bound(dt, 0, 120));
        feeds[0].push(int192(feeds[0].answerWad()));
        feeds[1].push(int192(feeds[1].answerWad()));
        if (auctions.auction(id).lot == 0) {
            _dropAuction(k);
            return;
        }
        if (usdc.balanceOf(keeper) < 10_000_000e6) usdc.mint(keeper, 10_000_000e6);
        vm.prank(keeper);
        try auctions.take(id, type(uint256).max, type(uint256).max, keeper, "") {
            ++ghostTakes;
        } catch {
            vm.prank(keeper);
            try auctions.redo(id) {} catch {}
        }
        if (auctions.auction(id).lot == 0) _dropAuction(k);
    }

    function settle(uint256 actorSeed) external {
        try engine.settleBadDebt(borrowers[actorSeed % 3]) {} catch {}
    }

    function _dropAuction(uint256 k) internal {
        openAuctions[k] = openAuctions[openAuctions.length - 1];
        openAuctions.pop();
    }
}
