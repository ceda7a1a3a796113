// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Timelock
/// @notice The owner of every risk-bearing contract of a deployment (`SystemDeployer._handOverToTimelock`). Each owner
/// call is queued in public and runs no sooner than `delay` later. So no parameter change, module swap or liquidator
/// registration can make an open account liquidatable, or take from it, in the block it is made: traders see it coming
/// and have the delay to add margin or leave (Compound's Timelock, with a guardian who can only cancel).
/// @dev Roles:
/// - the admin queues, executes (once ready, within the grace period) and cancels;
/// - the guardian may cancel anything queued, which can only make things safer; halting stays the protocols' own
///   guardian role (`setBreakerLevel`), which needs no queue;
/// - the timelock's own settings (delay, admin, guardian) change only through its own queue.
contract Timelock {
    error NotAdmin(address caller);
    error NotAdminOrGuardian(address caller);
    error NotSelf(address caller);
    error DelayOutOfRange(uint256 delaySeconds, uint256 minimumSeconds, uint256 maximumSeconds);
    error ZeroAddress();
    error AlreadyQueued(bytes32 id);
    error NotQueued(bytes32 id);
    error NotReady(bytes32 id, uint256 readyAt);
    error Stale(bytes32 id, uint256 staleAt);
    error CallFailed(bytes32 id, bytes reason);

    event Queued(bytes32 indexed id, address indexed target, bytes data, bytes32 salt, uint256 readyAt);
    event Executed(bytes32 indexed id, address indexed target, bytes data);
    event Cancelled(bytes32 indexed id, address indexed by);
    event AdminSet(address indexed admin);
    event GuardianSet(address indexed guardian);
    event DelaySet(uint256 delaySeconds);

    /// @notice The shortest delay a deployment may run with [seconds]: a day to see a change coming and act on it.
    uint256 public constant MIN_DELAY = 1 days;
    uint256 public constant MAX_DELAY = 30 days;
    /// @notice A ready call not executed within this window must be queued again [seconds].
    uint256 public constant GRACE_PERIOD = 14 days;

    address public admin;
    address public guardian;
    /// @notice Time between queuing a call and when it may run [seconds].
    uint256 public delay;
    /// @notice When each queued call may run [unix seconds]; 0 when not queued.
    mapping(bytes32 id => uint256) public readyAt;

    constructor(address admin_, address guardian_, uint256 delaySeconds) {
        if (admin_ == address(0) || guardian_ == address(0)) revert ZeroAddress();
        _checkDelay(delaySeconds);
        admin = admin_;
        guardian = guardian_;
        delay = delaySeconds;
        emit AdminSet(admin_);
        emit GuardianSet(guardian_);
        emit DelaySet(delaySeconds);
    }

    modifier onlyAdmin() {
        if (msg.sender != admin) revert NotAdmin(msg.sender);
        _;
    }

    modifier onlySelf() {
        if (msg.sender != address(this)) revert NotSelf(msg.sender);
        _;
    }

    /// @notice The id of a call: its target, calldata and a salt (to queue the same call twice).
    function operationId(address target, bytes calldata data, bytes32 salt) public pure returns (bytes32) {
        return keccak256(abi.encode(target, data, salt));
    }

    /// @notice Queues `target.call(data)` to run no sooner than `delay` from now.
    function queue(address target, bytes calldata data, bytes32 salt)
        external
        onlyAdmin
        returns (bytes32 id, uint256 ready)
    {
        id = operationId(target, data, salt);
        if (readyAt[id] != 0) revert AlreadyQueued(id);
        ready = block.timestamp + delay;
        readyAt[id] = ready;
        emit Queued(id, target, data, salt, ready);
    }

    /// @notice Runs a queued call once it is ready and before it goes stale; a failing call reverts `CallFailed` with
    /// its reason.
    function execute(address target, bytes calldata data, bytes32 salt)
        external
        onlyAdmin
        returns (bytes memory result)
    {
        bytes32 id = operationId(target, data, salt);
        uint256 ready = readyAt[id];
        if (ready == 0) revert NotQueued(id);
        if (block.timestamp < ready) revert NotReady(id, ready);
        if (block.timestamp > ready + GRACE_PERIOD) revert Stale(id, ready + GRACE_PERIOD);
        delete readyAt[id];
        bool ok;
        (ok, result) = target.call(data);
        if (!ok) revert CallFailed(id, result);
        emit Executed(id, target, data);
    }

    /// @notice Drops a queued call: the admin any, the guardian any but the timelock's own settings (cancelling only
    /// makes things safer, but the guardian must not be able to block its own replacement).
    function cancel(address target, bytes calldata data, bytes32 salt) external {
        bool guardianMay = msg.sender == guardian && target != address(this);
        if (msg.sender != admin && !guardianMay) revert NotAdminOrGuardian(msg.sender);
        bytes32 id = operationId(target, data, salt);
        if (readyAt[id] == 0) revert NotQueued(id);
        delete readyAt[id];
        emit Cancelled(id, msg.sender);
    }

    /// @notice The timelock's own settings, through its own queue.
    function setDelay(uint256 delaySeconds) external onlySelf {
        _checkDelay(delaySeconds);
        delay = delaySeconds;
        emit DelaySet(delaySeconds);
    }

    function setAdmin(address admin_) external onlySelf {
        if (admin_ == address(0)) revert ZeroAddress();
        admin = admin_;
        emit AdminSet(admin_);
    }

    function setGuardian(address guardian_) external onlySelf {
        if (guardian_ == address(0)) revert ZeroAddress();
        guardian = guardian_;
        emit GuardianSet(guardian_);
    }

    function _checkDelay(uint256 delaySeconds) internal pure {
        if (delaySeconds < MIN_DELAY || delaySeconds > MAX_DELAY) {
            revert DelayOutOfRange(delaySeconds, MIN_DELAY, MAX_DELAY);
        }
    }
}
