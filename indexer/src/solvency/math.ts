// The insurance fund's share price and the revenue the waterfall holds for it,
// computed from indexed state exactly as the contracts compute them. Pure: no
// Ponder imports, so the unit tests run it directly. Amounts are quote token
// units (USDC, 6 decimals); shares have the quote's decimals.
import { WAD } from "../health.ts";

// A bond series as far as revenue routing is concerned [quote units].
export type RoutingSeries = {
  closed: boolean;
  faceSold: bigint;
  repaid: bigint;
};

// A series revenue has nothing more to do with: its sale is over and every
// bond sold is repaid. Series before the first unsettled one never change the
// routing again.
export const seriesSettled = (s: RoutingSeries) =>
  s.closed && s.repaid === s.faceSold;

// SolvencyWaterfall._routable: of the revenue the waterfall holds and has not
// routed, what route() may spend: what lies beyond the reward reserve (kept
// back to pay keeper rewards).
export const routableRevenue = (revenue: bigint, reserve: bigint) =>
  revenue > reserve ? revenue - reserve : 0n;

// SolvencyWaterfall.pendingForFund: of the routable revenue (`revenue`, see
// routableRevenue), what the fund would receive on `route()` now. The
// closed series in issue order are owed first; a series still on sale holds
// everything back. `series` are the series from the oldest unsettled one on,
// in id order (settled series in between owe nothing and change nothing).
export function pendingForFund(
  revenue: bigint,
  series: readonly RoutingSeries[],
): bigint {
  let rest = revenue;
  for (const s of series) {
    if (rest === 0n) return 0n;
    if (!s.closed) return 0n;
    const owed = s.faceSold - s.repaid;
    if (rest <= owed) return 0n;
    rest -= owed;
  }
  return rest;
}

// The fund's virtual stake (src/libraries/VirtualShares.sol): one whole quote
// token of assets and as many shares, owned by no one [quote units].
export const FUND_VIRTUAL_UNITS = 10n ** 6n;

// Assets per share as a wad (shares and assets have the same decimals, so the
// ratio has no unit): ERC4626 convertToAssets(1e18), rounded down, at the
// fund's exit price: the lower of the virtual price (totalAssets + V) ÷
// (supply + V) and the pro-rata totalAssets ÷ supply (the virtual price alone
// with no shares). The fund's totalAssets is its balance plus pendingForFund
// (never the reward reserve).
export function sharePriceWad(
  totalAssets: bigint,
  totalShares: bigint,
): bigint {
  const atVirtual =
    (WAD * (totalAssets + FUND_VIRTUAL_UNITS)) /
    (totalShares + FUND_VIRTUAL_UNITS);
  if (totalShares === 0n) return atVirtual;
  const proRata = (WAD * totalAssets) / totalShares;
  return atVirtual < proRata ? atVirtual : proRata;
}
