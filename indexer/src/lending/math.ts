// Lending-market math mirroring LendingMarket.sol: the borrow index projected
// to a time, debts rounded up to whole quote units, and the engine's margin
// mapping, literally as ILiquidatable documents it (equity = Σ value ×
// liquidation LTV − debt, maintenance = 0: no positions), with the health
// factor Σ value × liquidation LTV ÷ debt that orders accounts at risk. Pure:
// no Ponder imports, so the unit tests run it directly.
import { MAX_UINT256, mulWadDown, mulWadUp, toWad, WAD } from "../health.ts";

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
  liquidationLimitWad: bigint; // Σ value × liquidation LTV, each term rounded down
  equityWad: bigint; // liquidation limit − debt: the engine's equity
  maintenanceWad: bigint; // always 0: the engine's maintenance
  healthFactorWad: bigint; // liquidation limit ÷ debt, rounded down; MAX_UINT256 without debt
  liquidatable: boolean;
  pricesUsable: boolean;
};

/** Σ value × liquidation LTV ÷ debt, rounded down [wad] (LendingMarket.healthFactorOf). */
export function healthFactorWad(limitWad: bigint, debtWad: bigint): bigint {
  return debtWad === 0n ? MAX_UINT256 : (limitWad * WAD) / debtWad;
}

/** The account as the engine sees it (LendingMarket.marginState) and its health factor. */
export function lendingHealth(
  scaledDebtWad: bigint,
  indexWad: bigint,
  collaterals: LendingCollateralInput[],
): LendingHealth {
  let value = 0n;
  let limit = 0n;
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
  }
  const debt = debtWad(scaledDebtWad, indexWad);
  const equity = limit - debt;
  return {
    debtWad: debt,
    collateralValueWad: value,
    liquidationLimitWad: limit,
    equityWad: equity,
    maintenanceWad: 0n,
    healthFactorWad: healthFactorWad(limit, debt),
    liquidatable: pricesUsable && equity < 0n,
    pricesUsable,
  };
}
