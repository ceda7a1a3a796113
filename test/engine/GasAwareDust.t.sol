// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {KeeperGasBase} from "./KeeperGasBase.t.sol";
import {CollateralPattern} from "../../src/interfaces/ILiquidationEngine.sol";

/// @notice A deployment sized for congestion (issue 12, finding 5): with the dust minimum at $2,000 (`DUST_NOTIONAL`),
/// the least position a trader can hold, and the least sale or absorb of an account's collateral, each pay their keeper
/// more than their gas at 1,000 gwei, with the insurance fund empty (the waterfall's reward reserve pays). Not isolated: the base
/// fee `vm.fee` sets reaches the calls only within one transaction.
/// forge-config: default.isolate = false
/// forge-config: ci.isolate = false
contract GasAwareDustTest is KeeperGasBase {
    uint128 internal constant DUST = 2_000e18;

    function _dustNotionalWad() internal pure override returns (uint128) {
        return DUST;
    }

    function setUp() public override {
        super.setUp();
        insurance.setSpender(address(this), true);
        insurance.cover(address(this), insurance.balance());
        // The reward reserve sized for congestion too: a few of the costliest calls (an absorb that opens a bond
        // series costs ~$1,200 at 1,000 gwei), kept back from routing as penalties fill it.
        waterfall.setRewardReserve(5_000e6);
        usdc.mint(address(waterfall), 5_000e6);
    }

    function test_deployment_usesTheDustEverywhere() public view {
        assertEq(engine.params().dustNotionalWad, DUST);
        assertEq(protocol.market(ETH_MARKET).minPositionNotionalWad, DUST);
        assertEq(auctionHouse.dustWad(), DUST);
    }

    /// The least position ($2,100 at $3,000), liquidated after an 8% fall, at 1,000 gwei: the engine closes at least
    /// the dust minimum, so all of it, and half of that covers the ~$420 of gas.
    function test_leastPosition_paysMoreThanItsGasAt1000Gwei() public {
        _openLong(alice, 230e6, 0.7e18);
        _setEthPrice(2_760e18);
        assertTrue(_liquidatable(alice));
        vm.fee(1_000 gwei);
        (uint256 rewardWad, uint256 costWad) = _liquidateMeasured(alice);
        (int256 size,) = protocol.position(alice, ETH_MARKET);
        assertEq(size, 0, "closed in full");
        assertGt(rewardWad, costWad, "reward above the gas it cost");
    }

    /// A sale of $2,052 of WETH (0.9 WETH at $2,280 after the discount) at 1,000 gwei: it empties the account, whose
    /// bad debt opens a bond series (the fund is empty); that settlement's gas is reimbursed outside the cap, the rest
    /// within half the quote paid, and the discount is the keeper's margin.
    function test_leastSale_paysMoreThanItsGasAt1000Gwei() public {
        _indebtedOnWeth(dave, 0.9e18, 2_400e18);
        vm.fee(1_000 gwei);
        (uint256 amount, uint256 paidWad, uint256 rewardWad, uint256 costWad) = _buyWethMeasured(dave);
        assertEq(amount, 0.9e18);
        assertGe(paidWad, DUST);
        assertGt(rewardWad, costWad, "reward above the gas it cost");
    }

    /// The same lot absorbed by the backstop (internal pattern) at 1,000 gwei: the tip and the gas at cost, within half
    /// the $2,160 bought.
    function test_leastAbsorb_paysMoreThanItsGasAt1000Gwei() public {
        engine.setCollateralPattern(WETH_ID, CollateralPattern.Internal);
        _indebtedOnWeth(dave, 0.9e18, 2_400e18);
        vm.fee(1_000 gwei);
        (uint256 amount,, uint256 receivedWad, uint256 costWad) = _absorbWethMeasured(dave);
        assertEq(amount, 0.9e18);
        assertGt(receivedWad, costWad, "reward above the gas it cost");
    }
}
