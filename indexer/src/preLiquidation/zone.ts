// Which accounts are in the pre-liquidation zone (src/PreLiquidation.sol):
// 1 ≤ health < the market's top of the zone, in a market that is enabled and
// that the account has not opted out of (an opt-out counts only while the
// market allows it). Pure, unit-tested.
import { WAD } from "../health.ts";

/** A market's pre-liquidation parameters as indexed; preHealthWad 0: disabled. */
export type ZoneParams = { preHealthWad: bigint; optOutAllowed: boolean };

export type Zone = {
  /** The highest top of the zone among the markets where the account can be pre-liquidated; null when none. */
  preHealthWad: bigint | null;
  /** 1 ≤ health < preHealthWad: a keeper may pre-liquidate it now. */
  inZone: boolean;
  /** The account's markets in which it is in the zone, ascending. */
  preLiquidationMarketIds: bigint[];
};

export function preLiquidationZone(
  healthWad: bigint,
  marketIds: readonly bigint[],
  params: ReadonlyMap<bigint, ZoneParams>,
  optedOut: ReadonlySet<bigint>,
): Zone {
  let preHealthWad: bigint | null = null;
  const inZoneMarkets: bigint[] = [];
  for (const id of [...marketIds].sort((a, b) =>
    a < b ? -1 : a > b ? 1 : 0,
  )) {
    const p = params.get(id);
    if (p === undefined || p.preHealthWad === 0n) continue;
    if (p.optOutAllowed && optedOut.has(id)) continue;
    if (preHealthWad === null || p.preHealthWad > preHealthWad)
      preHealthWad = p.preHealthWad;
    if (healthWad >= WAD && healthWad < p.preHealthWad) inZoneMarkets.push(id);
  }
  return {
    preHealthWad,
    inZone: inZoneMarkets.length > 0,
    preLiquidationMarketIds: inZoneMarkets,
  };
}
