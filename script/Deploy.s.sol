// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Script} from "forge-std/Script.sol";
import {console2} from "forge-std/console2.sol";
import {Timelock} from "../src/governance/Timelock.sol";
import {SystemDeployer} from "./SystemDeployer.sol";
import {CollateralPattern} from "../src/interfaces/ILiquidationEngine.sol";
import {AuctionParams} from "../src/interfaces/IAuctionHouse.sol";
import {StairstepExponentialDecrease} from "../src/auction/StairstepExponentialDecrease.sol";
import {PreLiquidationParams} from "../src/interfaces/IPreLiquidation.sol";

/// @notice Deploys the whole system with demo parameters and writes the addresses and start block to
/// `DEPLOYMENT_FILE` (default `deployments/local.json`), where the indexer and the keeper read them.
/// Env: `DEPLOYER_PRIVATE_KEY` (default: anvil's first key), `PRICE_PUSHER` (default: the deployer),
/// `COLLATERAL_PATTERN` for both collateral assets: `fixed-fee` (default), `dutch-auction` or `internal`;
/// `AUCTION_STEP_SECONDS`: the auction curve's step (−1% per step; default 10 s), e.g. shorter on a fast local chain;
/// `INSURANCE_FUND_STAKE`: the owner's stake that seeds the insurance fund, in whole USDC (default 50000), e.g. smaller
/// so that a crash's bad debt reaches the solvency bonds. `LENDING_COLLATERAL_PATTERN`: the same choice for the lending
/// market's engine (default: `COLLATERAL_PATTERN`).
/// so that a crash's bad debt reaches the solvency bonds; `PRE_LIQUIDATION`: `on` (default) keeps the pre-liquidation
/// module's demo parameters on both markets, `off` disables it (zero parameters) on both.
/// `DUST_NOTIONAL`: the dust minimum in whole USDC (default 10): the least position, close and auction lot, which a
/// deployment sizes to its gas (at least 2000 where the base fee can reach 1,000 gwei; `DemoConfig._dustNotionalWad`).
/// `TIMELOCK_DELAY_SECONDS`: when set (1 day to 30 days), the deploy ends by handing every risk-bearing contract to a
/// new `Timelock` with that delay, the deployer as its admin and `TIMELOCK_GUARDIAN` (default: the deployer) as its
/// guardian, and logs its address. A production deployment sets it; unset (the local demo), the deployer stays owner.
contract Deploy is Script, SystemDeployer {
    uint256 internal constant ANVIL_KEY_0 = 0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80;

    /// @dev `DUST_NOTIONAL`, read before the deployment uses it [wad quote].
    uint128 internal dustNotionalWad = 10e18;

    function _dustNotionalWad() internal view override returns (uint128) {
        return dustNotionalWad;
    }

    /// @dev One protocol of the deployments file: its name (the JSON object key too), kind and contracts.
    struct ProtocolEntry {
        string name;
        string kind;
        address protocol;
        address engine;
        address auctionHouse;
        address backstop;
        address takeCallee;
        address vault;
    }

    function run() external returns (Deployment memory d) {
        uint256 key = vm.envOr("DEPLOYER_PRIVATE_KEY", ANVIL_KEY_0);
        address deployer = vm.addr(key);
        address pusher = vm.envOr("PRICE_PUSHER", deployer);
        string memory outPath = vm.envOr("DEPLOYMENT_FILE", string("deployments/local.json"));
        uint256 startBlock = block.number;

        string memory patternName = vm.envOr("COLLATERAL_PATTERN", string("fixed-fee"));
        CollateralPattern pattern = _pattern(patternName);
        CollateralPattern lendingPattern = _pattern(vm.envOr("LENDING_COLLATERAL_PATTERN", patternName));
        uint256 stakeUsdc = vm.envOr("INSURANCE_FUND_STAKE", DEFAULT_INSURANCE_STAKE / 1e6);
        require(stakeUsdc > 0 && stakeUsdc <= 1e12, "INSURANCE_FUND_STAKE must be 1..1e12 whole USDC");
        bool preLiquidationOn = _preLiquidationOn(vm.envOr("PRE_LIQUIDATION", string("on")));
        uint256 dustUsdc = vm.envOr("DUST_NOTIONAL", uint256(10));
        require(dustUsdc > 0 && dustUsdc <= 1e9, "DUST_NOTIONAL must be 1..1e9 whole USDC");
        dustNotionalWad = uint128(dustUsdc * 1e18);

        vm.startBroadcast(key);
        d = _deploySystem(deployer, pusher, stakeUsdc * 1e6);
        d.engine.setCollateralPattern(0, pattern);
        d.engine.setCollateralPattern(1, pattern);
        d.lending.engine.setCollateralPattern(0, lendingPattern);
        d.lending.engine.setCollateralPattern(1, lendingPattern);
        uint256 step = vm.envOr("AUCTION_STEP_SECONDS", uint256(10));
        if (step != 10) _setAuctionStep(d, step);
        if (!preLiquidationOn) {
            PreLiquidationParams memory off;
            d.preLiquidation.setParams(0, off);
            d.preLiquidation.setParams(1, off);
        }
        uint256 delaySeconds = vm.envOr("TIMELOCK_DELAY_SECONDS", uint256(0));
        if (delaySeconds != 0) {
            Timelock timelock = new Timelock(deployer, vm.envOr("TIMELOCK_GUARDIAN", deployer), delaySeconds);
            _handOverToTimelock(d, timelock);
            console2.log("timelock", address(timelock));
        }
        vm.stopBroadcast();

        _write(outPath, d, deployer, startBlock);
    }

    function _setAuctionStep(Deployment memory d, uint256 stepSeconds) internal {
        require(stepSeconds > 0 && stepSeconds <= 3600, "AUCTION_STEP_SECONDS must be 1..3600");
        d.curve = new StairstepExponentialDecrease(0.99e18, stepSeconds);
        for (uint256 id; id < 2; ++id) {
            AuctionParams memory p = d.auctionHouse.params(id);
            p.curve = d.curve;
            d.auctionHouse.setAuctionParams(id, p);
            d.lending.auctionHouse.setAuctionParams(id, p);
        }
    }

    function _preLiquidationOn(string memory value) internal pure returns (bool) {
        bytes32 h = keccak256(bytes(value));
        if (h == keccak256("on")) return true;
        if (h == keccak256("off")) return false;
        revert(string.concat("PRE_LIQUIDATION must be on or off, got '", value, "'"));
    }

    function _pattern(string memory name) internal pure returns (CollateralPattern) {
        bytes32 h = keccak256(bytes(name));
        if (h == keccak256("fixed-fee")) return CollateralPattern.FixedFee;
        if (h == keccak256("dutch-auction")) return CollateralPattern.DutchAuction;
        if (h == keccak256("internal")) return CollateralPattern.Internal;
        revert(string.concat("COLLATERAL_PATTERN must be fixed-fee, dutch-auction or internal, got '", name, "'"));
    }

    /// @dev The shared contracts at the top level; the protocols on the engine as a list, each with its name, the kind
    /// of health math its accounts follow and its contracts (abi/src/deployment.ts reads and validates this shape).
    function _write(string memory path, Deployment memory d, address deployer, uint256 startBlock) internal {
        // The perps protocol's modules are written into its entry's object before the entry is closed.
        vm.serializeAddress("perps", "portfolioMargin", address(d.portfolioMargin));
        vm.serializeAddress("perps", "preLiquidation", address(d.preLiquidation));
        string memory perps = _protocolJson(
            ProtocolEntry(
                "perps",
                "margin",
                address(d.protocol),
                address(d.engine),
                address(d.auctionHouse),
                address(d.backstop),
                address(d.takeCallee),
                address(d.vault)
            )
        );
        string memory lending = _protocolJson(
            ProtocolEntry(
                "lending",
                "lending",
                address(d.lending.market),
                address(d.lending.engine),
                address(d.lending.auctionHouse),
                address(d.lending.backstop),
                address(d.lending.takeCallee),
                address(d.lending.vault)
            )
        );

        string[] memory protocols = new string[](2);
        protocols[0] = perps;
        protocols[1] = lending;

        string memory o = "deployment";
        vm.serializeUint(o, "chainId", block.chainid);
        vm.serializeUint(o, "startBlock", startBlock);
        vm.serializeAddress(o, "deployer", deployer);
        vm.serializeAddress(o, "quote", address(d.usdc));
        vm.serializeAddress(o, "insuranceFund", address(d.insuranceFund));
        vm.serializeAddress(o, "weth", address(d.weth));
        vm.serializeAddress(o, "wbtc", address(d.wbtc));
        vm.serializeAddress(o, "ethFeed", address(d.ethFeed));
        vm.serializeAddress(o, "btcFeed", address(d.btcFeed));
        vm.serializeAddress(o, "wethPool", address(d.wethPool));
        vm.serializeAddress(o, "wbtcPool", address(d.wbtcPool));
        vm.serializeAddress(o, "waterfall", address(d.waterfall));
        vm.serializeAddress(o, "liquidationLens", address(d.liquidationLens));
        vm.serializeString(o, "protocols", protocols);
        address[] memory feeds = new address[](2);
        feeds[0] = address(d.ethFeed);
        feeds[1] = address(d.btcFeed);
        string memory json = vm.serializeAddress(o, "feeds", feeds);
        vm.writeJson(json, path);
    }

    /// @return json The entry as a JSON object, with any fields already serialized under its name.
    function _protocolJson(ProtocolEntry memory p) internal returns (string memory json) {
        vm.serializeString(p.name, "name", p.name);
        vm.serializeString(p.name, "kind", p.kind);
        vm.serializeAddress(p.name, "protocol", p.protocol);
        vm.serializeAddress(p.name, "engine", p.engine);
        vm.serializeAddress(p.name, "auctionHouse", p.auctionHouse);
        vm.serializeAddress(p.name, "backstop", p.backstop);
        vm.serializeAddress(p.name, "takeCallee", p.takeCallee);
        json = vm.serializeAddress(p.name, "vault", p.vault);
    }
}
