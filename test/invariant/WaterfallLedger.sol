// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test, Vm} from "forge-std/Test.sol";
import {TestnetToken} from "../../src/demo/TestnetToken.sol";
import {MarginProtocol} from "../../src/MarginProtocol.sol";
import {LiquidityVault} from "../../src/LiquidityVault.sol";
import {InsuranceFund} from "../../src/InsuranceFund.sol";
import {SolvencyWaterfall} from "../../src/SolvencyWaterfall.sol";
import {ISolvencyWaterfall, SocializationCause} from "../../src/interfaces/ISolvencyWaterfall.sol";
import {IInsuranceFund} from "../../src/interfaces/IInsuranceFund.sol";
import {IMarginProtocol} from "../../src/interfaces/IMarginProtocol.sol";

/// @notice Ghost books of the waterfall, the insurance fund and the revenue, kept from the events of every successful
/// call in the order they were emitted, so that they know nothing of the contracts' own storage. The invariants
/// compare them with that storage; the order properties (15) are asserted here, event by event.
/// @dev Logs are recorded from the start of each handler action. Logs of a call that reverted are recorded too (Foundry
/// keeps them), so every expected revert is bracketed: `_flush()` books what came before, `_drop()` forgets the
/// reverted call's logs. All amounts in quote units unless the name says wad.
abstract contract WaterfallLedger is Test {
    bytes32 internal constant ERC20_TRANSFER = keccak256("Transfer(address,address,uint256)");
    bytes32 internal constant ERC6909_TRANSFER = keccak256("Transfer(address,address,address,uint256,uint256)");
    bytes32 internal constant ERC4626_DEPOSIT = keccak256("Deposit(address,address,uint256,uint256)");
    bytes32 internal constant ERC4626_WITHDRAW = keccak256("Withdraw(address,address,address,uint256,uint256)");

    struct GhostSeries {
        uint256 deficit;
        uint256 startedAt;
        uint256 closableAt;
        uint256 raised;
        uint256 faceSold;
        uint256 repaid;
        uint256 redeemed;
        uint256 minted;
        uint256 burnt;
        bool closed;
    }

    /// @notice Totals booked from events [quote units].
    struct Books {
        uint256 revenueIn; // quote transferred to the waterfall
        uint256 revenueFromProtocol; // ... by the margin protocol (penalty shares, fee sweeps)
        uint256 auctionPenalties; // ... by auction takers (penalties)
        uint256 penaltyShares; // PenaltyCharged: the insurance share, sent to the waterfall
        uint256 feesSwept; // FeesSwept
        uint256 routedToBonds; // RevenueRouted
        uint256 routedToFund;
        uint256 redeemed; // Redeemed
        uint256 waterfallToFund; // quote transferred from the waterfall to the fund
        uint256 waterfallToHolders; // ... to anyone else (redemptions, keeper rewards)
        uint256 rewardsFromRevenue; // RewardPaid: keeper rewards out of pending revenue
        uint256 rewardsFromFund; // ... and by the insurance fund
        uint256 gasReimbursed; // ... of which the engine's gas reimbursements
        uint256 recognized; // BadDebtAbsorbed
        uint256 coveredByFund;
        uint256 issued;
        uint256 socializedBelowMinimum; // Socialized, by cause
        uint256 socializedUnsold;
        uint256 raised; // BondsBought
        uint256 staked; // the fund's Deposit
        uint256 withdrawn; // the fund's Withdraw
        uint256 fundCovered; // the fund's Covered, all
        uint256 fundCoveredToVault; // ... paid to the vault (bad debt)
    }

    /// @notice How often each layer was reached (the coverage test checks the handler gets everywhere).
    struct Reached {
        uint256 absorbs;
        uint256 fundAlone;
        uint256 seriesIssued;
        uint256 socializedBelowMinimum;
        uint256 buys;
        uint256 closes;
        uint256 socializedUnsold;
        uint256 repayments;
        uint256 redemptions;
        uint256 burns;
        uint256 routesToFund;
        uint256 sweeps;
        uint256 stakes;
        uint256 withdrawals;
        uint256 cancels;
    }

    TestnetToken internal ledgerQuote;
    MarginProtocol internal ledgerProtocol;
    LiquidityVault internal ledgerVault;
    InsuranceFund internal ledgerFund;
    SolvencyWaterfall internal ledgerWaterfall;
    uint256 internal minSeries;
    uint256 internal saleSeconds; // decay + floor window: a series may close this long after issue

    Books internal books;
    Reached internal reached;
    GhostSeries[] internal ghostSeries;
    /// @notice Wad sum of every PenaltyCharged (keeper and insurance shares).
    uint256 public ghostLiquidationPenaltiesWad;
    /// @notice Per holder and series: face received (minted or transferred in) and quote redeemed.
    mapping(address => mapping(uint256 => uint256)) public faceReceived;
    mapping(address => mapping(uint256 => uint256)) public redeemedBy;

    uint256 internal depth;
    // The fixed-fee engine: its reward payments are gas reimbursements.
    address internal ledgerEngine;
    // The insurance fund's last cover to the vault, checked against the absorb that follows it.
    bool internal coverSeen;
    uint256 internal coverAmount;
    uint256 internal coverBalanceAfter;
    // Within one absorb: the series it issued and what it socialized at once.
    bool internal issuedInAbsorb;
    uint256 internal socializedInAbsorb;
    // SeriesRepaid amounts since the last RevenueRouted.
    uint256 internal repaidSinceRoute;

    function _initLedger(
        TestnetToken quote,
        MarginProtocol protocol_,
        LiquidityVault vault_,
        InsuranceFund fund_,
        SolvencyWaterfall waterfall_
    ) internal {
        ledgerQuote = quote;
        ledgerProtocol = protocol_;
        ledgerVault = vault_;
        ledgerFund = fund_;
        ledgerWaterfall = waterfall_;
        minSeries = waterfall_.bondAuctionParams().minSeriesUnits;
        saleSeconds = uint256(waterfall_.bondAuctionParams().decaySeconds) + waterfall_.bondAuctionParams().floorSeconds;
    }

    /// @dev Every action: records from its start at the outermost level, books everything at its end.
    modifier recorded() {
        if (depth++ == 0) vm.recordLogs();
        _;
        --depth;
        _flush();
    }

    /// @dev Books the logs recorded so far (call before a call that may revert).
    function _flush() internal {
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i; i < logs.length; ++i) {
            _ingest(logs[i]);
        }
    }

    /// @dev Forgets the logs of a call that reverted (call first thing in its catch).
    function _drop() internal {
        vm.getRecordedLogs();
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    function ledgerBooks() external view returns (Books memory) {
        return books;
    }

    function ghostSeriesCount() external view returns (uint256) {
        return ghostSeries.length;
    }

    function ghostSeriesAt(uint256 id) external view returns (GhostSeries memory) {
        return ghostSeries[id];
    }

    function reachedLayers() external view returns (Reached memory) {
        return reached;
    }

    /*//////////////////////////////////////////////////////////////
                                INGEST
    //////////////////////////////////////////////////////////////*/

    function _ingest(Vm.Log memory l) internal {
        if (l.topics.length == 0) return;
        if (l.emitter == address(ledgerQuote)) {
            if (l.topics[0] == ERC20_TRANSFER) {
                _onQuoteTransfer(_addr(l, 1), _addr(l, 2), abi.decode(l.data, (uint256)));
            }
        } else if (l.emitter == address(ledgerWaterfall)) {
            _onWaterfall(l);
        } else if (l.emitter == address(ledgerFund)) {
            _onFund(l);
        } else if (l.emitter == address(ledgerProtocol)) {
            _onProtocol(l);
        }
    }

    function _onQuoteTransfer(address from, address to, uint256 amount) internal {
        address w = address(ledgerWaterfall);
        if (to == w) {
            books.revenueIn += amount;
            if (from == address(ledgerProtocol)) books.revenueFromProtocol += amount;
            else books.auctionPenalties += amount;
        }
        if (from == w) {
            if (to == address(ledgerFund)) books.waterfallToFund += amount;
            else books.waterfallToHolders += amount;
        }
    }

    function _onProtocol(Vm.Log memory l) internal {
        bytes32 sig = l.topics[0];
        if (sig == IMarginProtocol.PenaltyCharged.selector) {
            (uint256 keeperWad, address insurance, uint256 insuranceWad,) =
                abi.decode(l.data, (uint256, address, uint256, int256));
            // A pre-liquidation names no insurance share (address 0, nothing): its incentive is all the caller's.
            if (insurance != address(0) || insuranceWad != 0) {
                assertEq(insurance, address(ledgerWaterfall), "penalty share goes to the waterfall");
            }
            books.penaltyShares += insuranceWad / 1e12;
            ghostLiquidationPenaltiesWad += keeperWad + insuranceWad;
        } else if (sig == IMarginProtocol.FeesSwept.selector) {
            assertEq(_addr(l, 1), address(ledgerWaterfall), "fees swept to the waterfall");
            books.feesSwept += abi.decode(l.data, (uint256)) / 1e12;
            ++reached.sweeps;
        }
    }

    function _onFund(Vm.Log memory l) internal {
        bytes32 sig = l.topics[0];
        if (sig == IInsuranceFund.Covered.selector) {
            (uint256 amount, uint256 balanceAfter) = abi.decode(l.data, (uint256, uint256));
            books.fundCovered += amount;
            if (_addr(l, 1) == address(ledgerVault)) {
                books.fundCoveredToVault += amount;
                (coverSeen, coverAmount, coverBalanceAfter) = (true, amount, balanceAfter);
            }
        } else if (sig == ERC4626_DEPOSIT) {
            (uint256 assets,) = abi.decode(l.data, (uint256, uint256));
            books.staked += assets;
            ++reached.stakes;
        } else if (sig == ERC4626_WITHDRAW) {
            (uint256 assets,) = abi.decode(l.data, (uint256, uint256));
            books.withdrawn += assets;
            ++reached.withdrawals;
        } else if (sig == IInsuranceFund.WithdrawCancelled.selector) {
            ++reached.cancels;
        }
    }

    function _onWaterfall(Vm.Log memory l) internal {
        bytes32 sig = l.topics[0];
        if (sig == ISolvencyWaterfall.SeriesIssued.selector) _onIssued(l);
        else if (sig == ISolvencyWaterfall.BadDebtAbsorbed.selector) _onAbsorbed(l);
        else if (sig == ISolvencyWaterfall.Socialized.selector) _onSocialized(l);
        else if (sig == ISolvencyWaterfall.BondsBought.selector) _onBought(l);
        else if (sig == ISolvencyWaterfall.SeriesClosed.selector) _onClosed(l);
        else if (sig == ISolvencyWaterfall.SeriesRepaid.selector) _onRepaid(l);
        else if (sig == ISolvencyWaterfall.RevenueRouted.selector) _onRouted(l);
        else if (sig == ISolvencyWaterfall.Redeemed.selector) _onRedeemed(l);
        else if (sig == ISolvencyWaterfall.RewardPaid.selector) _onRewardPaid(l);
        else if (sig == ERC6909_TRANSFER) _onBondTransfer(l);
    }

    function _onRewardPaid(Vm.Log memory l) internal {
        (uint256 fromRevenue, uint256 fromFund) = abi.decode(l.data, (uint256, uint256));
        books.rewardsFromRevenue += fromRevenue;
        books.rewardsFromFund += fromFund;
        if (_addr(l, 1) == ledgerEngine) books.gasReimbursed += fromRevenue + fromFund;
    }

    function _onIssued(Vm.Log memory l) internal {
        uint256 id = uint256(l.topics[1]);
        (uint256 deficit, uint256 startedAt,,,) = abi.decode(l.data, (uint256, uint256, uint256, uint256, uint256));
        assertEq(id, ghostSeries.length, "series ids in issue order");
        assertEq(startedAt, block.timestamp, "issued in the transaction that recognized the deficit");
        assertGe(deficit, minSeries, "a series below the minimum");
        GhostSeries storage s = ghostSeries.push();
        s.deficit = deficit;
        s.startedAt = startedAt;
        s.closableAt = startedAt + saleSeconds;
        books.issued += deficit;
        issuedInAbsorb = true;
        ++reached.seriesIssued;
    }

    /// Property 15 (order): bonds are issued, or a loss socialized, only once the fund has paid all it had.
    function _onAbsorbed(Vm.Log memory l) internal {
        (uint256 amount, uint256 covered, uint256 toBonds, uint256 socialized) =
            abi.decode(l.data, (uint256, uint256, uint256, uint256));
        assertEq(covered + toBonds + socialized, amount, "absorb split");
        if (amount != 0) {
            assertTrue(coverSeen, "absorbed without asking the fund");
            assertEq(coverAmount, covered, "fund paid what the absorb says");
        }
        if (toBonds + socialized != 0) {
            assertEq(coverBalanceAfter, 0, "bonds or socialization before the fund ran dry");
        }
        if (toBonds != 0) {
            assertTrue(issuedInAbsorb, "bonds without a series");
            assertEq(ghostSeries[ghostSeries.length - 1].deficit, toBonds);
        } else {
            assertFalse(issuedInAbsorb, "a series without bonds");
        }
        assertEq(socializedInAbsorb, socialized, "socialized at once");
        assertLt(socialized, minSeries, "socialized what a series could have sold");
        books.recognized += amount;
        books.coveredByFund += covered;
        ++reached.absorbs;
        if (amount != 0 && covered == amount) ++reached.fundAlone;
        (coverSeen, issuedInAbsorb, socializedInAbsorb) = (false, false, 0);
    }

    /// Property 15 (order): a series is socialized only after its floor window, and only what it did not raise.
    function _onSocialized(Vm.Log memory l) internal {
        uint256 id = uint256(l.topics[2]);
        (uint256 amount, SocializationCause cause) = abi.decode(l.data, (uint256, SocializationCause));
        assertGt(amount, 0);
        if (cause == SocializationCause.BelowMinimumSeries) {
            assertEq(id, type(uint256).max);
            socializedInAbsorb += amount;
            books.socializedBelowMinimum += amount;
            ++reached.socializedBelowMinimum;
        } else {
            GhostSeries storage s = ghostSeries[id];
            assertFalse(s.closed);
            assertGe(block.timestamp, s.closableAt, "socialized before the floor window ended");
            assertEq(amount, s.deficit - s.raised, "socialized what was not raised");
            books.socializedUnsold += amount;
            ++reached.socializedUnsold;
        }
    }

    function _onBought(Vm.Log memory l) internal {
        uint256 id = uint256(l.topics[1]);
        (uint256 cost, uint256 face, uint256 priceWad, uint256 left) =
            abi.decode(l.data, (uint256, uint256, uint256, uint256));
        GhostSeries storage s = ghostSeries[id];
        assertFalse(s.closed, "bought a closed series");
        assertEq(face, cost * 1e18 / priceWad, "face = cost / price");
        s.raised += cost;
        s.faceSold += face;
        assertEq(left, s.deficit - s.raised, "deficit left");
        books.raised += cost;
        ++reached.buys;
    }

    function _onClosed(Vm.Log memory l) internal {
        GhostSeries storage s = ghostSeries[uint256(l.topics[1])];
        (uint256 raised, uint256 faceSold, uint256 unsold) = abi.decode(l.data, (uint256, uint256, uint256));
        assertFalse(s.closed, "closed twice");
        assertEq(raised, s.raised);
        assertEq(faceSold, s.faceSold);
        assertEq(unsold, s.deficit - s.raised);
        s.closed = true;
        ++reached.closes;
    }

    /// Revenue repays closed series only, oldest first.
    function _onRepaid(Vm.Log memory l) internal {
        uint256 id = uint256(l.topics[1]);
        (uint256 amount, uint256 repaidTotal, uint256 faceSold) = abi.decode(l.data, (uint256, uint256, uint256));
        GhostSeries storage s = ghostSeries[id];
        assertTrue(s.closed, "repaid a series on sale");
        for (uint256 j; j < id; ++j) {
            assertEq(ghostSeries[j].repaid, ghostSeries[j].faceSold, "repaid out of order");
        }
        s.repaid += amount;
        assertEq(repaidTotal, s.repaid);
        assertEq(faceSold, s.faceSold);
        assertLe(s.repaid, s.faceSold, "repaid beyond the face");
        repaidSinceRoute += amount;
        ++reached.repayments;
    }

    /// Property 15 (order): revenue reaches the fund only when every series is closed and repaid.
    function _onRouted(Vm.Log memory l) internal {
        (uint256 toBonds, uint256 toFund) = abi.decode(l.data, (uint256, uint256));
        assertEq(toBonds, repaidSinceRoute, "routed to bonds = series repaid");
        repaidSinceRoute = 0;
        books.routedToBonds += toBonds;
        books.routedToFund += toFund;
        if (toFund == 0) return;
        for (uint256 j; j < ghostSeries.length; ++j) {
            assertTrue(ghostSeries[j].closed, "revenue to the fund while a series is on sale");
            assertEq(ghostSeries[j].repaid, ghostSeries[j].faceSold, "revenue to the fund while bonds are unpaid");
        }
        ++reached.routesToFund;
    }

    function _onRedeemed(Vm.Log memory l) internal {
        uint256 id = uint256(l.topics[1]);
        address holder = _addr(l, 2);
        (, uint256 amount) = abi.decode(l.data, (address, uint256));
        GhostSeries storage s = ghostSeries[id];
        s.redeemed += amount;
        assertLe(s.redeemed, s.repaid, "redeemed beyond what was repaid");
        redeemedBy[holder][id] += amount;
        assertLe(redeemedBy[holder][id], faceReceived[holder][id], "a holder redeemed more than its face");
        books.redeemed += amount;
        ++reached.redemptions;
    }

    function _onBondTransfer(Vm.Log memory l) internal {
        address from = _addr(l, 1);
        address to = _addr(l, 2);
        uint256 id = uint256(l.topics[3]);
        (, uint256 amount) = abi.decode(l.data, (address, uint256));
        if (from == address(0)) ghostSeries[id].minted += amount;
        if (to == address(0)) {
            ghostSeries[id].burnt += amount;
            ++reached.burns;
        } else {
            faceReceived[to][id] += amount;
        }
    }

    function _addr(Vm.Log memory l, uint256 i) internal pure returns (address) {
        return address(uint160(uint256(l.topics[i])));
    }
}
