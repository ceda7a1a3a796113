/**
 * Probes of a running system shared by the scale benchmark and its end-to-end test: the index's head, the
 * liquidatable accounts as the index lists them and as the protocol says at a block, and an ETH price push.
 */
import {
  createPublicClient,
  createTestClient,
  http,
  parseEventLogs,
  type Address,
  type TestClient,
} from "viem";
import { foundry } from "viem/chains";
import {
  iMarginProtocolAbi,
  pushPriceFeedAbi,
} from "../../abi/src/generated.ts";
import { clients } from "./contracts.ts";
import { DEPLOYER_KEY, type System } from "./system.ts";

/** The index's head; -1 before indexing starts or while the server drops the connection (PGlite runs in the
 * indexer's process, so a long block can hold its HTTP server past the keep-alive timeout). */
export async function indexedBlock(indexerUrl: string): Promise<bigint> {
  let response: Response;
  try {
    response = await fetch(`${indexerUrl}/status/latest`);
  } catch (error) {
    if ((error as Error).message === "fetch failed") return -1n;
    throw error;
  }
  if (response.status === 503) return -1n;
  const body = (await response.json()) as { latestBlock: number | string };
  return BigInt(body.latestBlock);
}

/** Polls the index's head every 10 ms until it reaches `block`; the wall clock then. */
export async function waitIndexed(
  indexerUrl: string,
  block: bigint,
  timeoutMs: number,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await indexedBlock(indexerUrl)) >= block) return Date.now();
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`the index did not reach block ${block} in ${timeoutMs} ms`);
}

export type AtRiskEntry = {
  address: string; // lowercase
  healthWad: bigint;
  liquidatable: boolean;
  breachBlock: bigint | null;
};

/** Every page of a paged route: `urlOf(after)` for each page, following each body's `next` until null. */
async function pagesOf<Body extends { next: string | null }>(
  urlOf: (after: string | null) => string,
): Promise<Body[]> {
  const bodies: Body[] = [];
  let after: string | null = null;
  do {
    const url = urlOf(after);
    const response = await fetch(url);
    if (!response.ok)
      throw new Error(
        `${url}: HTTP ${response.status} ${await response.text()}`,
      );
    const body = (await response.json()) as Body;
    bodies.push(body);
    after = body.next;
  } while (after !== null);
  return bodies;
}

/** Every page of `/accounts/at-risk?maxHealth=…`, `pageSize` rows a page, in the route's order. */
export async function atRiskInIndex(
  indexerUrl: string,
  maxHealth = "1",
  pageSize = 1_000,
): Promise<AtRiskEntry[]> {
  const pages = await pagesOf<{
    accounts: {
      address: string;
      healthWad: string;
      liquidatable: boolean;
      breachBlock: string | null;
    }[];
    next: string | null;
  }>(
    (after) =>
      `${indexerUrl}/accounts/at-risk?maxHealth=${maxHealth}&limit=${pageSize}${after === null ? "" : `&after=${encodeURIComponent(after)}`}`,
  );
  return pages.flatMap((page) =>
    page.accounts.map((a) => ({
      address: a.address.toLowerCase(),
      healthWad: BigInt(a.healthWad),
      liquidatable: a.liquidatable,
      breachBlock: a.breachBlock === null ? null : BigInt(a.breachBlock),
    })),
  );
}

export type WatchedInIndex = {
  address: string; // lowercase
  boxes: { oracle: string; belowWad: bigint; aboveWad: bigint }[];
};

/** Every page of `/accounts/watch`, about `pageSize` rows a page, in address order. */
export async function watchBoxesInIndex(
  indexerUrl: string,
  pageSize = 5_000,
): Promise<WatchedInIndex[]> {
  const pages = await pagesOf<{
    accounts: {
      address: string;
      boxes: { oracle: string; belowWad: string; aboveWad: string }[];
    }[];
    next: string | null;
  }>(
    (after) =>
      `${indexerUrl}/accounts/watch?limit=${pageSize}${after === null ? "" : `&after=${after}`}`,
  );
  return pages.flatMap((page) =>
    page.accounts.map((a) => ({
      address: a.address.toLowerCase(),
      boxes: a.boxes.map((b) => ({
        oracle: b.oracle.toLowerCase(),
        belowWad: BigInt(b.belowWad),
        aboveWad: BigInt(b.aboveWad),
      })),
    })),
  );
}

/** The liquidatable accounts the index lists (every page of the at-risk route), lowercase. */
export async function liquidatableInIndex(
  indexerUrl: string,
): Promise<string[]> {
  return (await atRiskInIndex(indexerUrl))
    .filter((a) => a.liquidatable)
    .map((a) => a.address);
}

/** The accounts the protocol itself calls liquidatable at `block`: one isLiquidatable each, batched over JSON-RPC. */
export async function liquidatableOnChain(
  rpcUrl: string,
  protocol: Address,
  accounts: readonly Address[],
  block: bigint,
): Promise<string[]> {
  const client = createPublicClient({
    chain: foundry,
    transport: http(rpcUrl, { batch: { batchSize: 500 } }),
  });
  const out: string[] = [];
  for (let i = 0; i < accounts.length; i += 2_000) {
    const slice = accounts.slice(i, i + 2_000);
    const flags = await Promise.all(
      slice.map((a) =>
        client.readContract({
          address: protocol,
          abi: iMarginProtocolAbi,
          functionName: "isLiquidatable",
          args: [a],
          blockNumber: block,
        }),
      ),
    );
    slice.forEach((a, j) => flags[j] && out.push(a.toLowerCase()));
  }
  return out;
}

/**
 * Runs `read` with anvil's block production paused (`read` may mine blocks itself through the test client it is
 * given), then resumes it at `blockTimeSeconds`: reads at a past block of many accounts outlast the states a pruned
 * anvil keeps (`--prune-history`), and no block is needed meanwhile.
 */
export async function withMiningPaused<T>(
  rpcUrl: string,
  blockTimeSeconds: number,
  read: (anvil: TestClient) => Promise<T>,
): Promise<T> {
  const anvil = createTestClient({
    chain: foundry,
    mode: "anvil",
    transport: http(rpcUrl),
  });
  await anvil.setIntervalMining({ interval: 0 });
  try {
    return await read(anvil);
  } finally {
    await anvil.setIntervalMining({ interval: blockTimeSeconds });
  }
}

/** Complete reads of the at-risk route [ms]: the first of each block, and the later ones of the same block. */
export type AtRiskTimes = { firstMs: number[]; laterMs: number[] };

/**
 * The at-risk route's complete read (every page), measured over `blocks` blocks that anvil mines one at a time with
 * its own block production paused: once the index is at a block, the read runs `readsPerBlock` times. The first read
 * of a block computes the liquidatable accounts' health at its prices; the later ones reuse that until the next block
 * (indexer/src/api/checkpointMemo.ts), as a keeper's later pages and a second keeper's reads do.
 */
export async function sampleAtRisk(
  system: System,
  blockTimeSeconds: number,
  blocks: number,
  readsPerBlock: number,
): Promise<AtRiskTimes> {
  const publicClient = createPublicClient({
    chain: foundry,
    transport: http(system.rpcUrl),
  });
  const times: AtRiskTimes = { firstMs: [], laterMs: [] };
  await withMiningPaused(system.rpcUrl, blockTimeSeconds, async (anvil) => {
    for (let b = 0; b < blocks; b++) {
      await anvil.mine({ blocks: 1 });
      await waitIndexed(
        system.indexerUrl,
        await publicClient.getBlockNumber({ cacheTime: 0 }),
        600_000,
      );
      for (let i = 0; i < readsPerBlock; i++) {
        const t0 = performance.now();
        await atRiskInIndex(system.indexerUrl);
        (i === 0 ? times.firstMs : times.laterMs).push(performance.now() - t0);
      }
    }
  });
  return times;
}

/** Pushes the ETH price; the push's block and the wall clock when its receipt was seen. */
export async function pushEth(
  system: System,
  priceWad: bigint,
): Promise<{ block: bigint; seenAtMs: number }> {
  const { publicClient, wallet } = clients(system.rpcUrl);
  const pusher = wallet(DEPLOYER_KEY);
  // Simulated first, so a revert names its error.
  const { request } = await publicClient.simulateContract({
    account: pusher.account,
    address: system.deployment.ethFeed,
    abi: pushPriceFeedAbi,
    functionName: "push",
    args: [priceWad],
  });
  // A fixed gas limit: the volatility guard's anchor update depends on the block's timestamp, so an estimate made
  // one block earlier can fall short.
  const hash = await pusher.writeContract({ ...request, gas: 200_000n });
  const receipt = await publicClient.waitForTransactionReceipt({
    hash,
    pollingInterval: 20,
  });
  if (receipt.status !== "success") throw new Error(`push reverted in ${hash}`);
  const pushed = parseEventLogs({ abi: pushPriceFeedAbi, logs: receipt.logs });
  if (!pushed.some((l) => l.eventName === "PricePushed"))
    throw new Error(`push ${hash} emitted no PricePushed`);
  return { block: receipt.blockNumber, seenAtMs: Date.now() };
}
