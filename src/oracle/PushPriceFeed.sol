// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Owned} from "solmate/auth/Owned.sol";
import {IOracle, PriceStatus} from "../interfaces/IOracle.sol";

/// @title PushPriceFeed
/// @notice A per-asset price adapter whose answer is pushed by a price-pusher role (the local-chain feed).
/// Validity is judged on every read: heartbeat, sign, floor and cap; and two guards set on push: a grace period
/// after an outage (a push that ends a stale spell), and a volatility flag when the answer moves more than a bound
/// within a window (circuit-breaker level 1 for this asset).
contract PushPriceFeed is IOracle, Owned {
    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    error NotPusher(address caller);
    error InvalidBounds(uint256 floorWad, uint256 capWad);
    error ZeroHeartbeat();
    error AnswerOutOfRange(int256 answerWad);

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    event PricePushed(int256 answerWad, uint256 updatedAt);
    event PusherSet(address indexed pusher);
    event GuardsSet(uint256 gracePeriod, uint256 maxMoveWad, uint256 moveWindow);
    /// @notice The push ended an outage: liquidations wait until `graceUntil`.
    event OutageEnded(uint256 staleSince, uint256 graceUntil);
    /// @notice The answer moved more than the bound within the window: no new exposure until `volatileUntil`.
    event VolatilityTripped(uint256 anchorWad, int256 answerWad, uint256 volatileUntil);

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

    /// @dev Everything `read` needs, in one slot, read with one load.
    struct Answer {
        int128 answerWad; // last pushed answer [wad, signed: a broken source may push a negative number]
        uint40 updatedAt; // time of the last push [unix seconds]
        uint40 graceUntil; // liquidations wait until this time after an outage [unix seconds]
        uint40 volatileUntil; // no new exposure until this time after a large move [unix seconds]
    }

    Answer internal _answer;

    /// @notice Grace period after an outage [seconds]; 0 disables it.
    uint40 public gracePeriod;
    /// @notice Largest move from the window's anchor before the volatility flag trips [wad]; 0 disables it.
    uint64 public maxMoveWad;
    /// @notice Length of the volatility window, and of the flag once tripped [seconds].
    uint40 public moveWindow;
    /// @notice The answer at the start of the current window [wad], and when the window started.
    uint128 public anchorWad;
    uint40 public anchorAt;

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

    /// @notice Records a new answer [wad]. Any value in the int128 range is recorded; validity is judged on read.
    function push(int192 answerWad_) external {
        if (msg.sender != pusher) revert NotPusher(msg.sender);
        if (answerWad_ > type(int128).max || answerWad_ < type(int128).min) revert AnswerOutOfRange(answerWad_);
        Answer memory a = _answer;
        if (a.updatedAt != 0 && block.timestamp - a.updatedAt > heartbeat && gracePeriod != 0) {
            a.graceUntil = uint40(block.timestamp + gracePeriod);
            emit OutageEnded(a.updatedAt + heartbeat, a.graceUntil);
        }
        if (_movedTooFar(answerWad_, a)) {
            a.volatileUntil = uint40(block.timestamp + moveWindow);
            emit VolatilityTripped(anchorWad, answerWad_, a.volatileUntil);
        }
        a.answerWad = int128(answerWad_);
        a.updatedAt = uint40(block.timestamp);
        _answer = a;
        emit PricePushed(answerWad_, block.timestamp);
    }

    /// @dev Whether the answer is more than `maxMoveWad` away from the window's anchor: the oldest answer pushed
    /// within the last `moveWindow` seconds that the feed remembers. When the anchor is older than the window, the
    /// last answer becomes the anchor if it is recent enough, else the new one does.
    function _movedTooFar(int192 answer, Answer memory last) internal returns (bool) {
        if (maxMoveWad == 0 || answer <= 0) return false;
        uint256 price = uint256(int256(answer));
        if (anchorWad == 0 || block.timestamp - anchorAt > moveWindow) {
            bool lastIsRecent = last.answerWad > 0 && block.timestamp - last.updatedAt <= moveWindow;
            anchorWad = lastIsRecent ? uint128(last.answerWad) : uint128(price);
            anchorAt = lastIsRecent ? last.updatedAt : uint40(block.timestamp);
        }
        uint256 anchor = anchorWad;
        uint256 move = price > anchor ? price - anchor : anchor - price;
        return move * 1e18 > uint256(maxMoveWad) * anchor;
    }

    /// @notice The last pushed answer [wad].
    function answerWad() external view returns (int256) {
        return _answer.answerWad;
    }

    /// @notice Time of the last push [unix seconds].
    function updatedAt() external view returns (uint256) {
        return _answer.updatedAt;
    }

    /// @notice Liquidations wait until this time after an outage [unix seconds].
    function graceUntil() external view returns (uint256) {
        return _answer.graceUntil;
    }

    /// @notice No new exposure until this time after a large move [unix seconds].
    function volatileUntil() external view returns (uint256) {
        return _answer.volatileUntil;
    }

    function setPusher(address pusher_) external onlyOwner {
        pusher = pusher_;
        emit PusherSet(pusher_);
    }

    /// @notice Sets the outage grace period, the volatility bound and its window.
    function setGuards(uint40 gracePeriod_, uint64 maxMoveWad_, uint40 moveWindow_) external onlyOwner {
        gracePeriod = gracePeriod_;
        maxMoveWad = maxMoveWad_;
        moveWindow = moveWindow_;
        emit GuardsSet(gracePeriod_, maxMoveWad_, moveWindow_);
    }

    /*//////////////////////////////////////////////////////////////
                                 READ
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IOracle
    function read() external view returns (uint256 priceWad, PriceStatus status) {
        Answer memory a = _answer;
        if (a.answerWad <= 0) return (0, PriceStatus.NonPositive);
        priceWad = uint256(int256(a.answerWad));
        if (block.timestamp - a.updatedAt > heartbeat) return (priceWad, PriceStatus.Stale);
        // A feed pinned at its floor is as broken as one below it: both are invalid.
        if (priceWad <= floorWad) return (priceWad, PriceStatus.BelowFloor);
        if (priceWad > capWad) return (priceWad, PriceStatus.AboveCap);
        if (block.timestamp < a.graceUntil) return (priceWad, PriceStatus.Recovering);
        if (block.timestamp < a.volatileUntil) return (priceWad, PriceStatus.Volatile);
        return (priceWad, PriceStatus.Valid);
    }
}
