// The price box inside which an account's margin state cannot change, so that a
// price push recomputes only the accounts it moves out of their box. Pure: no
// Ponder imports.
//
// Two states are protected. The line: whether the account is liquidatable
// (equity < maintenance); a push that may change it recomputes the account at
// once, so it is exact at every indexed block. The band: which of the health
// levels below (HEALTH_LEVELS_WAD) its equity clears (band 0 is liquidatable,
// band i is levels[i−1] ≤ health < levels[i], the last band is health ≥ the
// last level); a price outside its box marks the band stale, and a bounded
// background refresh recomputes stale accounts (so that a large move costs the
// push only its line crossers). Readers recompute health at current prices
// (src/api/accountsBelow.ts).
//
// For a standard account each level's surplus S_L = W·equity − L·maintenance
// is linear in every price between account events, up to the rounding of each
// term (δ below). At the current prices P* the surplus is S*; a move of every
// price by at most the same fraction r of its value changes the linear surplus
// by at most r·Σ|K_o|·P*_o, where K_o is the slope in oracle o. Solving for the
// r that keeps the sign gives each oracle a bound on one side: the side that
// moves the surplus towards 0. The other side is unbounded (moving away from
// the line never crosses it). A push outside the bound wakes the account; a
// push inside cannot change its band, so costs nothing.
//
// Portfolio-margin accounts (a max over scenarios, not one linear form) and
// accounts with an unusable price are woken by every push of their oracles.
import {
  abs,
  type CollateralInput,
  type HealthInput,
  type HealthResult,
  MAX_UINT256,
  type PositionInput,
  toWad,
  usablePrice,
  WAD,
} from "../health.ts";

/** The health levels whose crossing the index tracks exactly [wad health], ascending; the first is the liquidation line. */
export const HEALTH_LEVELS_WAD: readonly bigint[] = [
  WAD, // maintenance: below it, liquidatable
  (WAD * 5n) / 4n, // 1.25: the engine's target health, and the demo's pre-liquidation zone top
  (WAD * 3n) / 2n, // 1.5
  2n * WAD,
  3n * WAD, // the crossing model's default look
];

/**
 * Per oracle, two boxes. The line box (`belowWad`, `aboveWad`): a push outside it may move the account across the
 * liquidation line, and recomputes it at once. The band box (`bandBelowWad`, `bandAboveWad`, inside the line box): a
 * price outside it may have moved the account to another band; the ladder is refreshed in the background.
 */
export type WatchBound = {
  oracle: string;
  belowWad: bigint;
  aboveWad: bigint;
  bandBelowWad: bigint;
  bandAboveWad: bigint;
};

/** No bound on a side: `belowWad` 1 still wakes on a price ≤ 0 (which makes the account's prices unusable). */
export const NO_BELOW = 1n;
export const NO_ABOVE = MAX_UINT256;

/** computeHealth's input with each price's oracle; `portfolio` set: margined by the portfolio module. */
export type WatchInput = Omit<HealthInput, "positions" | "collaterals"> & {
  positions: readonly (PositionInput & { oracle: string })[];
  collaterals: readonly (CollateralInput & { oracle: string })[];
};

export type Watch = {
  band: number | null; // null when a needed price is unusable (nothing can be liquidated)
  bounds: WatchBound[]; // one per oracle the account is exposed to, by oracle ascending
};

/** The band of an account: how many levels its surplus clears (W·equity ≥ L·maintenance). */
export function bandOf(equityWad: bigint, maintenanceWad: bigint): number {
  let band = 0;
  for (const level of HEALTH_LEVELS_WAD) {
    if (equityWad * WAD < level * maintenanceWad) break;
    band++;
  }
  return band;
}

/** The band whose accounts have health < maxHealthWad in part: the first level at or above it. */
export function bandContaining(maxHealthWad: bigint): number {
  const i = HEALTH_LEVELS_WAD.findIndex((l) => maxHealthWad <= l);
  return i === -1 ? HEALTH_LEVELS_WAD.length : i;
}

type Linear = Map<string, bigint>; // oracle → slope K_o, scaled by W² per unit of price [wad]

export function watchOf(input: WatchInput, result: HealthResult): Watch {
  const oracles = new Map<string, bigint | undefined>(); // oracle → usable price
  for (const p of input.positions)
    if (p.sizeWad !== 0n)
      oracles.set(p.oracle.toLowerCase(), usablePrice(p.priceWad));
  for (const c of input.collaterals)
    if (c.amount !== 0n)
      oracles.set(c.oracle.toLowerCase(), usablePrice(c.priceWad));
  const sorted = [...oracles].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  // Every push: an unusable price (the first usable one changes the state)
  // and every oracle of a portfolio account.
  const open = (always: boolean): Box => ({
    belowWad: always ? MAX_UINT256 : NO_BELOW,
    aboveWad: NO_ABOVE,
  });
  const line = new Map<string, Box>();
  const ladder = new Map<string, Box>();
  for (const [oracle, price] of sorted) {
    const always = price === undefined || input.portfolio !== undefined;
    line.set(oracle, open(always));
    ladder.set(oracle, open(always));
  }
  const band =
    result.pricesUsable && bandOf(result.equityWad, result.maintenanceWad);
  if (band !== false && input.portfolio === undefined) {
    const prices = new Map(sorted.map(([o, p]) => [o, p!]));
    HEALTH_LEVELS_WAD.forEach((level, i) => {
      narrow(ladder, input, result, prices, level);
      if (i === 0) narrow(line, input, result, prices, level);
    });
  }
  return {
    band: band === false ? null : band,
    bounds: sorted.map(([oracle]) => ({
      oracle,
      belowWad: line.get(oracle)!.belowWad,
      aboveWad: line.get(oracle)!.aboveWad,
      bandBelowWad: ladder.get(oracle)!.belowWad,
      bandAboveWad: ladder.get(oracle)!.aboveWad,
    })),
  };
}

type Box = { belowWad: bigint; aboveWad: bigint };

// Narrows each oracle's box so that no move inside every box changes which
// side of `level` the account is on.
function narrow(
  boxes: Map<string, Box>,
  input: WatchInput,
  result: HealthResult,
  prices: ReadonlyMap<string, bigint>,
  level: bigint,
): void {
  const surplus = result.equityWad * WAD - level * result.maintenanceWad;
  const slopes = slopesAt(input, level);
  const slack = roundingSlack(input, level);
  // Above the level: keep S ≥ 0 against adverse moves. Below it: keep S < 0
  // against favourable ones.
  const above = surplus >= 0n;
  const room = above ? surplus - 2n * slack : -surplus - 2n * slack - 1n;
  let weight = 0n; // Σ |K_o| · P_o
  for (const [o, k] of slopes) weight += abs(k) * prices.get(o)!;
  if (weight === 0n) return;
  for (const [o, k] of slopes) {
    if (k === 0n) continue;
    const p = prices.get(o)!;
    // The price move this oracle may make [wad], rounded down; none when
    // rounding already eats the room.
    const move = room <= 0n ? 0n : (room * WAD * WAD * p) / weight;
    // Which side brings the surplus towards the level: down for a positive
    // slope when above the level, up when below it, and the reverse for a
    // negative slope.
    const guardBelow = k > 0n === above;
    const b = boxes.get(o)!;
    if (guardBelow) {
      const below = p - move > NO_BELOW ? p - move : NO_BELOW;
      if (below > b.belowWad) b.belowWad = below;
    } else {
      const cap = p + move;
      if (cap < b.aboveWad) b.aboveWad = cap;
    }
  }
}

// dS_L/dP_o × W² for every oracle of the account (standard margin):
// collateral amount·haircut·W, position size·W² − L·|size|·fraction.
function slopesAt(input: WatchInput, level: bigint): Linear {
  const out: Linear = new Map();
  const add = (o: string, k: bigint) =>
    out.set(o.toLowerCase(), (out.get(o.toLowerCase()) ?? 0n) + k);
  for (const c of input.collaterals) {
    if (c.amount === 0n) continue;
    add(c.oracle, toWad(c.amount, c.decimals) * c.haircutWad * WAD);
  }
  for (const p of input.positions) {
    if (p.sizeWad === 0n) continue;
    add(
      p.oracle,
      p.sizeWad * WAD * WAD - level * abs(p.sizeWad) * p.maintenanceFractionWad,
    );
  }
  return out;
}

// The most the exact surplus (integer rounding in every term) can differ from
// the linear one, at any prices [S units: W × wad]: each collateral value
// floors twice, each PnL floors once, each requirement rounds up twice.
function roundingSlack(input: WatchInput, level: bigint): bigint {
  const collaterals = BigInt(
    input.collaterals.filter((c) => c.amount !== 0n).length,
  );
  const positions = BigInt(
    input.positions.filter((p) => p.sizeWad !== 0n).length,
  );
  return WAD * (2n * collaterals + positions) + 2n * level * positions + 1n;
}

/** Whether a push of `priceWad` falls outside the line box (the account must be recomputed at once). */
export function wakes(bound: WatchBound, priceWad: bigint): boolean {
  return priceWad < bound.belowWad || priceWad > bound.aboveWad;
}

/** Whether `priceWad` falls outside the band box (the account's band may be stale). */
export function leavesBand(bound: WatchBound, priceWad: bigint): boolean {
  return priceWad < bound.bandBelowWad || priceWad > bound.bandAboveWad;
}
