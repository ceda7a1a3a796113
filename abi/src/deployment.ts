/**
 * The deployments file written by `script/Deploy.s.sol`: chain id, start block and contract addresses. One shape and
 * one validator for everything that reads it (indexer, keeper, end-to-end tests); each reader formats the issues in
 * its own error style.
 */
import { getAddress, isAddress, type Address } from "viem";

const ADDRESS_FIELDS = [
  "quote",
  "protocol",
  "engine",
  "vault",
  "insuranceFund",
  "weth",
  "wbtc",
  "ethFeed", // PushPriceFeed of ETH in quote [wad]: also values gas in quote
  "btcFeed",
  "auctionHouse",
  "wethPool",
  "wbtcPool",
  "takeCallee",
  "backstop",
  "waterfall", // SolvencyWaterfall: bad debt after the fund, bond series, revenue routing
  // The lending market and its own engine, auction house, backstop and take callee (same bytecode as the perps
  // protocol's), on the shared waterfall; its lenders' LiquidityVault.
  "lending",
  "lendingVault",
  "lendingEngine",
  "lendingAuctionHouse",
  "lendingBackstop",
  "lendingTakeCallee",
  "portfolioMargin", // PortfolioMargin: scenarios and factor maps for opted-in accounts
  "preLiquidation", // PreLiquidation: the soft margin call between maintenance and the top of the zone
  "liquidationLens", // LiquidationLens: the accounts below maintenance among many, in one call (the keeper's chain scan)
] as const;

export type Deployment = {
  chainId: number;
  startBlock: number;
  feeds: Address[];
} & Record<(typeof ADDRESS_FIELDS)[number], Address>;

/** One bad field: its name (`feeds[1]` for an array element) and what is wrong with it. */
export type DeploymentIssue = { field: string; message: string };

export type ParsedDeployment =
  | { ok: true; deployment: Deployment }
  | { ok: false; issues: DeploymentIssue[] };

/** Validates parsed JSON, reporting every bad field; keys the deploy script writes but no reader uses are ignored. */
export function parseDeploymentJson(json: unknown): ParsedDeployment {
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return {
      ok: false,
      issues: [{ field: "(root)", message: "expected a JSON object" }],
    };
  }
  const raw = json as Record<string, unknown>;
  const issues: DeploymentIssue[] = [];
  const address = (value: unknown, field: string): Address => {
    if (value === undefined)
      issues.push({ field, message: "is required: expected an address" });
    else if (
      typeof value !== "string" ||
      !isAddress(value, { strict: false })
    ) {
      issues.push({
        field,
        message: `must be an address, got ${JSON.stringify(value)}`,
      });
    } else return getAddress(value);
    return "0x";
  };
  const integer = (value: unknown, field: string, min: number): number => {
    if (
      typeof value !== "number" ||
      !Number.isSafeInteger(value) ||
      value < min
    ) {
      issues.push({
        field,
        message: `must be an integer ≥ ${min}, got ${JSON.stringify(value)}`,
      });
    }
    return value as number;
  };

  const chainId = integer(raw.chainId, "chainId", 1);
  const startBlock = integer(raw.startBlock, "startBlock", 0);
  const addresses = Object.fromEntries(
    ADDRESS_FIELDS.map((f) => [f, address(raw[f], f)]),
  );
  let feeds: Address[] = [];
  if (!Array.isArray(raw.feeds) || raw.feeds.length === 0) {
    issues.push({
      field: "feeds",
      message: "must be a non-empty array of addresses",
    });
  } else {
    feeds = raw.feeds.map((f, i) => address(f, `feeds[${i}]`));
  }
  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    deployment: { chainId, startBlock, feeds, ...addresses } as Deployment,
  };
}
