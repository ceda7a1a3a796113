// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "solmate/tokens/ERC20.sol";
import {ERC6909} from "solmate/tokens/ERC6909.sol";
import {SafeTransferLib} from "solmate/utils/SafeTransferLib.sol";
import {Owned} from "solmate/auth/Owned.sol";
import {IInsuranceFund} from "./interfaces/IInsuranceFund.sol";
import {IDeficitVault} from "./interfaces/IDeficitVault.sol";
import {
    ISolvencyWaterfall,
    BondSeries,
    BondAuctionParams,
    WaterfallLayers,
    SocializationCause
} from "./interfaces/ISolvencyWaterfall.sol";
import {BondMath} from "./libraries/BondMath.sol";

/// @title SolvencyWaterfall
/// @notice The solvency waterfall and its bonds. See `ISolvencyWaterfall`. Bonds are ERC6909 tokens, one id per series.
/// @dev Pro-rata redemption: a holder's claim grows by balance × Δrepaid ÷ faceSold (rounded down), accrued before
/// every balance change. Revenue reaches a series only once its sale is closed, so faceSold is fixed by then and every
/// bond of a series has earned the same.
contract SolvencyWaterfall is ISolvencyWaterfall, ERC6909, Owned {
    using SafeTransferLib for ERC20;

    /// @dev Per-vault totals [quote units].
    struct Totals {
        uint128 recognized;
        uint128 coveredByFund;
        uint128 raisedByBonds;
        uint128 socialized;
    }

    /// @dev A holder's accrued claim on a series and the series' `repaid` when it was last accrued.
    struct Claim {
        uint128 owed;
        uint128 repaidMark;
    }

    ERC20 public immutable quote;
    IInsuranceFund public immutable fund;

    mapping(address engine => bool) public isEngine;
    /// @notice Liquidation modules whose keeper rewards the waterfall pays (the auction house).
    mapping(address module => bool) public isRewardSpender;
    /// @notice Revenue kept back from bonds and the fund to pay keeper rewards [quote units]. Any nonzero reserve is
    /// also a float: the waterfall's balance never returns to zero, so a penalty paid here rewrites a balance instead
    /// of creating one (~17k gas on every liquidation).
    uint256 public rewardReserveUnits;
    BondAuctionParams internal _params;
    BondSeries[] internal _series;
    mapping(uint256 id => mapping(address holder => Claim)) internal _claims;
    mapping(address vault => Totals) public totals;

    /// @notice The oldest series whose face is not fully repaid (or `seriesCount()` when none).
    uint256 public nextToRepay;
    /// @notice Revenue routed to bonds and not yet redeemed [quote units]; every other unit held is pending revenue.
    uint256 public heldForHolders;
    /// @notice Σ (faceSold − repaid) over all series [quote units].
    uint256 public outstandingFace;

    constructor(ERC20 quote_, IInsuranceFund fund_, address owner_, BondAuctionParams memory params_) Owned(owner_) {
        quote = quote_;
        fund = fund_;
        _setParams(params_);
    }

    /*//////////////////////////////////////////////////////////////
                             CONFIGURATION
    //////////////////////////////////////////////////////////////*/

    function setEngine(address engine, bool allowed) external onlyOwner {
        isEngine[engine] = allowed;
        emit EngineSet(engine, allowed);
    }

    function setRewardSpender(address module, bool allowed) external onlyOwner {
        isRewardSpender[module] = allowed;
        emit RewardSpenderSet(module, allowed);
    }

    function setRewardReserve(uint256 units) external onlyOwner {
        rewardReserveUnits = units;
        emit RewardReserveSet(units);
    }

    function setBondAuctionParams(BondAuctionParams calldata params_) external onlyOwner {
        _setParams(params_);
    }

    function bondAuctionParams() external view returns (BondAuctionParams memory) {
        return _params;
    }

    function _setParams(BondAuctionParams memory p) internal {
        if (p.startPriceWad > BondMath.WAD) revert InvalidParams("start price");
        if (p.floorPriceWad == 0 || p.floorPriceWad > p.startPriceWad) revert InvalidParams("floor price");
        if (p.decaySeconds == 0) revert InvalidParams("decay");
        if (p.minSeriesUnits == 0) revert InvalidParams("minimum series");
        _params = p;
        emit BondAuctionParamsSet(p);
    }

    /*//////////////////////////////////////////////////////////////
                          RECOGNIZING BAD DEBT
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ISolvencyWaterfall
    function absorbBadDebt(address vault, address account, uint256 amount)
        external
        returns (uint256 coveredByFund, uint256 toBonds, uint256 socialized)
    {
        if (!isEngine[msg.sender]) revert NotEngine(msg.sender);
        // Revenue already received is the fund's (or the bondholders') before this loss is split.
        _route();
        coveredByFund = amount == 0 ? 0 : fund.cover(vault, amount);
        uint256 rest = amount - coveredByFund;
        Totals storage t = totals[vault];
        t.recognized += uint128(amount);
        t.coveredByFund += uint128(coveredByFund);
        if (rest >= _params.minSeriesUnits) {
            toBonds = rest;
            _issue(vault, rest);
        } else if (rest != 0) {
            socialized = rest;
            t.socialized += uint128(rest);
            emit Socialized(vault, type(uint256).max, rest, SocializationCause.BelowMinimumSeries);
        }
        emit BadDebtAbsorbed(vault, account, amount, coveredByFund, toBonds, socialized);
    }

    function _issue(address vault, uint256 deficit) internal {
        BondAuctionParams memory p = _params;
        uint256 id = _series.length;
        uint64 maturity = uint64(block.timestamp + p.maturitySeconds);
        _series.push(
            BondSeries({
                vault: vault,
                startedAt: uint64(block.timestamp),
                maturity: maturity,
                closed: false,
                startPriceWad: p.startPriceWad,
                floorPriceWad: p.floorPriceWad,
                decaySeconds: p.decaySeconds,
                floorSeconds: p.floorSeconds,
                deficit: uint128(deficit),
                raised: 0,
                faceSold: 0,
                repaid: 0,
                redeemed: 0
            })
        );
        IDeficitVault(vault).recordDeficit(deficit);
        emit SeriesIssued(id, vault, deficit, block.timestamp, maturity, p.startPriceWad, p.floorPriceWad);
    }

    /*//////////////////////////////////////////////////////////////
                               BOND SALE
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ISolvencyWaterfall
    function buyBonds(uint256 id, uint256 maxCost, uint256 maxPriceWad, address receiver)
        external
        returns (uint256 cost, uint256 face)
    {
        BondSeries storage s = _seriesRef(id);
        if (s.closed) revert SeriesAlreadyClosed(id);
        uint256 price = _price(s);
        if (price > maxPriceWad) revert PriceAboveLimit(price, maxPriceWad);
        uint256 left = s.deficit - s.raised;
        cost = maxCost < left ? maxCost : left;
        face = BondMath.faceForCostDown(cost, price);
        if (face == 0) revert NothingToBuy(id);
        s.raised += uint128(cost);
        s.faceSold += uint128(face);
        outstandingFace += face;
        address vault = s.vault;
        totals[vault].raisedByBonds += uint128(cost);
        _mint(receiver, id, face);
        quote.safeTransferFrom(msg.sender, vault, cost);
        IDeficitVault(vault).deficitRepaid(cost);
        emit BondsBought(id, msg.sender, cost, face, price, left - cost);
        if (cost == left) _close(id, s);
    }

    /// @inheritdoc ISolvencyWaterfall
    function closeSeries(uint256 id) external returns (uint256 socialized) {
        BondSeries storage s = _seriesRef(id);
        if (s.closed) revert SeriesAlreadyClosed(id);
        uint256 closable = _closableAt(s);
        if (block.timestamp < closable) revert SaleNotOver(id, closable);
        return _close(id, s);
    }

    function _close(uint256 id, BondSeries storage s) internal returns (uint256 unsold) {
        s.closed = true;
        unsold = s.deficit - s.raised;
        if (unsold != 0) {
            address vault = s.vault;
            totals[vault].socialized += uint128(unsold);
            IDeficitVault(vault).socializeDeficit(unsold);
            emit Socialized(vault, id, unsold, SocializationCause.BondsUnsold);
        }
        emit SeriesClosed(id, s.raised, s.faceSold, unsold);
        // Revenue held back while this series was on sale may now repay it.
        _route();
    }

    /*//////////////////////////////////////////////////////////////
                          REVENUE AND REDEMPTION
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ISolvencyWaterfall
    function route() external returns (uint256 toBonds, uint256 toFund) {
        return _route();
    }

    function _route() internal returns (uint256 toBonds, uint256 toFund) {
        uint256 revenue = _routable();
        if (revenue == 0) return (0, 0);
        uint256 n = _series.length;
        uint256 i = nextToRepay;
        for (; i < n && revenue != 0; ++i) {
            BondSeries storage s = _series[i];
            // Revenue waits for a series still on sale: its bonds are senior to the fund.
            if (!s.closed) break;
            uint256 owed = s.faceSold - s.repaid;
            uint256 pay = revenue < owed ? revenue : owed;
            if (pay != 0) {
                s.repaid += uint128(pay);
                toBonds += pay;
                revenue -= pay;
                emit SeriesRepaid(i, pay, s.repaid, s.faceSold);
            }
            if (s.repaid < s.faceSold) break;
        }
        nextToRepay = i;
        if (toBonds != 0) {
            heldForHolders += toBonds;
            outstandingFace -= toBonds;
        }
        // Only with every series repaid does the fund take its share again.
        if (i == n && revenue != 0) {
            toFund = revenue;
            quote.safeTransfer(address(fund), toFund);
        }
        if (toBonds != 0 || toFund != 0) emit RevenueRouted(toBonds, toFund);
    }

    /// @dev Revenue beyond the reward reserve, which `route` may spend [quote units].
    function _routable() internal view returns (uint256) {
        uint256 revenue = quote.balanceOf(address(this)) - heldForHolders;
        uint256 reserve = rewardReserveUnits;
        return revenue > reserve ? revenue - reserve : 0;
    }

    /// @inheritdoc ISolvencyWaterfall
    function cover(address to, uint256 amount) external returns (uint256 paid) {
        if (!isRewardSpender[msg.sender]) revert NotRewardSpender(msg.sender);
        uint256 revenue = quote.balanceOf(address(this)) - heldForHolders;
        uint256 fromRevenue = amount < revenue ? amount : revenue;
        if (fromRevenue != 0) quote.safeTransfer(to, fromRevenue);
        uint256 fromFund = amount == fromRevenue ? 0 : fund.cover(to, amount - fromRevenue);
        paid = fromRevenue + fromFund;
        emit RewardPaid(msg.sender, to, fromRevenue, fromFund);
    }

    /// @inheritdoc ISolvencyWaterfall
    function redeem(uint256 id, address receiver) external returns (uint256 amount) {
        BondSeries storage s = _seriesRef(id);
        _route();
        _accrue(id, msg.sender, s.repaid, s.faceSold);
        Claim storage c = _claims[id][msg.sender];
        amount = c.owed;
        if (amount == 0) revert NothingToRedeem(id, msg.sender);
        c.owed = 0;
        s.redeemed += uint128(amount);
        heldForHolders -= amount;
        // Fully repaid: the bonds have nothing more to earn.
        if (s.repaid == s.faceSold) _burn(msg.sender, id, balanceOf[msg.sender][id]);
        quote.safeTransfer(receiver, amount);
        emit Redeemed(id, msg.sender, receiver, amount);
    }

    /// @dev Claims follow the bonds: both sides accrue at the old balances before a transfer.
    function transfer(address receiver, uint256 id, uint256 amount) public override returns (bool) {
        _accrueBoth(id, msg.sender, receiver);
        return super.transfer(receiver, id, amount);
    }

    function transferFrom(address sender, address receiver, uint256 id, uint256 amount) public override returns (bool) {
        _accrueBoth(id, sender, receiver);
        return super.transferFrom(sender, receiver, id, amount);
    }

    function _accrueBoth(uint256 id, address a, address b) internal {
        if (id >= _series.length) return;
        BondSeries storage s = _series[id];
        (uint256 repaid, uint256 faceSold) = (s.repaid, s.faceSold);
        _accrue(id, a, repaid, faceSold);
        _accrue(id, b, repaid, faceSold);
    }

    function _accrue(uint256 id, address holder, uint256 repaid, uint256 faceSold) internal {
        Claim storage c = _claims[id][holder];
        uint256 mark = c.repaidMark;
        if (mark == repaid) return;
        c.owed += uint128(BondMath.proRataDown(balanceOf[holder][id], repaid - mark, faceSold));
        c.repaidMark = uint128(repaid);
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ISolvencyWaterfall
    function priceWad(uint256 id) external view returns (uint256) {
        return _price(_seriesRef(id));
    }

    /// @inheritdoc ISolvencyWaterfall
    function closableAt(uint256 id) external view returns (uint256) {
        return _closableAt(_seriesRef(id));
    }

    /// @inheritdoc ISolvencyWaterfall
    function series(uint256 id) external view returns (BondSeries memory) {
        return _seriesRef(id);
    }

    /// @inheritdoc ISolvencyWaterfall
    function seriesCount() external view returns (uint256) {
        return _series.length;
    }

    /// @inheritdoc ISolvencyWaterfall
    function claimable(uint256 id, address holder) external view returns (uint256) {
        BondSeries storage s = _seriesRef(id);
        Claim memory c = _claims[id][holder];
        return c.owed + BondMath.proRataDown(balanceOf[holder][id], s.repaid - c.repaidMark, s.faceSold);
    }

    /// @inheritdoc ISolvencyWaterfall
    function pendingForFund() public view returns (uint256) {
        uint256 revenue = _routable();
        uint256 n = _series.length;
        for (uint256 i = nextToRepay; i < n && revenue != 0; ++i) {
            BondSeries storage s = _series[i];
            if (!s.closed) return 0;
            uint256 owed = s.faceSold - s.repaid;
            if (revenue <= owed) return 0;
            revenue -= owed;
        }
        return revenue;
    }

    /// @inheritdoc ISolvencyWaterfall
    function rewardCapacity() external view returns (uint256) {
        return quote.balanceOf(address(this)) - heldForHolders + fund.balance();
    }

    /// @inheritdoc ISolvencyWaterfall
    function layers(address vault) external view returns (WaterfallLayers memory l) {
        Totals memory t = totals[vault];
        l.fundAssets = fund.balance();
        l.fundAvailableToStakers = fund.availableToStakers();
        l.pendingRevenue = quote.balanceOf(address(this)) - heldForHolders;
        l.openDeficit = IDeficitVault(vault).deficitReceivable();
        l.outstandingFace = outstandingFace;
        l.heldForHolders = heldForHolders;
        l.recognized = t.recognized;
        l.coveredByFund = t.coveredByFund;
        l.raisedByBonds = t.raisedByBonds;
        l.socialized = t.socialized;
    }

    function _seriesRef(uint256 id) internal view returns (BondSeries storage) {
        if (id >= _series.length) revert UnknownSeries(id);
        return _series[id];
    }

    function _price(BondSeries storage s) internal view returns (uint256) {
        return BondMath.linearPriceUp(s.startPriceWad, s.floorPriceWad, block.timestamp - s.startedAt, s.decaySeconds);
    }

    function _closableAt(BondSeries storage s) internal view returns (uint256) {
        return uint256(s.startedAt) + s.decaySeconds + s.floorSeconds;
    }
}
