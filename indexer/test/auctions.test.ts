import assert from "node:assert/strict";
import { test } from "node:test";
import {
  BaseError,
  ContractFunctionExecutionError,
  ContractFunctionRevertedError,
  encodeErrorResult,
  getAddress,
} from "viem";
import { iAuctionHouseAbi } from "../../abi/src/generated.ts";
import {
  describeError,
  describeLiveAuction,
  type FloorParams,
  readLiveAuctions,
} from "../src/api/auctions.ts";
import { jsonText } from "../src/api/json.ts";
import type { auction } from "../ponder.schema.ts";

const WAD = 10n ** 18n;
const wad = (x: number) => BigInt(x) * WAD;
const HOUSE = "0x00000000000000000000000000000000000000a1";
const ORACLE = "0x00000000000000000000000000000000000000f0";
const ACCOUNT = "0x00000000000000000000000000000000000000c0";
const KEEPER = "0x00000000000000000000000000000000000000b0";

type AuctionRow = typeof auction.$inferSelect;
const row = (r: Partial<AuctionRow> = {}): AuctionRow => ({
  id: 7n,
  house: HOUSE,
  protocol: "perps",
  account: ACCOUNT,
  collateralId: 0n,
  keeper: KEEPER,
  lot: 3n * WAD,
  kickTargetWad: wad(2_000),
  targetWad: wad(2_000),
  startPriceWad: wad(3_300),
  startedAt: 1_000n,
  kickRewardWad: wad(10),
  resets: 0,
  lastResetBlock: null,
  lastResetAt: null,
  resetRewardsWad: 0n,
  takes: 0,
  active: true,
  lotReturned: null,
  targetUnraisedWad: null,
  kickedBlock: 50n,
  endedBlock: null,
  ...r,
});
const params: FloorParams = {
  resetBelowWad: (WAD * 85n) / 100n,
  resetAfterSeconds: 600,
};
const oracleOk = (priceWad: bigint, status = 0) => ({
  ok: true as const,
  value: { priceWad, status },
});
const statusOk = (priceWad: bigint, needsReset: boolean) => ({
  ok: true as const,
  value: { priceWad, needsReset },
});

test("above the floor and young: takeable, no reset", () => {
  const v = describeLiveAuction(
    row(),
    params,
    { status: statusOk(wad(3_000), false), oracle: oracleOk(wad(3_000)) },
    1_100n,
  );
  assert.equal(v.floorPriceWad, wad(2_550));
  assert.equal(v.belowFloor, false);
  assert.equal(v.tooOld, false);
  assert.equal(v.needsReset, false);
  assert.equal(v.elapsedSeconds, 100n);
  assert.deepEqual(v.errors, []);
});

test("below the floor: the backstop may buy; a reset is due", () => {
  const v = describeLiveAuction(
    row(),
    params,
    { status: statusOk(wad(2_500), true), oracle: oracleOk(wad(3_000), 6) },
    1_300n,
  );
  assert.equal(v.belowFloor, true);
  assert.equal(v.tooOld, false);
  assert.equal(v.needsReset, true);
});

test("the floor rounds up as the auction house does", () => {
  const v = describeLiveAuction(
    row(),
    { ...params, resetBelowWad: WAD / 3n },
    { status: statusOk(1n, true), oracle: oracleOk(1n) },
    1_000n,
  );
  assert.equal(v.floorPriceWad, 1n); // 1 × 0.333… rounded up
});

test("too old but above the floor: a reset is due, the backstop cannot buy", () => {
  const v = describeLiveAuction(
    row({ startedAt: 1_000n }),
    params,
    { status: statusOk(wad(2_900), true), oracle: oracleOk(wad(3_000)) },
    1_601n,
  );
  assert.equal(v.tooOld, true);
  assert.equal(v.belowFloor, false);
});

test("an unusable oracle price leaves floor and status unknown, with the reasons", () => {
  const v = describeLiveAuction(
    row(),
    params,
    {
      status: { ok: false, error: "InvalidPrice" },
      oracle: oracleOk(wad(3_000), 1), // Stale
    },
    1_100n,
  );
  assert.equal(v.priceWad, null);
  assert.equal(v.needsReset, null);
  assert.equal(v.floorPriceWad, null);
  assert.equal(v.belowFloor, null);
  assert.equal(v.oraclePriceWad, wad(3_000));
  assert.equal(v.oracleStatus, 1);
  assert.deepEqual(v.errors, ["status: InvalidPrice"]);
});

// A stand-in for the chain: answers the calls the route makes, at block 100.
function fakeClient(calls: string[]) {
  return {
    getBlock: async () => ({ number: 100n, timestamp: 1_200n }),
    readContract: async (args: {
      functionName: string;
      args?: readonly unknown[];
      blockNumber?: bigint;
    }) => {
      calls.push(`${args.functionName}@${args.blockNumber}`);
      switch (args.functionName) {
        case "status":
          if (args.args?.[0] === 8n)
            throw new ContractFunctionRevertedError({
              abi: iAuctionHouseAbi,
              functionName: "status",
              data: encodeErrorResult({
                abi: iAuctionHouseAbi,
                errorName: "NoAuction",
                args: [8n],
              }),
            });
          return [wad(2_400), true];
        case "read":
          return [wad(3_000), 0];
        case "params":
          return {
            curve: HOUSE,
            startBufferWad: (WAD * 11n) / 10n,
            resetAfterSeconds: 900,
            resetBelowWad: (WAD * 9n) / 10n,
            penaltyWad: WAD / 20n,
            capWad: wad(1_000_000),
          };
        default:
          throw new Error(`unexpected call ${args.functionName}`);
      }
    },
  } as unknown as Parameters<typeof readLiveAuctions>[0];
}

test("the route reads every auction at the head block and serializes to strings", async () => {
  const calls: string[] = [];
  const live = await readLiveAuctions(
    fakeClient(calls),
    [row(), row({ id: 8n, collateralId: 1n })],
    new Map([[0n, params]]), // collateral 1's parameters come from the chain
    new Map([
      [0n, ORACLE],
      [1n, ORACLE],
    ] as const),
  );
  assert.equal(live.block, 100n);
  assert.ok(calls.every((c) => c.endsWith("@100")));
  assert.deepEqual(calls.filter((c) => c.startsWith("params")).length, 1);

  const body = JSON.parse(
    jsonText({
      block: live.block,
      timestamp: live.timestamp,
      count: live.auctions.length,
      auctions: live.auctions,
    }),
  ) as {
    block: string;
    count: number;
    auctions: Record<string, unknown>[];
  };
  assert.equal(body.block, "100");
  assert.equal(body.count, 2);
  const [first, second] = body.auctions;
  assert.deepEqual(
    Object.keys(first!).sort(),
    [
      ...Object.keys(row()),
      "priceWad",
      "needsReset",
      "oraclePriceWad",
      "oracleStatus",
      "floorPriceWad",
      "belowFloor",
      "tooOld",
      "elapsedSeconds",
      "resetBelowWad",
      "resetAfterSeconds",
      "errors",
    ].sort(),
  );
  assert.equal(first!.id, "7");
  assert.equal(first!.priceWad, wad(2_400).toString());
  assert.equal(first!.floorPriceWad, wad(2_550).toString());
  assert.equal(first!.belowFloor, true);
  assert.equal(first!.needsReset, true);
  assert.equal(first!.elapsedSeconds, "200");
  // Auction 8 ended on chain after the index last saw it: status reverts.
  assert.equal(second!.priceWad, null);
  assert.equal(second!.resetBelowWad, ((WAD * 9n) / 10n).toString());
  assert.equal(second!.floorPriceWad, wad(2_700).toString());
  assert.deepEqual(second!.errors, ["status: NoAuction(8)"]);
});

test("describeError names a decoded revert, a reason string, or the message", () => {
  const revert = (data: `0x${string}`) =>
    new ContractFunctionExecutionError(
      new ContractFunctionRevertedError({
        abi: iAuctionHouseAbi,
        functionName: "status",
        data,
      }),
      { abi: iAuctionHouseAbi, functionName: "status", args: [1n] },
    );
  const stale = encodeErrorResult({
    abi: iAuctionHouseAbi,
    errorName: "InvalidPrice",
    args: [ORACLE, 0n, 1],
  });
  assert.equal(
    describeError(revert(stale)),
    `InvalidPrice(${getAddress(ORACLE)}, 0, 1)`,
  );
  const reason = encodeErrorResult({
    abi: [
      {
        type: "error",
        name: "Error",
        inputs: [{ name: "message", type: "string" }],
      },
    ],
    errorName: "Error",
    args: ["nope"],
  });
  assert.equal(describeError(revert(reason)), "nope");
  assert.equal(
    describeError(new BaseError("HTTP request failed.")),
    "HTTP request failed.",
  );
  assert.equal(describeError(new Error("boom")), "boom");
});
