import path from "node:path";
import { fileURLToPath } from "node:url";
import { createConfig } from "ponder";
import {
  backstopVaultAbi,
  iInsuranceFundAbi,
  iAuctionHouseAbi,
  iLiquidationEngineAbi,
  iMarginProtocolAbi,
  pushPriceFeedAbi,
  testnetTokenAbi,
} from "../abi/src/generated.ts";
import { loadDeployment } from "./src/deployment.ts";

// Relative paths in DEPLOYMENT_FILE resolve against this (the indexer)
// directory, not the working directory.
const indexerDir = path.dirname(fileURLToPath(import.meta.url));
const deploymentFile = path.resolve(
  indexerDir,
  process.env.DEPLOYMENT_FILE ?? "../deployments/local.json",
);
const deployment = loadDeployment(deploymentFile);
const startBlock = deployment.startBlock;

export default createConfig({
  // Postgres when DATABASE_URL is set; otherwise embedded PGlite, in
  // PGLITE_DIRECTORY when set (a fresh directory per local chain).
  database: process.env.DATABASE_URL
    ? { kind: "postgres", connectionString: process.env.DATABASE_URL }
    : process.env.PGLITE_DIRECTORY
      ? { kind: "pglite", directory: process.env.PGLITE_DIRECTORY }
      : { kind: "pglite" },
  chains: {
    anvil: {
      id: deployment.chainId,
      rpc: process.env.RPC_URL ?? "http://127.0.0.1:8545",
      // anvil: no RPC cache (a restarted chain reuses block numbers), fast
      // polling.
      disableCache: true,
      pollingInterval: 500,
    },
  },
  contracts: {
    MarginProtocol: {
      chain: "anvil",
      abi: iMarginProtocolAbi,
      address: deployment.protocol,
      startBlock,
    },
    LiquidationEngine: {
      chain: "anvil",
      abi: iLiquidationEngineAbi,
      address: deployment.engine,
      startBlock,
    },
    AuctionHouse: {
      chain: "anvil",
      abi: iAuctionHouseAbi,
      address: deployment.auctionHouse,
      startBlock,
    },
    BackstopVault: {
      chain: "anvil",
      abi: backstopVaultAbi,
      address: deployment.backstop,
      startBlock,
    },
    InsuranceFund: {
      chain: "anvil",
      abi: iInsuranceFundAbi,
      address: deployment.insuranceFund,
      startBlock,
    },
    // Only the quote token's transfers into the insurance fund (penalty shares,
    // the seed, top-ups); its only way out is `cover`, seen as
    // InsuranceFund:Covered. (Ponder keeps one filter per event, so not both
    // directions.)
    QuoteToken: {
      chain: "anvil",
      abi: testnetTokenAbi,
      address: deployment.quote,
      filter: { event: "Transfer", args: { to: deployment.insuranceFund } },
      startBlock,
    },
    PriceFeed: {
      chain: "anvil",
      abi: pushPriceFeedAbi,
      address: deployment.feeds,
      startBlock,
    },
  },
});
