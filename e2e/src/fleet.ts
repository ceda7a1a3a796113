/**
 * Many accounts on chain in few transactions, for the scale benchmark: the AccountFleet helper
 * (script/bench/AccountFleet.sol) creates one FleetTrader per order, each of which deposits quote and opens an ETH
 * position in its constructor.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { type Address, type Hex, parseEventLogs } from "viem";
import {
  accountFleetAbi,
  iMarginProtocolAbi,
  testnetTokenAbi,
} from "../../abi/src/generated.ts";
import { clients, send } from "./contracts.ts";
import { ROOT } from "./paths.ts";
import { DEPLOYER_KEY, type Deployment } from "./system.ts";

const WAD = 10n ** 18n;
/** The quote token's unit [wad per token unit]: USDC has 6 decimals. */
const QUOTE_UNIT_WAD = 10n ** 12n;
/** Gas of one order, an upper bound with room (measured ~270k: a CREATE, a deposit and a first trade). */
const GAS_PER_ORDER = 400_000n;

export type Order = {
  depositQuote: bigint; // [quote token units]
  marketId: bigint;
  sizeWad: bigint;
  limitPriceWad: bigint;
};

/** A seeded generator of floats in [0, 1) (pure-rand's xoroshiro128+), so a run's book can be rebuilt from its seed. */
export function rng(seed: number): () => number {
  const generator = xoroshiro128plus(seed);
  return () => uniformFloat64(generator);
}

/**
 * `count` ETH accounts at `priceWad`: half long, half short, $100–$1,000 of quote each, leverage uniform in
 * `leverage` ([2, 9.5]× by default; the market's initial margin is 10%). With a 5% maintenance fraction a long at
 * leverage L is liquidatable after a fall of (1/L − 0.05)/0.95: 5.8% for the most leveraged, so a 6% fall takes
 * about 1.3% of the default book across the line.
 */
export function fleetOrders(
  count: number,
  priceWad: bigint,
  seed = 11,
  leverage: readonly [number, number] = [2, 9.5],
): Order[] {
  const r = rng(seed);
  const [lowBps, highBps] = leverage.map((l) => Math.round(l * 10_000)) as [
    number,
    number,
  ];
  const orders: Order[] = [];
  for (let i = 0; i < count; i++) {
    const dollars = 100 + Math.floor(r() * 900);
    const leverageBps = BigInt(lowBps + Math.floor(r() * (highBps - lowBps)));
    const depositQuote = BigInt(dollars) * 10n ** 6n;
    const notionalWad = (depositQuote * QUOTE_UNIT_WAD * leverageBps) / 10_000n;
    const size = (notionalWad * WAD) / priceWad;
    const long = i % 2 === 0;
    orders.push({
      depositQuote,
      marketId: 0n,
      sizeWad: long ? size : -size,
      limitPriceWad: long ? priceWad * 2n : priceWad / 2n,
    });
  }
  return orders;
}

/** The compiled AccountFleet's creation code (forge's artifact). */
function fleetBytecode(): Hex {
  const artifact = JSON.parse(
    readFileSync(
      path.join(ROOT, "out", "AccountFleet.sol", "AccountFleet.json"),
      "utf8",
    ),
  ) as { bytecode: { object: Hex } };
  return artifact.bytecode.object;
}

/** Deploys a fleet for the protocol and mints it the quote the orders deposit. */
export async function deployFleet(
  rpcUrl: string,
  d: Deployment,
  orders: readonly Order[],
): Promise<Address> {
  const { publicClient, wallet } = clients(rpcUrl);
  const deployer = wallet(DEPLOYER_KEY);
  const hash = await deployer.deployContract({
    abi: accountFleetAbi,
    bytecode: fleetBytecode(),
    args: [d.protocol],
  });
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success" || !receipt.contractAddress)
    throw new Error(`AccountFleet deployment failed in ${hash}`);
  const fleet = receipt.contractAddress;
  const total = orders.reduce((sum, o) => sum + o.depositQuote, 0n);
  await send(publicClient, deployer, {
    address: d.quote,
    abi: testnetTokenAbi,
    functionName: "mint",
    args: [fleet, total],
  });
  return fleet;
}

export type Opened = {
  accounts: Address[];
  firstBlock: bigint;
  lastBlock: bigint;
  transactions: number;
  gasUsed: bigint;
  /** Logs the protocol emitted while opening (each one an indexed event). */
  protocolEvents: number;
  sentAtMs: number; // wall clock when the first transaction went out
};

/**
 * Transactions sent before their receipts are awaited. anvil silently loses part of a larger burst of these
 * 40M-gas-limit transactions: of 1,000 sent at once, 544 were mined and the pool was then empty.
 */
export const FLEET_WAVE = 100;

/**
 * Opens the orders `batch` per transaction, in waves of FLEET_WAVE transactions with consecutive nonces (anvil mines
 * them in order, as many per block as its gas limit holds), each wave's receipts awaited before the next; a reverted
 * batch throws.
 */
export async function openAccounts(
  rpcUrl: string,
  fleet: Address,
  orders: readonly Order[],
  batch: number,
): Promise<Opened> {
  const { publicClient, wallet } = clients(rpcUrl);
  const deployer = wallet(DEPLOYER_KEY);
  let nonce = await publicClient.getTransactionCount({
    address: deployer.account.address,
    blockTag: "pending",
  });
  const opened: Opened = {
    accounts: [],
    firstBlock: 0n,
    lastBlock: 0n,
    transactions: 0,
    gasUsed: 0n,
    protocolEvents: 0,
    sentAtMs: Date.now(),
  };
  for (let wave = 0; wave < orders.length; wave += batch * FLEET_WAVE) {
    const hashes: Hex[] = [];
    const end = Math.min(orders.length, wave + batch * FLEET_WAVE);
    for (let i = wave; i < end; i += batch) {
      const slice = orders.slice(i, Math.min(end, i + batch));
      hashes.push(
        await deployer.writeContract({
          address: fleet,
          abi: accountFleetAbi,
          functionName: "open",
          args: [slice],
          nonce: nonce++,
          gas: GAS_PER_ORDER * BigInt(slice.length) + 100_000n,
        }),
      );
    }
    for (const hash of hashes) {
      const receipt = await publicClient.waitForTransactionReceipt({
        hash,
        timeout: 600_000,
      });
      if (receipt.status !== "success")
        throw new Error(
          `fleet batch ${opened.transactions} (${hash}) reverted`,
        );
      if (opened.transactions === 0) opened.firstBlock = receipt.blockNumber;
      opened.transactions += 1;
      opened.lastBlock = receipt.blockNumber;
      opened.gasUsed += receipt.gasUsed;
      const logs = parseEventLogs({
        abi: iMarginProtocolAbi,
        logs: receipt.logs,
      });
      opened.protocolEvents += logs.length;
      for (const log of logs) {
        if (log.eventName === "PositionUpdated")
          opened.accounts.push(log.args.account);
      }
    }
  }
  return opened;
}
