import { defineConfig } from "@wagmi/cli";
import { foundry } from "@wagmi/cli/plugins";
import { execSync } from "node:child_process";

// The native forge binary installed from npm (wagmi runs `forge config --json` even with build: false).
const forgePath = execSync(
  "bash -c 'source ../scripts/lib/foundry.sh && echo $FORGE'",
)
  .toString()
  .trim();

export default defineConfig({
  out: "src/generated.ts",
  plugins: [
    foundry({
      project: "..",
      forge: { build: false, path: forgePath },
      include: [
        "IMarginProtocol.sol/**",
        "ILiquidatable.sol/**",
        "ILiquidationEngine.sol/**",
        "IInsuranceFund.sol/**",
        "PushPriceFeed.sol/**",
        "LiquidityVault.sol/**",
        "TestnetToken.sol/**",
        "IAuctionHouse.sol/**",
        "ConstantProductPool.sol/**",
        "BackstopVault.sol/**",
        "InsuranceFund.sol/**",
        "SolvencyWaterfall.sol/**",
        "ILendingMarket.sol/**",
        "IPortfolioMargin.sol/**",
        "IPreLiquidation.sol/**",
        "AccountFleet.sol/**",
        "LiquidationLens.sol/**",
      ],
    }),
  ],
});
