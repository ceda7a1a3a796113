import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  preLiquidationZone,
  type ZoneParams,
} from "../src/preLiquidation/zone.ts";

const WAD = 10n ** 18n;
const demo: ZoneParams = { preHealthWad: 3n * (WAD / 2n), optOutAllowed: true };
const params = new Map<bigint, ZoneParams>([
  [0n, demo],
  [1n, { preHealthWad: 12n * (WAD / 10n), optOutAllowed: false }],
]);
const none = new Set<bigint>();

describe("preLiquidationZone", () => {
  it("is in the zone for 1 ≤ health < the top, not at the top nor below the line", () => {
    assert.equal(preLiquidationZone(WAD, [0n], params, none).inZone, true);
    assert.equal(
      preLiquidationZone(demo.preHealthWad - 1n, [0n], params, none).inZone,
      true,
    );
    assert.equal(
      preLiquidationZone(demo.preHealthWad, [0n], params, none).inZone,
      false,
    );
    assert.equal(
      preLiquidationZone(WAD - 1n, [0n], params, none).inZone,
      false,
    );
  });

  it("names the highest top among the account's markets and the markets in the zone", () => {
    const zone = preLiquidationZone(13n * (WAD / 10n), [1n, 0n], params, none);
    assert.equal(zone.preHealthWad, demo.preHealthWad);
    assert.deepEqual(zone.preLiquidationMarketIds, [0n]); // 1.3 is above market 1's top (1.2)
    assert.equal(zone.inZone, true);
  });

  it("leaves out disabled and unknown markets", () => {
    const disabled = new Map<bigint, ZoneParams>([
      [0n, { preHealthWad: 0n, optOutAllowed: false }],
    ]);
    const zone = preLiquidationZone(
      11n * (WAD / 10n),
      [0n, 7n],
      disabled,
      none,
    );
    assert.deepEqual(zone, {
      preHealthWad: null,
      inZone: false,
      preLiquidationMarketIds: [],
    });
  });

  it("honours an opt-out only where the market allows it", () => {
    const h = 11n * (WAD / 10n);
    const optedOut = new Set([0n, 1n]);
    const zone = preLiquidationZone(h, [0n, 1n], params, optedOut);
    // Market 0 allows opting out: left out. Market 1 does not: the opt-out does not count.
    assert.deepEqual(zone.preLiquidationMarketIds, [1n]);
    assert.equal(zone.preHealthWad, 12n * (WAD / 10n));
  });
});
