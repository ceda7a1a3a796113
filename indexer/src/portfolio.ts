// Portfolio margin mirroring PortfolioMargin.requirementsWad (src/PortfolioMargin.sol, ScenarioMath.sol): the
// same book, the same formulas, the same rounding. Pure: no Ponder imports.
import { abs, mulWadUp, WAD } from "./health.ts";

const BPS = 10_000n;

// The module's configuration as the index keeps it (from its events).
export type PortfolioConfig = {
  scenariosBps: readonly (readonly bigint[])[]; // [scenario][factor], signed [bps]
  marketFactor: ReadonlyMap<bigint, number>; // market id → factor
  collateralFactor: ReadonlyMap<bigint, number>; // collateral id → factor
  minFractionWad: bigint;
  initialMultiplierWad: bigint;
};

// One asset of an account's book [wad]: a market's signed notional (|size| ×
// price rounded up, long positive) and its standard maintenance requirement,
// or a collateral's haircut value.
export type BookEntry =
  | { kind: "market"; id: bigint; notionalWad: bigint; standardWad: bigint }
  | { kind: "collateral"; id: bigint; valueWad: bigint };

export type PortfolioResult = {
  maintenanceWad: bigint;
  initialWad: bigint;
  lossesWad: bigint[]; // per scenario, rounded up, 0 for a gain
  floorWad: bigint; // min fraction × gross, rounded up
};

// ⌈a / d⌉ for a ≥ 0, d > 0.
const ceilDiv = (a: bigint, d: bigint) => (a === 0n ? 0n : (a - 1n) / d + 1n);

export function portfolioRequirements(
  book: readonly BookEntry[],
  config: PortfolioConfig,
): PortfolioResult {
  const exposure = new Map<number, bigint>();
  const add = (f: number, x: bigint) =>
    exposure.set(f, (exposure.get(f) ?? 0n) + x);
  let gross = 0n;
  let unmapped = 0n;
  for (const e of book) {
    if (e.kind === "market") {
      if (e.notionalWad === 0n) continue;
      const f = config.marketFactor.get(e.id);
      if (f === undefined) {
        unmapped += e.standardWad;
        continue;
      }
      add(f, e.notionalWad);
      gross += abs(e.notionalWad);
    } else {
      if (e.valueWad === 0n) continue;
      const f = config.collateralFactor.get(e.id);
      if (f === undefined) continue;
      add(f, e.valueWad);
      gross += e.valueWad;
    }
  }
  const floorWad = ceilDiv(gross * config.minFractionWad, WAD);
  const lossesWad = config.scenariosBps.map((row) => {
    let pnl = 0n;
    row.forEach((shock, f) => (pnl += (exposure.get(f) ?? 0n) * shock));
    return pnl >= 0n ? 0n : ceilDiv(-pnl, BPS);
  });
  let maintenanceWad = floorWad;
  for (const loss of lossesWad)
    if (loss > maintenanceWad) maintenanceWad = loss;
  maintenanceWad += unmapped;
  return {
    maintenanceWad,
    initialWad: ceilDiv(maintenanceWad * config.initialMultiplierWad, WAD),
    lossesWad,
    floorWad,
  };
}

// A position's signed notional as the protocol puts it in the book.
export function signedNotionalWad(sizeWad: bigint, priceWad: bigint): bigint {
  const n = mulWadUp(abs(sizeWad), priceWad);
  return sizeWad > 0n ? n : -n;
}

/** The portfolio_config row as the math takes it (JSON columns parsed). */
export function parsePortfolioConfig(row: {
  scenariosBps: string;
  marketFactors: string;
  collateralFactors: string;
  minFractionWad: bigint;
  initialMultiplierWad: bigint;
}): PortfolioConfig {
  const factors = (json: string) =>
    new Map(
      Object.entries(JSON.parse(json) as Record<string, number>).map(
        ([id, f]) => [BigInt(id), f] as const,
      ),
    );
  return {
    scenariosBps: (JSON.parse(row.scenariosBps) as number[][]).map((r) =>
      r.map((x) => BigInt(x)),
    ),
    marketFactor: factors(row.marketFactors),
    collateralFactor: factors(row.collateralFactors),
    minFractionWad: row.minFractionWad,
    initialMultiplierWad: row.initialMultiplierWad,
  };
}
