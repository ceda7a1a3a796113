// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "solmate/tokens/ERC20.sol";
import {ERC4626} from "solmate/tokens/ERC4626.sol";
import {FixedPointMathLib} from "solmate/utils/FixedPointMathLib.sol";
import {SafeTransferLib} from "solmate/utils/SafeTransferLib.sol";
import {Owned} from "solmate/auth/Owned.sol";
import {IMarginProtocol, CollateralParams} from "./interfaces/IMarginProtocol.sol";
import {ILiquidationEngine} from "./interfaces/ILiquidationEngine.sol";
import {IAuctionHouse, Auction} from "./interfaces/IAuctionHouse.sol";
import {IBackstopVault, BackstopAsset, BackstopRewardParams} from "./interfaces/IBackstopVault.sol";
import {IOracle, PriceStatus, isUsable} from "./interfaces/IOracle.sol";
import {ConstantProductPool} from "./demo/ConstantProductPool.sol";
import {WadMath} from "./libraries/WadMath.sol";
import {QuoteUnits} from "./libraries/QuoteUnits.sol";
import {GasReimbursement} from "./libraries/GasReimbursement.sol";
import {ISolvencyWaterfall} from "./interfaces/ISolvencyWaterfall.sol";

/// @title BackstopVault
/// @notice The protocol's own buyer of seized collateral. See `IBackstopVault`.
contract BackstopVault is IBackstopVault, ERC4626, Owned {
    using SafeTransferLib for ERC20;
    using WadMath for uint256;

    uint256 internal constant WAD = 1e18;

    /*//////////////////////////////////////////////////////////////
                               IMMUTABLES
    //////////////////////////////////////////////////////////////*/

    IMarginProtocol internal immutable PROTOCOL;
    ILiquidationEngine internal immutable ENGINE;
    IAuctionHouse internal immutable AUCTIONS;
    /// @dev The wad value of one quote-token unit.
    uint256 internal immutable QUOTE_UNIT_WAD;

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    /// @notice Pool sales must fetch at least the oracle price × (1 − this) [wad].
    uint256 public maxSlippageWad;
    BackstopRewardParams internal _reward;
    mapping(uint256 collateralId => BackstopAsset) internal _assets;
    /// @inheritdoc IBackstopVault
    mapping(uint256 collateralId => uint256) public held;
    /// @inheritdoc IBackstopVault
    mapping(uint256 collateralId => uint256) public costWad;
    /// @inheritdoc IBackstopVault
    uint256 public idle;
    /// @dev Listed collateral ids, valued in `totalAssets`.
    uint256[] internal _listed;

    uint256 internal _boughtWad;
    uint256 internal _soldWad;
    uint256 internal _keeperRewardsWad;

    bool transient locked;

    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    constructor(IMarginProtocol protocol_, ILiquidationEngine engine_, IAuctionHouse auctions_, address owner_)
        ERC4626(ERC20(protocol_.quoteToken()), "Backstop vault share", "BSV")
        Owned(owner_)
    {
        PROTOCOL = protocol_;
        ENGINE = engine_;
        AUCTIONS = auctions_;
        QUOTE_UNIT_WAD = QuoteUnits.unitWad(asset.decimals());
        // Purchases are paid by the protocol (internal pattern) or the auction house (floor buys) pulling from here.
        asset.safeApprove(address(protocol_), type(uint256).max);
        asset.safeApprove(address(auctions_), type(uint256).max);
    }

    modifier nonReentrant() {
        if (locked) revert Reentrancy();
        locked = true;
        _;
        locked = false;
    }

    /*//////////////////////////////////////////////////////////////
                             CONFIGURATION
    //////////////////////////////////////////////////////////////*/

    /// @notice Lets the backstop hold a collateral, caching its token, decimals and oracle from the protocol.
    function setAsset(uint256 collateralId, address pool, uint128 exposureCapWad) external onlyOwner {
        CollateralParams memory c = PROTOCOL.collateral(collateralId);
        if (pool != address(0) && address(ConstantProductPool(pool).collateral()) != c.token) {
            revert InvalidParams("pool");
        }
        if (_assets[collateralId].token == address(0)) _listed.push(collateralId);
        BackstopAsset memory a = BackstopAsset(c.token, c.decimals, c.oracle, pool, exposureCapWad);
        _assets[collateralId] = a;
        emit AssetSet(collateralId, a);
    }

    /// @notice Sets the absorb reward (see `BackstopRewardParams`); with a gas oracle, refused unless the backstop is a
    /// reward spender of the engine's waterfall, which pays the gas part (a refused payment would revert every absorb).
    function setRewardParams(BackstopRewardParams calldata r) external onlyOwner {
        if (r.gainShareWad > WAD) revert InvalidParams("gain share");
        if (r.maxValueShareWad > WAD) revert InvalidParams("value share");
        if (address(r.nativeOracle) != address(0)) {
            address waterfall = ENGINE.waterfall();
            if (!ISolvencyWaterfall(waterfall).isRewardSpender(address(this))) revert NotWaterfallSpender(waterfall);
        }
        _reward = r;
        emit RewardParamsSet(r);
    }

    function setMaxSlippage(uint256 maxSlippageWad_) external onlyOwner {
        if (maxSlippageWad_ >= WAD) revert InvalidParams("max slippage");
        maxSlippageWad = maxSlippageWad_;
        emit MaxSlippageSet(maxSlippageWad_);
    }

    /*//////////////////////////////////////////////////////////////
                                  BUYS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IBackstopVault
    function absorb(address account, uint256 collateralId)
        external
        nonReentrant
        returns (uint256 amount, uint256 paidWad, uint256 rewardWad)
    {
        uint256 gasStart = gasleft();
        BackstopAsset memory a = _listedAsset(collateralId);
        uint256 priceWad = _price(a.oracle);
        uint256 capacityWad = _capacity(collateralId, a, priceWad, ENGINE.backstopDiscountWad());
        if (capacityWad < QUOTE_UNIT_WAD) revert NoCapacity(collateralId, capacityWad);
        uint256 settlementGas;
        (amount,, paidWad, settlementGas) = ENGINE.sellToBackstop(account, collateralId, capacityWad);
        _book(collateralId, amount, paidWad);
        uint256 valueWad = (amount * QuoteUnits.unitWad(a.decimals)).mulWadDown(priceWad);
        uint256 tipWad = _payTip(valueWad > paidWad ? valueWad - paidWad : 0);
        emit Absorbed(account, collateralId, msg.sender, amount, priceWad, paidWad, tipWad);
        rewardWad = tipWad + _reimburseGas(gasStart, settlementGas, valueWad);
    }

    /// @inheritdoc IBackstopVault
    function buyAuction(uint256 auctionId)
        external
        nonReentrant
        returns (uint256 amount, uint256 paidWad, uint256 rewardWad)
    {
        uint256 collateralId = AUCTIONS.auction(auctionId).collateralId;
        BackstopAsset memory a = _listedAsset(collateralId);
        uint256 priceWad = _price(a.oracle);
        uint256 floorFractionWad = AUCTIONS.params(collateralId).resetBelowWad;
        uint256 capacityWad = _capacity(collateralId, a, priceWad, WAD - floorFractionWad);
        // One quote unit of slack absorbs the upward rounding of the price paid.
        if (capacityWad <= QUOTE_UNIT_WAD) revert NoCapacity(collateralId, capacityWad);
        uint256 unitWad = QuoteUnits.unitWad(a.decimals);
        uint256 maxAmount = (capacityWad - QUOTE_UNIT_WAD).divWadDown(priceWad.mulWadUp(floorFractionWad)) / unitWad;
        (amount,, paidWad, rewardWad) = AUCTIONS.takeAtFloor(auctionId, maxAmount, msg.sender);
        _book(collateralId, amount, paidWad);
        emit AuctionBought(auctionId, collateralId, msg.sender, amount, priceWad, paidWad, rewardWad);
    }

    /// @dev Books a purchase: the holding, its cost, and the quote that left.
    function _book(uint256 collateralId, uint256 amount, uint256 paidWad) internal {
        held[collateralId] += amount;
        costWad[collateralId] += paidWad;
        _boughtWad += paidWad;
        idle -= paidWad / QUOTE_UNIT_WAD;
    }

    /// @dev Pays an absorb's caller its tip out of the buy's gain, in whole quote units, out of the idle quote.
    function _payTip(uint256 gainWad) internal returns (uint256 tipWad) {
        tipWad = _tipWad(gainWad);
        uint256 idleWad = idle * QUOTE_UNIT_WAD;
        if (tipWad > idleWad) tipWad = idleWad;
        if (tipWad != 0) {
            _keeperRewardsWad += tipWad;
            idle -= tipWad / QUOTE_UNIT_WAD;
            asset.safeTransfer(msg.sender, tipWad / QUOTE_UNIT_WAD);
        }
    }

    /// @dev Pays an absorb's caller its gas at cost through the waterfall, as its last step: what the call measured
    /// since `gasStart` and `callGas`, within the value share of `valueWad`, apart from the `settlementGas` the engine
    /// spent settling bad debt (at cost, outside the cap: it comes once per emptied account).
    function _reimburseGas(uint256 gasStart, uint256 settlementGas, uint256 valueWad)
        internal
        returns (uint256 paidWad)
    {
        BackstopRewardParams memory r = _reward;
        uint256 gasUnits = gasStart - gasleft() + r.callGas;
        uint256 capWad = valueWad.mulWadDown(r.maxValueShareWad);
        uint256 owedUnits =
            GasReimbursement.atCostWithinWad(r.nativeOracle, gasUnits, settlementGas, capWad) / QUOTE_UNIT_WAD;
        if (owedUnits == 0) return 0;
        paidWad = ISolvencyWaterfall(ENGINE.waterfall()).cover(msg.sender, owedUnits) * QUOTE_UNIT_WAD;
        emit GasReimbursed(msg.sender, gasUnits, valueWad, paidWad);
    }

    /// @inheritdoc IBackstopVault
    function keeperReward(uint256 valueWad, uint256 gainWad, uint256 gasUnits) external view returns (uint256) {
        return _tipWad(gainWad) + _gasAtCostWad(gasUnits, valueWad);
    }

    /// @dev min(tip, share of the gain, cap), rounded down to whole units.
    function _tipWad(uint256 gainWad) internal view returns (uint256) {
        BackstopRewardParams memory r = _reward;
        uint256 tipWad = WadMath.min(WadMath.min(r.tipWad, gainWad.mulWadDown(r.gainShareWad)), r.maxRewardWad);
        return QuoteUnits.roundDown(tipWad, QUOTE_UNIT_WAD);
    }

    /// @dev `gasUnits` × block.basefee × native price, at most the value share of `valueWad`, rounded down to whole
    /// units [wad quote].
    function _gasAtCostWad(uint256 gasUnits, uint256 valueWad) internal view returns (uint256) {
        BackstopRewardParams memory r = _reward;
        uint256 capWad = valueWad.mulWadDown(r.maxValueShareWad);
        return
            QuoteUnits.roundDown(GasReimbursement.atCostWithinWad(r.nativeOracle, gasUnits, 0, capWad), QUOTE_UNIT_WAD);
    }

    /*//////////////////////////////////////////////////////////////
                                 SALES
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IBackstopVault
    function sellToPool(uint256 collateralId, uint256 amount)
        external
        onlyOwner
        nonReentrant
        returns (uint256 receivedWad)
    {
        BackstopAsset memory a = _listedAsset(collateralId);
        if (a.pool == address(0)) revert InvalidParams("no pool");
        uint256 heldAmount = held[collateralId];
        if (amount == 0 || amount > heldAmount) revert InsufficientHoldings(collateralId, amount, heldAmount);
        uint256 priceWad = _price(a.oracle);
        uint256 minOutWad = (amount * QuoteUnits.unitWad(a.decimals)).mulWadUp(priceWad).mulWadUp(WAD - maxSlippageWad);
        uint256 minOutUnits = QuoteUnits.roundUp(minOutWad, QUOTE_UNIT_WAD) / QUOTE_UNIT_WAD;
        held[collateralId] = heldAmount - amount;
        // The cost leaves with the collateral pro rata, rounded up (what stays is valued no higher than it cost).
        uint256 cost = costWad[collateralId];
        costWad[collateralId] = cost - FixedPointMathLib.mulDivUp(cost, amount, heldAmount);
        ERC20(a.token).safeApprove(a.pool, amount);
        uint256 receivedUnits = ConstantProductPool(a.pool).swap(a.token, amount, minOutUnits, address(this));
        idle += receivedUnits;
        receivedWad = receivedUnits * QUOTE_UNIT_WAD;
        _soldWad += receivedWad;
        emit SoldToPool(collateralId, amount, priceWad, receivedWad);
    }

    /*//////////////////////////////////////////////////////////////
                                ERC4626
    //////////////////////////////////////////////////////////////*/

    /// @notice Idle quote plus holdings at the oracle price, rounded down [quote token units]. Reverts while a held
    /// asset's price is unusable.
    function totalAssets() public view override returns (uint256) {
        (uint256 midUnits,,, bool ok) = _valuation();
        if (!ok) _revertOnFirstBadPrice();
        return midUnits;
    }

    /// @dev Deposits value holdings at max(cost, oracle value): a depositor buys into gains not yet realized.
    function previewDeposit(uint256 assets) public view override returns (uint256) {
        uint256 supply = totalSupply;
        return supply == 0 ? assets : FixedPointMathLib.mulDivDown(assets, supply, _entryAssets());
    }

    function previewMint(uint256 shares) public view override returns (uint256) {
        uint256 supply = totalSupply;
        return supply == 0 ? shares : FixedPointMathLib.mulDivUp(shares, _entryAssets(), supply);
    }

    /// @dev Withdrawals value holdings at min(cost, oracle value): a gain is paid out once the backstop has sold.
    function previewWithdraw(uint256 assets) public view override returns (uint256) {
        uint256 supply = totalSupply;
        return supply == 0 ? assets : FixedPointMathLib.mulDivUp(assets, supply, _exitAssets());
    }

    function previewRedeem(uint256 shares) public view override returns (uint256) {
        uint256 supply = totalSupply;
        return supply == 0 ? shares : FixedPointMathLib.mulDivDown(shares, _exitAssets(), supply);
    }

    /// @notice At most the idle quote; 0 while a held asset's price is unusable.
    function maxWithdraw(address owner_) public view override returns (uint256) {
        (,, uint256 exitUnits, bool ok) = _valuation();
        uint256 supply = totalSupply;
        if (!ok || supply == 0) return 0;
        return WadMath.min(FixedPointMathLib.mulDivDown(balanceOf[owner_], exitUnits, supply), idle);
    }

    function maxRedeem(address owner_) public view override returns (uint256) {
        (,, uint256 exitUnits, bool ok) = _valuation();
        if (!ok || exitUnits == 0) return 0;
        return WadMath.min(balanceOf[owner_], FixedPointMathLib.mulDivDown(idle, totalSupply, exitUnits));
    }

    function afterDeposit(uint256 assets, uint256) internal override {
        idle += assets;
    }

    function beforeWithdraw(uint256 assets, uint256) internal override {
        if (assets > idle) revert InsufficientIdle(assets, idle);
        idle -= assets;
    }

    function _entryAssets() internal view returns (uint256 entryUnits) {
        bool ok;
        (, entryUnits,, ok) = _valuation();
        if (!ok) _revertOnFirstBadPrice();
    }

    function _exitAssets() internal view returns (uint256 exitUnits) {
        bool ok;
        (,, exitUnits, ok) = _valuation();
        if (!ok) _revertOnFirstBadPrice();
    }

    /// @dev Idle quote plus holdings valued at the oracle (mid), at max(cost, oracle) (entry, rounded up) and at
    /// min(cost, oracle) (exit, rounded down) [quote token units]; `ok` is false while a held asset's price is unusable.
    function _valuation() internal view returns (uint256 midUnits, uint256 entryUnits, uint256 exitUnits, bool ok) {
        uint256 midWad;
        uint256 entryWad;
        uint256 exitWad;
        for (uint256 i; i < _listed.length; ++i) {
            uint256 id = _listed[i];
            uint256 heldAmount = held[id];
            if (heldAmount == 0) continue;
            BackstopAsset memory a = _assets[id];
            (uint256 priceWad, PriceStatus s) = a.oracle.read();
            if (!isUsable(s)) return (0, 0, 0, false);
            uint256 valueWad = (heldAmount * QuoteUnits.unitWad(a.decimals)).mulWadDown(priceWad);
            uint256 cost = costWad[id];
            midWad += valueWad;
            entryWad += WadMath.max(valueWad, cost);
            exitWad += WadMath.min(valueWad, cost);
        }
        uint256 idleUnits = idle;
        midUnits = idleUnits + midWad / QUOTE_UNIT_WAD;
        entryUnits = idleUnits + (entryWad + QUOTE_UNIT_WAD - 1) / QUOTE_UNIT_WAD;
        exitUnits = idleUnits + exitWad / QUOTE_UNIT_WAD;
        ok = true;
    }

    function _revertOnFirstBadPrice() internal view {
        for (uint256 i; i < _listed.length; ++i) {
            uint256 id = _listed[i];
            if (held[id] != 0) _price(_assets[id].oracle);
        }
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IBackstopVault
    function capacity(uint256 collateralId, uint256 discountWad) external view returns (uint256) {
        BackstopAsset memory a = _assets[collateralId];
        if (a.token == address(0)) return 0;
        (uint256 priceWad, PriceStatus s) = a.oracle.read();
        if (!isUsable(s)) return 0;
        return _capacity(collateralId, a, priceWad, discountWad);
    }

    /// @dev min(idle quote, exposure room × (1 − discount)): a purchase at no less than the oracle price × (1 − discount)
    /// then adds at most the room in oracle value.
    function _capacity(uint256 collateralId, BackstopAsset memory a, uint256 priceWad, uint256 discountWad)
        internal
        view
        returns (uint256)
    {
        uint256 heldValueWad = (held[collateralId] * QuoteUnits.unitWad(a.decimals)).mulWadUp(priceWad);
        uint256 roomWad = a.exposureCapWad > heldValueWad ? a.exposureCapWad - heldValueWad : 0;
        return WadMath.min(idle * QUOTE_UNIT_WAD, roomWad.mulWadDown(WAD - discountWad));
    }

    /// @inheritdoc IBackstopVault
    function totals() external view returns (uint256 boughtWad, uint256 soldWad, uint256 keeperRewardsWad) {
        return (_boughtWad, _soldWad, _keeperRewardsWad);
    }

    /// @inheritdoc IBackstopVault
    function assetConfig(uint256 collateralId) external view returns (BackstopAsset memory) {
        return _assets[collateralId];
    }

    /// @inheritdoc IBackstopVault
    function rewardParams() external view returns (BackstopRewardParams memory) {
        return _reward;
    }

    function _listedAsset(uint256 collateralId) internal view returns (BackstopAsset memory a) {
        a = _assets[collateralId];
        if (a.token == address(0)) revert NotListed(collateralId);
    }

    function _price(IOracle oracle) internal view returns (uint256 priceWad) {
        PriceStatus s;
        (priceWad, s) = oracle.read();
        if (!isUsable(s)) revert InvalidPrice(address(oracle), priceWad, s);
    }
}
