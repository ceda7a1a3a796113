/**
 * Pre-liquidation in the demo and the end-to-end test: the `PRE_LIQUIDATION` switch (on by default: the deploy
 * script's demo parameters and the keeper's action; off: the module's parameters zeroed and the keeper's action off),
 * the price history the keeper's crossing model needs before it rates anyone, and the report's section read from the
 * chain and checked against the index.
 */
import { getAbiItem, type Address } from "viem";
import {
  iLiquidationEngineAbi,
  iPreLiquidationAbi,
} from "../../abi/src/generated.ts";
import { clients, send } from "./contracts.ts";
import { pushPrices, type Trader } from "./scenario.ts";
import { usd } from "./report.ts";
import type { Deployment } from "./system.ts";

export const PRE_LIQUIDATION_MODES = ["on", "off"] as const;
export type PreLiquidationMode = (typeof PRE_LIQUIDATION_MODES)[number];

export class PreLiquidationConfigError extends Error {
  override name = "PreLiquidationConfigError";
}

/** `PRE_LIQUIDATION` (on when unset or empty); one error line otherwise. */
export function parsePreLiquidation(
  value: string | undefined,
): PreLiquidationMode {
  const mode = value?.trim() ?? "";
  if (mode === "") return "on";
  if ((PRE_LIQUIDATION_MODES as readonly string[]).includes(mode))
    return mode as PreLiquidationMode;
  throw new PreLiquidationConfigError(
    `PRE_LIQUIDATION must be on or off; got ${JSON.stringify(value)}`,
  );
}

/**
 * The keeper's settings in the demo: pre-liquidate any account in the zone the model rates at 1% or more within
 * five minutes (a crash is a few minutes long), when the incentive pays for the gas.
 */
export const PRE_LIQUIDATION_KEEPER_ENV = {
  PRELIQ_MIN_PROBABILITY: "0.01",
  PRELIQ_HORIZON_SECONDS: "300",
} as const;

/**
 * Pushes `pushes` small moves (±0.2%, alternating) of both prices, one block each, so that the index holds enough
 * returns (at least 10) to estimate volatility: without them the crossing model rates no one and nobody is
 * pre-liquidated. Ends at the prices it started from.
 */
export async function warmUpPrices(
  rpcUrl: string,
  d: Deployment,
  pushes = 14,
  base = { ethUsd: 3_000n, btcUsd: 60_000n },
): Promise<void> {
  for (let i = 1; i <= pushes; i++) {
    const up = i % 2 === 1 && i !== pushes;
    await pushPrices(rpcUrl, d, {
      ethUsd: up ? base.ethUsd + base.ethUsd / 500n : base.ethUsd,
      btcUsd: up ? base.btcUsd + base.btcUsd / 500n : base.btcUsd,
    });
  }
}

/**
 * The demo accounts that opt out of pre-liquidation (the markets allow it): the whale, whose bad debt at the gap is
 * what reaches the solvency bonds, and the late BTC long, whose penalties repay them. Pre-liquidated in the zone, the
 * whale would owe less at the gap and the fund would cover it alone: the waterfall's story needs both untouched.
 */
export const DEMO_OPT_OUTS = ["whale-4.6x", "btc-late-4.2x"] as const;

/** Each trader named in `labels` opts out of pre-liquidation in both markets. */
export async function optOut(
  rpcUrl: string,
  d: Deployment,
  traders: readonly Trader[],
  labels: readonly string[] = DEMO_OPT_OUTS,
): Promise<Address[]> {
  const { publicClient, wallet } = clients(rpcUrl);
  const chosen = traders.filter((t) => labels.includes(t.label));
  for (const t of chosen) {
    for (const marketId of [0n, 1n]) {
      await send(publicClient, wallet(t.key), {
        address: d.preLiquidation,
        abi: iPreLiquidationAbi,
        functionName: "setOptOut",
        args: [marketId, true],
      });
    }
  }
  return chosen.map((t) => t.address);
}

export type PreLiquidationSummary = {
  count: number;
  totalIncentiveWad: bigint;
  totalClosedNotionalWad: bigint;
  accounts: Address[];
  /** Pre-liquidated accounts the engine never liquidated afterwards in the run. */
  neverReachedEngine: number;
  /** Each pre-liquidation left health at least where it found it, and found it in [1, top of the zone). */
  healthRose: boolean;
  mismatches: string[];
};

type IndexBody = {
  count: number;
  accounts: number;
  totalIncentiveWad: string;
  totalClosedNotionalWad: string;
};

/** Reads the run's PreLiquidated events (and the engine's Liquidated) from the chain and compares the index. */
export async function preLiquidationSummary(
  rpcUrl: string,
  indexerUrl: string,
  d: Deployment,
  fromBlock: bigint,
  toBlock: bigint,
): Promise<PreLiquidationSummary> {
  const { publicClient } = clients(rpcUrl);
  const [pre, engine] = await Promise.all([
    publicClient.getLogs({
      address: d.preLiquidation,
      event: getAbiItem({ abi: iPreLiquidationAbi, name: "PreLiquidated" }),
      fromBlock,
      toBlock,
    }),
    publicClient.getLogs({
      address: d.engine,
      event: getAbiItem({ abi: iLiquidationEngineAbi, name: "Liquidated" }),
      fromBlock,
      toBlock,
    }),
  ]);
  const firstPre = new Map<Address, bigint>();
  let totalIncentiveWad = 0n;
  let totalClosedNotionalWad = 0n;
  let healthRose = true;
  for (const log of pre) {
    const a = log.args;
    totalIncentiveWad += a.incentiveWad!;
    totalClosedNotionalWad += a.closedNotionalWad!;
    if (
      a.healthAfterWad! < a.healthBeforeWad! ||
      a.healthBeforeWad! < 10n ** 18n
    )
      healthRose = false;
    if (!firstPre.has(a.account!)) firstPre.set(a.account!, log.blockNumber);
  }
  const reachedEngine = new Set(
    engine
      .filter((log) => {
        const first = firstPre.get(log.args.account!);
        return first !== undefined && log.blockNumber >= first;
      })
      .map((log) => log.args.account!),
  );
  const accounts = [...firstPre.keys()];

  const mismatches: string[] = [];
  const body = (await (
    await fetch(`${indexerUrl}/preliquidations`)
  ).json()) as IndexBody;
  const compare = (name: string, indexed: unknown, chain: unknown) => {
    if (String(indexed) !== String(chain))
      mismatches.push(
        `pre-liquidations: ${name} ${String(indexed)} in the index, ${String(chain)} on chain`,
      );
  };
  compare("count", body.count, pre.length);
  compare("accounts", body.accounts, accounts.length);
  compare("total incentive", body.totalIncentiveWad, totalIncentiveWad);
  compare(
    "total closed notional",
    body.totalClosedNotionalWad,
    totalClosedNotionalWad,
  );
  return {
    count: pre.length,
    totalIncentiveWad,
    totalClosedNotionalWad,
    accounts,
    neverReachedEngine: accounts.filter((a) => !reachedEngine.has(a)).length,
    healthRose,
    mismatches,
  };
}

/** The report's lines on pre-liquidation. */
export function formatPreLiquidation(
  mode: PreLiquidationMode,
  s: PreLiquidationSummary | undefined,
): string[] {
  if (mode === "off" || s === undefined)
    return ["pre-liquidation                   off (PRE_LIQUIDATION=off)"];
  return [
    `pre-liquidations                  ${s.count} on ${s.accounts.length} accounts, closing ${usd(s.totalClosedNotionalWad)} of notional`,
    `  incentive paid to the keeper    ${usd(s.totalIncentiveWad)} (all of it the caller's: no insurance share)`,
    `  never reached the engine        ${s.neverReachedEngine} of ${s.accounts.length} pre-liquidated accounts`,
    `  index matches chain             ${s.mismatches.length === 0 ? "yes" : `NO (${s.mismatches.join("; ")})`}`,
  ];
}
