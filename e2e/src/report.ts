/** The crash report: read from the index, cross-checked against the chain. */
import type { Address } from "viem";
import { clients, contracts } from "./contracts.ts";
import type { ScenarioResult } from "./scenario.ts";
import type { Deployment } from "./system.ts";

const WAD = 10n ** 18n;

type LiquidationRow = {
  account: Address;
  block: string;
  penaltyWad: string;
  keeperRewardWad: string;
  insuranceWad: string;
};
type BadDebtRow = {
  account: Address;
  badDebtWad: string;
  coveredWad: string;
  deficitWad: string;
};
type SaleRow = { account: Address; block: string; quotePaidWad: string };

export type Report = {
  accounts: number;
  accountsBreached: number;
  accountsLiquidated: number;
  breachesUnliquidated: Address[];
  liquidations: number;
  collateralSales: number;
  blocksToLiquidation: {
    min: number;
    median: number;
    max: number;
    mean: number;
  };
  penaltiesWad: bigint;
  keeperRewardsWad: bigint;
  insurancePenaltyShareWad: bigint;
  badDebtWad: bigint;
  coveredWad: bigint;
  deficitWad: bigint;
  insuranceStartWad: bigint;
  insuranceEndWad: bigint;
  /** insurance end − start + bad debt − deficit − penalty share: zero when nothing was lost silently. */
  waterfallImbalanceWad: bigint;
  /** The index and the chain agree on the engine's totals and the fund's balance. */
  indexMatchesChain: boolean;
};

async function graphql<T>(indexerUrl: string, query: string): Promise<T> {
  const response = await fetch(`${indexerUrl}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown };
  if (!response.ok || body.errors || !body.data)
    throw new Error(
      `indexer GraphQL failed: ${JSON.stringify(body.errors ?? response.status)}`,
    );
  return body.data;
}

export async function buildReport(
  rpcUrl: string,
  indexerUrl: string,
  d: Deployment,
  scenario: ScenarioResult,
  insuranceStartWad: bigint,
): Promise<Report> {
  const data = await graphql<{
    liquidations: { items: LiquidationRow[] };
    badDebts: { items: BadDebtRow[] };
    collateralSales: { items: SaleRow[] };
  }>(
    indexerUrl,
    `
      {
        liquidations(limit: 1000) {
          items {
            account
            block
            penaltyWad
            keeperRewardWad
            insuranceWad
          }
        }
        badDebts(limit: 1000) {
          items {
            account
            badDebtWad
            coveredWad
            deficitWad
          }
        }
        collateralSales(limit: 1000) {
          items {
            account
            block
            quotePaidWad
          }
        }
      }
    `,
  );
  const liquidations = data.liquidations.items;
  const sales = data.collateralSales.items;
  const badDebts = data.badDebts.items;
  const sum = (rows: object[], key: string) =>
    rows.reduce(
      (acc, r) => acc + BigInt((r as Record<string, string>)[key]!),
      0n,
    );

  // Blocks from each breach to the first liquidation action on that account at or after it.
  const actions = [...liquidations, ...sales].map((r) => ({
    account: r.account.toLowerCase(),
    block: BigInt(r.block),
  }));
  const latencies: number[] = [];
  const unliquidated: Address[] = [];
  for (const breach of scenario.breaches) {
    const next = actions
      .filter(
        (a) =>
          a.account === breach.account.toLowerCase() && a.block >= breach.block,
      )
      .reduce<bigint | undefined>(
        (min, a) => (min === undefined || a.block < min ? a.block : min),
        undefined,
      );
    if (next === undefined) unliquidated.push(breach.account);
    else latencies.push(Number(next - breach.block));
  }
  latencies.sort((a, b) => a - b);

  const { publicClient } = clients(rpcUrl);
  const c = contracts(d, publicClient);
  const [insuranceEndUnits, totalBadDebtWad, totalDeficitWad] =
    await Promise.all([
      c.insurance.read.balance(),
      c.engine.read.totalBadDebtWad(),
      c.engine.read.totalDeficitWad(),
    ]);
  const insuranceEndWad = insuranceEndUnits * 10n ** 12n;
  const penaltiesWad = sum(liquidations, "penaltyWad");
  const insurancePenaltyShareWad = sum(liquidations, "insuranceWad");
  const badDebtWad = sum(badDebts, "badDebtWad");
  const coveredWad = sum(badDebts, "coveredWad");
  const deficitWad = sum(badDebts, "deficitWad");

  const liquidatedAccounts = new Set(actions.map((a) => a.account));
  const breachedAccounts = new Set(
    scenario.breaches.map((b) => b.account.toLowerCase()),
  );
  return {
    accounts: scenario.traders.length,
    accountsBreached: breachedAccounts.size,
    accountsLiquidated: [...breachedAccounts].filter((a) =>
      liquidatedAccounts.has(a),
    ).length,
    breachesUnliquidated: [...new Set(unliquidated)],
    liquidations: liquidations.length,
    collateralSales: sales.length,
    blocksToLiquidation: {
      min: latencies[0] ?? 0,
      median: latencies[Math.floor(latencies.length / 2)] ?? 0,
      max: latencies[latencies.length - 1] ?? 0,
      mean: latencies.length
        ? latencies.reduce((a, b) => a + b, 0) / latencies.length
        : 0,
    },
    penaltiesWad,
    keeperRewardsWad: sum(liquidations, "keeperRewardWad"),
    insurancePenaltyShareWad,
    badDebtWad,
    coveredWad,
    deficitWad,
    insuranceStartWad,
    insuranceEndWad,
    waterfallImbalanceWad:
      insuranceEndWad -
      insuranceStartWad +
      badDebtWad -
      deficitWad -
      insurancePenaltyShareWad,
    indexMatchesChain:
      totalBadDebtWad === badDebtWad &&
      totalDeficitWad === deficitWad &&
      coveredWad === badDebtWad - deficitWad,
  };
}

export function usd(wad: bigint): string {
  const negative = wad < 0n;
  const abs = negative ? -wad : wad;
  const cents = (abs * 100n + WAD / 2n) / WAD;
  const whole = (cents / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${negative ? "-" : ""}$${whole}.${(cents % 100n).toString().padStart(2, "0")}`;
}

export function formatReport(r: Report, scenario: ScenarioResult): string {
  const lines = [
    "",
    "=== Crash report ===",
    ...scenario.steps.map(
      (s) =>
        `step ${s.step}: ETH $${s.ethUsd} BTC $${s.btcUsd} at block ${s.block}: ${s.newlyBreached.length} new breaches, cleared in ${(s.clearedAfterMs / 1000).toFixed(1)} s`,
    ),
    "",
    `accounts                          ${r.accounts}`,
    `accounts that crossed maintenance ${r.accountsBreached}`,
    `  of them liquidated              ${r.accountsLiquidated}`,
    `liquidations / collateral sales   ${r.liquidations} / ${r.collateralSales}`,
    `blocks from breach to liquidation min ${r.blocksToLiquidation.min}, median ${r.blocksToLiquidation.median}, mean ${r.blocksToLiquidation.mean.toFixed(2)}, max ${r.blocksToLiquidation.max}`,
    `penalties                         ${usd(r.penaltiesWad)} (keepers ${usd(r.keeperRewardsWad)}, insurance fund ${usd(r.insurancePenaltyShareWad)})`,
    `insurance fund                    ${usd(r.insuranceStartWad)} -> ${usd(r.insuranceEndWad)}`,
    `bad debt                          ${usd(r.badDebtWad)} (covered by the fund ${usd(r.coveredWad)})`,
    `deficit                           ${usd(r.deficitWad)}`,
    `waterfall balance                 fund change + bad debt - deficit - penalty share = ${usd(r.waterfallImbalanceWad)}`,
    `index matches chain               ${r.indexMatchesChain ? "yes" : "NO"}`,
  ];
  return lines.join("\n");
}

/** Failures of the demo's promises, empty when every breached account was liquidated and the books balance. */
export function reportProblems(r: Report, scenario: ScenarioResult): string[] {
  const problems: string[] = [];
  if (scenario.stillLiquidatable.length > 0)
    problems.push(
      `still liquidatable: ${scenario.stillLiquidatable.join(", ")}`,
    );
  if (r.breachesUnliquidated.length > 0)
    problems.push(
      `breached but never liquidated: ${r.breachesUnliquidated.join(", ")}`,
    );
  if (r.waterfallImbalanceWad !== 0n)
    problems.push(`waterfall does not balance: ${r.waterfallImbalanceWad}`);
  if (!r.indexMatchesChain)
    problems.push("the index disagrees with the chain on bad debt or deficit");
  return problems;
}
