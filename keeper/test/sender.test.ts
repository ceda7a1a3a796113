import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bumpFees } from "../src/sender.ts";

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
