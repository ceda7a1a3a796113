/** The deployments JSON written by the deploy script: chain id, start block and contract addresses. */
import { getAddress, isAddress, type Address } from "viem";
import { z } from "zod";
import { ConfigError } from "./errors.ts";
import type { FileReader } from "./config.ts";

export type Deployments = {
  chainId: number;
  startBlock: number;
  quote: Address;
  protocol: Address;
  engine: Address;
  vault: Address;
  insuranceFund: Address;
  weth: Address;
  wbtc: Address;
  /** PushPriceFeed of ETH in quote [wad]: values gas in quote. */
  ethFeed: Address;
  btcFeed: Address;
  feeds: Address[];
};

const address = z
  .string({
    error: (issue) =>
      issue.input === undefined
        ? "is required: expected an address"
        : "expected an address",
  })
  .refine((value) => isAddress(value, { strict: false }), {
    error: "expected a 0x-prefixed 20-byte address",
  })
  .transform((value) => getAddress(value));

const blockNumber = z
  .number({ error: "expected a non-negative integer" })
  .int()
  .nonnegative();

const deploymentsSchema = z.object({
  chainId: z.number({ error: "expected a positive integer" }).int().positive(),
  startBlock: blockNumber,
  quote: address,
  protocol: address,
  engine: address,
  vault: address,
  insuranceFund: address,
  weth: address,
  wbtc: address,
  ethFeed: address,
  btcFeed: address,
  feeds: z.array(address, { error: "expected an array of addresses" }),
});

/** Reads and validates the deployments file; throws a ConfigError with one line per bad field. */
export function loadDeployments(
  path: string,
  readFile: FileReader,
): Deployments {
  let json: unknown;
  try {
    json = JSON.parse(readFile(path));
  } catch (error) {
    throw new ConfigError([
      `deployment error: ${path}: cannot read or parse: ${(error as Error).message}`,
    ]);
  }
  const parsed = deploymentsSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const lines: string[] = [];
  const reported = new Set<string>();
  for (const issue of parsed.error.issues) {
    const field = issue.path.join(".") || "(root)";
    if (reported.has(field)) continue;
    reported.add(field);
    lines.push(`deployment error: ${path}: ${field}: ${issue.message}`);
  }
  throw new ConfigError(lines);
}
