import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  bandRefreshPerBlockFromEnv,
  DEFAULT_BAND_REFRESH_PER_BLOCK,
  rpcMaxRequestsPerSecondFromEnv,
  SettingsError,
} from "../src/settings.ts";

describe("indexer settings", () => {
  test("BAND_REFRESH_PER_BLOCK: the default, 0 and a number", () => {
    assert.equal(
      bandRefreshPerBlockFromEnv({}),
      DEFAULT_BAND_REFRESH_PER_BLOCK,
    );
    assert.equal(
      bandRefreshPerBlockFromEnv({ BAND_REFRESH_PER_BLOCK: "0" }),
      0,
    );
    assert.equal(
      bandRefreshPerBlockFromEnv({ BAND_REFRESH_PER_BLOCK: "2000" }),
      2000,
    );
  });

  test("BAND_REFRESH_PER_BLOCK: a bad value is one error naming the variable", () => {
    for (const bad of ["-1", "1.5", "many", "100001", " 5"]) {
      assert.throws(
        () => bandRefreshPerBlockFromEnv({ BAND_REFRESH_PER_BLOCK: bad }),
        (error: unknown) =>
          error instanceof SettingsError &&
          error.message ===
            `BAND_REFRESH_PER_BLOCK must be an integer from 0 to 100000, got "${bad}"`,
      );
    }
  });

  test("RPC_MAX_REQUESTS_PER_SECOND: unset leaves Ponder's adaptive limit; a number is the limit", () => {
    assert.equal(rpcMaxRequestsPerSecondFromEnv({}), undefined);
    assert.equal(
      rpcMaxRequestsPerSecondFromEnv({ RPC_MAX_REQUESTS_PER_SECOND: "" }),
      undefined,
    );
    assert.equal(
      rpcMaxRequestsPerSecondFromEnv({ RPC_MAX_REQUESTS_PER_SECOND: "1000" }),
      1000,
    );
    for (const bad of ["0", "-5", "2.5", "fast", "100001"]) {
      assert.throws(
        () =>
          rpcMaxRequestsPerSecondFromEnv({ RPC_MAX_REQUESTS_PER_SECOND: bad }),
        (error: unknown) =>
          error instanceof SettingsError &&
          error.message ===
            `RPC_MAX_REQUESTS_PER_SECOND must be an integer from 1 to 100000, got "${bad}"`,
        bad,
      );
    }
  });
});
