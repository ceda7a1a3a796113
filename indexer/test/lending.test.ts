import assert from "node:assert/strict";
import { test } from "node:test";
import {
  debtWad,
  healthFactorWad,
  lendingHealth,
  projectIndexWad,
  QUOTE_UNIT_WAD,
} from "../src/lending/math.ts";

const WAD = 10n ** 18n;

test("projectIndexWad grows by rate × elapsed, rounded up, and never falls", () => {
  const rate = 3_170_979_198n; // 10% a year per second
  const year = 31_536_000n;
  const grown = projectIndexWad(WAD, rate, 1_000n, 1_000n + year);
  assert.equal(grown, WAD + rate * year);
  assert.equal(projectIndexWad(WAD, rate, 1_000n, 1_000n), WAD);
  assert.equal(
    projectIndexWad(WAD, rate, 1_000n, 999n),
    WAD,
    "no time runs back",
  );
  // Rounded up: 1.5 × (1 + 1 wei) is 1.5 + 1.5 wei, stored as 1.5 + 2 wei.
  assert.equal(
    projectIndexWad(15n * 10n ** 17n, 1n, 0n, 1n),
    15n * 10n ** 17n + 2n,
  );
});

test("debtWad rounds scaled × index up to whole quote units", () => {
  assert.equal(debtWad(0n, 2n * WAD), 0n);
  assert.equal(debtWad(1_000n * WAD, WAD), 1_000n * WAD);
  const d = debtWad(1_000n * WAD, WAD + 1n); // 1,000 + 1,000 wei
  assert.equal(d, 1_000n * WAD + QUOTE_UNIT_WAD);
  assert.equal(d % QUOTE_UNIT_WAD, 0n);
});

test("lendingHealth: the interface-literal mapping; liquidatable exactly when debt > Σ value × liquidation LTV", () => {
  const weth = (priceWad: bigint) => ({
    amount: 10n * WAD,
    decimals: 18,
    liquidationLtvWad: 825n * 10n ** 15n,
    priceWad,
  });
  // 10 WETH, 22,000 owed: the bound is 22,000 / 8.25 = 2,666.67.
  const above = lendingHealth(22_000n * WAD, WAD, [weth(2_667n * WAD)]);
  assert.equal(above.liquidatable, false);
  assert.equal(above.collateralValueWad, 26_670n * WAD);
  assert.equal(above.liquidationLimitWad, (26_670n * WAD * 825n) / 1000n);
  assert.equal(
    above.equityWad,
    (26_670n * WAD * 825n) / 1000n - 22_000n * WAD,
    "equity = Σ value × L − debt",
  );
  assert.equal(above.maintenanceWad, 0n, "no positions: no maintenance");
  assert.equal(
    above.healthFactorWad,
    (((26_670n * WAD * 825n) / 1000n) * WAD) / (22_000n * WAD),
  );
  assert.ok(above.healthFactorWad >= WAD);
  const below = lendingHealth(22_000n * WAD, WAD, [weth(2_666n * WAD)]);
  assert.equal(below.liquidatable, true);
  assert.ok(below.equityWad < 0n);
  assert.ok(below.healthFactorWad < WAD);
  // A missing price: not usable, never liquidatable from the index.
  const unknown = lendingHealth(22_000n * WAD, WAD, [
    weth(undefined as unknown as bigint),
  ]);
  assert.equal(unknown.pricesUsable, false);
  assert.equal(unknown.liquidatable, false);
});

test("lendingHealth: two collaterals, each at its own liquidation LTV; no debt is an infinite health factor", () => {
  const c = [
    {
      amount: 10n ** 18n,
      decimals: 18,
      liquidationLtvWad: 825n * 10n ** 15n,
      priceWad: 3_000n * WAD,
    },
    {
      amount: 10_000_000n, // 0.1 WBTC
      decimals: 8,
      liquidationLtvWad: 775n * 10n ** 15n,
      priceWad: 60_000n * WAD,
    },
  ];
  const free = lendingHealth(0n, WAD, c);
  assert.equal(free.equityWad, 2_475n * WAD + 4_650n * WAD);
  assert.equal(free.healthFactorWad, 2n ** 256n - 1n);
  assert.equal(free.liquidatable, false);
  const owing = lendingHealth(5_000n * WAD, WAD, c);
  assert.equal(owing.equityWad, 7_125n * WAD - 5_000n * WAD);
  assert.equal(owing.healthFactorWad, (7_125n * WAD * WAD) / (5_000n * WAD));
});

test("healthFactorWad rounds down and orders accounts as the engine's equity does", () => {
  assert.equal(healthFactorWad(2n * WAD, 3n * WAD), 666_666_666_666_666_666n);
  assert.equal(healthFactorWad(WAD, 0n), 2n ** 256n - 1n);
  // Below 1 exactly when limit < debt, i.e. equity < 0.
  assert.ok(healthFactorWad(WAD - 1n, WAD) < WAD);
  assert.equal(healthFactorWad(WAD, WAD), WAD);
});

test("lendingHealth: debt accrues through the index", () => {
  const c = [
    {
      amount: 10n * WAD,
      decimals: 18,
      liquidationLtvWad: 825n * 10n ** 15n,
      priceWad: 2_700n * WAD,
    },
  ];
  const now = lendingHealth(22_000n * WAD, WAD, c);
  const later = lendingHealth(22_000n * WAD, (WAD * 102n) / 100n, c);
  assert.equal(now.liquidatable, false);
  assert.equal(later.debtWad, 22_440n * WAD);
  assert.equal(later.liquidatable, true, "interest alone can cross the line");
});
