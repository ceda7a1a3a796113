// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Owned} from "solmate/auth/Owned.sol";
import {IOracle, PriceStatus} from "../interfaces/IOracle.sol";

/// @title PushPriceFeed
/// @notice A per-asset price adapter whose answer is pushed by a price-pusher role (the local-chain feed).
/// Validity is checked on every read: heartbeat, sign, floor and cap.
contract PushPriceFeed is IOracle, Owned {
    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    error NotPusher(address caller);
    error InvalidBounds(uint256 floorWad, uint256 capWad);
    error ZeroHeartbeat();

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    event PricePushed(int256 answerWad, uint256 updatedAt);
    event PusherSet(address indexed pusher);

    /*//////////////////////////////////////////////////////////////
                               IMMUTABLES
    //////////////////////////////////////////////////////////////*/

    /// @notice Oldest answer still valid [seconds].
    uint256 public immutable heartbeat;
    /// @notice Lowest valid answer [wad]. An answer at or below it is treated as a stuck feed.
    uint256 public immutable floorWad;
    /// @notice Highest valid answer [wad].
    uint256 public immutable capWad;

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    /// @notice The address allowed to push answers.
    address public pusher;
    /// @notice Last pushed answer [wad, signed: a broken source may push a negative number].
    int192 public answerWad;
    /// @notice Time of the last push [unix seconds].
    uint64 public updatedAt;

    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    constructor(address owner_, address pusher_, uint256 heartbeat_, uint256 floorWad_, uint256 capWad_) Owned(owner_) {
        if (heartbeat_ == 0) revert ZeroHeartbeat();
        if (floorWad_ >= capWad_) revert InvalidBounds(floorWad_, capWad_);
        heartbeat = heartbeat_;
        floorWad = floorWad_;
        capWad = capWad_;
        pusher = pusher_;
        emit PusherSet(pusher_);
    }

    /*//////////////////////////////////////////////////////////////
                                 PUSH
    //////////////////////////////////////////////////////////////*/

    /// @notice Records a new answer [wad]. Any value is recorded; validity is judged on read.
    function push(int192 answerWad_) external {
        if (msg.sender != pusher) revert NotPusher(msg.sender);
        answerWad = answerWad_;
        updatedAt = uint64(block.timestamp);
        emit PricePushed(answerWad_, block.timestamp);
    }

    function setPusher(address pusher_) external onlyOwner {
        pusher = pusher_;
        emit PusherSet(pusher_);
    }

    /*//////////////////////////////////////////////////////////////
                                 READ
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IOracle
    function read() external view returns (uint256 priceWad, PriceStatus status) {
        int256 answer = answerWad;
        if (answer <= 0) return (0, PriceStatus.NonPositive);
        priceWad = uint256(answer);
        if (block.timestamp - updatedAt > heartbeat) return (priceWad, PriceStatus.Stale);
        // A feed pinned at its floor is as broken as one below it: both are invalid.
        if (priceWad <= floorWad) return (priceWad, PriceStatus.BelowFloor);
        if (priceWad > capWad) return (priceWad, PriceStatus.AboveCap);
        return (priceWad, PriceStatus.Valid);
    }
}
