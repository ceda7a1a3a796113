// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "solmate/tokens/ERC20.sol";
import {SafeTransferLib} from "solmate/utils/SafeTransferLib.sol";
import {Owned} from "solmate/auth/Owned.sol";
import {ILiquidatable} from "./interfaces/ILiquidatable.sol";
import {IMarginProtocol, CollateralParams} from "./interfaces/IMarginProtocol.sol";
import {ILiquidationEngine, CollateralPattern} from "./interfaces/ILiquidationEngine.sol";
import {IInsuranceFund} from "./interfaces/IInsuranceFund.sol";
import {IBackstopVault} from "./interfaces/IBackstopVault.sol";
import {IOracle, PriceStatus, isUsable} from "./interfaces/IOracle.sol";
import {
    IAuctionHouse,
    IAuctionTakeCallee,
    Auction,
    AuctionAsset,
    AuctionParams,
    KeeperRewardParams
} from "./interfaces/IAuctionHouse.sol";
import {WadMath} from "./libraries/WadMath.sol";
import {QuoteUnits} from "./libraries/QuoteUnits.sol";
import {GasReimbursement} from "./libraries/GasReimbursement.sol";

/// @title AuctionHouse
/// @notice Dutch auctions of collateral. See `IAuctionHouse`.
contract AuctionHouse is IAuctionHouse, Owned {
    using SafeTransferLib for ERC20;
    using WadMath for uint256;
    using WadMath for int256;

    /*//////////////////////////////////////////////////////////////
                               IMMUTABLES
    //////////////////////////////////////////////////////////////*/

    ILiquidatable internal immutable PROTOCOL;
    ILiquidationEngine internal immutable ENGINE;
    ERC20 internal immutable QUOTE;
    /// @dev The wad value of one quote-token unit.
    uint256 internal immutable QUOTE_UNIT_WAD;

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    /// @notice Pays keepers' kick and reset rewards (the solvency waterfall: pending revenue, then the insurance fund).
    address public rewardPayer;
    /// @notice Receives the auctions' penalties as revenue (bondholders first, then the insurance fund).
    address public waterfall;
    /// @notice The backstop vault, the only buyer of a lot below its floor.
    address public backstop;
    /// @notice Cap on the target in auction across all assets [wad].
    uint128 public globalCapWad;
    /// @notice A take leaves no target unraised below this [wad].
    uint128 public dustWad;
    /// @notice Target in auction across all assets [wad]. (Packed with the next id: one slot for both.)
    uint128 public totalTargetWad;
    uint128 public nextAuctionId;

    KeeperRewardParams internal _reward;
    mapping(uint256 collateralId => AuctionParams) internal _params;
    mapping(uint256 collateralId => AuctionAsset) internal _assets;
    /// @notice Target in auction per asset [wad].
    mapping(uint256 collateralId => uint256) public targetInAuctionWad;
    mapping(uint256 auctionId => Auction) internal _auctions;

    bool transient locked;

    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    constructor(ILiquidatable protocol_, ILiquidationEngine engine_, address owner_) Owned(owner_) {
        PROTOCOL = protocol_;
        ENGINE = engine_;
        QUOTE = ERC20(IMarginProtocol(address(protocol_)).quoteToken());
        QUOTE_UNIT_WAD = QuoteUnits.unitWad(QUOTE.decimals());
        // `Auction.rewardLeft` holds whole quote units in 48 bits: $2.8M of budget at 8 decimals, too little beyond.
        if (QUOTE.decimals() > 8) revert InvalidParams("quote decimals");
    }

    /*//////////////////////////////////////////////////////////////
                               MODIFIERS
    //////////////////////////////////////////////////////////////*/

    modifier nonReentrant() {
        if (locked) revert Reentrancy();
        locked = true;
        _;
        locked = false;
    }

    /*//////////////////////////////////////////////////////////////
                             CONFIGURATION
    //////////////////////////////////////////////////////////////*/

    /// @notice Lists a collateral for auction, caching its token, decimals and oracle from the protocol.
    function setAuctionParams(uint256 collateralId, AuctionParams calldata p) external onlyOwner {
        if (address(p.curve) == address(0)) revert InvalidParams("curve");
        if (p.startBufferWad < 1e18) revert InvalidParams("start buffer");
        if (p.resetBelowWad == 0 || p.resetBelowWad >= 1e18) revert InvalidParams("reset below");
        if (p.resetAfterSeconds == 0) revert InvalidParams("reset after");
        CollateralParams memory c = IMarginProtocol(address(PROTOCOL)).collateral(collateralId);
        _assets[collateralId] = AuctionAsset(c.token, c.decimals, c.oracle);
        _params[collateralId] = p;
        ERC20(c.token).safeApprove(address(PROTOCOL), type(uint256).max); // unsold lots are returned through it
        emit AuctionParamsSet(collateralId, p);
    }

    function setGlobalLimits(uint128 globalCapWad_, uint128 dustWad_) external onlyOwner {
        globalCapWad = globalCapWad_;
        dustWad = dustWad_;
        emit GlobalLimitsSet(globalCapWad_, dustWad_);
    }

    function setKeeperRewardParams(KeeperRewardParams calldata r) external onlyOwner {
        if (r.maxValueShareWad > 1e18) revert InvalidParams("value share");
        _reward = r;
        emit KeeperRewardParamsSet(r);
    }

    function setRewardPayer(address rewardPayer_) external onlyOwner {
        if (rewardPayer_ == address(0)) revert InvalidParams("reward payer");
        rewardPayer = rewardPayer_;
    }

    function setWaterfall(address waterfall_) external onlyOwner {
        if (waterfall_ == address(0)) revert InvalidParams("waterfall");
        waterfall = waterfall_;
    }

    function setBackstop(address backstop_) external onlyOwner {
        backstop = backstop_;
        emit BackstopSet(backstop_);
    }

    /*//////////////////////////////////////////////////////////////
                                  KICK
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IAuctionHouse
    function kick(address account, uint256 collateralId) external nonReentrant returns (uint256 auctionId) {
        uint256 debtWad = _kickable(account, collateralId);
        (uint256 lot, uint256 priceWad, uint256 targetWad, uint256 penaltyWad) =
            _kickLot(account, collateralId, debtWad);
        targetInAuctionWad[collateralId] += targetWad;
        totalTargetWad += uint128(targetWad);

        // The lot's rewards, this kick's and later resets' and floor buys', come out of one budget: a share of what is
        // at stake, and never more than the penalty the account pays for it, so that no lot earns more than it is worth
        // and no one gains by having a second address kick their own account.
        uint256 valueWad = WadMath.min(targetWad, _lotValueWad(collateralId, lot, priceWad));
        uint256 budgetWad = WadMath.min(_rewardBudgetWad(valueWad), penaltyWad);
        uint256 rewardWad = WadMath.min(_rewardWad(valueWad, _reward.kickGas), budgetWad);

        // The budget is spent by what the payer paid: a reward it could not pay stays for the resets.
        uint256 paidWad = _payKeeper(msg.sender, rewardWad);
        auctionId = nextAuctionId++;
        uint256 startPriceWad = priceWad.mulWadUp(_params[collateralId].startBufferWad);
        _auctions[auctionId] = Auction({
            account: account,
            collateralId: uint8(collateralId),
            startedAt: uint40(block.timestamp),
            rewardLeft: uint48((budgetWad - paidWad) / QUOTE_UNIT_WAD),
            lot: uint128(lot),
            targetWad: uint128(targetWad),
            startPriceWad: uint128(startPriceWad),
            penaltyLeftWad: uint128(penaltyWad)
        });
        PROTOCOL.seizeCollateral(account, collateralId, lot, address(this), 0);
        PROTOCOL.adjustAuctionLots(account, 1);

        emit Kicked(auctionId, account, collateralId, msg.sender, lot, targetWad, startPriceWad, paidWad);
    }

    /// @dev Reverts unless the account may be kicked for this collateral; returns its debt [wad].
    function _kickable(address account, uint256 collateralId) internal view returns (uint256 debtWad) {
        if (account == msg.sender) revert SelfLiquidation(account);
        uint8 level = PROTOCOL.breakerLevel();
        if (level >= 2) revert BreakerActive(level);
        if (address(_params[collateralId].curve) == address(0)) revert NotListed(collateralId);
        if (ENGINE.collateralPattern(collateralId) != CollateralPattern.DutchAuction) revert NotListed(collateralId);
        if (PROTOCOL.auctionLots(account) != 0) revert AlreadyInAuction(account);
        (uint256 marketMask,) = PROTOCOL.accountMasks(account);
        if (marketMask != 0) revert PositionsOpen(account, marketMask);
        int256 quoteWad = PROTOCOL.quoteBalance(account);
        if (quoteWad >= 0) revert NoDebt(account, quoteWad);
        (int256 equityWad, uint256 maintenanceWad) = PROTOCOL.marginState(account);
        if (equityWad >= maintenanceWad.toInt()) revert NotLiquidatable(account, equityWad, maintenanceWad);
        debtWad = uint256(-quoteWad);
    }

    /// @dev The lot and its target, debt × (1 + penalty). The lot is what raises the target at the floor price (oracle ×
    /// resetBelow, rounded up to whole token units), or the whole balance when that is less: seizing more would only
    /// lock the account's collateral away for the auction's length. Both are scaled down to the room left under the
    /// caps when it is short (a partial kick).
    function _kickLot(address account, uint256 collateralId, uint256 debtWad)
        internal
        view
        returns (uint256 lot, uint256 priceWad, uint256 targetWad, uint256 penaltyWad)
    {
        (lot, priceWad,,) = PROTOCOL.collateralState(account, collateralId);
        if (lot == 0) revert NoCollateral(account, collateralId);
        AuctionParams storage p = _params[collateralId];
        penaltyWad = QuoteUnits.roundUp(debtWad.mulWadUp(p.penaltyWad), QUOTE_UNIT_WAD);
        targetWad = debtWad + penaltyWad;
        uint256 floorPriceWad = priceWad.mulWadDown(p.resetBelowWad);
        if (floorPriceWad != 0) {
            uint256 unitWad = QuoteUnits.unitWad(_assets[collateralId].decimals);
            uint256 lotForTarget = (targetWad.divWadUp(floorPriceWad) + unitWad - 1) / unitWad;
            // ...unless what would stay behind is worth less than the dust minimum: nobody would be paid to auction it,
            // and while it is there the account's bad debt could never be settled.
            if (lotForTarget < lot && _lotValueWad(collateralId, lot - lotForTarget, priceWad) >= dustWad) {
                lot = lotForTarget;
            }
        }
        uint256 roomWad = QuoteUnits.roundDown(room(collateralId), QUOTE_UNIT_WAD);
        if (roomWad < targetWad) {
            if (roomWad < dustWad || roomWad == 0) revert NoRoom(collateralId, roomWad);
            lot = lot * roomWad / targetWad;
            penaltyWad = QuoteUnits.roundDown(penaltyWad * roomWad / targetWad, QUOTE_UNIT_WAD);
            targetWad = roomWad;
            if (lot == 0) revert NoRoom(collateralId, roomWad);
        }
    }

    /*//////////////////////////////////////////////////////////////
                                  TAKE
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IAuctionHouse
    function take(uint256 auctionId, uint256 maxAmount, uint256 maxPriceWad, address receiver, bytes calldata data)
        external
        nonReentrant
        returns (uint256 amount, uint256 paidWad)
    {
        Auction memory a = _takeable(auctionId);
        (uint256 priceWad, bool needsReset) = _status(a);
        if (needsReset) revert NeedsReset(auctionId);
        if (priceWad > maxPriceWad) revert PriceLimit(priceWad, maxPriceWad);
        (amount, paidWad) = _sell(auctionId, a, priceWad, maxAmount, receiver, data);
    }

    /// @inheritdoc IAuctionHouse
    function takeAtFloor(uint256 auctionId, uint256 maxAmount, address keeper)
        external
        nonReentrant
        returns (uint256 amount, uint256 floorWad, uint256 paidWad, uint256 rewardWad)
    {
        if (msg.sender != backstop) revert NotBackstop(msg.sender);
        Auction memory a = _takeable(auctionId);
        uint256 priceWad;
        (priceWad, floorWad,) = _prices(a);
        if (priceWad >= floorWad) revert AboveFloor(auctionId, priceWad, floorWad);
        uint256 valueWad = WadMath.min(a.targetWad, _lotValueWad(a.collateralId, a.lot, _oraclePrice(a.collateralId)));
        uint256 owedWad =
            WadMath.min(keeperReward(valueWad, _reward.floorBuyGas), uint256(a.rewardLeft) * QUOTE_UNIT_WAD);
        (amount, paidWad) = _sell(auctionId, a, floorWad, maxAmount, msg.sender, "");
        rewardWad = _payKeeper(keeper, owedWad);
        // Unless the buy ended the auction, what is left of its reward budget shrinks by what was paid.
        if (_auctions[auctionId].lot != 0) {
            _auctions[auctionId].rewardLeft = a.rewardLeft - uint48(rewardWad / QUOTE_UNIT_WAD);
        }
        emit FloorBuyRewarded(auctionId, keeper, rewardWad);
    }

    function _takeable(uint256 auctionId) internal view returns (Auction memory a) {
        uint8 level = PROTOCOL.breakerLevel();
        if (level >= 3) revert BreakerActive(level);
        a = _auctions[auctionId];
        if (a.lot == 0) revert NoAuction(auctionId);
    }

    /// @dev Sells a slice of the lot at `priceWad`: collateral first, then the optional callback, then payment, so that
    /// a taker needs no capital.
    function _sell(
        uint256 auctionId,
        Auction memory a,
        uint256 priceWad,
        uint256 maxAmount,
        address receiver,
        bytes memory data
    ) internal returns (uint256 amount, uint256 paidWad) {
        (amount, paidWad) = _slice(a, priceWad, maxAmount);
        a.lot -= uint128(amount);
        a.targetWad -= uint128(paidWad);
        _auctions[auctionId].lot = a.lot;
        _auctions[auctionId].targetWad = a.targetWad;
        targetInAuctionWad[a.collateralId] -= paidWad;
        totalTargetWad -= uint128(paidWad);

        ERC20(_assets[a.collateralId].token).safeTransfer(receiver, amount);
        if (data.length != 0) IAuctionTakeCallee(receiver).onAuctionTake(msg.sender, amount, paidWad, data);
        _distribute(auctionId, a, paidWad);

        emit Taken(auctionId, msg.sender, amount, priceWad, paidWad, a.lot, a.targetWad);
        if (a.lot == 0 || a.targetWad == 0) _end(auctionId, a);
    }

    /// @dev How much of the lot this take buys and what it pays: the whole target if the amount is worth more (the
    /// buyer gets the collateral that target buys, rounded down); otherwise never leaving less than the dust of target
    /// unraised while collateral remains.
    function _slice(Auction memory a, uint256 priceWad, uint256 maxAmount)
        internal
        view
        returns (uint256 amount, uint256 paidWad)
    {
        uint256 unitWad = QuoteUnits.unitWad(_assets[a.collateralId].decimals);
        amount = WadMath.min(a.lot, maxAmount);
        paidWad = QuoteUnits.roundUp((amount * unitWad).mulWadUp(priceWad), QUOTE_UNIT_WAD);
        if (paidWad >= a.targetWad) {
            paidWad = a.targetWad;
            amount = WadMath.min(a.lot, paidWad.divWadDown(priceWad) / unitWad);
        } else if (amount < a.lot && a.targetWad - paidWad < dustWad) {
            if (a.targetWad <= dustWad) revert ZeroTake();
            paidWad = QuoteUnits.roundDown(a.targetWad - dustWad, QUOTE_UNIT_WAD);
            amount = paidWad.divWadDown(priceWad) / unitWad;
        }
        if (amount == 0 || paidWad == 0) revert ZeroTake();
        if (amount < a.lot && paidWad < a.targetWad) {
            uint256 remainderValueWad = ((a.lot - amount) * unitWad).mulWadDown(priceWad);
            if (remainderValueWad < dustWad) revert LotDust(remainderValueWad, dustWad);
        }
    }

    /// @dev Proceeds repay the account's debt first, then the penalty (revenue, to the solvency waterfall); any excess
    /// belongs to the account (its debt was repaid by other means during the auction). The taker pays each recipient
    /// directly: the protocol pulls the account's part, and the penalty goes straight to the waterfall.
    function _distribute(uint256 auctionId, Auction memory a, uint256 paidWad) internal {
        uint256 debtWad = WadMath.negativePart(PROTOCOL.quoteBalance(a.account));
        uint256 toDebtWad = WadMath.min(paidWad, debtWad);
        uint256 toFundWad = WadMath.min(paidWad - toDebtWad, a.penaltyLeftWad);
        uint256 toAccountWad = paidWad - toDebtWad - toFundWad;
        if (toDebtWad + toAccountWad != 0) PROTOCOL.creditQuote(a.account, toDebtWad + toAccountWad, msg.sender);
        if (toFundWad != 0) {
            a.penaltyLeftWad -= uint128(toFundWad);
            _auctions[auctionId].penaltyLeftWad = a.penaltyLeftWad;
            QUOTE.safeTransferFrom(msg.sender, waterfall, toFundWad / QUOTE_UNIT_WAD);
        }
    }

    /// @dev Returns the unsold lot, releases the room and the account, and settles bad debt once nothing is left.
    function _end(uint256 auctionId, Auction memory a) internal {
        if (a.lot != 0) PROTOCOL.returnCollateral(a.account, a.collateralId, a.lot, address(this));
        targetInAuctionWad[a.collateralId] -= a.targetWad;
        totalTargetWad -= a.targetWad;
        PROTOCOL.adjustAuctionLots(a.account, -1);
        delete _auctions[auctionId];
        emit Ended(auctionId, a.lot, a.targetWad);
        (uint256 marketMask, uint256 collateralMask) = PROTOCOL.accountMasks(a.account);
        if (marketMask == 0 && collateralMask == 0 && PROTOCOL.quoteBalance(a.account) < 0) {
            ENGINE.settleBadDebt(a.account);
        }
    }

    /*//////////////////////////////////////////////////////////////
                                 RESET
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IAuctionHouse
    function redo(uint256 auctionId) external nonReentrant {
        uint8 level = PROTOCOL.breakerLevel();
        if (level >= 2) revert BreakerActive(level);
        Auction memory a = _auctions[auctionId];
        if (a.lot == 0) revert NoAuction(auctionId);
        (uint256 priceWad, uint256 floorWad, bool tooOld) = _prices(a);
        if (!tooOld && priceWad >= floorWad) revert NoResetNeeded(auctionId);
        if (priceWad < floorWad) _requireBackstopCannotBuy(auctionId, a, floorWad);
        uint256 oracleWad = _oraclePrice(a.collateralId);
        uint256 startPriceWad = oracleWad.mulWadUp(_params[a.collateralId].startBufferWad);
        uint256 valueWad = WadMath.min(a.targetWad, _lotValueWad(a.collateralId, a.lot, oracleWad));
        uint256 owedWad = WadMath.min(keeperReward(valueWad, _reward.redoGas), uint256(a.rewardLeft) * QUOTE_UNIT_WAD);
        _auctions[auctionId].startPriceWad = uint128(startPriceWad);
        _auctions[auctionId].startedAt = uint40(block.timestamp);
        uint256 rewardWad = _payKeeper(msg.sender, owedWad);
        _auctions[auctionId].rewardLeft = a.rewardLeft - uint48(rewardWad / QUOTE_UNIT_WAD);
        emit Reset(auctionId, msg.sender, startPriceWad, rewardWad);
    }

    /// @dev A lot below its floor goes to the backstop when it can pay for all of it (the lesser of the lot's value at
    /// the floor and the target); only otherwise is the auction reset. The slack covers the rounding of a floor buy: one
    /// token unit's worth at the floor (its amount rounds down to whole units) and one quote unit (its price rounds up).
    function _requireBackstopCannotBuy(uint256 auctionId, Auction memory a, uint256 floorWad) internal view {
        address backstop_ = backstop;
        if (backstop_ == address(0)) return;
        AuctionParams storage p = _params[a.collateralId];
        uint256 capacityWad = IBackstopVault(backstop_).capacity(a.collateralId, 1e18 - p.resetBelowWad);
        uint256 unitWad = QuoteUnits.unitWad(_assets[a.collateralId].decimals);
        uint256 lotValueWad = (uint256(a.lot) * unitWad).mulWadUp(floorWad);
        uint256 slackWad = unitWad.mulWadUp(floorWad) + QUOTE_UNIT_WAD;
        if (capacityWad > WadMath.min(lotValueWad, a.targetWad) + slackWad) {
            revert BackstopFirst(auctionId, capacityWad);
        }
    }

    /*//////////////////////////////////////////////////////////////
                             KEEPER REWARD
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IAuctionHouse
    /// @dev A fresh auction's: the reward formula within the whole budget for that value.
    function keeperReward(uint256 valueWad, uint32 gasUnits) public view returns (uint256) {
        return WadMath.min(_rewardWad(valueWad, gasUnits), _rewardBudgetWad(valueWad));
    }

    /// @dev tip + chip × value at stake + gas × block.basefee × native price × factor, at most the cap, in whole quote
    /// units (rounded down).
    function _rewardWad(uint256 valueWad, uint32 gasUnits) internal view returns (uint256) {
        KeeperRewardParams memory r = _reward;
        uint256 rewardWad =
            r.tipWad + valueWad.mulWadDown(r.chipWad) + GasReimbursement.wad(r.nativeOracle, gasUnits, r.gasFactorBps);
        return QuoteUnits.roundDown(WadMath.min(rewardWad, r.maxRewardWad), QUOTE_UNIT_WAD);
    }

    /// @dev The value share of `valueWad`, in whole quote units (rounded down), within what `Auction.rewardLeft` can
    /// hold. A kick's budget is the lesser of this and the auction's penalty.
    function _rewardBudgetWad(uint256 valueWad) internal view returns (uint256) {
        uint256 budgetWad = QuoteUnits.roundDown(valueWad.mulWadDown(_reward.maxValueShareWad), QUOTE_UNIT_WAD);
        return WadMath.min(budgetWad, uint256(type(uint48).max) * QUOTE_UNIT_WAD);
    }

    /// @dev The value of `lot` token units at `priceWad` per whole token [wad, rounded down].
    function _lotValueWad(uint256 collateralId, uint256 lot, uint256 priceWad) internal view returns (uint256) {
        return (lot * QuoteUnits.unitWad(_assets[collateralId].decimals)).mulWadDown(priceWad);
    }

    /// @dev Pays the keeper through the reward payer (pending revenue, then the insurance fund; what they hold at most).
    function _payKeeper(address keeper, uint256 rewardWad) internal returns (uint256 paidWad) {
        if (rewardWad == 0) return 0;
        paidWad = IInsuranceFund(rewardPayer).cover(keeper, rewardWad / QUOTE_UNIT_WAD) * QUOTE_UNIT_WAD;
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IAuctionHouse
    function status(uint256 auctionId) external view returns (uint256 priceWad, bool needsReset) {
        Auction memory a = _auctions[auctionId];
        if (a.lot == 0) revert NoAuction(auctionId);
        return _status(a);
    }

    /// @dev The curve's price now, and whether the auction is too old or below its floor (oracle × resetBelow).
    function _status(Auction memory a) internal view returns (uint256 priceWad, bool needsReset) {
        (uint256 curveWad, uint256 floorWad, bool tooOld) = _prices(a);
        return (curveWad, tooOld || curveWad < floorWad);
    }

    /// @dev The curve's price now, the floor (oracle price × resetBelow), and whether the auction is past its age.
    function _prices(Auction memory a) internal view returns (uint256 priceWad, uint256 floorWad, bool tooOld) {
        AuctionParams memory p = _params[a.collateralId];
        uint256 elapsed = block.timestamp - a.startedAt;
        priceWad = p.curve.price(a.startPriceWad, elapsed);
        floorWad = _oraclePrice(a.collateralId).mulWadUp(p.resetBelowWad);
        tooOld = elapsed > p.resetAfterSeconds;
    }

    function _oraclePrice(uint256 collateralId) internal view returns (uint256 priceWad) {
        IOracle oracle = _assets[collateralId].oracle;
        PriceStatus s;
        (priceWad, s) = oracle.read();
        if (!isUsable(s)) revert InvalidPrice(address(oracle), priceWad, s);
    }

    /// @inheritdoc IAuctionHouse
    function auction(uint256 auctionId) external view returns (Auction memory) {
        return _auctions[auctionId];
    }

    /// @inheritdoc IAuctionHouse
    function room(uint256 collateralId) public view returns (uint256) {
        uint256 assetCap = _params[collateralId].capWad;
        uint256 assetUsed = targetInAuctionWad[collateralId];
        uint256 assetRoom = assetCap > assetUsed ? assetCap - assetUsed : 0;
        uint256 globalRoom = globalCapWad > totalTargetWad ? globalCapWad - totalTargetWad : 0;
        return WadMath.min(assetRoom, globalRoom);
    }

    function params(uint256 collateralId) external view returns (AuctionParams memory) {
        return _params[collateralId];
    }

    function rewardParams() external view returns (KeeperRewardParams memory) {
        return _reward;
    }
}
