// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Answers `read()` with a status outside the PriceStatus range.
contract OutOfRangeStatusOracle {
    function read() external pure returns (uint256, uint256) {
        return (3_000e18, 7);
    }
}

/// @notice Answers `read()` with a single word.
contract ShortAnswerOracle {
    function read() external pure returns (uint256) {
        return 3_000e18;
    }
}
