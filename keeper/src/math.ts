/** Fixed-point helpers for 18-decimal [wad] bigint math. Rounding direction is in the name. */
export const WAD = 10n ** 18n;

export function mulDivDown(x: bigint, y: bigint, denominator: bigint): bigint {
  return (x * y) / denominator;
}

export function mulDivUp(x: bigint, y: bigint, denominator: bigint): bigint {
  const product = x * y;
  return product === 0n ? 0n : (product - 1n) / denominator + 1n;
}

export function abs(x: bigint): bigint {
  return x < 0n ? -x : x;
}

export function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

/** Ids of the set bits of a bitmap (bit i = id i), lowest first. */
export function bitmapIds(mask: bigint): number[] {
  const ids: number[] = [];
  for (let id = 0; mask > 0n; id++, mask >>= 1n) if (mask & 1n) ids.push(id);
  return ids;
}

/** Formats a wad amount as a decimal string of whole units, e.g. 1.5e18 → "1.5". */
export function formatWad(amountWad: bigint): string {
  const negative = amountWad < 0n;
  const magnitude = negative ? -amountWad : amountWad;
  const whole = magnitude / WAD;
  const fraction = (magnitude % WAD)
    .toString()
    .padStart(18, "0")
    .replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`;
}

/**
 * Health = equity ÷ maintenance [wad], rounded down, as the protocols compute it (WadMath.healthWad): 0 when equity
 * is not positive, the uint256 maximum when nothing is required.
 */
export function healthWadDown(
  equityWad: bigint,
  maintenanceWad: bigint,
): bigint {
  if (equityWad <= 0n) return 0n;
  if (maintenanceWad === 0n) return 2n ** 256n - 1n;
  return mulDivDown(equityWad, WAD, maintenanceWad);
}
