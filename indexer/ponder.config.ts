import { createConfig } from "ponder";
import {
  backstopVaultAbi,
  iAuctionHouseAbi,
  iLendingMarketAbi,
  iLiquidationEngineAbi,
  iMarginProtocolAbi,
  insuranceFundAbi,
  iPortfolioMarginAbi,
  iPreLiquidationAbi,
  liquidityVaultAbi,
  pushPriceFeedAbi,
  solvencyWaterfallAbi,
  testnetTokenAbi,
} from "../abi/src/generated.ts";
import { zeroAddress } from "viem";
import { deployment, indexedProtocols } from "./src/protocols.ts";
import { rpcMaxRequestsPerSecondFromEnv } from "./src/settings.ts";

const startBlock = deployment.startBlock;
// The deployment's protocols by kind of health math. A kind the deployment
// lacks (or a module its protocol lacks) is watched at the zero address, which
// emits nothing: its handlers never run and its tables stay empty.
const { margin, lending } = indexedProtocols;
const indexed = [margin, lending].filter((p) => p !== null);
const at = (address: `0x${string}` | null | undefined) =>
  address ?? zeroAddress;

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
      // polling (a price push is seen within 100 ms of its block).
      disableCache: true,
      pollingInterval: 100,
      // Unset: Ponder's adaptive limit, from 20 requests a second.
      maxRequestsPerSecond: rpcMaxRequestsPerSecondFromEnv(),
    },
  },
  // Every block: recompute the accounts whose health band the latest prices
  // may have changed, a bounded number per block (src/accountHealth.ts).
  blocks: {
    BandRefresh: { chain: "anvil", startBlock, interval: 1 },
  },
  contracts: {
    MarginProtocol: {
      chain: "anvil",
      abi: iMarginProtocolAbi,
      address: at(margin?.protocol),
      startBlock,
    },
    // Every protocol's liquidation engine (the same contract): one set of
    // handlers, each row naming its protocol (src/engineHandlers.ts).
    LiquidationEngine: {
      chain: "anvil",
      abi: iLiquidationEngineAbi,
      address: indexed.map((p) => p.engine),
      startBlock,
    },
    // Every protocol's auction house (the same contract): one set of
    // handlers, its tables keyed by house (src/auctionHandlers.ts).
    AuctionHouse: {
      chain: "anvil",
      abi: iAuctionHouseAbi,
      address: indexed.map((p) => p.auctionHouse),
      startBlock,
    },
    BackstopVault: {
      chain: "anvil",
      abi: backstopVaultAbi,
      address: at(margin?.backstop),
      startBlock,
    },
    // The staking vault (ERC4626 Deposit/Withdraw, share Transfers, the
    // cooldown, cover, the floor).
    InsuranceFund: {
      chain: "anvil",
      abi: insuranceFundAbi,
      address: deployment.insuranceFund,
      startBlock,
    },
    SolvencyWaterfall: {
      chain: "anvil",
      abi: solvencyWaterfallAbi,
      address: deployment.waterfall,
      startBlock,
    },
    // Its configuration: scenarios, factor maps, floor and multiplier.
    PortfolioMargin: {
      chain: "anvil",
      abi: iPortfolioMarginAbi,
      address: at(margin?.portfolioMargin),
      startBlock,
    },
    // The soft margin call: parameters, opt-outs, pre-liquidations.
    PreLiquidation: {
      chain: "anvil",
      abi: iPreLiquidationAbi,
      address: at(margin?.preLiquidation),
      startBlock,
    },
    // Only DeficitUpdated has a handler, so only it is fetched.
    LiquidityVault: {
      chain: "anvil",
      abi: liquidityVaultAbi,
      address: at(margin?.vault),
      startBlock,
    },
    // The quote token's transfers into the waterfall (revenue: penalty shares,
    // auction penalties, the fee share) and into the insurance fund (stakes,
    // revenue routed to it, top-ups). Their ways out are events of their own:
    // the waterfall's RevenueRouted, Redeemed and RewardPaid (fromRevenue), the
    // fund's Covered (bad debt, and a reward's fromFund) and Withdraw. (Ponder
    // keeps one filter per event; its `to` matches either.)
    QuoteToken: {
      chain: "anvil",
      abi: testnetTokenAbi,
      address: deployment.quote,
      filter: {
        event: "Transfer",
        args: { to: [deployment.insuranceFund, deployment.waterfall] },
      },
      startBlock,
    },
    // The lending market (liquidation as a service): its accounts, debts and
    // collateral (see src/lending/); its engine and auction house are with the
    // others.
    LendingMarket: {
      chain: "anvil",
      abi: iLendingMarketAbi,
      address: at(lending?.protocol),
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
