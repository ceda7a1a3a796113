// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Script} from "forge-std/Script.sol";
import {ERC20} from "solmate/tokens/ERC20.sol";
import {TestnetToken} from "../src/demo/TestnetToken.sol";
import {PushPriceFeed} from "../src/oracle/PushPriceFeed.sol";
import {LiquidityVault} from "../src/LiquidityVault.sol";
import {MarginProtocol} from "../src/MarginProtocol.sol";
import {LiquidationEngine} from "../src/LiquidationEngine.sol";
import {InsuranceFund} from "../src/InsuranceFund.sol";
import {IOracle} from "../src/interfaces/IOracle.sol";
import {MarketParams} from "../src/interfaces/IMarginProtocol.sol";
import {LiquidationParams} from "../src/interfaces/ILiquidationEngine.sol";

/// @notice Deploys the whole system with demo parameters and writes the addresses and start block to
/// `DEPLOYMENT_FILE` (default `deployments/local.json`), where the indexer and the keeper read them.
/// Env: `DEPLOYER_PRIVATE_KEY` (default: anvil's first key), `PRICE_PUSHER` (default: the deployer).
contract Deploy is Script {
    uint256 internal constant ANVIL_KEY_0 = 0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80;

    struct Deployment {
        TestnetToken usdc;
        TestnetToken weth;
        TestnetToken wbtc;
        PushPriceFeed ethFeed;
        PushPriceFeed btcFeed;
        LiquidityVault vault;
        MarginProtocol protocol;
        LiquidationEngine engine;
        InsuranceFund insuranceFund;
    }

    function run() external returns (Deployment memory d) {
        uint256 key = vm.envOr("DEPLOYER_PRIVATE_KEY", ANVIL_KEY_0);
        address deployer = vm.addr(key);
        address pusher = vm.envOr("PRICE_PUSHER", deployer);
        string memory outPath = vm.envOr("DEPLOYMENT_FILE", string("deployments/local.json"));
        uint256 startBlock = block.number;

        vm.startBroadcast(key);
        d = deploy(deployer, pusher);
        vm.stopBroadcast();

        _write(outPath, d, deployer, startBlock);
    }

    /// @notice The deployment itself, shared with the tests so they run against the demo parameters.
    function deploy(address owner, address pusher) public returns (Deployment memory d) {
        d.usdc = new TestnetToken("USD Coin (local)", "USDC", 6, owner);
        d.weth = new TestnetToken("Wrapped Ether (local)", "WETH", 18, owner);
        d.wbtc = new TestnetToken("Wrapped Bitcoin (local)", "WBTC", 8, owner);

        // heartbeat 1 h; floor $1 (a feed pinned there is broken); cap $10M.
        d.ethFeed = new PushPriceFeed(owner, pusher, 3600, 1e18, 10_000_000e18);
        d.btcFeed = new PushPriceFeed(owner, pusher, 3600, 1e18, 10_000_000e18);

        d.vault = new LiquidityVault(ERC20(address(d.usdc)), owner);
        d.protocol = new MarginProtocol(ERC20(address(d.usdc)), d.vault, owner);
        d.vault.setProtocol(address(d.protocol));
        d.engine = new LiquidationEngine(
            d.protocol,
            6,
            owner,
            LiquidationParams({
                targetHealthWad: 1.25e18,
                fullCloseHealthWad: 0.5e18,
                penaltyWad: 0.025e18,
                keeperShareWad: 0.4e18,
                collateralDiscountWad: 0.05e18,
                dustNotionalWad: 10e18
            })
        );
        d.insuranceFund = new InsuranceFund(ERC20(address(d.usdc)), address(d.engine));
        d.engine.setInsuranceFund(address(d.insuranceFund));
        d.protocol.setEngine(address(d.engine));

        d.protocol.listCollateral(address(d.weth), d.ethFeed, 0.8e18, 20_000e18);
        d.protocol.listCollateral(address(d.wbtc), d.btcFeed, 0.75e18, 1_000e8);
        d.protocol.listMarket(
            MarketParams({
                oracle: IOracle(address(d.ethFeed)),
                maintenanceFractionWad: 0.05e18,
                initialFractionWad: 0.1e18,
                tradeFeeWad: 0.0005e18,
                openInterestCapWad: 100_000e18
            })
        );
        d.protocol.listMarket(
            MarketParams({
                oracle: IOracle(address(d.btcFeed)),
                maintenanceFractionWad: 0.05e18,
                initialFractionWad: 0.1e18,
                tradeFeeWad: 0.0005e18,
                openInterestCapWad: 5_000e18
            })
        );

        if (pusher == owner) {
            d.ethFeed.push(3_000e18);
            d.btcFeed.push(60_000e18);
        }

        // Seed the vault with 5M and the insurance fund with 50k of the quote asset.
        d.usdc.mint(owner, 5_050_000e6);
        d.usdc.approve(address(d.vault), 5_000_000e6);
        d.vault.deposit(5_000_000e6, owner);
        d.usdc.transfer(address(d.insuranceFund), 50_000e6);
    }

    function _write(string memory path, Deployment memory d, address deployer, uint256 startBlock) internal {
        string memory o = "deployment";
        vm.serializeUint(o, "chainId", block.chainid);
        vm.serializeUint(o, "startBlock", startBlock);
        vm.serializeAddress(o, "deployer", deployer);
        vm.serializeAddress(o, "quote", address(d.usdc));
        vm.serializeAddress(o, "protocol", address(d.protocol));
        vm.serializeAddress(o, "engine", address(d.engine));
        vm.serializeAddress(o, "vault", address(d.vault));
        vm.serializeAddress(o, "insuranceFund", address(d.insuranceFund));
        vm.serializeAddress(o, "weth", address(d.weth));
        vm.serializeAddress(o, "wbtc", address(d.wbtc));
        vm.serializeAddress(o, "ethFeed", address(d.ethFeed));
        vm.serializeAddress(o, "btcFeed", address(d.btcFeed));
        address[] memory feeds = new address[](2);
        feeds[0] = address(d.ethFeed);
        feeds[1] = address(d.btcFeed);
        string memory json = vm.serializeAddress(o, "feeds", feeds);
        vm.writeJson(json, path);
    }
}
