import assert from "node:assert/strict";
import { test } from "node:test";
import {
  pendingForFund,
  routableRevenue,
  sharePriceWad,
} from "../src/solvency/math.ts";
import {
  issuedSeries,
  NO_SERIES,
  seriesAfter,
  type SeriesState,
  socializationCauseName,
} from "../src/solvency/series.ts";
import {
  applyChange,
  dropSettledPrefix,
  fundChanged,
  INITIAL_STATE,
  shareTransferChanges,
  type SolvencyChange,
  type SolvencyState,
  withDerived,
} from "../src/solvency/state.ts";

const WAD = 10n ** 18n;
const usdc = (x: number) => BigInt(x) * 1_000_000n;
const FUND = "0x00000000000000000000000000000000000000f0";
const STAKER = "0x00000000000000000000000000000000000000a1";
const ZERO = "0x0000000000000000000000000000000000000000";

test("pendingForFund follows SolvencyWaterfall.pendingForFund", () => {
  const closed = (faceSold: bigint, repaid: bigint) => ({
    closed: true,
    faceSold,
    repaid,
  });
  assert.equal(pendingForFund(usdc(5), []), usdc(5), "no bonds: all of it");
  assert.equal(
    pendingForFund(usdc(5), [{ closed: false, faceSold: 0n, repaid: 0n }]),
    0n,
    "a series on sale holds everything back",
  );
  assert.equal(
    pendingForFund(usdc(5), [closed(usdc(3), usdc(1))]),
    usdc(3),
    "owed 2, the rest to the fund",
  );
  assert.equal(pendingForFund(usdc(2), [closed(usdc(3), usdc(1))]), 0n);
  assert.equal(
    pendingForFund(usdc(10), [
      closed(usdc(3), 0n),
      closed(0n, 0n), // closed with nothing sold: owes nothing
      closed(usdc(4), 0n),
    ]),
    usdc(3),
  );
  assert.equal(
    pendingForFund(usdc(10), [
      closed(usdc(3), 0n),
      { closed: false, faceSold: usdc(1), repaid: 0n },
    ]),
    0n,
    "the second series is still on sale",
  );
  assert.equal(pendingForFund(0n, [closed(usdc(3), 0n)]), 0n);
});

test("routableRevenue keeps the reward reserve back, as SolvencyWaterfall._routable", () => {
  assert.equal(routableRevenue(usdc(5), 0n), usdc(5), "no reserve");
  assert.equal(routableRevenue(usdc(999), usdc(1_000)), 0n, "below it");
  assert.equal(routableRevenue(usdc(1_000), usdc(1_000)), 0n, "exactly it");
  assert.equal(routableRevenue(usdc(1_000) + 1n, usdc(1_000)), 1n);
  assert.equal(routableRevenue(0n, usdc(1_000)), 0n);
});

test("sharePriceWad is ERC4626 convertToAssets(1e18) at the exit price, rounded down", () => {
  assert.equal(sharePriceWad(0n, 0n), WAD, "no shares: 1:1");
  assert.equal(
    sharePriceWad(usdc(7), 0n),
    WAD * 8n,
    "no shares: the virtual price, (7 + 1) ÷ 1",
  );
  assert.equal(sharePriceWad(usdc(50_000), usdc(50_000)), WAD);
  // A gain: the virtual stake keeps its part, one USDC's worth in 50,001.
  assert.equal(
    sharePriceWad(usdc(51_000), usdc(50_000)),
    (WAD * usdc(51_001)) / usdc(50_001),
  );
  assert.ok(sharePriceWad(usdc(51_000), usdc(50_000)) < (WAD * 102n) / 100n);
  // A loss: the pro-rata price, so the virtual assets are never paid out.
  assert.equal(sharePriceWad(1n, 3n), 333_333_333_333_333_333n);
  assert.equal(sharePriceWad(0n, usdc(1)), 0n, "a drained fund");
});

test("share transfers: mint, burn, escrow, release", () => {
  const kinds = (from: string, to: string) =>
    shareTransferChanges(from, to, 5n, FUND).map((c) => c.kind);
  assert.deepEqual(kinds(ZERO, STAKER), ["sharesMinted"]);
  assert.deepEqual(kinds(STAKER, FUND.toUpperCase().replace("0X", "0x")), [
    "sharesEscrowed",
  ]);
  assert.deepEqual(kinds(FUND, STAKER), ["sharesReleased"]);
  // withdrawRequested burns the escrow from the fund's own balance
  assert.deepEqual(kinds(FUND, ZERO), ["sharesReleased", "sharesBurned"]);
  assert.deepEqual(kinds(STAKER, ZERO), ["sharesBurned"]);
  assert.deepEqual(
    kinds(STAKER, "0x00000000000000000000000000000000000000a2"),
    [],
  );
});

test("dropSettledPrefix skips closed, fully repaid series only", () => {
  const s = (closed: boolean, faceSold: bigint, repaid: bigint) => ({
    closed,
    faceSold,
    repaid,
  });
  const rows = [
    s(true, 5n, 5n),
    s(true, 0n, 0n),
    s(true, 5n, 4n),
    s(true, 1n, 1n),
  ];
  const { first, live } = dropSettledPrefix(3n, rows);
  assert.equal(first, 5n);
  assert.deepEqual(live, rows.slice(2));
  assert.deepEqual(dropSettledPrefix(0n, [s(false, 0n, 0n)]).first, 0n);
  assert.deepEqual(dropSettledPrefix(2n, []), { first: 2n, live: [] });
});

test("a series' state follows its events; totals in events win", () => {
  let s: SeriesState = issuedSeries(usdc(1_000));
  s = seriesAfter(s, { kind: "bought", cost: usdc(490), face: usdc(500) });
  s = seriesAfter(s, { kind: "bought", cost: usdc(85), face: usdc(100) });
  assert.equal(s.raised, usdc(575));
  assert.equal(s.faceSold, usdc(600));
  s = seriesAfter(s, {
    kind: "closed",
    raised: usdc(575),
    faceSold: usdc(600),
    unsold: usdc(425),
  });
  assert.ok(s.closed);
  assert.equal(s.unsold, usdc(425));
  s = seriesAfter(s, { kind: "repaid", repaidTotal: usdc(100) });
  s = seriesAfter(s, { kind: "repaid", repaidTotal: usdc(250) });
  assert.equal(s.repaid, usdc(250), "repaidTotal, not a sum");
  s = seriesAfter(s, { kind: "redeemed", amount: usdc(40) });
  s = seriesAfter(s, { kind: "redeemed", amount: usdc(10) });
  assert.equal(s.redeemed, usdc(50));
});

test("socialization causes by enum index", () => {
  assert.equal(socializationCauseName(0), "below-minimum-series");
  assert.equal(socializationCauseName(1), "bonds-unsold");
  assert.throws(
    () => socializationCauseName(2),
    /unknown SocializationCause 2/,
  );
  assert.equal(NO_SERIES, 2n ** 256n - 1n);
});

// The demo's waterfall, event by event as the contracts emit them: the owner's
// 50k stake leaves through the cooldown, a $1,000 bad debt finds $10 of
// revenue to cover with, a bond series takes the rest, half sells, the rest is
// socialized at the close, and revenue repays the bonds before the fund.
test("folding the waterfall's events keeps every layer and the identity", () => {
  const series: (SeriesState & { id: bigint })[] = [];
  let s: SolvencyState = INITIAL_STATE;
  const step = (...changes: SolvencyChange[]) => {
    const folded = changes.reduce(applyChange, s);
    const { first, live } = dropSettledPrefix(
      folded.firstLiveSeries,
      series.slice(Number(folded.firstLiveSeries)),
    );
    s = withDerived(folded, first, live);
  };
  const identity = () =>
    assert.equal(
      s.recognized,
      s.coveredByFund +
        s.raisedByBonds +
        s.socialized +
        s.vaultDeficitReceivable,
    );

  // stake: the quote transfer, then the mint
  step({ kind: "quoteIn", to: "fund", amount: usdc(50_000) });
  step(...shareTransferChanges(ZERO, STAKER, usdc(50_000), FUND));
  assert.equal(s.fundSharePriceWad, WAD);
  // request, then withdraw after the cooldown
  const before = s;
  step(...shareTransferChanges(STAKER, FUND, usdc(50_000), FUND), {
    kind: "requestOpened",
  });
  assert.ok(fundChanged(before, s));
  assert.equal(s.fundEscrowedShares, usdc(50_000));
  assert.equal(s.fundPendingRequests, 1);
  step(
    ...shareTransferChanges(FUND, ZERO, usdc(50_000), FUND),
    { kind: "stakeWithdrawn", assets: usdc(50_000) },
    { kind: "requestClosed" },
  );
  assert.deepEqual(
    [
      s.fundAssets,
      s.fundTotalShares,
      s.fundEscrowedShares,
      s.fundPendingRequests,
    ],
    [0n, 0n, 0n, 0],
  );

  // $10 of penalty revenue: pending for the fund, which has no shares
  step({ kind: "quoteIn", to: "waterfall", amount: usdc(10) });
  assert.equal(s.pendingRevenue, usdc(10));
  assert.equal(s.pendingForFund, usdc(10));
  assert.equal(s.fundTotalAssets, usdc(10));

  // absorbBadDebt($1,000): route → fund, cover $10, issue series 0 for $990
  step({ kind: "quoteIn", to: "fund", amount: usdc(10) });
  step({ kind: "revenueRouted", toBonds: 0n, toFund: usdc(10) });
  step({ kind: "covered", balanceAfter: 0n });
  series.push({ id: 0n, ...issuedSeries(usdc(990)) });
  step({ kind: "deficitUpdated", deficitReceivable: usdc(990) });
  step({ kind: "seriesIssued" });
  step({
    kind: "badDebtAbsorbed",
    amount: usdc(1_000),
    coveredByFund: usdc(10),
  });
  identity();
  assert.equal(s.waterfallBalance, 0n);
  assert.equal(s.seriesCount, 1n);

  // buy $490 at 0.98: 500 face
  series[0] = {
    ...series[0]!,
    ...seriesAfter(series[0]!, {
      kind: "bought",
      cost: usdc(490),
      face: usdc(500),
    }),
  };
  step(
    { kind: "bondsBought", face: usdc(500) },
    { kind: "raisedByBonds", cost: usdc(490) },
  );
  step({ kind: "deficitUpdated", deficitReceivable: usdc(500) });
  identity();
  assert.equal(s.outstandingFace, usdc(500));

  // revenue while the series is on sale waits
  step({ kind: "quoteIn", to: "waterfall", amount: usdc(600) });
  assert.equal(s.pendingForFund, 0n);
  assert.equal(s.fundTotalAssets, 0n);

  // close: $500 unsold socialized, then route repays the 500 face; $100 is the fund's
  series[0] = {
    ...series[0]!,
    ...seriesAfter(series[0]!, {
      kind: "closed",
      raised: usdc(490),
      faceSold: usdc(500),
      unsold: usdc(500),
    }),
  };
  step({ kind: "deficitUpdated", deficitReceivable: 0n });
  step({ kind: "socialized", amount: usdc(500) });
  identity();
  assert.equal(s.pendingForFund, usdc(100), "after the 500 owed");
  series[0] = {
    ...series[0]!,
    ...seriesAfter(series[0]!, { kind: "repaid", repaidTotal: usdc(500) }),
  };
  step({ kind: "quoteIn", to: "fund", amount: usdc(100) });
  step({ kind: "revenueRouted", toBonds: usdc(500), toFund: usdc(100) });
  assert.equal(s.outstandingFace, 0n);
  assert.equal(s.heldForHolders, usdc(500));
  assert.equal(s.waterfallBalance, usdc(500));
  assert.equal(s.pendingRevenue, 0n);
  assert.equal(s.firstLiveSeries, 1n, "series 0 settled");
  assert.equal(s.fundAssets, usdc(100));
  assert.equal(s.revenueReceived, usdc(610));
  assert.equal(s.revenueToBonds, usdc(500));
  assert.equal(s.revenueToFund, usdc(110));

  // a holder redeems
  step({ kind: "redeemed", amount: usdc(200) });
  assert.equal(s.heldForHolders, usdc(300));
  assert.equal(s.waterfallBalance, usdc(300));
  assert.deepEqual(
    [
      s.recognized,
      s.coveredByFund,
      s.raisedByBonds,
      s.socialized,
      s.vaultDeficitReceivable,
    ],
    [usdc(1_000), usdc(10), usdc(490), usdc(500), 0n],
  );
  identity();
});

// Keeper rewards and their reserve, event by event as SolvencyWaterfall.cover
// and route emit them: route() and pendingForFund spend only the revenue
// beyond the reserve; a reward takes pending revenue first (the reserve and
// revenue owed to bonds included), the fund pays the rest.
test("keeper rewards come from revenue, then the fund; route keeps the reserve", () => {
  let series: (SeriesState & { id: bigint })[] = [];
  let s: SolvencyState = INITIAL_STATE;
  const step = (...changes: SolvencyChange[]) => {
    const folded = changes.reduce(applyChange, s);
    const { first, live } = dropSettledPrefix(
      folded.firstLiveSeries,
      series.slice(Number(folded.firstLiveSeries)),
    );
    s = withDerived(folded, first, live);
  };
  // The demo deployment: a 50k stake, a $1,000 reserve.
  step({ kind: "quoteIn", to: "fund", amount: usdc(50_000) });
  step(...shareTransferChanges(ZERO, STAKER, usdc(50_000), FUND));
  step({ kind: "rewardReserveSet", units: usdc(1_000) });
  assert.equal(s.rewardReserve, usdc(1_000));

  // $600 of revenue: all of it kept back, none of it the fund's yet
  step({ kind: "quoteIn", to: "waterfall", amount: usdc(600) });
  assert.equal(s.pendingRevenue, usdc(600));
  assert.equal(s.pendingForFund, 0n);
  assert.equal(s.fundTotalAssets, usdc(50_000));
  assert.equal(s.fundSharePriceWad, WAD);

  // $700 more: $300 beyond the reserve counts in the fund's totalAssets
  step({ kind: "quoteIn", to: "waterfall", amount: usdc(700) });
  assert.equal(s.pendingForFund, usdc(300));
  assert.equal(s.fundTotalAssets, usdc(50_300));
  assert.equal(s.fundSharePriceWad, sharePriceWad(usdc(50_300), usdc(50_000)));

  // a $50 kick reward, all from revenue: the fund's pending share falls
  step({ kind: "rewardPaid", fromRevenue: usdc(50), fromFund: 0n });
  assert.equal(s.waterfallBalance, usdc(1_250));
  assert.equal(s.pendingRevenue, usdc(1_250));
  assert.equal(s.pendingForFund, usdc(250));
  assert.equal(s.fundAssets, usdc(50_000), "the fund paid nothing");
  assert.equal(s.rewardsFromRevenue, usdc(50));
  assert.equal(s.rewardsFromFund, 0n);

  // route(): the $250 beyond the reserve to the fund, the reserve stays
  step({ kind: "quoteIn", to: "fund", amount: usdc(250) });
  step({ kind: "revenueRouted", toBonds: 0n, toFund: usdc(250) });
  assert.equal(s.waterfallBalance, usdc(1_000));
  assert.equal(s.pendingRevenue, usdc(1_000));
  assert.equal(s.pendingForFund, 0n);
  assert.equal(s.fundTotalAssets, usdc(50_250));

  // a bad debt opens a series; it closes with $400 of face sold
  series = [{ id: 0n, ...issuedSeries(usdc(400)) }];
  step({ kind: "seriesIssued" });
  series[0] = {
    ...series[0]!,
    ...seriesAfter(series[0]!, {
      kind: "bought",
      cost: usdc(380),
      face: usdc(400),
    }),
  };
  step({ kind: "bondsBought", face: usdc(400) });
  series[0] = {
    ...series[0]!,
    ...seriesAfter(series[0]!, {
      kind: "closed",
      raised: usdc(380),
      faceSold: usdc(400),
      unsold: usdc(20),
    }),
  };
  step();
  // $1,300 of penalties: $300 beyond the reserve, all owed to the bonds
  step({ kind: "quoteIn", to: "waterfall", amount: usdc(300) });
  assert.equal(s.pendingRevenue, usdc(1_300));
  assert.equal(s.pendingForFund, 0n, "the bonds are owed 400");

  // a $1,400 reward: the $1,300 of pending revenue (reserve and the bonds'
  // part too), the fund the $100 rest (its Covered comes first)
  step({ kind: "covered", balanceAfter: usdc(50_150) });
  step({ kind: "rewardPaid", fromRevenue: usdc(1_300), fromFund: usdc(100) });
  assert.equal(s.waterfallBalance, 0n);
  assert.equal(s.pendingRevenue, 0n);
  assert.equal(s.fundAssets, usdc(50_150));
  assert.equal(s.fundTotalAssets, usdc(50_150));
  assert.equal(s.rewardsFromRevenue, usdc(1_350));
  assert.equal(s.rewardsFromFund, usdc(100));

  // the reserve refills before the bonds see revenue: $1,500 in, $500 routable,
  // $400 to the bonds, $100 to the fund
  step({ kind: "quoteIn", to: "waterfall", amount: usdc(1_500) });
  assert.equal(s.pendingForFund, usdc(100));
  series[0] = {
    ...series[0]!,
    ...seriesAfter(series[0]!, { kind: "repaid", repaidTotal: usdc(400) }),
  };
  step({ kind: "quoteIn", to: "fund", amount: usdc(100) });
  step({ kind: "revenueRouted", toBonds: usdc(400), toFund: usdc(100) });
  assert.equal(s.heldForHolders, usdc(400));
  assert.equal(s.waterfallBalance, usdc(1_400));
  assert.equal(s.pendingRevenue, usdc(1_000), "the reserve, kept back");
  assert.equal(s.pendingForFund, 0n);
  assert.equal(s.firstLiveSeries, 1n);

  // the revenue ledger: received = to bonds + to the fund + rewards + pending
  assert.equal(
    s.revenueReceived,
    s.revenueToBonds +
      s.revenueToFund +
      s.rewardsFromRevenue +
      s.pendingRevenue,
  );

  // the owner lowers the reserve: what lies beyond it is the fund's again
  step({ kind: "rewardReserveSet", units: usdc(900) });
  assert.equal(s.pendingForFund, usdc(100));
  assert.equal(s.fundTotalAssets, usdc(50_350));
});
