/**
 * Pure math of the auction and backstop actions, all bigint, mirroring the contracts' rounding (WadMath, QuoteUnits)
 * so that the keeper can size a take, and estimate a kick's target, without a round trip per guess. Every result is
 * confirmed by a simulation before anything is sent.
 */
import { WAD, mulDivDown, mulDivUp, min } from "./math.ts";
import { collateralValueQuoteWad } from "./profit.ts";

/** x × y / 1e18 rounded up (WadMath.mulWadUp). */
export function mulWadUp(x: bigint, y: bigint): bigint {
  return mulDivUp(x, y, WAD);
}

/** x × y / 1e18 rounded down (WadMath.mulWadDown). */
export function mulWadDown(x: bigint, y: bigint): bigint {
  return mulDivDown(x, y, WAD);
}

/** x × 1e18 / y rounded down (WadMath.divWadDown). */
export function divWadDown(x: bigint, y: bigint): bigint {
  return mulDivDown(x, WAD, y);
}

/** Down to a whole multiple of `unit` (QuoteUnits.roundDown). */
export function roundDown(amountWad: bigint, unit: bigint): bigint {
  return amountWad - (amountWad % unit);
}

/** Up to a whole multiple of `unit` (QuoteUnits.roundUp). */
export function roundUp(amountWad: bigint, unit: bigint): bigint {
  const remainder = amountWad % unit;
  return remainder === 0n ? amountWad : amountWad + unit - remainder;
}

/*//////////////////////////////////////////////////////////////
                                 KICK
//////////////////////////////////////////////////////////////*/

/**
 * The target a kick would start, as `AuctionHouse._kickLot` computes it: debt + penalty (rounded up to whole quote
 * units), or the room left under the caps when that is smaller (a partial kick). Null when the room cannot hold a
 * kick at all (`NoRoom`: less than the dust minimum, or nothing).
 */
export function kickTargetWad(args: {
  debtWad: bigint;
  penaltyWad: bigint;
  roomWad: bigint;
  dustWad: bigint;
  quoteUnitWad: bigint;
}): { targetWad: bigint; penaltyWad: bigint; partial: boolean } | null {
  const penalty = roundUp(
    mulWadUp(args.debtWad, args.penaltyWad),
    args.quoteUnitWad,
  );
  const fullTargetWad = args.debtWad + penalty;
  const roomWad = roundDown(args.roomWad, args.quoteUnitWad);
  if (roomWad >= fullTargetWad)
    return { targetWad: fullTargetWad, penaltyWad: penalty, partial: false };
  if (roomWad < args.dustWad || roomWad === 0n) return null;
  // The penalty scaled to the room, rounded down to whole units, as the contract scales it.
  const scaled = roundDown(
    (penalty * roomWad) / fullTargetWad,
    args.quoteUnitWad,
  );
  return { targetWad: roomWad, penaltyWad: scaled, partial: true };
}

/**
 * What is at stake in a lot, as `AuctionHouse` values it for its keeper rewards: the lesser of the target and the lot's
 * value at the oracle price [wad, rounded down]. A kick's lot is at most the whole balance, so `amount` may be the
 * balance before a kick.
 */
export function auctionValueAtStakeWad(args: {
  targetWad: bigint;
  amount: bigint;
  decimals: number;
  oraclePriceWad: bigint;
}): bigint {
  return min(
    args.targetWad,
    collateralValueQuoteWad(args.amount, args.oraclePriceWad, args.decimals),
  );
}

/*//////////////////////////////////////////////////////////////
                                 TAKE
//////////////////////////////////////////////////////////////*/

/** The live part of an auction a take works on. */
export type TakeAuction = {
  lot: bigint;
  targetWad: bigint;
  priceWad: bigint;
  decimals: number;
  dustWad: bigint;
  quoteUnitWad: bigint;
};

export type Slice =
  | { ok: true; amount: bigint; paidWad: bigint }
  | { ok: false; errorName: "ZeroTake" | "LotDust" };

/**
 * What a take of up to `maxAmount` buys and pays at `priceWad`, as `AuctionHouse._slice` decides it: the whole
 * target if the amount is worth more (the buyer gets the collateral that target buys, rounded down); otherwise never
 * leaving less than the dust minimum of target unraised while collateral remains, nor a lot worth less than it.
 */
export function auctionSlice(a: TakeAuction, maxAmount: bigint): Slice {
  const unitWad = 10n ** BigInt(18 - a.decimals);
  let amount = min(a.lot, maxAmount);
  let paidWad = roundUp(mulWadUp(amount * unitWad, a.priceWad), a.quoteUnitWad);
  if (paidWad >= a.targetWad) {
    paidWad = a.targetWad;
    amount = min(a.lot, divWadDown(paidWad, a.priceWad) / unitWad);
  } else if (amount < a.lot && a.targetWad - paidWad < a.dustWad) {
    if (a.targetWad <= a.dustWad) return { ok: false, errorName: "ZeroTake" };
    paidWad = roundDown(a.targetWad - a.dustWad, a.quoteUnitWad);
    amount = divWadDown(paidWad, a.priceWad) / unitWad;
  }
  if (amount === 0n || paidWad === 0n)
    return { ok: false, errorName: "ZeroTake" };
  if (amount < a.lot && paidWad < a.targetWad) {
    const remainderValueWad = mulWadDown(
      (a.lot - amount) * unitWad,
      a.priceWad,
    );
    if (remainderValueWad < a.dustWad)
      return { ok: false, errorName: "LotDust" };
  }
  return { ok: true, amount, paidWad };
}

/** Fractions of the full take the keeper prices [bps]: the whole, and smaller slices for a shallow pool. */
export const TAKE_FRACTIONS_BPS = [10_000n, 7_500n, 5_000n, 2_500n, 1_000n];

export type TakeOption = {
  /** The `maxAmount` to pass to `take` [token units]. */
  maxAmount: bigint;
  /** What the take buys [token units] and owes [wad, whole quote units]. */
  amount: bigint;
  paidWad: bigint;
  /** What the pool pays for `amount` [wad, whole quote units]. */
  proceedsWad: bigint;
  /** proceeds − owed, before gas [wad]; negative when the pool pays less than the auction asks. */
  profitWad: bigint;
};

export type TakePlan = {
  /** The most profitable option, or null when no slice is allowed by the dust rules. */
  best: TakeOption | null;
  options: TakeOption[];
  /** Slices the auction house would refuse, by the error it would revert with. */
  refused: { maxAmount: bigint; errorName: string }[];
};

/**
 * Prices the whole take and a few smaller slices against the pool and picks the most profitable before gas (gas
 * hardly depends on the size). `quoteOut` is the pool's output for an amount of collateral [quote token units].
 */
export async function planTake(
  a: TakeAuction,
  quoteOut: (amount: bigint) => Promise<bigint>,
): Promise<TakePlan> {
  const options: TakeOption[] = [];
  const refused: TakePlan["refused"] = [];
  // A take of the whole lot may buy less than the lot (only what the target needs): slice that amount.
  const whole = auctionSlice(a, a.lot);
  const fullAmount = whole.ok ? whole.amount : a.lot;
  const seen = new Set<bigint>();
  for (const bps of TAKE_FRACTIONS_BPS) {
    const maxAmount = bps === 10_000n ? a.lot : (fullAmount * bps) / 10_000n;
    if (maxAmount === 0n) continue;
    const slice = auctionSlice(a, maxAmount);
    if (!slice.ok) {
      refused.push({ maxAmount, errorName: slice.errorName });
      continue;
    }
    if (seen.has(slice.amount)) continue;
    seen.add(slice.amount);
    const proceedsWad = (await quoteOut(slice.amount)) * a.quoteUnitWad;
    options.push({
      maxAmount,
      amount: slice.amount,
      paidWad: slice.paidWad,
      proceedsWad,
      profitWad: proceedsWad - slice.paidWad,
    });
  }
  let best: TakeOption | null = null;
  for (const option of options) {
    if (best === null || option.profitWad > best.profitWad) best = option;
  }
  return { best, options, refused };
}

/** Price limit of a take: the price seen plus a tolerance [bps], rounded up; a Dutch auction's price only falls. */
export function takePriceLimitWad(
  priceWad: bigint,
  toleranceBps: bigint,
): bigint {
  return mulDivUp(priceWad, 10_000n + toleranceBps, 10_000n);
}

/**
 * The take callee's minimum profit [quote token units]: the gas cost plus ε, rounded up to whole units, so a pool
 * that moved between the decision and inclusion makes the take revert instead of losing money.
 */
export function takeMinProfitUnits(args: {
  gasCostQuoteWad: bigint;
  minProfitQuoteWad: bigint;
  quoteUnitWad: bigint;
}): bigint {
  return (
    roundUp(args.gasCostQuoteWad + args.minProfitQuoteWad, args.quoteUnitWad) /
    args.quoteUnitWad
  );
}

/*//////////////////////////////////////////////////////////////
                         RESET OR BACKSTOP
//////////////////////////////////////////////////////////////*/

/** The auction's floor: oracle price × resetBelow, rounded up (below it no one may take; it must be reset). */
export function floorPriceWad(
  oraclePriceWad: bigint,
  resetBelowWad: bigint,
): bigint {
  return mulWadUp(oraclePriceWad, resetBelowWad);
}

/** The curve price as a fraction of the oracle price [wad], for the logs; null without an oracle price. */
export function priceToOracleWad(
  priceWad: bigint,
  oraclePriceWad: bigint,
): bigint | null {
  return oraclePriceWad === 0n ? null : divWadDown(priceWad, oraclePriceWad);
}
