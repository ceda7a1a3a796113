// Every layer of the solvency waterfall as one state, folded from events: the
// insurance fund, the waterfall's revenue and bonds, the liquidity vault's
// deficit receivable, and the waterfall's totals for that vault. One fold per
// event; the state at the end of a block is that block's snapshot. Pure: no
// Ponder imports, so the unit tests run it directly. Amounts are quote token
// units (USDC, 6 decimals); shares have the quote's decimals.
import {
  pendingForFund,
  type RoutingSeries,
  routableRevenue,
  seriesSettled,
  sharePriceWad,
} from "./math.ts";

export type SolvencyState = {
  // The insurance fund.
  fundAssets: bigint; // its quote balance (WaterfallLayers.fundAssets)
  fundTotalAssets: bigint; // ERC4626 totalAssets: the balance + pendingForFund (derived)
  fundTotalShares: bigint;
  fundSharePriceWad: bigint; // assets per share (derived, see ./math.ts)
  fundEscrowedShares: bigint; // held by the fund for pending withdrawal requests
  fundPendingRequests: number;
  fundFloorAssets: bigint;
  // The waterfall's revenue and bonds.
  waterfallBalance: bigint; // quote it holds: pending revenue + heldForHolders
  pendingRevenue: bigint; // received and not routed (derived)
  pendingForFund: bigint; // what route() would send the fund now: of the revenue beyond the reserve (derived)
  heldForHolders: bigint; // routed to bonds, not yet redeemed
  outstandingFace: bigint; // bonds sold and not repaid, all series
  seriesCount: bigint;
  firstLiveSeries: bigint; // every series below it is closed and repaid (derived)
  revenueReceived: bigint; // Σ quote transferred to the waterfall (penalty shares, fee share)
  revenueToBonds: bigint; // Σ RevenueRouted.toBonds
  revenueToFund: bigint; // Σ RevenueRouted.toFund
  // Keeper rewards (SolvencyWaterfall.cover): paid from pending revenue first,
  // then by the fund; route() spends only the revenue beyond the reserve.
  rewardReserve: bigint; // rewardReserveUnits (RewardReserveSet)
  rewardsFromRevenue: bigint; // Σ RewardPaid.fromRevenue
  rewardsFromFund: bigint; // Σ RewardPaid.fromFund
  // The liquidity vault's deficit still on sale as bonds.
  vaultDeficitReceivable: bigint;
  // SolvencyWaterfall.totals(vault) for the same vault.
  recognized: bigint;
  coveredByFund: bigint;
  raisedByBonds: bigint;
  socialized: bigint;
};

// Before the deployment: nothing anywhere, a share worth one unit.
export const INITIAL_STATE: SolvencyState = {
  fundAssets: 0n,
  fundTotalAssets: 0n,
  fundTotalShares: 0n,
  fundSharePriceWad: sharePriceWad(0n, 0n),
  fundEscrowedShares: 0n,
  fundPendingRequests: 0,
  fundFloorAssets: 0n,
  waterfallBalance: 0n,
  pendingRevenue: 0n,
  pendingForFund: 0n,
  heldForHolders: 0n,
  outstandingFace: 0n,
  seriesCount: 0n,
  firstLiveSeries: 0n,
  revenueReceived: 0n,
  revenueToBonds: 0n,
  revenueToFund: 0n,
  rewardReserve: 0n,
  rewardsFromRevenue: 0n,
  rewardsFromFund: 0n,
  vaultDeficitReceivable: 0n,
  recognized: 0n,
  coveredByFund: 0n,
  raisedByBonds: 0n,
  socialized: 0n,
};

// What one event does to the state. Events about another vault than the
// indexed one change only the global layers (bonds), never the vault totals:
// the handlers leave their vault changes out.
export type SolvencyChange =
  // quote transferred to the fund (stakes, routed revenue, top-ups) or to the
  // waterfall (revenue)
  | { kind: "quoteIn"; to: "fund" | "waterfall"; amount: bigint }
  | { kind: "covered"; balanceAfter: bigint } // InsuranceFund.Covered
  | { kind: "stakeWithdrawn"; assets: bigint } // InsuranceFund.Withdraw
  | { kind: "sharesMinted"; shares: bigint }
  | { kind: "sharesBurned"; shares: bigint }
  | { kind: "sharesEscrowed"; shares: bigint }
  | { kind: "sharesReleased"; shares: bigint }
  | { kind: "requestOpened" }
  | { kind: "requestClosed" }
  | { kind: "floorSet"; floorAssets: bigint }
  | { kind: "revenueRouted"; toBonds: bigint; toFund: bigint }
  | { kind: "rewardReserveSet"; units: bigint }
  | { kind: "rewardPaid"; fromRevenue: bigint; fromFund: bigint }
  | { kind: "seriesIssued" }
  | { kind: "bondsBought"; face: bigint }
  | { kind: "raisedByBonds"; cost: bigint } // the indexed vault's series only
  | { kind: "redeemed"; amount: bigint }
  | { kind: "badDebtAbsorbed"; amount: bigint; coveredByFund: bigint }
  | { kind: "socialized"; amount: bigint }
  | { kind: "deficitUpdated"; deficitReceivable: bigint };

export function applyChange(
  s: SolvencyState,
  c: SolvencyChange,
): SolvencyState {
  switch (c.kind) {
    case "quoteIn":
      return c.to === "fund"
        ? { ...s, fundAssets: s.fundAssets + c.amount }
        : {
            ...s,
            waterfallBalance: s.waterfallBalance + c.amount,
            revenueReceived: s.revenueReceived + c.amount,
          };
    case "covered":
      return { ...s, fundAssets: c.balanceAfter };
    case "stakeWithdrawn":
      return { ...s, fundAssets: s.fundAssets - c.assets };
    case "sharesMinted":
      return { ...s, fundTotalShares: s.fundTotalShares + c.shares };
    case "sharesBurned":
      return { ...s, fundTotalShares: s.fundTotalShares - c.shares };
    case "sharesEscrowed":
      return { ...s, fundEscrowedShares: s.fundEscrowedShares + c.shares };
    case "sharesReleased":
      return { ...s, fundEscrowedShares: s.fundEscrowedShares - c.shares };
    case "requestOpened":
      return { ...s, fundPendingRequests: s.fundPendingRequests + 1 };
    case "requestClosed":
      return { ...s, fundPendingRequests: s.fundPendingRequests - 1 };
    case "floorSet":
      return { ...s, fundFloorAssets: c.floorAssets };
    // The fund's side of the routed revenue is its quoteIn transfer.
    case "revenueRouted":
      return {
        ...s,
        waterfallBalance: s.waterfallBalance - c.toFund,
        heldForHolders: s.heldForHolders + c.toBonds,
        outstandingFace: s.outstandingFace - c.toBonds,
        revenueToBonds: s.revenueToBonds + c.toBonds,
        revenueToFund: s.revenueToFund + c.toFund,
      };
    case "rewardReserveSet":
      return { ...s, rewardReserve: c.units };
    // The fund's part is its Covered event (the balance after it).
    case "rewardPaid":
      return {
        ...s,
        waterfallBalance: s.waterfallBalance - c.fromRevenue,
        rewardsFromRevenue: s.rewardsFromRevenue + c.fromRevenue,
        rewardsFromFund: s.rewardsFromFund + c.fromFund,
      };
    case "seriesIssued":
      return { ...s, seriesCount: s.seriesCount + 1n };
    case "bondsBought":
      return { ...s, outstandingFace: s.outstandingFace + c.face };
    case "raisedByBonds":
      return { ...s, raisedByBonds: s.raisedByBonds + c.cost };
    case "redeemed":
      return {
        ...s,
        waterfallBalance: s.waterfallBalance - c.amount,
        heldForHolders: s.heldForHolders - c.amount,
      };
    case "badDebtAbsorbed":
      return {
        ...s,
        recognized: s.recognized + c.amount,
        coveredByFund: s.coveredByFund + c.coveredByFund,
      };
    case "socialized":
      return { ...s, socialized: s.socialized + c.amount };
    case "deficitUpdated":
      return { ...s, vaultDeficitReceivable: c.deficitReceivable };
  }
}

const ZERO = "0x0000000000000000000000000000000000000000";

// A transfer of fund shares: minted from zero, burned to zero, escrowed to the
// fund itself (a withdrawal request), released from it (a cancel, or the burn
// of a withdrawal).
export function shareTransferChanges(
  from: string,
  to: string,
  shares: bigint,
  fund: string,
): SolvencyChange[] {
  const is = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  const changes: SolvencyChange[] = [];
  if (is(from, ZERO)) changes.push({ kind: "sharesMinted", shares });
  if (is(from, fund)) changes.push({ kind: "sharesReleased", shares });
  if (is(to, fund)) changes.push({ kind: "sharesEscrowed", shares });
  if (is(to, ZERO)) changes.push({ kind: "sharesBurned", shares });
  return changes;
}

// The series from `first` on (in id order) without their settled prefix, and
// the id of the first one left.
export function dropSettledPrefix<T extends RoutingSeries>(
  first: bigint,
  series: readonly T[],
): { first: bigint; live: T[] } {
  let skip = 0;
  while (skip < series.length && seriesSettled(series[skip]!)) skip++;
  return { first: first + BigInt(skip), live: series.slice(skip) };
}

// The derived fields, given the series from the first unsettled one on.
export function withDerived(
  s: SolvencyState,
  firstLiveSeries: bigint,
  liveSeries: readonly RoutingSeries[],
): SolvencyState {
  const pendingRevenue = s.waterfallBalance - s.heldForHolders;
  const pending = pendingForFund(
    routableRevenue(pendingRevenue, s.rewardReserve),
    liveSeries,
  );
  const fundTotalAssets = s.fundAssets + pending;
  return {
    ...s,
    pendingRevenue,
    pendingForFund: pending,
    firstLiveSeries,
    fundTotalAssets,
    fundSharePriceWad: sharePriceWad(fundTotalAssets, s.fundTotalShares),
  };
}

const FUND_FIELDS = [
  "fundAssets",
  "fundTotalAssets",
  "fundTotalShares",
  "fundSharePriceWad",
  "fundEscrowedShares",
  "fundPendingRequests",
  "fundFloorAssets",
] as const;

export type FundState = Pick<SolvencyState, (typeof FUND_FIELDS)[number]>;

export const fundState = (s: SolvencyState): FundState =>
  Object.fromEntries(FUND_FIELDS.map((f) => [f, s[f]])) as FundState;

export const fundChanged = (a: SolvencyState, b: SolvencyState) =>
  FUND_FIELDS.some((f) => a[f] !== b[f]);
