// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "solmate/tokens/ERC20.sol";

/// @notice Takes a 1% fee on every transfer: the recorded balance would drift if deposits were credited by amount.
contract FeeOnTransferToken is ERC20 {
    constructor() ERC20("Fee Token", "FEE", 18) {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function transferFrom(address from, address to, uint256 amount) public override returns (bool) {
        uint256 allowed = allowance[from][msg.sender];
        if (allowed != type(uint256).max) allowance[from][msg.sender] = allowed - amount;
        balanceOf[from] -= amount;
        uint256 fee = amount / 100;
        balanceOf[to] += amount - fee;
        totalSupply -= fee;
        emit Transfer(from, to, amount - fee);
        return true;
    }
}

/// @notice Calls a hook on the recipient of every transfer (ERC777-style), which may re-enter the caller.
contract HookToken is ERC20 {
    constructor() ERC20("Hook Token", "HOOK", 18) {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function transfer(address to, uint256 amount) public override returns (bool) {
        super.transfer(to, amount);
        if (to.code.length != 0) ITokenReceiver(to).onTokenReceived(msg.sender, amount);
        return true;
    }
}

interface ITokenReceiver {
    function onTokenReceived(address from, uint256 amount) external;
}
