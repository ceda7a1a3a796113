// The deployments file written by the deploy script, read and checked once at
// startup.
import { readFileSync } from "node:fs";
import { type Address, getAddress, isAddress } from "viem";

export type Deployment = {
  chainId: number;
  startBlock: number;
  quote: Address;
  protocol: Address;
  engine: Address;
  vault: Address;
  insuranceFund: Address;
  weth: Address;
  wbtc: Address;
  ethFeed: Address;
  btcFeed: Address;
  auctionHouse: Address;
  feeds: Address[];
};

const ADDRESS_FIELDS = [
  "quote",
  "protocol",
  "engine",
  "vault",
  "insuranceFund",
  "weth",
  "wbtc",
  "ethFeed",
  "btcFeed",
  "auctionHouse",
] as const;

export class DeploymentError extends Error {
  override name = "DeploymentError";
}

function address(value: unknown, field: string, file: string): Address {
  if (typeof value !== "string" || !isAddress(value, { strict: false })) {
    throw new DeploymentError(
      `${file}: "${field}" must be an address, got ${JSON.stringify(value)}`,
    );
  }
  return getAddress(value);
}

function integer(value: unknown, field: string, file: string): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new DeploymentError(
      `${file}: "${field}" must be a non-negative integer, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

// Validates parsed JSON; every bad field gets its own message.
export function parseDeployment(json: unknown, file: string): Deployment {
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new DeploymentError(`${file}: expected a JSON object`);
  }
  const raw = json as Record<string, unknown>;
  const addresses = Object.fromEntries(
    ADDRESS_FIELDS.map((f) => [f, address(raw[f], f, file)]),
  ) as Record<(typeof ADDRESS_FIELDS)[number], Address>;
  if (!Array.isArray(raw.feeds) || raw.feeds.length === 0) {
    throw new DeploymentError(
      `${file}: "feeds" must be a non-empty array of addresses`,
    );
  }
  const feeds = raw.feeds.map((f, i) => address(f, `feeds[${i}]`, file));
  return {
    chainId: integer(raw.chainId, "chainId", file),
    startBlock: integer(raw.startBlock, "startBlock", file),
    ...addresses,
    feeds,
  };
}

export function loadDeployment(file: string): Deployment {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (cause) {
    throw new DeploymentError(
      `cannot read deployments file ${file} (set DEPLOYMENT_FILE or run the deploy script)`,
      {
        cause,
      },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new DeploymentError(`${file} is not valid JSON`, { cause });
  }
  return parseDeployment(json, file);
}
