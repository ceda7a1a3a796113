// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "solmate/tokens/ERC20.sol";
import {Owned} from "solmate/auth/Owned.sol";

/// @title TestnetToken
/// @notice A plain ERC20 with owner-controlled minting, standing in for USDC, WETH and WBTC on a local chain.
contract TestnetToken is ERC20, Owned {
    constructor(string memory name_, string memory symbol_, uint8 decimals_, address owner_)
        ERC20(name_, symbol_, decimals_)
        Owned(owner_)
    {}

    function mint(address to, uint256 amount) external onlyOwner {
        _mint(to, amount);
    }
}
