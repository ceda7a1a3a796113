/**
 * The liquidation lane: on every block, the positions of the accounts below maintenance, liquidated in batches of
 * `batchPositions` orders through the engine's `liquidateBatch`, each batch sent without waiting for the receipts of
 * the others (the sender's nonce manager orders the broadcasts). It runs on its own watcher, so the chores (collateral
 * sales, auctions, the waterfall, pre-liquidation) never delay it.
 *
 * Candidates come from the index when it has indexed the block. When it lags (or fails), the lane reacts to the
 * prices itself: it holds every account's line box (`GET /accounts/watch`: per oracle, the price range inside which
 * the account cannot cross the line), reads the oracles' prices at the block, and asks the chain (the
 * LiquidationLens, every chunk at once, each dispatched as soon as it answers) about the accounts a price has
 * left their box, and, once the index answers, about those it lists as liquidatable at its last block. The boxes are
 * re-read every WATCH_REFRESH_BLOCKS; an account that traded since is seen once the index catches up.
 * An account belongs to one batch at a time, from its dispatch to its receipt; a batch the engine refuses as a
 * whole (one order it will not run) is split in halves until the order is alone.
 */
import type { Address } from "viem";
import type { Decision } from "./decisions.ts";
import { describeError } from "./errors.ts";
import type { AtRiskAccount, IndexClient, WatchBoxes } from "./index-client.ts";
import type { Logger } from "./logger.ts";
import { bitmapIds } from "./math.ts";
import type { Metrics } from "./metrics.ts";
import type { ProtocolClient } from "./protocol-client.ts";
import { WHOLE, ownsAccount, type Shard } from "./shard.ts";
import type { BatchLiquidator, LaneOrder } from "./strategy.ts";

/** Accounts per LiquidationLens call: about 30k gas each, well under a node's eth_call gas cap. */
export const CHAIN_SCAN_CHUNK = 250;
/** The boxes are re-read from the index this often [blocks]. */
export const WATCH_REFRESH_BLOCKS = 10n;

export type LaneDeps = {
  index: Pick<IndexClient, "status" | "atRisk" | "watchBoxes">;
  chain: Pick<ProtocolClient, "belowMaintenance" | "oraclePrice">;
  liquidator: BatchLiquidator;
  metrics: Metrics;
  logger: Logger;
  /** Orders per `liquidateBatch` transaction. */
  batchPositions: number;
  /** This keeper's share of the accounts (./shard.ts); all of them when absent. */
  shard?: Shard;
  /** Receives every decision of a settled batch (tests); the strategy reports them as they are made. */
  onDecisions?: (decisions: Decision[]) => void;
};

/** What one block's run found and dispatched. */
export type LaneRun = {
  source: "index" | "chain";
  candidates: number;
  /** Orders dispatched in this block's batches (accounts already in a batch are left to it). */
  orders: number;
  batches: number;
};

export type Lane = {
  /** Finds the block's candidates and dispatches their batches; resolves once they are dispatched, not mined. */
  onBlock(head: bigint): Promise<LaneRun>;
  /** Whether the account is in a batch not yet settled. */
  busy(account: Address): boolean;
  /** Whether the lane works this at-risk account, so the pass leaves it alone: it holds a position, or is in a batch. */
  owns(row: Pick<AtRiskAccount, "address" | "marketIds">): boolean;
  /** Resolves once every dispatched batch has settled (tests, shutdown). */
  idle(): Promise<void>;
};

type Candidate = {
  account: Address;
  marketIds: number[];
  breachBlock: bigint | null;
};

export function createLiquidationLane(deps: LaneDeps): Lane {
  const { index, chain, liquidator, metrics, logger } = deps;
  const shard = deps.shard ?? WHOLE;
  const inBatch = new Set<string>();
  const running = new Set<Promise<void>>();
  let boxes: WatchBoxes["accounts"] = [];
  /** The oracles the boxes are on: read at every block the index lags. */
  let oracles: Address[] = [];
  let boxesBlock: bigint | undefined;
  let refreshing: Promise<void> | undefined;

  return {
    async onBlock(head) {
      const counts = { candidates: 0, orders: 0, batches: 0 };
      refreshBoxes(head);
      const fromIndex = await indexCandidates(head);
      if (fromIndex) {
        const run: LaneRun = { source: "index", ...counts };
        dispatch(fromIndex, head, run);
        return run;
      }
      metrics.chainScans += 1;
      const run: LaneRun = { source: "chain", ...counts };
      const woken = await wokenAccounts();
      const wokenSet = new Set(woken);
      // The accounts the index lists as liquidatable at its last block (one not yet liquidated, whatever the
      // reason) are asked about too, once its answer is in: the scan of the woken ones does not wait for it.
      const listed = index
        .atRisk()
        .then((rows) =>
          rows
            .map((row) => row.address)
            .filter((a) => ownsAccount(shard, a) && !wokenSet.has(a)),
        )
        .catch((error: unknown) => {
          logger.warn(
            { event: "lane-index-unavailable", error: describeError(error) },
            "indexer failed: only the woken accounts are asked about",
          );
          return [] as Address[];
        });
      await Promise.all([
        scan(woken, head, run),
        listed.then((accounts) => scan(accounts, head, run)),
      ]);
      logger.debug(
        {
          event: "chain-scan",
          head: head.toString(),
          watched: boxes.length,
          boxesBlock: boxesBlock?.toString() ?? null,
          woken: woken.length,
          ...run,
        },
        "index behind the chain: candidates read from the chain",
      );
      return run;
    },
    busy: (account) => inBatch.has(account.toLowerCase()),
    owns: (row) =>
      row.marketIds.length > 0 || inBatch.has(row.address.toLowerCase()),
    async idle() {
      while (running.size > 0) await Promise.all(running);
    },
  };

  /** The index's liquidatable accounts, if it has indexed `head`; null when it lags or fails. */
  async function indexCandidates(head: bigint): Promise<Candidate[] | null> {
    try {
      const status = await index.status();
      if (status.latestBlock < head) return null;
      const rows = (await index.atRisk()).filter((row) =>
        ownsAccount(shard, row.address),
      );
      return rows.map((row) => ({
        account: row.address,
        marketIds: row.marketIds,
        breachBlock: row.breachBlock,
      }));
    } catch (error) {
      metrics.indexErrors += 1;
      logger.warn(
        { event: "lane-index-unavailable", error: describeError(error) },
        "indexer failed: the lane reads the chain",
      );
      return null;
    }
  }

  /**
   * Re-reads the boxes in the background: at the first block, then every WATCH_REFRESH_BLOCKS (as the index has them,
   * a block or two behind at most while it keeps up).
   */
  function refreshBoxes(head: bigint): void {
    if (refreshing) return;
    if (boxesBlock !== undefined && head - boxesBlock < WATCH_REFRESH_BLOCKS)
      return;
    refreshing = index
      .watchBoxes()
      .then((read) => {
        boxes = read.accounts.filter((a) => ownsAccount(shard, a.address));
        oracles = [
          ...new Set(boxes.flatMap((a) => a.boxes.map((b) => b.oracle))),
        ];
        boxesBlock = read.block ?? head;
      })
      .catch((error: unknown) =>
        logger.warn(
          { event: "watch-boxes-failed", error: describeError(error) },
          "could not re-read the accounts' boxes: the last ones are kept",
        ),
      )
      .finally(() => {
        refreshing = undefined;
      });
  }

  /** Asks the chain about the accounts, every chunk at once, and dispatches each chunk's as soon as it answers. */
  async function scan(
    accounts: readonly Address[],
    head: bigint,
    run: LaneRun,
  ): Promise<void> {
    const chunks: Address[][] = [];
    for (let i = 0; i < accounts.length; i += CHAIN_SCAN_CHUNK)
      chunks.push(accounts.slice(i, i + CHAIN_SCAN_CHUNK));
    await Promise.all(
      chunks.map(async (chunk) => {
        let found;
        try {
          found = await chain.belowMaintenance(chunk);
        } catch (error) {
          logger.error(
            {
              event: "chain-scan-failed",
              head: head.toString(),
              accounts: chunk.length,
              error: describeError(error),
            },
            "chain scan failed",
          );
          return;
        }
        dispatch(
          found.map((c) => ({
            account: c.account,
            marketIds: bitmapIds(c.marketMask),
            breachBlock: null,
          })),
          head,
          run,
        );
      }),
    );
  }

  /**
   * The accounts a price at this block has moved out of a box (the push handler's rule: belowWad > price or
   * aboveWad < price).
   */
  async function wokenAccounts(): Promise<Address[]> {
    const prices = new Map<Address, bigint>();
    await Promise.all(
      oracles.map(async (oracle) => {
        try {
          prices.set(oracle, (await chain.oraclePrice(oracle)).priceWad);
        } catch (error) {
          // Unread: every account on that oracle is asked about.
          logger.warn(
            {
              event: "oracle-read-failed",
              oracle,
              error: describeError(error),
            },
            "oracle read failed: its accounts are all scanned",
          );
        }
      }),
    );
    const woken = new Set<Address>();
    for (const { address, boxes: own } of boxes) {
      const out = own.some((box) => {
        const price = prices.get(box.oracle);
        return (
          price === undefined || box.belowWad > price || box.aboveWad < price
        );
      });
      if (out) woken.add(address);
    }
    return [...woken];
  }

  /** Batches the candidates not already in a batch, and starts each batch without waiting for it. */
  function dispatch(found: Candidate[], head: bigint, run: LaneRun): void {
    run.candidates += found.length;
    let batch: LaneOrder[] = [];
    const flush = () => {
      if (batch.length === 0) return;
      start(batch, head);
      run.batches += 1;
      batch = [];
    };
    for (const candidate of found) {
      const key = candidate.account.toLowerCase();
      if (inBatch.has(key) || candidate.marketIds.length === 0) continue;
      // An account's orders stay in one batch (it is released once, when its batch settles).
      if (batch.length + candidate.marketIds.length > deps.batchPositions)
        flush();
      inBatch.add(key);
      for (const marketId of candidate.marketIds)
        batch.push({
          account: candidate.account,
          marketId: BigInt(marketId),
          breachBlock: candidate.breachBlock,
        });
      run.orders += candidate.marketIds.length;
    }
    flush();
  }

  function start(orders: LaneOrder[], head: bigint): void {
    const settled = send(orders, head)
      .catch((error: unknown) =>
        logger.error(
          {
            event: "batch-failed",
            orders: orders.length,
            error: describeError(error),
          },
          "liquidation batch failed",
        ),
      )
      .finally(() => {
        for (const order of orders) inBatch.delete(order.account.toLowerCase());
        running.delete(settled);
      });
    running.add(settled);
  }

  /** One batch; a batch refused as a whole is split in halves, down to the order the engine will not run. */
  async function send(orders: LaneOrder[], head: bigint): Promise<void> {
    const { decisions, refused } = await liquidator.liquidateBatch(orders, {
      chainHeadBlock: head,
    });
    deps.onDecisions?.(decisions);
    if (!refused || orders.length === 1) return;
    const half = Math.ceil(orders.length / 2);
    await Promise.all([
      send(orders.slice(0, half), head),
      send(orders.slice(half), head),
    ]);
  }
}
