// Lending-market math mirroring LendingMarket.sol: the borrow index projected
// to a time, debts rounded up to whole quote units, and the engine's margin
// mapping (equity = value − debt, maintenance = Σ value × (1 − liquidation
// LTV)). Pure: no Ponder imports, so the unit tests run it directly.
import { healthWad, mulWadDown, mulWadUp, toWad, WAD } from "../health.ts";

/** One quote unit (USDC, 6 decimals) in wad. */
export const QUOTE_UNIT_WAD = 10n ** 12n;

/** index × (1 + rate × elapsed), rounded up: what `accrue` would store. */
export function projectIndexWad(
  indexWad: bigint,
  ratePerSecondWad: bigint,
  accruedAt: bigint,
  now: bigint,
): bigint {
  const elapsed = now > accruedAt ? now - accruedAt : 0n;
  return elapsed === 0n
    ? indexWad
    : mulWadUp(indexWad, WAD + ratePerSecondWad * elapsed);
}

/** scaled × index, rounded up to whole quote units [wad]. */
export function debtWad(scaledDebtWad: bigint, indexWad: bigint): bigint {
  if (scaledDebtWad === 0n) return 0n;
  const raw = mulWadUp(scaledDebtWad, indexWad);
  const rem = raw % QUOTE_UNIT_WAD;
  return rem === 0n ? raw : raw + (QUOTE_UNIT_WAD - rem);
}

export type LendingCollateralInput = {
  amount: bigint; // [token units]
  decimals: number;
  liquidationLtvWad: bigint;
  priceWad: bigint | undefined; // undefined: no usable price
};

export type LendingHealth = {
  debtWad: bigint;
  collateralValueWad: bigint;
  liquidationLimitWad: bigint;
  equityWad: bigint;
  maintenanceWad: bigint;
  healthWad: bigint;
  liquidatable: boolean;
  pricesUsable: boolean;
};

/** The account as the engine sees it (LendingMarket.marginState). */
export function lendingHealth(
  scaledDebtWad: bigint,
  indexWad: bigint,
  collaterals: LendingCollateralInput[],
): LendingHealth {
  let value = 0n;
  let limit = 0n;
  let maintenance = 0n;
  let pricesUsable = true;
  for (const c of collaterals) {
    if (c.amount === 0n) continue;
    if (c.priceWad === undefined) {
      pricesUsable = false;
      continue;
    }
    const v = mulWadDown(toWad(c.amount, c.decimals), c.priceWad);
    value += v;
    limit += mulWadDown(v, c.liquidationLtvWad);
    maintenance += mulWadUp(v, WAD - c.liquidationLtvWad);
  }
  const debt = debtWad(scaledDebtWad, indexWad);
  const equity = value - debt;
  return {
    debtWad: debt,
    collateralValueWad: value,
    liquidationLimitWad: limit,
    equityWad: equity,
    maintenanceWad: maintenance,
    healthWad: healthWad(equity, maintenance),
    liquidatable: pricesUsable && equity < maintenance,
    pricesUsable,
  };
}
