/**
 * The deployments file written by `script/Deploy.s.sol`: chain id, start block, the shared contracts (quote token,
 * oracles, pools, the solvency waterfall, the lens) and the list of protocols on the engine, each with its name,
 * kind, and its own engine, auction house, backstop and take callee. One shape and one validator for everything that reads it
 * (indexer, keeper, end-to-end tests); each reader formats the issues in its own error style.
 */
import { getAddress, isAddress, zeroAddress, type Address } from "viem";

const SHARED_FIELDS = [
  "quote",
  "insuranceFund",
  "weth",
  "wbtc",
  "ethFeed", // PushPriceFeed of ETH in quote [wad]: also values gas in quote
  "btcFeed",
  "wethPool",
  "wbtcPool",
  "waterfall", // SolvencyWaterfall: bad debt after the fund, bond series, revenue routing (every protocol's vault)
  "liquidationLens", // LiquidationLens: the accounts below maintenance among many, in one call (any protocol)
] as const;

/** Every protocol: the ILiquidatable itself, its LiquidationEngine, AuctionHouse, BackstopVault, take callee, vault. */
const PROTOCOL_FIELDS = [
  "protocol",
  "engine",
  "auctionHouse",
  "backstop",
  "takeCallee",
  "vault", // its lenders' LiquidityVault (a layer of the waterfall)
] as const;

/** Modules only some protocols have; absent or the zero address: none. */
const OPTIONAL_PROTOCOL_FIELDS = [
  "preLiquidation", // PreLiquidation: the soft margin call between maintenance and the top of the zone
  "portfolioMargin", // PortfolioMargin: scenarios and factor maps for opted-in accounts
] as const;

/**
 * Which health math the protocol's accounts follow, for the indexer (each kind is one small adapter): `margin`,
 * cross-margined positions and haircut collateral (MarginProtocol); `lending`, debt against collateral at liquidation
 * LTVs (LendingMarket). The keeper needs none: it reads ILiquidatable's views.
 */
export const PROTOCOL_KINDS = ["margin", "lending"] as const;
export type ProtocolKind = (typeof PROTOCOL_KINDS)[number];

export type ProtocolDeployment = {
  /** Unique: the name the index's routes and the keeper's logs use (`?protocol=`). */
  name: string;
  kind: ProtocolKind;
} & Record<(typeof PROTOCOL_FIELDS)[number], Address> &
  Record<(typeof OPTIONAL_PROTOCOL_FIELDS)[number], Address | null>;

export type Deployment = {
  chainId: number;
  startBlock: number;
  feeds: Address[];
  /** In the file's order; at least one. */
  protocols: ProtocolDeployment[];
} & Record<(typeof SHARED_FIELDS)[number], Address>;

/** One bad field: its name (`feeds[1]`, `protocols[0].engine`) and what is wrong with it. */
export type DeploymentIssue = { field: string; message: string };

export type ParsedDeployment =
  | { ok: true; deployment: Deployment }
  | { ok: false; issues: DeploymentIssue[] };

const PROTOCOL_NAME = /^[a-z][a-z0-9-]{0,31}$/;

/** The protocol listed under `name`; throws naming the ones there are. */
export function protocolNamed(
  deployment: Pick<Deployment, "protocols">,
  name: string,
): ProtocolDeployment {
  const found = deployment.protocols.find((p) => p.name === name);
  if (found === undefined)
    throw new Error(
      `the deployment has no protocol ${JSON.stringify(name)} (it lists ${deployment.protocols.map((p) => p.name).join(", ")})`,
    );
  return found;
}

/** Validates parsed JSON, reporting every bad field; keys the deploy script writes but no reader uses are ignored. */
export function parseDeploymentJson(json: unknown): ParsedDeployment {
  if (!isObject(json)) {
    return {
      ok: false,
      issues: [{ field: "(root)", message: "expected a JSON object" }],
    };
  }
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
  const optionalAddress = (value: unknown, field: string): Address | null => {
    if (value === undefined || value === null) return null;
    const parsed = address(value, field);
    return parsed === zeroAddress ? null : parsed;
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

  const chainId = integer(json.chainId, "chainId", 1);
  const startBlock = integer(json.startBlock, "startBlock", 0);
  const shared = Object.fromEntries(
    SHARED_FIELDS.map((f) => [f, address(json[f], f)]),
  );
  let feeds: Address[] = [];
  if (!Array.isArray(json.feeds) || json.feeds.length === 0) {
    issues.push({
      field: "feeds",
      message: "must be a non-empty array of addresses",
    });
  } else {
    feeds = json.feeds.map((f, i) => address(f, `feeds[${i}]`));
  }

  const protocols: ProtocolDeployment[] = [];
  if (!Array.isArray(json.protocols) || json.protocols.length === 0) {
    issues.push({
      field: "protocols",
      message:
        "must be a non-empty array of protocols, each with its name, kind and contracts",
    });
  } else {
    json.protocols.forEach((entry: unknown, i: number) => {
      const at = `protocols[${i}]`;
      if (!isObject(entry)) {
        issues.push({ field: at, message: "must be an object" });
        return;
      }
      const name = entry.name;
      if (typeof name !== "string" || !PROTOCOL_NAME.test(name))
        issues.push({
          field: `${at}.name`,
          message: `must be lowercase letters, digits and dashes, starting with a letter (at most 32), got ${JSON.stringify(name)}`,
        });
      else if (protocols.some((p) => p.name === name))
        issues.push({
          field: `${at}.name`,
          message: `${JSON.stringify(name)} is listed twice`,
        });
      const kind = entry.kind;
      if (!PROTOCOL_KINDS.includes(kind as ProtocolKind))
        issues.push({
          field: `${at}.kind`,
          message: `must be one of ${PROTOCOL_KINDS.join(", ")}, got ${JSON.stringify(kind)}`,
        });
      protocols.push({
        name: name as string,
        kind: kind as ProtocolKind,
        ...Object.fromEntries(
          PROTOCOL_FIELDS.map((f) => [f, address(entry[f], `${at}.${f}`)]),
        ),
        ...Object.fromEntries(
          OPTIONAL_PROTOCOL_FIELDS.map((f) => [
            f,
            optionalAddress(entry[f], `${at}.${f}`),
          ]),
        ),
      } as ProtocolDeployment);
    });
  }
  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    deployment: {
      chainId,
      startBlock,
      feeds,
      protocols,
      ...shared,
    } as Deployment,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
