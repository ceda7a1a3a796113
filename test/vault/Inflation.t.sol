// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {ERC20} from "solmate/tokens/ERC20.sol";
import {ERC4626} from "solmate/tokens/ERC4626.sol";
import {TestnetToken} from "../../src/demo/TestnetToken.sol";
import {LiquidityVault} from "../../src/LiquidityVault.sol";
import {InsuranceFund} from "../../src/InsuranceFund.sol";

/// The first-depositor (inflation) attack on an unseeded vault: an attacker deposits a unit, donates to raise the share
/// price, and a newcomer's deposit rounds down to few shares. Regression: a 1-unit deposit and a $1M donation took
/// $250k of a $1.5M deposit into either vault. Both now price shares with a virtual stake (`VirtualShares`).
contract InflationTest is Test {
    uint256 internal constant VIRTUAL_UNITS = 1e6; // one whole USDC

    TestnetToken internal usdc = new TestnetToken("USD Coin", "USDC", 6, address(this));
    address internal attacker = makeAddr("attacker");
    address internal victim = makeAddr("victim");

    function _liquidityVault() internal returns (ERC4626) {
        return new LiquidityVault(ERC20(address(usdc)), address(this), 0);
    }

    function _insuranceFund() internal returns (ERC4626) {
        return new InsuranceFund(ERC20(address(usdc)), address(this), address(this));
    }

    function _deposit(ERC4626 v, address who, uint256 assets) internal returns (uint256 shares) {
        usdc.mint(who, assets);
        vm.startPrank(who);
        usdc.approve(address(v), assets);
        shares = v.deposit(assets, who);
        vm.stopPrank();
    }

    /// The attack: `a` deposited first, `d` donated, then the victim deposits `v`. Returns the victim's loss and the
    /// attacker's gain (what its shares are worth minus what it put in; negative when it loses) [quote units].
    function _attack(ERC4626 vault, uint256 a, uint256 d, uint256 v)
        internal
        returns (uint256 victimLoss, int256 attackerGain)
    {
        uint256 attackerShares = _deposit(vault, attacker, a);
        usdc.mint(address(vault), d); // the donation
        if (vault.previewDeposit(v) == 0) {
            // A deposit worth less than a share is refused: the victim keeps it.
            usdc.mint(victim, v);
            vm.prank(victim);
            usdc.approve(address(vault), v);
            vm.expectRevert("ZERO_SHARES");
            vm.prank(victim);
            vault.deposit(v, victim);
            return (0, int256(vault.convertToAssets(attackerShares)) - int256(a + d));
        }
        uint256 victimShares = _deposit(vault, victim, v);
        uint256 victimValue = vault.convertToAssets(victimShares);
        victimLoss = victimValue >= v ? 0 : v - victimValue;
        attackerGain = int256(vault.convertToAssets(attackerShares)) - int256(a + d);
    }

    function test_liquidityVault_donationTakesNothing() public {
        (uint256 loss, int256 gain) = _attack(_liquidityVault(), 1, 1_000_000e6, 1_500_000e6);
        assertLe(loss, 2e6, "the victim loses at most a share's worth: ~$1");
        assertLt(gain, -999_000e6, "the donation goes to the virtual stake");
    }

    function test_insuranceFund_donationTakesNothing() public {
        (uint256 loss, int256 gain) = _attack(_insuranceFund(), 1, 1_000_000e6, 1_500_000e6);
        assertLe(loss, 2e6, "the victim loses at most a share's worth: ~$1");
        assertLt(gain, -999_000e6, "the donation goes to the virtual stake");
    }

    /// For any first deposit, donation and victim deposit: the attacker never gains more than a unit of rounding, and
    /// the victim never loses more than a share's worth, (a + d + V) ÷ V ≤ 1 + d ÷ V units plus a unit of rounding.
    function testFuzz_inflation_neverPays(uint256 a, uint256 d, uint256 v, bool fund) public {
        a = bound(a, 1, 1e15);
        d = bound(d, 0, 1e16);
        v = bound(v, 1, 1e16);
        ERC4626 vault = fund ? _insuranceFund() : _liquidityVault();
        (uint256 loss, int256 gain) = _attack(vault, a, d, v);
        assertLe(gain, 1, "the attacker gains nothing");
        assertLe(loss, (a + d) / VIRTUAL_UNITS + 2, "the victim loses at most a share's worth");
    }

    /// The virtual stake does not dilute ordinary depositors: a first deposit is 1:1, and what it redeems is what it put in.
    function testFuzz_firstDeposit_isOneToOne(uint256 a, bool fund) public {
        a = bound(a, 1, 1e16);
        ERC4626 vault = fund ? _insuranceFund() : _liquidityVault();
        assertEq(_deposit(vault, attacker, a), a);
        assertEq(vault.convertToAssets(a), a);
    }
}
