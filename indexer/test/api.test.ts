import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeCheckpoint } from "../src/api/checkpoint.ts";
import {
  ParamError,
  parseLimitParam,
  parseWadParam,
} from "../src/api/params.ts";

test("parseWadParam reads decimals exactly", () => {
  assert.equal(parseWadParam("maxHealth", undefined, 7n), 7n);
  assert.equal(parseWadParam("maxHealth", "1", 0n), 10n ** 18n);
  assert.equal(parseWadParam("maxHealth", "1.25", 0n), 125n * 10n ** 16n);
  assert.equal(parseWadParam("maxHealth", "0.000000000000000001", 0n), 1n);
  for (const bad of ["-1", "1e3", "abc", "1.", ".5", "0.0000000000000000001"]) {
    assert.throws(() => parseWadParam("maxHealth", bad, 0n), ParamError, bad);
  }
});

test("parseLimitParam accepts 1..max", () => {
  assert.equal(parseLimitParam("limit", undefined, 100, 1000), 100);
  assert.equal(parseLimitParam("limit", "5", 100, 1000), 5);
  for (const bad of ["0", "1001", "1.5", "-3", "x"]) {
    assert.throws(
      () => parseLimitParam("limit", bad, 100, 1000),
      ParamError,
      bad,
    );
  }
});

test("decodeCheckpoint reads Ponder's fixed-width checkpoint", () => {
  const cp =
    "1700000123".padStart(10, "0") +
    "31337".padStart(16, "0") +
    "42".padStart(16, "0") +
    "3".padStart(16, "0") +
    "5" +
    "7".padStart(16, "0");
  assert.deepEqual(decodeCheckpoint(31337, cp), {
    chainId: 31337,
    latestBlock: 42,
    latestTimestamp: 1700000123,
  });
  assert.throws(() => decodeCheckpoint(1, "123"));
});
