// Margin math mirroring IMarginProtocol.health(): same formulas, same rounding
// directions. Pure: no Ponder imports, so the unit tests run it directly.
import {
  type BookEntry,
  type PortfolioConfig,
  portfolioRequirements,
  signedNotionalWad,
} from "./portfolio.ts";

export const WAD = 10n ** 18n;
export const MAX_UINT256 = 2n ** 256n - 1n;
export const BPS_WAD = 10n ** 14n; // one basis point [wad]

// a × b / 1e18, rounded down (a, b ≥ 0).
export function mulWadDown(a: bigint, b: bigint): bigint {
  return (a * b) / WAD;
}

// a × b / 1e18, rounded up (a, b ≥ 0), as solmate's mulDivUp.
export function mulWadUp(a: bigint, b: bigint): bigint {
  const product = a * b;
  return product === 0n ? 0n : (product - 1n) / WAD + 1n;
}

// a / d rounded toward −∞ (d > 0); BigInt division truncates toward zero.
export function floorDiv(a: bigint, d: bigint): bigint {
  const q = a / d;
  return a < 0n && q * d !== a ? q - 1n : q;
}

export function abs(a: bigint): bigint {
  return a < 0n ? -a : a;
}

// Token units → wad. Assumes decimals ≤ 18, which the protocol enforces at
// listing.
export function toWad(amount: bigint, decimals: number): bigint {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 18) {
    throw new RangeError(`collateral decimals ${decimals} outside [0, 18]`);
  }
  return amount * 10n ** BigInt(18 - decimals);
}

// A price is usable only when the raw pushed answer is positive
// (PushPriceFeed.read returns 0 otherwise). Staleness, floor and cap are not
// modelled here: the contract judges them at call time.
export function usablePrice(answerWad: bigint | undefined): bigint | undefined {
  return answerWad !== undefined && answerWad > 0n ? answerWad : undefined;
}

export type PositionInput = {
  marketId?: bigint; // needed in portfolio mode
  sizeWad: bigint; // signed base units [wad]
  openNotionalWad: bigint; // signed quote paid [wad]
  priceWad: bigint | undefined; // raw oracle answer [wad]; undefined when never pushed
  maintenanceFractionWad: bigint;
  initialFractionWad: bigint;
};

export type CollateralInput = {
  collateralId?: bigint; // needed in portfolio mode
  amount: bigint; // [token units]
  decimals: number;
  priceWad: bigint | undefined; // raw oracle answer [wad per whole token]
  haircutWad: bigint;
};

export type HealthInput = {
  quoteBalanceWad: bigint;
  positions: readonly PositionInput[];
  collaterals: readonly CollateralInput[];
  // Set for an account that opted in to portfolio margin while the module is
  // in force: the requirements are then the module's (./portfolio.ts).
  portfolio?: PortfolioConfig;
};

export type HealthResult = {
  equityWad: bigint;
  initialWad: bigint;
  maintenanceWad: bigint;
  healthWad: bigint;
  liquidatable: boolean;
  // False when a needed price is missing or ≤ 0.
  pricesUsable: boolean;
};

// Haircut value of one collateral balance, rounded down [wad].
export function collateralValueWad(
  c: CollateralInput,
  priceWad: bigint,
): bigint {
  return mulWadDown(
    mulWadDown(toWad(c.amount, c.decimals), priceWad),
    c.haircutWad,
  );
}

// Unrealized PnL of one position, floored toward −∞ [wad].
export function unrealizedPnlWad(p: PositionInput, priceWad: bigint): bigint {
  return floorDiv(p.sizeWad * priceWad, WAD) - p.openNotionalWad;
}

// Requirement of one position for a fraction (maintenance or initial), rounded
// up [wad].
export function requirementWad(
  sizeWad: bigint,
  priceWad: bigint,
  fractionWad: bigint,
): bigint {
  return mulWadUp(mulWadUp(abs(sizeWad), priceWad), fractionWad);
}

// equity / maintenance [wad], rounded down; 0 when equity ≤ 0; max uint256 with
// no requirement.
export function healthWad(equityWad: bigint, maintenanceWad: bigint): bigint {
  if (equityWad <= 0n) return 0n;
  if (maintenanceWad === 0n) return MAX_UINT256;
  return (equityWad * WAD) / maintenanceWad;
}

// The account's margin state. Zero sizes and zero balances are skipped (the
// protocol iterates only open markets and held collateral). When a needed price
// is unusable the contract's health() reverts and nothing can be liquidated, so
// we keep the row but skip that term (best effort), set pricesUsable = false
// and liquidatable = false.
export function computeHealth(input: HealthInput): HealthResult {
  let equityWad = input.quoteBalanceWad;
  let initialWad = 0n;
  let maintenanceWad = 0n;
  let pricesUsable = true;
  const book: BookEntry[] = [];

  for (const c of input.collaterals) {
    if (c.amount === 0n) continue;
    const price = usablePrice(c.priceWad);
    if (price === undefined) {
      pricesUsable = false;
      continue;
    }
    const valueWad = collateralValueWad(c, price);
    equityWad += valueWad;
    book.push({ kind: "collateral", id: c.collateralId ?? -1n, valueWad });
  }

  for (const p of input.positions) {
    if (p.sizeWad === 0n) continue;
    const price = usablePrice(p.priceWad);
    if (price === undefined) {
      pricesUsable = false;
      continue;
    }
    equityWad += unrealizedPnlWad(p, price);
    const standardWad = requirementWad(
      p.sizeWad,
      price,
      p.maintenanceFractionWad,
    );
    maintenanceWad += standardWad;
    initialWad += requirementWad(p.sizeWad, price, p.initialFractionWad);
    book.push({
      kind: "market",
      id: p.marketId ?? -1n,
      notionalWad: signedNotionalWad(p.sizeWad, price),
      standardWad,
    });
  }

  if (input.portfolio !== undefined) {
    ({ maintenanceWad, initialWad } = portfolioRequirements(
      book,
      input.portfolio,
    ));
  }

  return {
    equityWad,
    initialWad,
    maintenanceWad,
    healthWad: healthWad(equityWad, maintenanceWad),
    liquidatable: pricesUsable && equityWad < maintenanceWad,
    pricesUsable,
  };
}
