// The index's portfolio requirement against the chain's: the same books and the
// same expected numbers as the forge tests in test/portfolio/PortfolioMargin.t.sol
// (demo module: ETH and BTC factors, 9 scenarios, floor 1%, multiplier 1.5).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  type CollateralInput,
  computeHealth,
  type PositionInput,
  WAD,
} from "../src/health.ts";
import {
  type PortfolioConfig,
  portfolioRequirements,
} from "../src/portfolio.ts";

const wad = (x: number) => BigInt(x) * WAD;
const ETH = 0n;
const BTC = 1n;
const STETH = 2n; // the forge tests' pegged market, on the ETH factor

const DEMO_SCENARIOS = [
  [600, 0],
  [-600, 0],
  [0, 600],
  [0, -600],
  [600, 600],
  [-600, -600],
  [600, -600],
  [-600, 600],
  [-1000, -1000],
].map((row) => row.map(BigInt));

const demo = (unmapEth = false): PortfolioConfig => ({
  scenariosBps: DEMO_SCENARIOS,
  marketFactor: new Map(
    unmapEth
      ? [
          [BTC, 1],
          [STETH, 0],
        ]
      : [
          [ETH, 0],
          [BTC, 1],
          [STETH, 0],
        ],
  ),
  collateralFactor: new Map([
    [0n, 0],
    [1n, 1],
  ]),
  minFractionWad: WAD / 100n,
  initialMultiplierWad: (WAD * 3n) / 2n,
});

const perp = (
  marketId: bigint,
  size: bigint,
  price: number,
): PositionInput => ({
  marketId,
  sizeWad: size,
  openNotionalWad: 0n,
  priceWad: wad(price),
  maintenanceFractionWad: WAD / 20n,
  initialFractionWad: WAD / 10n,
});
const weth = (amount: bigint): CollateralInput => ({
  collateralId: 0n,
  amount,
  decimals: 18,
  priceWad: wad(3_000),
  haircutWad: (WAD * 8n) / 10n,
});

function requirements(
  positions: PositionInput[],
  collaterals: CollateralInput[],
  config = demo(),
) {
  const h = computeHealth({
    quoteBalanceWad: wad(100_000),
    positions,
    collaterals,
    portfolio: config,
  });
  return { maintenance: h.maintenanceWad, initial: h.initialWad };
}

describe("portfolio requirement (same numbers as the forge tests)", () => {
  test("10 WETH against a short of 8 ETH: the floor, 480 / 720", () => {
    assert.deepEqual(
      requirements([perp(ETH, -wad(8), 3_000)], [weth(wad(10))]),
      {
        maintenance: wad(480),
        initial: wad(720),
      },
    );
  });

  test("long 10 ETH, short 10 stETH: 600 / 900", () => {
    assert.deepEqual(
      requirements(
        [perp(ETH, wad(10), 3_000), perp(STETH, -wad(10), 3_000)],
        [],
      ),
      { maintenance: wad(600), initial: wad(900) },
    );
  });

  test("a naked long pays the correlated crash: 3,000 / 4,500", () => {
    assert.deepEqual(requirements([perp(ETH, wad(10), 3_000)], []), {
      maintenance: wad(3_000),
      initial: wad(4_500),
    });
  });

  test("long ETH against short BTC pays the divergence: 3,600", () => {
    const r = requirements(
      [perp(ETH, wad(10), 3_000), perp(BTC, -wad(1) / 2n, 60_000)],
      [],
    );
    assert.equal(r.maintenance, wad(3_600));
  });

  test("an unmapped market is charged its standard requirement on top", () => {
    // The forge test's fresh module: ETH ±6% only, WETH mapped, the ETH market not.
    const config = {
      ...demo(true),
      scenariosBps: [
        [-600n, 0n],
        [600n, 0n],
      ],
    };
    const r = requirements(
      [perp(ETH, -wad(8), 3_000)],
      [weth(wad(10))],
      config,
    );
    assert.equal(r.maintenance, wad(1_440) + wad(1_200));
  });

  test("losses round up once; the floor rounds up", () => {
    const r = portfolioRequirements(
      [{ kind: "market", id: ETH, notionalWad: 1n, standardWad: 1n }],
      demo(),
    );
    assert.equal(r.lossesWad[8], 1n); // ⌈0.1 wei⌉
    assert.equal(r.floorWad, 1n);
    assert.equal(r.initialWad, 2n); // ⌈1.5⌉
  });

  test("standard accounts are untouched", () => {
    const h = computeHealth({
      quoteBalanceWad: 0n,
      positions: [perp(ETH, -wad(8), 3_000)],
      collaterals: [weth(wad(10))],
    });
    assert.equal(h.maintenanceWad, wad(1_200));
    assert.equal(h.initialWad, wad(2_400));
  });
});
