// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "solmate/tokens/ERC20.sol";
import {ERC4626} from "solmate/tokens/ERC4626.sol";
import {SafeTransferLib} from "solmate/utils/SafeTransferLib.sol";
import {Owned} from "solmate/auth/Owned.sol";
import {IInsuranceFund} from "./interfaces/IInsuranceFund.sol";
import {ISolvencyWaterfall} from "./interfaces/ISolvencyWaterfall.sol";
import {VirtualShares} from "./libraries/VirtualShares.sol";

/// @title InsuranceFund
/// @notice A staking vault (ERC4626) on the quote asset that insures the protocol. See `IInsuranceFund`.
/// @dev Shares enter through `deposit`/`mint` and leave only through the cooldown (`requestWithdraw`, then
/// `withdrawRequested`): the standard `withdraw`/`redeem` revert. Escrowed shares are held by the fund itself, so they
/// stay in the supply and share every gain and loss until redeemed. Shares are priced with a virtual stake of one
/// whole quote token (`VirtualShares`): no first-staker inflation, and a fund emptied by a loss never mints free shares.
contract InsuranceFund is IInsuranceFund, ERC4626, Owned {
    using SafeTransferLib for ERC20;

    struct Request {
        uint192 shares;
        uint64 readyAt; // [unix seconds]
    }

    event SpenderSet(address indexed spender, bool allowed);
    event WaterfallSet(address indexed waterfall);

    ERC20 public immutable quote;
    /// @dev The virtual stake shares are priced with (`VirtualShares`) [quote token units, and as many shares].
    uint256 internal immutable VIRTUAL_UNITS;
    address public immutable engine;
    /// @notice Liquidation modules besides the engine allowed to draw on the fund.
    mapping(address => bool) public isSpender;
    /// @notice Delay between a withdrawal request and the withdrawal [seconds].
    uint256 public cooldownSeconds;
    /// @notice Assets never available to stakers [quote token units].
    uint256 public floorAssets;
    mapping(address owner => Request) public requests;
    /// @notice Where revenue lands before it reaches the fund (after any bondholders).
    ISolvencyWaterfall public waterfall;

    constructor(ERC20 quote_, address engine_, address owner_)
        ERC4626(quote_, "Insurance fund stake", "IFS")
        Owned(owner_)
    {
        quote = quote_;
        VIRTUAL_UNITS = VirtualShares.unitsFor(quote_.decimals());
        engine = engine_;
        cooldownSeconds = 7 days;
    }

    /*//////////////////////////////////////////////////////////////
                             CONFIGURATION
    //////////////////////////////////////////////////////////////*/

    function setSpender(address spender, bool allowed) external onlyOwner {
        isSpender[spender] = allowed;
        emit SpenderSet(spender, allowed);
    }

    function setWaterfall(ISolvencyWaterfall waterfall_) external onlyOwner {
        waterfall = waterfall_;
        emit WaterfallSet(address(waterfall_));
    }

    function setCooldown(uint256 cooldownSeconds_) external onlyOwner {
        if (cooldownSeconds_ > 365 days) revert InvalidParams("cooldown");
        cooldownSeconds = cooldownSeconds_;
        emit CooldownSet(cooldownSeconds_);
    }

    function setFloor(uint256 floorAssets_) external onlyOwner {
        floorAssets = floorAssets_;
        emit FloorSet(floorAssets_);
    }

    /*//////////////////////////////////////////////////////////////
                                 COVER
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IInsuranceFund
    function cover(address to, uint256 amount) external returns (uint256 paid) {
        if (msg.sender != engine && !isSpender[msg.sender]) revert NotEngine(msg.sender);
        uint256 available = quote.balanceOf(address(this));
        paid = amount < available ? amount : available;
        if (paid != 0) quote.safeTransfer(to, paid);
        emit Covered(to, paid, available - paid);
    }

    /// @inheritdoc IInsuranceFund
    function balance() external view returns (uint256) {
        return quote.balanceOf(address(this));
    }

    /*//////////////////////////////////////////////////////////////
                               COOLDOWN
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IInsuranceFund
    function requestWithdraw(uint256 shares) external returns (uint256 readyAt) {
        // The escrow is this contract's own balance; `transfer` checks the caller holds the shares.
        transfer(address(this), shares);
        Request memory r = requests[msg.sender];
        readyAt = block.timestamp + cooldownSeconds;
        requests[msg.sender] = Request(uint192(r.shares + shares), uint64(readyAt));
        emit WithdrawRequested(msg.sender, r.shares + shares, readyAt);
    }

    /// @inheritdoc IInsuranceFund
    function cancelWithdraw() external {
        uint256 shares = requests[msg.sender].shares;
        if (shares == 0) revert NoRequest(msg.sender);
        delete requests[msg.sender];
        balanceOf[address(this)] -= shares;
        unchecked {
            balanceOf[msg.sender] += shares;
        }
        emit Transfer(address(this), msg.sender, shares);
        emit WithdrawCancelled(msg.sender, shares);
    }

    /// @inheritdoc IInsuranceFund
    function withdrawRequested(address receiver) external returns (uint256 assets) {
        Request memory r = requests[msg.sender];
        if (r.shares == 0) revert NoRequest(msg.sender);
        if (block.timestamp < r.readyAt) revert CoolingDown(msg.sender, r.readyAt);
        // Revenue owed to the fund counts in the price; collect it before paying out.
        if (address(waterfall) != address(0)) waterfall.route();
        assets = convertToAssets(r.shares);
        uint256 available = availableToStakers();
        if (assets > available) revert BelowFloor(assets, available);
        delete requests[msg.sender];
        _burn(address(this), r.shares);
        emit Withdraw(msg.sender, receiver, msg.sender, assets, r.shares);
        quote.safeTransfer(receiver, assets);
    }

    /// @inheritdoc IInsuranceFund
    function availableToStakers() public view returns (uint256) {
        uint256 held = quote.balanceOf(address(this));
        return held > floorAssets ? held - floorAssets : 0;
    }

    /*//////////////////////////////////////////////////////////////
                                ERC4626
    //////////////////////////////////////////////////////////////*/

    /// @notice Everything the fund holds (the stake, every revenue share received, less what it paid out), plus the
    /// revenue the waterfall holds for it, so that a stake entering just before that revenue is routed gains nothing.
    function totalAssets() public view override returns (uint256) {
        uint256 pending = address(waterfall) == address(0) ? 0 : waterfall.pendingForFund();
        return quote.balanceOf(address(this)) + pending;
    }

    /// @dev With the virtual stake, entries are priced on at least one whole quote token of assets even after a loss
    /// has emptied the fund while shares remain (and while bonds are outstanding no revenue reaches it): priced on zero,
    /// `mint` would hand out shares for nothing, which would later take the revenue owed to the stakers who bore the loss.
    function convertToShares(uint256 assets) public view override returns (uint256) {
        return VirtualShares.depositSharesDown(assets, totalSupply, totalAssets(), VIRTUAL_UNITS);
    }

    function convertToAssets(uint256 shares) public view override returns (uint256) {
        return VirtualShares.redeemAssetsDown(shares, totalSupply, totalAssets(), VIRTUAL_UNITS);
    }

    function previewMint(uint256 shares) public view override returns (uint256) {
        return VirtualShares.mintAssetsUp(shares, totalSupply, totalAssets(), VIRTUAL_UNITS);
    }

    function previewWithdraw(uint256 assets) public view override returns (uint256) {
        return VirtualShares.withdrawSharesUp(assets, totalSupply, totalAssets(), VIRTUAL_UNITS);
    }

    /// @dev Shares leave only through the cooldown.
    function withdraw(uint256, address, address) public pure override returns (uint256) {
        revert CooldownRequired();
    }

    function redeem(uint256, address, address) public pure override returns (uint256) {
        revert CooldownRequired();
    }

    function maxWithdraw(address) public pure override returns (uint256) {
        return 0;
    }

    function maxRedeem(address) public pure override returns (uint256) {
        return 0;
    }
}
