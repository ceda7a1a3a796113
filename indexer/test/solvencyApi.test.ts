import assert from "node:assert/strict";
import { test } from "node:test";
import { ParamError, parseBlockParam } from "../src/api/params.ts";
import {
  BlockRangeError,
  checkBlockInRange,
  IdentityError,
  solvencyBody,
  stateOf,
} from "../src/api/solvency.ts";
import { INITIAL_STATE } from "../src/solvency/state.ts";

const VAULT = "0x00000000000000000000000000000000000000b0";

test("parseBlockParam takes decimal block numbers only", () => {
  assert.equal(parseBlockParam("block", undefined), undefined);
  assert.equal(parseBlockParam("block", "0"), 0n);
  assert.equal(parseBlockParam("block", "123"), 123n);
  assert.equal(
    parseBlockParam("block", "9223372036854775807"),
    9223372036854775807n,
  );
  for (const bad of [
    "",
    "-1",
    "1.5",
    "0x10",
    "1e3",
    " 1",
    "abc",
    "latest",
    "9223372036854775808",
    "99999999999999999999",
  ]) {
    assert.throws(
      () => parseBlockParam("block", bad),
      (e: unknown) =>
        e instanceof ParamError &&
        e.message.startsWith("block must be a block number") &&
        !e.message.includes("\n"),
      bad,
    );
  }
});

test("checkBlockInRange: from the start block to the indexed head", () => {
  checkBlockInRange(10n, 10n, 20n);
  checkBlockInRange(20n, 10n, 20n);
  assert.throws(
    () => checkBlockInRange(9n, 10n, 20n),
    (e: unknown) =>
      e instanceof BlockRangeError &&
      e.message === "block 9 is before the deployment's start block 10",
  );
  assert.throws(
    () => checkBlockInRange(21n, 10n, 20n),
    (e: unknown) =>
      e instanceof BlockRangeError &&
      e.message === "block 21 is beyond the indexed head 20",
  );
});

const seriesRow = (seriesId: bigint, closed: boolean) => ({
  seriesId,
  block: 30n,
  vault: VAULT as `0x${string}`,
  deficit: 990_000_000n,
  raised: 490_000_000n,
  faceSold: 500_000_000n,
  repaid: closed ? 100_000_000n : 0n,
  redeemed: 0n,
  unsold: closed ? 500_000_000n : 0n,
  closed,
  startedAt: 1_700_000_000n,
  maturity: 1_702_592_000n,
  closableAt: 1_700_000_090n,
});

test("solvencyBody: the route's shape, amounts as strings, series by id, rewards by payer", () => {
  const state = {
    ...INITIAL_STATE,
    fundAssets: 7n,
    fundTotalShares: 5n,
    fundSharePriceWad: 1_400_000_000_000_000_000n,
    fundEscrowedShares: 2n,
    fundPendingRequests: 1,
    fundFloorAssets: 3n,
    outstandingFace: 900_000_000n,
    heldForHolders: 100_000_000n,
    pendingRevenue: 1_200_000_000n,
    rewardReserve: 1_000_000_000n,
    pendingForFund: 200_000_000n,
    rewardsFromRevenue: 40_000_000n,
    rewardsFromFund: 6_000_000n,
    vaultDeficitReceivable: 1_000_000_000n,
    recognized: 2_000_000_000n,
    coveredByFund: 10_000_000n,
    raisedByBonds: 490_000_000n,
    socialized: 500_000_000n,
  };
  const body = solvencyBody(42n, 1_700_000_123n, state, [
    seriesRow(1n, false),
    seriesRow(0n, true),
  ]);
  assert.deepEqual(body, {
    block: "42",
    timestamp: "1700000123",
    fund: {
      assets: "7",
      totalShares: "5",
      sharePriceWad: "1400000000000000000",
      escrowedShares: "2",
      pendingRequests: 1,
      floorAssets: "3",
      rewardsPaid: "6000000",
    },
    bonds: {
      series: [0n, 1n].map((id) => ({
        id: String(id),
        deficit: "990000000",
        raised: "490000000",
        faceSold: "500000000",
        repaid: id === 0n ? "100000000" : "0",
        redeemed: "0",
        closed: id === 0n,
        startedAt: "1700000000",
        maturity: "1702592000",
      })),
      outstandingFace: "900000000",
      heldForHolders: "100000000",
    },
    revenue: {
      pending: "1200000000",
      rewardReserve: "1000000000",
      pendingForFund: "200000000",
      rewardsPaid: "40000000",
    },
    vault: { deficitReceivable: "1000000000", socialized: "500000000" },
    totals: {
      recognized: "2000000000",
      coveredByFund: "10000000",
      raisedByBonds: "490000000",
      socialized: "500000000",
      open: "1000000000",
    },
  });
  assert.equal(
    BigInt(body.totals.recognized),
    BigInt(body.totals.coveredByFund) +
      BigInt(body.totals.raisedByBonds) +
      BigInt(body.totals.socialized) +
      BigInt(body.totals.open),
  );
});

test("solvencyBody refuses layers that do not add up", () => {
  const broken = { ...INITIAL_STATE, recognized: 5n, coveredByFund: 4n };
  assert.throws(
    () => solvencyBody(8n, 0n, broken, []),
    (e: unknown) =>
      e instanceof IdentityError &&
      e.message ===
        "index inconsistent at block 8: recognized 5 != coveredByFund 4 + raisedByBonds 0 + socialized 0 + open 0",
  );
});

test("before the first snapshot every layer is empty", () => {
  const body = solvencyBody(3n, 9n, stateOf(undefined), []);
  assert.equal(body.fund.assets, "0");
  assert.equal(body.fund.sharePriceWad, (10n ** 18n).toString());
  assert.deepEqual(body.bonds.series, []);
  assert.equal(body.totals.open, "0");
  const {
    block: _b,
    timestamp: _t,
    ...fromRow
  } = {
    block: 1n,
    timestamp: 2n,
    ...INITIAL_STATE,
    fundAssets: 11n,
  };
  assert.equal(
    stateOf({ block: 1n, timestamp: 2n, ...fromRow }).fundAssets,
    11n,
  );
});
