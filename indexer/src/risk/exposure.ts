// An account's distance to the maintenance line, as the price moves that
// cross it.
//
// Every term of the margin is linear in each asset's price p_k (docs/design.md,
// "Margin calculus"):
//   collateral value   amount × p_k × haircut
//   perp PnL           size × p_k − open notional
//   maintenance        |size| × p_k × maintenance fraction
// so the surplus S = equity − maintenance (liquidatable ⇔ S < 0) is
//   S(p) = S₀ + Σ_k c_k · (p_k − p_k⁰),
//   c_k = Σ amount × haircut + Σ (size − |size| × m)   over the account's
// collaterals and positions priced by oracle k [tokens: quote per unit of
// price]. x_k = c_k · p_k⁰ is the surplus gained per unit relative move of
// asset k [quote]: the account's exposure to it. With one asset the line is
// crossed at p* = p⁰ − S₀ / c (below p⁰ for a net long, c > 0; above for a net
// short, c < 0; unreachable when a long's p* ≤ 0).
//
// Floats: the model's output is a probability, and a double's 16 digits are
// far below its error. S₀ itself comes from computeHealth, so it matches the
// index's account_health row exactly (rounding directions included).
import {
  type CollateralInput,
  computeHealth,
  type PositionInput,
  WAD,
} from "../health.ts";

export type RiskPosition = PositionInput & { oracle: string };
export type RiskCollateral = CollateralInput & { oracle: string };
export type RiskInput = {
  quoteBalanceWad: bigint;
  positions: readonly RiskPosition[];
  collaterals: readonly RiskCollateral[];
};

export type Factor = {
  oracle: string; // lowercase
  priceWad: bigint; // the price S₀ was computed at
  price: number; // the same [quote per whole token]
  slope: number; // c_k = ∂S/∂p_k [whole tokens]
  exposure: number; // x_k = c_k · p_k [quote per unit relative move]
};

export type AccountRisk = {
  equityWad: bigint;
  maintenanceWad: bigint;
  surplus: number; // S₀ = equity − maintenance [quote]
  liquidatable: boolean;
  pricesUsable: boolean;
  factors: Factor[]; // one per oracle with a nonzero slope, by oracle
};

/** A wad as a double: the integer and fraction parts apart, so 2000.5e18 → 2000.5 exactly. */
export function wadToNumber(wad: bigint): number {
  return Number(wad / WAD) + Number(wad % WAD) / 1e18;
}
const toNumber = wadToNumber;

/** The account's surplus and its slope in each asset's price. */
export function accountRisk(input: RiskInput): AccountRisk {
  const health = computeHealth(input);
  const factors = new Map<string, Factor>();
  const add = (oracle: string, priceWad: bigint, slope: number) => {
    const key = oracle.toLowerCase();
    const price = toNumber(priceWad);
    const factor = factors.get(key);
    if (factor === undefined) {
      factors.set(key, { oracle: key, priceWad, price, slope, exposure: 0 });
    } else {
      factor.slope += slope;
    }
  };
  for (const c of input.collaterals) {
    if (c.amount === 0n || c.priceWad === undefined || c.priceWad <= 0n)
      continue;
    const tokens = Number(c.amount) / 10 ** c.decimals;
    add(c.oracle, c.priceWad, tokens * toNumber(c.haircutWad));
  }
  for (const p of input.positions) {
    if (p.sizeWad === 0n || p.priceWad === undefined || p.priceWad <= 0n)
      continue;
    const size = toNumber(p.sizeWad);
    add(
      p.oracle,
      p.priceWad,
      size - Math.abs(size) * toNumber(p.maintenanceFractionWad),
    );
  }
  const list = [...factors.values()]
    .filter((f) => f.slope !== 0)
    .map((f) => ({ ...f, exposure: f.slope * f.price }))
    .sort((a, b) => (a.oracle < b.oracle ? -1 : a.oracle > b.oracle ? 1 : 0));
  return {
    equityWad: health.equityWad,
    maintenanceWad: health.maintenanceWad,
    surplus: toNumber(health.equityWad - health.maintenanceWad),
    liquidatable: health.liquidatable,
    pricesUsable: health.pricesUsable,
    factors: list,
  };
}

/**
 * The price of `factor`'s asset at which the surplus reaches 0, all other
 * prices unchanged [quote per whole token]; null when no positive price gets
 * there (a long whose surplus exceeds its whole exposure).
 */
export function crossingPrice(surplus: number, factor: Factor): number | null {
  const price = factor.price - surplus / factor.slope;
  return price > 0 ? price : null;
}
