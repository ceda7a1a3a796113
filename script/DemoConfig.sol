// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IOracle} from "../src/interfaces/IOracle.sol";
import {LiquidationParams, GasReimbursementParams} from "../src/interfaces/ILiquidationEngine.sol";
import {SolvencyWaterfall} from "../src/SolvencyWaterfall.sol";
import {LiquidationEngine} from "../src/LiquidationEngine.sol";
import {AuctionHouse} from "../src/AuctionHouse.sol";
import {AuctionParams, KeeperRewardParams} from "../src/interfaces/IAuctionHouse.sol";
import {IPriceCurve} from "../src/interfaces/IPriceCurve.sol";
import {BackstopVault} from "../src/BackstopVault.sol";
import {BackstopRewardParams} from "../src/interfaces/IBackstopVault.sol";

/// @notice The demo parameters every liquidated protocol's engine, auction house and backstop share (the perps
/// protocol's and the lending market's), so the two deployers configure them by the same code.
abstract contract DemoConfig {
    /// @notice The dust minimum [wad quote]: the least notional a position may hold and a close may take, and the
    /// least value of an auction lot. It is the deployment's gas-aware minimum size: a close of it must pay its gas
    /// within the half of it the engine reimburses at most (docs/design.md, "Break-even base fee"). $10 here, for a
    /// chain whose base fee stays low (the local demo's); a deployment where the base fee can reach 1,000 gwei with
    /// ETH at $3,000 sets at least $2,000 (`Deploy.s.sol`: `DUST_NOTIONAL`).
    function _dustNotionalWad() internal view virtual returns (uint128) {
        return 10e18;
    }

    /// @notice Engine: fixed fee 2.5% (40% to the keeper) to health 1.25, a full close below 0.5, collateral sold 5%
    /// under the oracle, positions under the dust minimum are dust.
    function _demoLiquidationParams() internal view returns (LiquidationParams memory) {
        return LiquidationParams({
            targetHealthWad: 1.25e18,
            fullCloseHealthWad: 0.5e18,
            penaltyWad: 0.025e18,
            keeperShareWad: 0.4e18,
            collateralDiscountWad: 0.05e18,
            dustNotionalWad: _dustNotionalWad()
        });
    }

    /// @notice The engine's keepers are reimbursed their gas at cost by the waterfall: what each call measures plus
    /// 45k it cannot (the transaction's 21k, calldata, the payment: about 45k in all when pending revenue pays, the
    /// cheapest path, so never a markup; about 18k more when the insurance fund pays, which the keeper's share bears),
    /// at most half the notional closed; previews estimate a close at 100k (`snapshots/GasTest.json`: 132k-141k for
    /// one position with its 21k); an insolvent account's keeper earns at most $5 of its penalty (the priority fee and
    /// its margin; docs/design.md).
    function _configureGasReimbursement(LiquidationEngine engine, SolvencyWaterfall waterfall, IOracle nativeOracle)
        internal
    {
        waterfall.setRewardSpender(address(engine), true);
        engine.setGasReimbursement(
            GasReimbursementParams({
                nativeOracle: nativeOracle,
                callGas: 45_000,
                previewGas: 100_000,
                maxNotionalShareWad: 0.5e18,
                insolventTipWad: 5e18
            })
        );
    }

    /// @notice The auction parameters of collaterals 0 and 1 and the house's limits and keeper rewards: −1% every 10 s
    /// (the curve) from 110% of the oracle price; reset after 10 minutes or below 85% of the oracle price; rewards
    /// $5 + 0.1% of the value at stake + gas × base fee × ETH price × 1.2, at most $2,000 each (a ceiling for a wrong gas
    /// price: the budget bounds the rest) and half the value at stake or the penalty for the auction in all (see
    /// docs/design.md).
    function _configureAuctionHouse(AuctionHouse auctionHouse, IPriceCurve curve, IOracle nativeOracle) internal {
        AuctionParams memory p = AuctionParams({
            curve: curve,
            startBufferWad: 1.1e18,
            resetAfterSeconds: 600,
            resetBelowWad: 0.85e18,
            penaltyWad: 0.05e18,
            capWad: 2_000_000e18
        });
        auctionHouse.setAuctionParams(0, p);
        auctionHouse.setAuctionParams(1, p);
        auctionHouse.setGlobalLimits(3_000_000e18, _dustNotionalWad());
        auctionHouse.setKeeperRewardParams(
            KeeperRewardParams({
                nativeOracle: nativeOracle,
                gasFactorBps: 12_000,
                kickGas: 320_000,
                redoGas: 140_000,
                tipWad: 5e18,
                chipWad: 0.001e18,
                maxValueShareWad: 0.5e18,
                maxRewardWad: 2_000e18,
                floorBuyGas: 365_000
            })
        );
    }

    /// @notice The backstop bound to its engine (buying at 2% under the oracle price) and auction house, selling
    /// collaterals 0 and 1 into their pools, holding at most $750k of each at the oracle price, 1% slippage at most;
    /// an absorb pays its caller a $2 tip (at most half the buy's gain) and its gas at cost through the engine's
    /// waterfall (what it measures + 47k it cannot, at most half the value bought), as the engine pays a close.
    function _configureBackstop(
        BackstopVault backstop,
        LiquidationEngine engine,
        AuctionHouse auctionHouse,
        address pool0,
        address pool1,
        IOracle nativeOracle
    ) internal {
        engine.setBackstop(address(backstop), 0.02e18);
        auctionHouse.setBackstop(address(backstop));
        backstop.setAsset(0, pool0, 750_000e18);
        backstop.setAsset(1, pool1, 750_000e18);
        backstop.setMaxSlippage(0.01e18);
        SolvencyWaterfall(engine.waterfall()).setRewardSpender(address(backstop), true);
        backstop.setRewardParams(
            BackstopRewardParams({
                nativeOracle: nativeOracle,
                // The transaction's 21k, calldata, the engine's waterfall read and the payment (the engine's 45k + 2k).
                callGas: 47_000,
                tipWad: 2e18,
                gainShareWad: 0.5e18,
                maxValueShareWad: 0.5e18,
                maxRewardWad: 2_000e18
            })
        );
    }
}
