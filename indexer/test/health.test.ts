import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  type CollateralInput,
  collateralValueWad,
  computeHealth,
  floorDiv,
  healthWad,
  MAX_UINT256,
  mulWadDown,
  mulWadUp,
  type PositionInput,
  requirementWad,
  toWad,
  unrealizedPnlWad,
  WAD,
} from "../src/health.ts";

const wad = (x: number | string) => BigInt(x) * WAD;
const pos = (p: Partial<PositionInput>): PositionInput => ({
  sizeWad: 0n,
  openNotionalWad: 0n,
  priceWad: wad(1),
  maintenanceFractionWad: WAD / 20n, // 5%
  initialFractionWad: WAD / 10n, // 10%
  ...p,
});
const col = (c: Partial<CollateralInput>): CollateralInput => ({
  amount: 0n,
  decimals: 18,
  priceWad: wad(1),
  haircutWad: (WAD * 9n) / 10n,
  ...c,
});

describe("rounding helpers", () => {
  test("mulWadDown truncates, mulWadUp rounds any remainder up", () => {
    assert.equal(mulWadDown(1n, 1n), 0n);
    assert.equal(mulWadUp(1n, 1n), 1n);
    assert.equal(mulWadDown(wad(3), WAD / 2n), (WAD * 3n) / 2n);
    assert.equal(mulWadUp(wad(3), WAD / 2n), (WAD * 3n) / 2n); // exact: no rounding
    assert.equal(mulWadUp(0n, wad(5)), 0n);
    assert.equal(mulWadUp(WAD + 1n, WAD / 2n), WAD / 2n + 1n); // 0.5e18 + 0.5 → up
  });

  test("floorDiv rounds toward −∞", () => {
    assert.equal(floorDiv(-1n, WAD), -1n);
    assert.equal(floorDiv(-WAD, WAD), -1n);
    assert.equal(floorDiv(-WAD - 1n, WAD), -2n);
    assert.equal(floorDiv(1n, WAD), 0n);
    assert.equal(floorDiv(0n, WAD), 0n);
    for (let a = -25; a <= 25; a++)
      assert.equal(floorDiv(BigInt(a), 7n), BigInt(Math.floor(a / 7)));
  });

  test("toWad scales token units and rejects more than 18 decimals", () => {
    assert.equal(toWad(1n, 8), 10n ** 10n);
    assert.equal(toWad(5n, 18), 5n);
    assert.equal(toWad(1n, 0), WAD);
    assert.throws(() => toWad(1n, 19), RangeError);
  });
});

describe("terms", () => {
  test("negative PnL is floored, not truncated", () => {
    // short 3 wei at 0.5: size × price = −1.5 wad-wei → −2 (truncation would
    // give −1)
    const p = pos({ sizeWad: -3n, openNotionalWad: -1n });
    assert.equal(unrealizedPnlWad(p, WAD / 2n), -1n);
    // long 3 wei at 0.5: 1.5 → 1
    assert.equal(
      unrealizedPnlWad(pos({ sizeWad: 3n, openNotionalWad: 1n }), WAD / 2n),
      0n,
    );
    // whole numbers: long 2 opened at 3000, now 2500
    assert.equal(
      unrealizedPnlWad(
        pos({ sizeWad: wad(2), openNotionalWad: wad(6000) }),
        wad(2500),
      ),
      -wad(1000),
    );
    // short 2 opened at 3000 (open notional −6000), now 2500: gain 1000
    assert.equal(
      unrealizedPnlWad(
        pos({ sizeWad: -wad(2), openNotionalWad: -wad(6000) }),
        wad(2500),
      ),
      wad(1000),
    );
  });

  test("requirements round up, twice, on |size|", () => {
    assert.equal(requirementWad(1n, 1n, WAD / 20n), 1n); // 1e-36 notional still requires 1 wei
    assert.equal(requirementWad(-wad(2), wad(2500), WAD / 20n), wad(250));
    assert.equal(requirementWad(wad(2), wad(2500), WAD / 20n), wad(250));
    // 3 wei × 0.5 = 1.5 → 2, then × 0.5 = 1 → 1
    assert.equal(requirementWad(3n, WAD / 2n, WAD / 2n), 1n);
    // 3 wei × 0.5 = 1.5 → 2, then × 0.3 = 0.6 → 1
    assert.equal(requirementWad(3n, WAD / 2n, (WAD * 3n) / 10n), 1n);
  });

  test("8-decimal collateral scales to wad, then rounds down twice", () => {
    const wbtc = col({
      decimals: 8,
      amount: 10n ** 8n,
      haircutWad: (WAD * 9n) / 10n,
    });
    assert.equal(collateralValueWad(wbtc, wad(60_000)), wad(54_000));
    // 1 satoshi at 33.333…: 1e10 × 33333333333333333333 / 1e18 =
    // 333333333333.33… → 333333333333; × 0.9 → 299999999999
    const sat = col({ decimals: 8, amount: 1n });
    assert.equal(collateralValueWad(sat, 33333333333333333333n), 299999999999n);
  });

  test("health is rounded down, 0 at equity ≤ 0, max with no requirement", () => {
    assert.equal(healthWad(wad(2), wad(3)), 666666666666666666n);
    assert.equal(healthWad(0n, wad(3)), 0n);
    assert.equal(healthWad(-1n, wad(3)), 0n);
    assert.equal(healthWad(-1n, 0n), 0n);
    assert.equal(healthWad(1n, 0n), MAX_UINT256);
  });
});

describe("computeHealth", () => {
  test("no position: no requirement, max health, not liquidatable", () => {
    const h = computeHealth({
      quoteBalanceWad: wad(100),
      positions: [],
      collaterals: [],
    });
    assert.deepEqual(h, {
      equityWad: wad(100),
      initialWad: 0n,
      maintenanceWad: 0n,
      healthWad: MAX_UINT256,
      liquidatable: false,
      pricesUsable: true,
    });
  });

  test("debt with nothing left: equity < 0 = maintenance, health 0, liquidatable", () => {
    const h = computeHealth({
      quoteBalanceWad: -wad(5),
      positions: [],
      collaterals: [],
    });
    assert.equal(h.healthWad, 0n);
    assert.equal(h.liquidatable, true);
  });

  test("sums quote, haircut collateral and PnL; requirements over all markets", () => {
    const h = computeHealth({
      quoteBalanceWad: -wad(1000),
      collaterals: [
        col({ decimals: 8, amount: 10n ** 7n, priceWad: wad(60_000) }),
      ], // 0.1 BTC → 5400
      positions: [
        pos({
          sizeWad: wad(2),
          openNotionalWad: wad(6000),
          priceWad: wad(2500),
        }), // −1000, mm 250, im 500
        pos({
          sizeWad: -wad(1),
          openNotionalWad: -wad(100),
          priceWad: wad(150),
        }), // −50, mm 7.5, im 15
      ],
    });
    assert.equal(h.equityWad, wad(3350));
    assert.equal(h.maintenanceWad, wad(2575) / 10n);
    assert.equal(h.initialWad, wad(515));
    assert.equal(h.healthWad, (wad(3350) * WAD) / (wad(2575) / 10n));
    assert.equal(h.liquidatable, false);
  });

  test("equity exactly 0 with a requirement: health 0 and liquidatable", () => {
    const h = computeHealth({
      quoteBalanceWad: wad(1000),
      positions: [
        pos({
          sizeWad: wad(2),
          openNotionalWad: wad(6000),
          priceWad: wad(2500),
        }),
      ],
      collaterals: [],
    });
    assert.equal(h.equityWad, 0n);
    assert.equal(h.healthWad, 0n);
    assert.equal(h.liquidatable, true);
  });

  test("equity equal to maintenance is not liquidatable (strict <)", () => {
    const h = computeHealth({
      quoteBalanceWad: wad(1250),
      positions: [
        pos({
          sizeWad: wad(2),
          openNotionalWad: wad(6000),
          priceWad: wad(2500),
        }),
      ],
      collaterals: [],
    });
    assert.equal(h.equityWad, wad(250));
    assert.equal(h.maintenanceWad, wad(250));
    assert.equal(h.healthWad, WAD);
    assert.equal(h.liquidatable, false);
  });

  test("zero sizes and zero balances are skipped, even without a price", () => {
    const h = computeHealth({
      quoteBalanceWad: wad(1),
      positions: [pos({ sizeWad: 0n, priceWad: undefined })],
      collaterals: [col({ amount: 0n, priceWad: undefined })],
    });
    assert.equal(h.pricesUsable, true);
    assert.equal(h.equityWad, wad(1));
  });

  test("a missing or non-positive price skips the term and never reports liquidatable", () => {
    for (const bad of [undefined, 0n, -wad(1)]) {
      const h = computeHealth({
        quoteBalanceWad: -wad(10),
        positions: [
          pos({ sizeWad: wad(1), openNotionalWad: wad(1), priceWad: bad }),
        ],
        collaterals: [],
      });
      assert.equal(h.pricesUsable, false);
      assert.equal(h.liquidatable, false);
      assert.equal(h.equityWad, -wad(10));
      assert.equal(h.healthWad, 0n);
    }
  });
});
