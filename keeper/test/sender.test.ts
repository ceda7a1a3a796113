import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KeeperCall } from "../src/protocol-client.ts";
import {
  BAD_DEBT_SETTLEMENT_HEADROOM_GAS,
  bumpFees,
  gasLimit,
  BATCH_SETTLEMENT_HEADROOM_GAS_PER_ORDER,
} from "../src/sender.ts";
import { ALICE } from "./fakes.ts";

const GWEI = 10n ** 9n;

describe("bumpFees", () => {
  it("raises both fees by more than the 10% replacement minimum", () => {
    const next = bumpFees(
      { maxFeePerGasWei: 10n * GWEI, maxPriorityFeePerGasWei: 2n * GWEI },
      100n * GWEI,
    );
    assert.ok(next);
    assert.ok(next.maxFeePerGasWei * 10n >= 11n * 10n * GWEI);
    assert.ok(next.maxPriorityFeePerGasWei * 10n >= 11n * 2n * GWEI);
  });

  it("stops at the ceiling", () => {
    assert.equal(
      bumpFees(
        { maxFeePerGasWei: 90n * GWEI, maxPriorityFeePerGasWei: GWEI },
        100n * GWEI,
      ),
      null,
    );
  });

  it("keeps the priority fee at or under the max fee", () => {
    const next = bumpFees(
      { maxFeePerGasWei: 10n * GWEI, maxPriorityFeePerGasWei: 10n * GWEI },
      100n * GWEI,
    );
    assert.ok(next && next.maxPriorityFeePerGasWei <= next.maxFeePerGasWei);
  });
});

describe("gasLimit", () => {
  it("adds room for a bond series to calls that may settle bad debt, and only to them", () => {
    const liquidate: KeeperCall = {
      functionName: "liquidate",
      args: [ALICE, 0n, 1n],
    };
    const route: KeeperCall = { functionName: "route", args: [] };
    assert.equal(
      gasLimit(liquidate, 200_000n),
      250_000n + BAD_DEBT_SETTLEMENT_HEADROOM_GAS,
    );
    // A liquidation the estimate saw the fund cover (205,806) still fits once it opens a series (352,387).
    assert.ok(gasLimit(liquidate, 205_806n) >= 352_387n);
    assert.equal(gasLimit(route, 100_000n), 125_000n);
  });

  it("gives a batch room for its refunds and for a fifth of its orders opening a bond series", () => {
    const orders = Array.from({ length: 50 }, () => ({
      account: ALICE,
      marketId: 0n,
    }));
    const batch: KeeperCall = {
      functionName: "liquidateBatch",
      args: [orders],
    };
    // 50 full closes: 2,556,805 gas after refunds (GasTest.json), refunds capped at a fifth of the gas used.
    const limit = gasLimit(batch, 2_556_805n);
    assert.ok(limit >= (2_556_805n * 5n) / 4n + 10n * 147_000n);
    assert.equal(
      limit,
      (2_556_805n * 125n) / 100n +
        BAD_DEBT_SETTLEMENT_HEADROOM_GAS +
        50n * BATCH_SETTLEMENT_HEADROOM_GAS_PER_ORDER,
    );
  });
});
