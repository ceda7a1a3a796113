/** The pattern benchmark's comparison: one table of the crash report's metrics, one column per pattern. */
import os from "node:os";
import path from "node:path";
import type { CrashRun } from "./crash.ts";
import { ROOT } from "./paths.ts";
import { QUOTE_UNIT_WAD } from "./waterfall.ts";
import {
  allExecution,
  executionRatio,
  pct,
  price,
  usd,
  type Report,
  type Spread,
} from "./report.ts";

const WAD = 10n ** 18n;
export const BENCHMARK_FILE = path.join(ROOT, "benchmarks", "patterns.md");

type Row = [label: string, value: (r: Report, run: CrashRun) => string];

const spread = (s: Spread) => `${s.median} / ${s.mean.toFixed(1)} / ${s.max}`;

/** The compared metrics, one row each; their meaning is spelled out under the table. */
const ROWS: Row[] = [
  [
    "accounts breached / liquidated / cleared",
    (r) =>
      `${r.accountsBreached} / ${r.accountsLiquidated} / ${r.accountsCleared}`,
  ],
  [
    "position closes / fixed-fee sales",
    (r) => `${r.liquidations} / ${r.collateralSales}`,
  ],
  ["kicks / takes / resets", (r) => `${r.kicks} / ${r.takes} / ${r.resets}`],
  [
    "backstop absorbs / floor buys",
    (r) => `${r.backstopAbsorbs} / ${r.backstopFloorBuys}`,
  ],
  [
    "blocks breach → first action (median / mean / max)",
    (r) => spread(r.blocksToLiquidation),
  ],
  [
    "blocks breach → cleared (median / mean / max)",
    (r) => spread(r.blocksToClear),
  ],
  [
    "collateral sold, at the oracle",
    (r) => usd(allExecution(r).oracleValueWad),
  ],
  [
    "execution price / oracle (value-weighted)",
    (r) => executionRatio(allExecution(r)),
  ],
  ["keeper profit", (r) => usd(r.keeper.profitWad)],
  [
    "  quote + bonds bought less redeemed + collateral − gas",
    (r) =>
      `${usd(r.keeper.quoteChangeWad)} + ${usd(r.keeper.bondsNetWad)} + ${usd(r.keeper.collateralValueWad)} − ${usd(r.keeper.gasCostWad)}`,
  ],
  [
    "protocol penalty income (to the solvency waterfall)",
    (r) => usd(r.insurancePenaltyShareWad + r.auctionPenaltyWad),
  ],
  [
    "  position penalty share + auction penalties",
    (r) => `${usd(r.insurancePenaltyShareWad)} + ${usd(r.auctionPenaltyWad)}`,
  ],
  [
    "auction keeper rewards (from revenue / by the fund)",
    (r) =>
      `${usd(r.auctionKeeperRewardsWad)} (${usd(r.waterfall.rewardsFromRevenue * QUOTE_UNIT_WAD)} / ${usd(r.waterfall.rewardsFromFund * QUOTE_UNIT_WAD)})`,
  ],
  [
    "insurance fund change",
    (r) => usd(r.insuranceEndWad - r.insuranceStartWad),
  ],
  [
    "backstop result (totalAssets end − start)",
    (r) => usd(r.backstop.resultWad),
  ],
  [
    "  bought / sold / keepers paid",
    (r) =>
      `${usd(r.backstop.boughtWad)} / ${usd(r.backstop.soldWad)} / ${usd(r.backstop.keeperRewardsWad)}`,
  ],
  [
    "bad debt recognized / covered / deficit",
    (r) => `${usd(r.badDebtWad)} / ${usd(r.coveredWad)} / ${usd(r.deficitWad)}`,
  ],
  [
    "insurance fund stake / revenue routed to it",
    (r, run) =>
      `${usd(run.insuranceStakeUsdc * WAD)} / ${usd(r.revenueToFundWad)}`,
  ],
  [
    "bond series / raised / repaid / socialized",
    (r) => {
      const w = r.waterfall;
      const units = (x: bigint) => usd(x * QUOTE_UNIT_WAD);
      return `${w.series.length} / ${units(w.raisedByBonds)} / ${units(w.routedToBonds)} / ${units(w.socialized)}`;
    },
  ],
  [
    "insurance fund share price before → after",
    (r) =>
      `${price(r.waterfall.fund.start.sharePriceWad)} → ${price(r.waterfall.fund.end.sharePriceWad)}`,
  ],
  ["waterfall imbalance", (r) => usd(r.waterfallImbalanceWad)],
  ["index matches chain", (r) => (r.indexMatchesChain ? "yes" : "NO")],
  ["crash wall time", (_, run) => `${run.crashSeconds.toFixed(0)} s`],
];

export function comparisonTable(runs: CrashRun[]): string {
  const header = `| metric | ${runs.map((r) => r.pattern).join(" | ")} |`;
  const rule = `|---|${runs.map(() => "---:").join("|")}|`;
  const body = ROWS.map(
    ([label, value]) =>
      `| ${label} | ${runs.map((run) => value(run.report, run)).join(" | ")} |`,
  );
  return [header, rule, ...body].join("\n");
}

const frac = (wad: bigint) => pct(wad, 0);

function parametersText(runs: CrashRun[]): string {
  const p = runs[0]!.parameters;
  const r = runs[0]!.report;
  const auctionStep =
    runs.find((x) => x.pattern === "dutch-auction")?.parameters
      .auctionStepSeconds ?? p.auctionStepSeconds;
  const factor = (bps: number) => (bps / 10_000).toFixed(2);
  return [
    `- Chain: anvil, 1 s blocks; the same 38-account book (among them a whale whose bad debt at the gap reaches the bonds where the fund is small, and a late BTC long whose penalties repay them) and 7-step crash (ETH −40%, BTC −25%, one −12% gap) in every run. After each price push the constant-product pools (0.3% fee; 1,000 WETH and 50 WBTC against $3M each at the start) are arbitraged to the oracle price in the same block.`,
    `- Positions (every pattern): closed at the oracle price to target health ${Number((p.targetHealthWad * 100n) / WAD) / 100}, penalty ${pct(p.penaltyWad, 1)} of the closed notional, ${frac(p.keeperShareWad)} of it to the keeper, the rest to the solvency waterfall (bondholders first, then the insurance fund).`,
    `- Insurance fund: ${runs.map((x) => `${usd(x.insuranceStakeUsdc * WAD)} staked under ${x.pattern}`).join(", ")} (the auction pattern keeps the deploy default). Bad debt beyond it opens a bond series sold from 0.98 down to 0.85 per unit of face over 60 s, then 30 s at the floor.`,
    `- fixed-fee: keepers buy collateral at the oracle price − ${pct(p.collateralDiscountWad, 0)}.`,
    `- dutch-auction: start at oracle × ${frac(p.auctionStartBufferWad)}, −${frac(WAD - p.auctionCutWad)} every ${auctionStep} s (\`AUCTION_STEP_SECONDS\`, 10 s outside the demo), floor ${frac(p.auctionFloorWad)} of the oracle (the backstop buys below it), reset after ${p.auctionResetAfterSeconds} s; target = debt + ${frac(p.auctionPenaltyWad)}; caps ${usd(p.auctionAssetCapWad)} per asset and ${usd(p.auctionGlobalCapWad)} in all; kick/reset/floor-buy reward ${usd(p.auctionTipWad)} + ${pct(p.auctionChipWad, 1)} of the value at stake (the lesser of the target and the lot at the oracle) + gas × ${factor(p.auctionGasFactorBps)}, at most ${usd(p.auctionMaxRewardWad)} each and ${pct(p.auctionMaxValueShareWad, 0)} of the value at stake per auction and never more than its penalty, so no lot earns more than it is worth or than its account pays; paid by the solvency waterfall from its pending revenue (of which it keeps a reserve back from bonds and the fund), then by the insurance fund. Keepers take through the pool callback, with no capital.`,
    `- internal: the backstop vault (${usd(r.backstop.assetsStartWad)} before the crash) buys at the oracle price − ${pct(p.backstopDiscountWad, 0)} with priority, up to ${usd(p.backstopCapWad)} per asset at the oracle price; the caller earns ${usd(p.backstopTipWad)} (at most ${frac(p.backstopGainShareWad)} of the backstop's gain) and its gas at cost through the waterfall (at most ${frac(p.backstopMaxValueShareWad)} of the value bought). Its operator sells everything it holds into the pools once each step has cleared (never below the oracle − 1%).`,
    `- Keeper: one, \`MIN_PROFIT_QUOTE=0.5\`, \`TAKE_MIN_PROFIT_QUOTE=1\` (its default), polling every 250 ms, ${usd(r.keeper.quoteStartWad)} of working capital (used by fixed-fee purchases and bond purchases: at most 0.95 per unit of face, \`BOND_MAX_PRICE\`, within $25,000, \`BOND_BUDGET_QUOTE\`).`,
  ].join("\n");
}

const METRICS = `## What each metric means

- **breached / liquidated / cleared**: accounts found liquidatable at the block of a price push; of them, those the
  machinery acted on at or after a breach (a position close, a fixed-fee sale, a kick, a take of its lot, a backstop
  buy); and those of which every breach ended: a later block at whose end the account is no longer liquidatable
  (equity ≥ maintenance). In the auction pattern an account is cleared once the takes have repaid its debt (the
  auction may run on to collect the penalty); every run also waits until no auction is live.
- **blocks breach → first action**: from the push's block to the first action on the account at or after it.
  **blocks breach → cleared**: from the push's block to the first block at whose end the account is no longer
  liquidatable (checked on the chain at each block where the account's state or a price changed).
- **execution price / oracle**: Σ quote paid ÷ Σ (amount × the oracle price read from the chain at the sale's block),
  over fixed-fee sales, auction takes and backstop buys: 95% means sold 5% under the oracle.
- **keeper profit**: the keeper's quote balance change + the collateral it gained, valued at the oracle price at the
  end − the ether it spent on gas, each step's gas valued at that step's ETH oracle price. A fixed-fee keeper keeps
  the collateral it bought, so its profit carries the fall of that collateral's price until the end of the crash. The
  quote it put into solvency bonds, less what it redeemed, is left out: that is an investment, not a liquidation
  profit.
- **protocol penalty income**: what penalties brought the solvency waterfall: the protocol's share of position
  penalties and the auction penalty (each take's payment − the quote the protocol credited to the account in that
  transaction). After keeping a reserve back for keeper rewards, the waterfall repays bondholders with it first and
  routes the rest to the insurance fund. **auction keeper rewards** are the payments for kicks, resets and backstop
  floor buys: from the waterfall's pending revenue first, then by the insurance fund.
- **backstop result**: the backstop vault's \`totalAssets()\` (idle quote + holdings at the oracle price) at the end −
  before the crash: its mark-to-oracle gain or loss; bought / sold / keepers paid are its \`totals()\`.
- **bad debt**: debt left on emptied accounts (recognized), the part the insurance fund paid (covered), and the rest
  (deficit: sold as solvency bonds, or socialized across the liquidity vault's depositors).
- **bond series / raised / repaid / socialized**: the series the deficit opened, what their sale raised for the vault,
  the revenue routed to them, and what was socialized (too small for a series, or unsold when a sale closed).
- **waterfall imbalance**: fund end − start − revenue the waterfall routed to it + covered bad debt + keeper rewards the
  fund paid; zero when every movement of the fund is explained by the waterfall's routing, the bad debt and the
  rewards.
- **index matches chain**: the index's liquidations, sales, kicks, takes, rewards, bad debt, fund balance, backstop
  holdings and totals, and every layer and series of the solvency waterfall (\`GET /solvency\`, the revenue totals of
  \`/stats\`) equal the same figures from the chain's events and contracts.
`;

export function benchmarkMarkdown(runs: CrashRun[], date: Date): string {
  const cpus = os.cpus();
  return [
    "# Liquidation patterns compared",
    "",
    `Generated by \`npm run bench:patterns\` on ${date.toISOString().slice(0, 10)}: ${cpus.length} cores (${cpus[0]?.model.trim() ?? "unknown"}), Node.js ${process.version}.`,
    "Each column is one run of the demo crash on a fresh system (anvil, deploy, indexer on PGlite, keeper) with both",
    "collateral assets under that pattern (`COLLATERAL_PATTERN`). Timing-dependent figures (blocks, keeper profit,",
    "auction prices) vary a little from run to run.",
    "",
    comparisonTable(runs),
    "",
    "## Parameters",
    "",
    parametersText(runs),
    "",
    METRICS,
  ].join("\n");
}
