// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {BaseTest} from "../Base.t.sol";
import {IBackstopVault} from "../../src/interfaces/IBackstopVault.sol";
import {IAuctionHouse} from "../../src/interfaces/IAuctionHouse.sol";
import {ILiquidationEngine, CollateralPattern} from "../../src/interfaces/ILiquidationEngine.sol";
import {PriceStatus} from "../../src/interfaces/IOracle.sol";
import {IMarginProtocol} from "../../src/interfaces/IMarginProtocol.sol";

contract BackstopVaultTest is BaseTest {
    address internal carol = makeAddr("carol");
    address internal lp = makeAddr("lp");

    /// Carol: 3 WETH, long 4 ETH at 3,000. At 1,800 the engine closes the position and she owes ≈ 4,878 against
    /// 3 WETH worth 5,400; WETH is in the internal pattern.
    function setUp() public override {
        super.setUp();
        engine.setCollateralPattern(WETH_ID, CollateralPattern.Internal);
        _indebtedOnWeth(carol, 3e18, 1_800e18);
        assertTrue(_liquidatable(carol));
    }

    function _debt() internal view returns (uint256) {
        return uint256(-protocol.quoteBalance(carol));
    }

    function _absorb() internal returns (uint256 amount, uint256 paid, uint256 reward) {
        vm.prank(keeper);
        return backstop.absorb(carol, WETH_ID);
    }

    /*//////////////////////////////////////////////////////////////
                                 ABSORB
    //////////////////////////////////////////////////////////////*/

    function test_absorb_buysAtTheOracleMinusTheDiscount() public {
        uint256 debt = _debt();
        uint256 idleBefore = usdc.balanceOf(address(backstop));
        uint256 keeperBefore = usdc.balanceOf(keeper);
        (uint256 amount, uint256 paid, uint256 reward) = _absorb();
        // 1,800 × 0.98 = 1,764 per WETH, as much as repays the debt (rounded up to a wei of WETH)
        uint256 expectedAmount = (debt * 1e18 + 1_764e18 - 1) / 1_764e18;
        assertEq(amount, expectedAmount);
        assertEq(paid, ((amount * 1_764e18 / 1e18) + 1e12 - 1) / 1e12 * 1e12);
        assertGe(protocol.quoteBalance(carol), 0, "debt repaid");
        assertEq(protocol.collateralBalance(carol, WETH_ID), 3e18 - amount, "the rest stays hers");
        assertEq(backstop.held(WETH_ID), amount);
        assertEq(weth.balanceOf(address(backstop)), amount);
        // reward: the $2 tip (no base fee here), within half the gain of ≈ 2% × 1,800 × amount
        assertEq(reward, 2e18);
        assertEq(usdc.balanceOf(keeper) - keeperBefore, 2e6);
        assertEq(idleBefore - usdc.balanceOf(address(backstop)), (paid + reward) / 1e12);
        (uint256 bought,, uint256 rewards) = backstop.totals();
        assertEq(bought, paid);
        assertEq(rewards, reward);
        // the backstop gained: holdings at the oracle exceed what it paid, and so its share price rose
        assertGt(backstop.totalAssets(), 1_000_000e6);
    }

    function test_absorb_revertsOnHealthyAccountAndWrongPattern() public {
        _depositQuote(carol, 10_000e6);
        int256 balance = protocol.quoteBalance(carol);
        vm.prank(keeper);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.NoDebt.selector, carol, balance));
        backstop.absorb(carol, WETH_ID);

        engine.setCollateralPattern(WBTC_ID, CollateralPattern.FixedFee);
        vm.prank(keeper);
        vm.expectRevert(
            abi.encodeWithSelector(ILiquidationEngine.WrongPattern.selector, WBTC_ID, CollateralPattern.FixedFee)
        );
        backstop.absorb(carol, WBTC_ID);
    }

    /// Collateral sales halt at breaker level 3 in every pattern; at level 2 (no new liquidations) a sale that repays
    /// debt still runs, as it does for keepers.
    function test_absorb_breakerLevels() public {
        protocol.setBreakerLevel(3);
        vm.prank(keeper);
        vm.expectRevert(abi.encodeWithSelector(IMarginProtocol.BreakerActive.selector, 3));
        backstop.absorb(carol, WETH_ID);
        protocol.setBreakerLevel(2);
        (uint256 amount,,) = _absorb();
        assertGt(amount, 0);
    }

    function test_sellToBackstop_onlyTheBackstop() public {
        vm.prank(keeper);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.NotBackstop.selector, keeper));
        engine.sellToBackstop(carol, WETH_ID, type(uint256).max);
    }

    /// Priority: keepers cannot buy internal-pattern collateral while the backstop can.
    function test_buyCollateral_waitsForTheBackstop() public {
        uint256 capacity = backstop.capacity(WETH_ID, engine.backstopDiscountWad());
        vm.prank(keeper);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.BackstopFirst.selector, WETH_ID, capacity));
        engine.buyCollateral(carol, WETH_ID, type(uint256).max, type(uint256).max);

        // Out of room (cap 0): keepers buy at the fixed discount, so liquidation never stalls on the backstop.
        backstop.setAsset(WETH_ID, address(wethPool), 0);
        assertEq(backstop.capacity(WETH_ID, engine.backstopDiscountWad()), 0);
        vm.prank(keeper);
        (uint256 amount,) = engine.buyCollateral(carol, WETH_ID, type(uint256).max, type(uint256).max);
        assertGt(amount, 0);
    }

    /// The exposure cap bounds the holdings at the oracle price; a short budget leaves at least the dust behind.
    function testFuzz_absorb_respectsTheExposureCap(uint256 capUsd) public {
        capUsd = bound(capUsd, 20, 20_000);
        backstop.setAsset(WETH_ID, address(wethPool), uint128(capUsd * 1e18));
        uint256 debt = _debt();
        vm.prank(keeper);
        try backstop.absorb(carol, WETH_ID) returns (uint256 amount, uint256 paid, uint256) {
            assertLe(backstop.held(WETH_ID) * 1_800, capUsd * 1e18, "holdings within the cap");
            uint256 left = protocol.collateralBalance(carol, WETH_ID);
            assertTrue(left == 0 || left * 1_800 >= 10e18, "no dust remainder");
            assertLe(paid, debt + 1_764e18 / 1e6, "no more than the debt, up to a wei of WETH");
            assertGt(amount, 0);
        } catch (bytes memory reason) {
            bytes4 sel = bytes4(reason);
            assertTrue(sel == IBackstopVault.NoCapacity.selector || sel == ILiquidationEngine.NoCollateral.selector);
            assertLt(capUsd, 30, "only a cap too small for a lot above the dust fails");
        }
    }

    function test_absorb_emptyingTheAccountSettlesBadDebt() public {
        // At 1,300 three WETH (3,822 at 1,274) cannot repay the debt: the rest is bad debt, covered by the fund.
        address dave = makeAddr("dave");
        _depositCollateral(dave, WETH_ID, 1e18);
        _setEthPrice(3_000e18);
        _trade(dave, ETH_MARKET, 4e18);
        _setEthPrice(2_300e18);
        vm.prank(keeper);
        engine.liquidate(dave, ETH_MARKET, type(uint256).max);
        uint256 badBefore = engine.totalBadDebtWad();
        vm.prank(keeper);
        (uint256 amount,,) = backstop.absorb(dave, WETH_ID);
        assertEq(amount, 1e18);
        assertEq(protocol.quoteBalance(dave), 0);
        assertGt(engine.totalBadDebtWad(), badBefore);
    }

    /*//////////////////////////////////////////////////////////////
                             AUCTION FLOOR
    //////////////////////////////////////////////////////////////*/

    function _kickCarol() internal returns (uint256 id) {
        engine.setCollateralPattern(WETH_ID, CollateralPattern.DutchAuction);
        vm.prank(keeper);
        id = auctionHouse.kick(carol, WETH_ID);
    }

    function test_buyAuction_buysAnUnsoldLotAtTheFloor() public {
        uint256 id = _kickCarol();
        vm.prank(keeper2);
        vm.expectRevert(abi.encodeWithSelector(IAuctionHouse.AboveFloor.selector, id, 1_980e18, 1_530e18));
        backstop.buyAuction(id);

        vm.warp(block.timestamp + 400); // 1,980 × 0.99^40 ≈ 1,327 < floor 1,530 (85% of 1,800)
        uint256 keeperBefore = usdc.balanceOf(keeper2);
        uint256 badBefore = engine.totalBadDebtWad();
        uint256 expectedReward =
            auctionHouse.keeperReward(auctionHouse.auction(id).targetWad, auctionHouse.rewardParams().floorBuyGas);
        vm.prank(keeper2);
        (uint256 amount, uint256 paid, uint256 reward) = backstop.buyAuction(id);
        // 3 WETH at 1,530 = 4,590 < the target (≈ 5,122): the whole lot sells at the floor and the rest of the debt is
        // bad debt, settled as the auction ends.
        assertEq(amount, 3e18);
        assertEq(paid, 4_590e18);
        assertEq(protocol.quoteBalance(carol), 0);
        assertGt(engine.totalBadDebtWad(), badBefore);
        assertEq(backstop.held(WETH_ID), 3e18);
        assertEq(auctionHouse.auction(id).lot, 0, "auction ended");
        // The keeper is paid as for the reset this replaces ($5 + 0.1% of the target here), by the insurance fund.
        assertEq(reward, expectedReward);
        assertGt(reward, 5e18);
        assertEq(usdc.balanceOf(keeper2) - keeperBefore, reward / 1e12);
        assertEq(usdc.balanceOf(address(backstop)), 1_000_000e6 - 4_590e6, "the backstop paid the floor price only");
    }

    function test_takeAtFloor_onlyTheBackstop() public {
        uint256 id = _kickCarol();
        vm.warp(block.timestamp + 400);
        vm.prank(keeper);
        vm.expectRevert(abi.encodeWithSelector(IAuctionHouse.NotBackstop.selector, keeper));
        auctionHouse.takeAtFloor(id, type(uint256).max, keeper);
    }

    function test_buyAuction_haltedAtBreakerLevelThree() public {
        uint256 id = _kickCarol();
        vm.warp(block.timestamp + 400);
        protocol.setBreakerLevel(3);
        vm.prank(keeper2);
        vm.expectRevert(abi.encodeWithSelector(IAuctionHouse.BreakerActive.selector, 3));
        backstop.buyAuction(id);
    }

    /*//////////////////////////////////////////////////////////////
                          SALES AND ACCOUNTING
    //////////////////////////////////////////////////////////////*/

    function test_sellToPool_boundedByTheOraclePrice() public {
        (uint256 amount,,) = _absorb();
        // The pool still prices WETH at 3,000 (nobody arbitraged it): selling at 1,800 − 1% is allowed.
        uint256 before = usdc.balanceOf(address(backstop));
        uint256 received = backstop.sellToPool(WETH_ID, amount / 2);
        assertGt(received, (amount / 2) * 1_782e18 / 1e18);
        assertEq(backstop.held(WETH_ID), amount - amount / 2);
        assertEq(usdc.balanceOf(address(backstop)) - before, received / 1e12);
        (, uint256 sold,) = backstop.totals();
        assertEq(sold, received);

        // With the oracle well above what the pool pays, the sale reverts instead of dumping.
        _setEthPrice(10_000e18);
        vm.expectRevert();
        backstop.sellToPool(WETH_ID, amount - amount / 2);

        vm.prank(keeper);
        vm.expectRevert("UNAUTHORIZED");
        backstop.sellToPool(WETH_ID, 1);
    }

    function test_totalAssets_marksHoldingsAtTheOracle_andWithdrawalsUseIdleOnly() public {
        (uint256 amount, uint256 paid, uint256 reward) = _absorb();
        uint256 idle = 1_000_000e6 - (paid + reward) / 1e12;
        assertEq(backstop.idle(), idle);
        assertEq(backstop.totalAssets(), idle + amount * 1_800 / 1e12);
        // Exits value the holding at its cost (below its oracle value): the gain is paid out once it is sold.
        assertEq(backstop.maxWithdraw(address(this)), idle);
        assertEq(backstop.previewRedeem(backstop.balanceOf(address(this))), idle + paid / 1e12);

        // A broken price halts share minting and burning rather than pricing them wrongly; the max views say 0.
        ethFeed.push(0);
        vm.expectRevert(
            abi.encodeWithSelector(IBackstopVault.InvalidPrice.selector, address(ethFeed), 0, PriceStatus.NonPositive)
        );
        backstop.totalAssets();
        assertEq(backstop.capacity(WETH_ID, 0), 0);
        assertEq(backstop.maxWithdraw(address(this)), 0);
        assertEq(backstop.maxRedeem(address(this)), 0);
        vm.expectRevert(
            abi.encodeWithSelector(IBackstopVault.InvalidPrice.selector, address(ethFeed), 0, PriceStatus.NonPositive)
        );
        backstop.redeem(1e6, address(this), address(this));
    }

    /// A deposit just before a buy and a redemption just after capture nothing of the buy's gain.
    function test_justInTimeDepositCapturesNoGain() public {
        uint256 deposit = 9_000_000e6;
        usdc.mint(lp, deposit);
        vm.startPrank(lp);
        usdc.approve(address(backstop), deposit);
        uint256 shares = backstop.deposit(deposit, lp);
        vm.stopPrank();
        _absorb(); // the backstop gains ≈ 2% of ≈ 4,980 at the oracle price
        assertGt(backstop.totalAssets(), 10_000_000e6, "the gain is there at the oracle price");
        vm.prank(lp);
        uint256 out = backstop.redeem(shares, lp, lp);
        assertLe(out, deposit, "no gain captured");
        // It bears its 90% share of the $2 keeper reward, and nothing else.
        assertGe(out, deposit - 1_800_001, "lost more than its share of the reward");
    }

    /// Quote sent to the vault without a deposit changes neither the share price nor the capacity.
    function test_donationChangesNothing() public {
        uint256 priceBefore = backstop.previewRedeem(1e6);
        uint256 capacityBefore = backstop.capacity(WETH_ID, 0.02e18);
        usdc.mint(address(backstop), 500_000e6);
        assertEq(backstop.previewRedeem(1e6), priceBefore);
        assertEq(backstop.capacity(WETH_ID, 0.02e18), capacityBefore);
        assertEq(backstop.idle(), 1_000_000e6);
    }

    function test_deposit_fundsTheBackstop() public {
        usdc.mint(lp, 10_000e6);
        vm.startPrank(lp);
        usdc.approve(address(backstop), 10_000e6);
        uint256 shares = backstop.deposit(10_000e6, lp);
        vm.stopPrank();
        assertEq(shares, 10_000e6);
        assertEq(backstop.maxWithdraw(lp), 10_000e6);
    }

    function test_config_onlyOwnerAndValidated() public {
        vm.prank(keeper);
        vm.expectRevert("UNAUTHORIZED");
        backstop.setAsset(WETH_ID, address(wethPool), 1);
        vm.expectRevert(abi.encodeWithSelector(IBackstopVault.InvalidParams.selector, "pool"));
        backstop.setAsset(WBTC_ID, address(wethPool), 1);
        vm.expectRevert(abi.encodeWithSelector(IBackstopVault.InvalidParams.selector, "max slippage"));
        backstop.setMaxSlippage(1e18);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.InvalidParams.selector, "backstop discount"));
        engine.setBackstop(address(backstop), 0.06e18);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.InvalidParams.selector, "backstop discount"));
        engine.setBackstop(address(backstop), 0);
    }
}
