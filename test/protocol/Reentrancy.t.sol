// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {BaseTest} from "../Base.t.sol";
import {IMarginProtocol} from "../../src/interfaces/IMarginProtocol.sol";
import {MarginProtocol} from "../../src/MarginProtocol.sol";
import {PushPriceFeed} from "../../src/oracle/PushPriceFeed.sol";
import {HookToken, ITokenReceiver} from "../mocks/WeirdTokens.sol";

/// @notice Withdraws a hook token and, from the hook, tries to withdraw again (Lendf.me, 2020).
contract ReentrantWithdrawer is ITokenReceiver {
    MarginProtocol internal immutable protocol;
    uint256 internal immutable id;
    bool internal attacked;
    bytes public reentryError;

    constructor(MarginProtocol protocol_, uint256 id_) {
        protocol = protocol_;
        id = id_;
    }

    function deposit(HookToken token, uint256 amount) external {
        token.approve(address(protocol), amount);
        protocol.depositCollateral(id, amount);
    }

    function withdraw(uint256 amount) external {
        protocol.withdrawCollateral(id, amount);
    }

    function onTokenReceived(address, uint256 amount) external {
        if (attacked) return;
        attacked = true;
        try protocol.withdrawCollateral(id, amount) {}
        catch (bytes memory reason) {
            reentryError = reason;
        }
    }
}

contract ReentrancyTest is BaseTest {
    /// Property 11: a token hook cannot re-enter the protocol.
    function test_withdrawCollateral_hookCannotReenter() public {
        HookToken token = new HookToken();
        PushPriceFeed feed = new PushPriceFeed(address(this), address(this), 3600, 1, 1e30);
        feed.push(10e18);
        uint256 id = protocol.listCollateral(address(token), feed, 0.5e18, type(uint128).max);
        ReentrantWithdrawer attacker = new ReentrantWithdrawer(protocol, id);
        token.mint(address(attacker), 10e18);
        attacker.deposit(token, 10e18);

        attacker.withdraw(5e18);
        assertEq(attacker.reentryError(), abi.encodeWithSelector(IMarginProtocol.Reentrancy.selector));
        assertEq(protocol.collateralBalance(address(attacker), id), 5e18);
        assertEq(token.balanceOf(address(protocol)), 5e18);
        assertEq(token.balanceOf(address(attacker)), 5e18);
    }
}
