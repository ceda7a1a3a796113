// GET /auctions/active: each live auction's indexed row, with what the chain
// says about it now. The auction house's `status` gives the curve price and
// whether a reset is due; the feed's `read` and the asset's indexed parameters
// give the floor (oracle × resetBelow, rounded up as the auction house does).
// Below the floor, `take` reverts and the backstop may buy at the floor
// instead of a reset (`takeAtFloor`).
import {
  BaseError,
  ContractFunctionRevertedError,
  type PublicClient,
} from "viem";
import {
  iAuctionHouseAbi,
  pushPriceFeedAbi,
} from "../../../abi/src/generated.ts";
import type { auction } from "../../ponder.schema.ts";
import { mulWadUp } from "../health.ts";

type AuctionRow = typeof auction.$inferSelect;

export type FloorParams = { resetBelowWad: bigint; resetAfterSeconds: number };

// One chain read: its value, or why it failed (a revert such as
// InvalidPrice, or a transport error).
export type Read<T> = { ok: true; value: T } | { ok: false; error: string };

export type AuctionReads = {
  status: Read<{ priceWad: bigint; needsReset: boolean }>;
  oracle: Read<{ priceWad: bigint; status: number }>;
};

// PriceStatus.Valid and PriceStatus.Volatile (IOracle.isUsable).
export const usableStatus = (status: number) => status === 0 || status === 6;

export type LiveAuction = AuctionRow & {
  priceWad: bigint | null; // the curve's price now; null when `status` reverts
  needsReset: boolean | null; // too old or below the floor: `take` reverts until `redo`
  oraclePriceWad: bigint | null;
  oracleStatus: number | null; // PriceStatus
  floorPriceWad: bigint | null; // null when the oracle price is unusable
  belowFloor: boolean | null; // curve price < floor: the backstop may buy at the floor
  tooOld: boolean; // elapsed > resetAfterSeconds
  elapsedSeconds: bigint; // since the kick or the last reset
  resetBelowWad: bigint;
  resetAfterSeconds: number;
  errors: string[]; // failed chain reads
};

export function describeLiveAuction(
  row: AuctionRow,
  params: FloorParams,
  reads: AuctionReads,
  now: bigint, // [unix seconds] timestamp of the block the reads are pinned to
): LiveAuction {
  const errors: string[] = [];
  let priceWad: bigint | null = null;
  let needsReset: boolean | null = null;
  if (reads.status.ok) ({ priceWad, needsReset } = reads.status.value);
  else errors.push(`status: ${reads.status.error}`);
  let oraclePriceWad: bigint | null = null;
  let oracleStatus: number | null = null;
  if (reads.oracle.ok) {
    oraclePriceWad = reads.oracle.value.priceWad;
    oracleStatus = reads.oracle.value.status;
  } else errors.push(`oracle: ${reads.oracle.error}`);
  const floorPriceWad =
    oraclePriceWad !== null &&
    oracleStatus !== null &&
    usableStatus(oracleStatus)
      ? mulWadUp(oraclePriceWad, params.resetBelowWad)
      : null;
  const elapsedSeconds = now > row.startedAt ? now - row.startedAt : 0n;
  return {
    ...row,
    priceWad,
    needsReset,
    oraclePriceWad,
    oracleStatus,
    floorPriceWad,
    belowFloor:
      priceWad !== null && floorPriceWad !== null
        ? priceWad < floorPriceWad
        : null,
    tooOld: elapsedSeconds > BigInt(params.resetAfterSeconds),
    elapsedSeconds,
    resetBelowWad: params.resetBelowWad,
    resetAfterSeconds: params.resetAfterSeconds,
    errors,
  };
}

// A revert by its decoded custom error, e.g. "InvalidPrice(0xDc64…, 0, 1)";
// anything else by its message.
export function describeError(error: unknown): string {
  if (error instanceof BaseError) {
    const reverted = error.walk(
      (e) => e instanceof ContractFunctionRevertedError,
    );
    if (reverted instanceof ContractFunctionRevertedError) {
      // Error(string) and Panic(uint256) come decoded as `reason`.
      if (reverted.reason !== undefined) return reverted.reason;
      if (reverted.data !== undefined) {
        const args = (reverted.data.args ?? []).map(String).join(", ");
        return `${reverted.data.errorName}(${args})`;
      }
    }
    return error.shortMessage;
  }
  return error instanceof Error ? error.message : String(error);
}

const failure = (error: unknown): { ok: false; error: string } => ({
  ok: false,
  error: typeof error === "string" ? error : describeError(error),
});

async function attempt<T>(read: () => Promise<T>): Promise<Read<T>> {
  try {
    return { ok: true, value: await read() };
  } catch (error) {
    return failure(error);
  }
}

type Client = Pick<PublicClient, "readContract" | "getBlock">;

// Reads every live auction at one block (the chain head). `params` and
// `oracles` are the indexed auction parameters and collateral oracles by
// collateral id; parameters missing from the index are read from the house.
export async function readLiveAuctions(
  client: Client,
  rows: readonly AuctionRow[],
  params: ReadonlyMap<bigint, FloorParams>,
  oracles: ReadonlyMap<bigint, `0x${string}`>,
): Promise<{ block: bigint; timestamp: bigint; auctions: LiveAuction[] }> {
  const head = await client.getBlock({ blockTag: "latest" });
  const blockNumber = head.number;
  const auctions = await Promise.all(
    rows.map(async (row) => {
      const indexed = params.get(row.collateralId);
      const floorParams =
        indexed ??
        (await client.readContract({
          abi: iAuctionHouseAbi,
          address: row.house,
          functionName: "params",
          args: [row.collateralId],
          blockNumber,
        }));
      const oracle = oracles.get(row.collateralId);
      const [status, oracleRead] = await Promise.all([
        attempt(async () => {
          const [priceWad, needsReset] = await client.readContract({
            abi: iAuctionHouseAbi,
            address: row.house,
            functionName: "status",
            args: [row.id],
            blockNumber,
          });
          return { priceWad, needsReset };
        }),
        oracle === undefined
          ? Promise.resolve(
              failure(`collateral ${row.collateralId} not indexed`),
            )
          : attempt(async () => {
              const [priceWad, status] = await client.readContract({
                abi: pushPriceFeedAbi,
                address: oracle,
                functionName: "read",
                blockNumber,
              });
              return { priceWad, status };
            }),
      ]);
      return describeLiveAuction(
        row,
        floorParams,
        { status, oracle: oracleRead },
        head.timestamp,
      );
    }),
  );
  return { block: blockNumber, timestamp: head.timestamp, auctions };
}
