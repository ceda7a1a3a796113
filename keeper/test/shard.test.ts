import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { getAddress, keccak256, toHex } from "viem";
import { loadConfig } from "../src/config.ts";
import { ConfigError } from "../src/errors.ts";
import {
  WHOLE,
  ownsAccount,
  ownsAuction,
  ownsChores,
  parseShard,
} from "../src/shard.ts";

const addresses = Array.from({ length: 3_000 }, (_, i) =>
  getAddress(`0x${keccak256(toHex(i)).slice(26)}`),
);

describe("shards", () => {
  it("give every account and auction to exactly one of n keepers, about evenly", () => {
    for (const count of [2, 3, 7]) {
      const shards = Array.from({ length: count }, (_, index) => ({
        index,
        count,
      }));
      const sizes = shards.map(() => 0);
      for (const address of addresses) {
        const owners = shards.filter((s) => ownsAccount(s, address));
        assert.equal(owners.length, 1, `${address} has one owner of ${count}`);
        sizes[owners[0]!.index]! += 1;
      }
      for (const size of sizes)
        assert.ok(
          Math.abs(size - addresses.length / count) <
            (addresses.length / count) * 0.15,
          `shards of ${count} within 15% of even: ${sizes.join(", ")}`,
        );
      for (let id = 0n; id < 50n; id++)
        assert.equal(
          shards.filter((s) => ownsAuction(s, id)).length,
          1,
          `auction ${id}`,
        );
      assert.equal(shards.filter(ownsChores).length, 1, "one waterfall keeper");
    }
    assert.ok(addresses.every((a) => ownsAccount(WHOLE, a)));
  });

  it("parse index/count and refuse anything else with one line", () => {
    assert.deepEqual(parseShard("1/2"), { index: 1, count: 2 });
    assert.deepEqual(parseShard(" 0/1 "), { index: 0, count: 1 });
    for (const bad of ["2/2", "0/0", "1", "a/b", "-1/2", "0/2000"])
      assert.equal(parseShard(bad), null, bad);
    const env = {
      KEEPER_PRIVATE_KEY: `0x${"11".repeat(32)}`,
      DEPLOYMENT_FILE: "deployments/local.json",
    };
    assert.deepEqual(
      loadConfig({ ...env, KEEPER_SHARD: "1/3" }, () => "").ownShard,
      {
        index: 1,
        count: 3,
      },
    );
    assert.throws(
      () => loadConfig({ ...env, KEEPER_SHARD: "3/3" }, () => ""),
      (error: ConfigError) => {
        assert.deepEqual(error.lines, [
          "config error: KEEPER_SHARD: expected index/count with 0 ≤ index < count ≤ 1024, e.g. 0/2 and 1/2 for two keepers",
        ]);
        return true;
      },
    );
  });
});
