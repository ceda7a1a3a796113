import assert from "node:assert/strict";
import { test } from "node:test";
import { collateralPatternName, DEFAULT_PATTERN } from "../src/pattern.ts";

test("collateral patterns follow the engine's enum order", () => {
  assert.equal(collateralPatternName(0), "fixed-fee");
  assert.equal(collateralPatternName(1), "dutch-auction");
  assert.equal(collateralPatternName(2), "internal");
  assert.equal(DEFAULT_PATTERN, "fixed-fee");
});

test("a pattern the indexer does not know is stored by its index", () => {
  assert.equal(collateralPatternName(3), "pattern-3");
});
