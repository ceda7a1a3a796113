/**
 * Portfolio margin in the demo and the end-to-end test (`PORTFOLIO_MARGIN=on|off`, on by default): a few hedged
 * traders (collateral against a short perp on the same risk factor) and one hedged book tilted by a naked BTC long opt
 * in after opening; the report compares each one's portfolio requirement (the protocol's `health`, checked against
 * the module's `requirementsWad` on the same book) with the standard requirement of the same positions (the index's
 * standard math on prices and positions read from the chain), and its health in the index with the chain's.
 */
import type { Address } from "viem";
import {
  iMarginProtocolAbi,
  iPortfolioMarginAbi,
  pushPriceFeedAbi,
} from "../../abi/src/generated.ts";
import {
  collateralValueWad,
  requirementWad,
} from "../../indexer/src/health.ts";
import { signedNotionalWad } from "../../indexer/src/portfolio.ts";
import { clients, readerAt, send, type PublicClient } from "./contracts.ts";
import { allRows } from "./indexQuery.ts";
import type { Breach, Trader, TraderPlan } from "./scenario.ts";
import { usd } from "./report.ts";
import type { Deployment } from "./system.ts";

const WAD = 10n ** 18n;
const BPS_WAD = 10n ** 14n;
const e = (x: number) => BigInt(Math.round(x * 1e6)) * 10n ** 12n;

export type PortfolioMode = "on" | "off";

export class PortfolioConfigError extends Error {
  override name = "PortfolioConfigError";
}

/** `PORTFOLIO_MARGIN` (on when unset or empty); one error line otherwise. */
export function parsePortfolioMargin(value: string | undefined): PortfolioMode {
  const mode = value?.trim() ?? "";
  if (mode === "" || mode === "on") return "on";
  if (mode === "off") return "off";
  throw new PortfolioConfigError(
    `PORTFOLIO_MARGIN must be on or off; got ${JSON.stringify(value)}`,
  );
}

/** The label of the opted-in book the crash liquidates (a naked BTC long on top of a hedge). */
export const PORTFOLIO_TILTED = "pm-tilted-btc-long";

/**
 * The opted-in books, opened at ETH $3,000 and BTC $60,000 with no quote (margin is the collateral's haircut value:
 * WETH 80%, WBTC 75%). A perfect hedge is short 0.8 ETH per WETH, 0.75 BTC per WBTC: no scenario loses, so the
 * requirement is the floor, 1% of gross exposure (2% of the perp's notional), against the standard 5% of the perp's
 * notional: 40%; initial ×1.5 against 10%: 30%. (WETH and the ETH perp read one feed, as do WBTC and the BTC perp, so
 * a hedge has no basis: its equity does not move with the price.) The tilted book adds a 2 BTC long ($120,000) on
 * $24,000 of WETH margin: its naked BTC leg pays the correlated crash scenario (10%), twice the standard 5%, so
 * portfolio margin costs it more (the floor, $1,680, is far below), and the crash's BTC legs take it below the
 * portfolio requirement at $53,000 (step 4), where standard rules would still see health above 1.5.
 */
export function portfolioBook(): TraderPlan[] {
  return [
    {
      label: "pm-hedged-weth",
      quoteUsdc: 0n,
      wethWad: e(20),
      wbtcSats: 0n,
      ethSizeWad: -e(16),
      btcSizeWad: 0n,
    },
    {
      label: "pm-hedged-wbtc",
      quoteUsdc: 0n,
      wethWad: 0n,
      wbtcSats: 100_000_000n,
      ethSizeWad: 0n,
      btcSizeWad: -e(0.75),
    },
    {
      label: "pm-hedged-both",
      quoteUsdc: 0n,
      wethWad: e(10),
      wbtcSats: 50_000_000n,
      ethSizeWad: -e(8),
      btcSizeWad: -e(0.375),
    },
    {
      label: PORTFOLIO_TILTED,
      quoteUsdc: 0n,
      wethWad: e(10),
      wbtcSats: 0n,
      ethSizeWad: -e(8),
      btcSizeWad: e(2),
    },
  ];
}

export const isPortfolioTrader = (t: { label: string }) =>
  t.label.startsWith("pm-");

/** Each of `traders` opts in to portfolio margin (after opening: the protocol checks the new initial requirement). */
export async function optIn(
  rpcUrl: string,
  d: Deployment,
  traders: readonly Trader[],
): Promise<void> {
  const { publicClient, wallet } = clients(rpcUrl);
  await Promise.all(
    traders.map((t) =>
      send(publicClient, wallet(t.key), {
        address: d.protocol,
        abi: iMarginProtocolAbi,
        functionName: "setPortfolioMode",
        args: [true],
      }),
    ),
  );
}

/** One account's requirements at one block [wad]. */
export type Requirements = {
  portfolio: { maintenanceWad: bigint; initialWad: bigint };
  standard: { maintenanceWad: bigint; initialWad: bigint };
  /** The module's requirementsWad on the book built from the chain: must equal `portfolio`. */
  module: { maintenanceWad: bigint; initialWad: bigint };
  equityWad: bigint;
  healthWad: bigint;
  portfolioMode: boolean;
};

/**
 * The protocol's requirements of `account` at `blockNumber` and what the standard rules would charge for the same
 * book (each position's notional × the market's fraction, rounded up, as the protocol and the index compute it).
 */
export async function requirementsAt(
  publicClient: PublicClient,
  d: Deployment,
  account: Address,
  blockNumber: bigint,
): Promise<Requirements> {
  const read = readerAt(publicClient, blockNumber);
  type Market = {
    oracle: Address;
    maintenanceFractionBps: number;
    initialFractionBps: number;
  };
  type Collateral = { oracle: Address; decimals: number; haircutWad: bigint };
  const [health, mode, marketCount, collateralCount] = await Promise.all([
    read<{
      equityWad: bigint;
      initialWad: bigint;
      maintenanceWad: bigint;
      healthWad: bigint;
    }>(d.protocol, iMarginProtocolAbi, "health", [account]),
    read<boolean>(d.protocol, iMarginProtocolAbi, "portfolioMode", [account]),
    read<bigint>(d.protocol, iMarginProtocolAbi, "marketCount"),
    read<bigint>(d.protocol, iMarginProtocolAbi, "collateralCount"),
  ]);
  const priceOf = async (oracle: Address) =>
    (
      await read<readonly [bigint, ...unknown[]]>(
        oracle,
        pushPriceFeedAbi,
        "read",
      )
    )[0];
  const ids = Math.max(Number(marketCount), Number(collateralCount));
  const book: bigint[] = [];
  let maintenanceWad = 0n;
  let initialWad = 0n;
  for (let i = 0; i < ids; i++) {
    const id = BigInt(i);
    let notional = 0n;
    let standard = 0n;
    let value = 0n;
    if (id < marketCount) {
      const m = await read<Market>(d.protocol, iMarginProtocolAbi, "market", [
        id,
      ]);
      const [sizeWad] = await read<readonly [bigint, bigint]>(
        d.protocol,
        iMarginProtocolAbi,
        "position",
        [account, id],
      );
      if (sizeWad !== 0n) {
        const price = await priceOf(m.oracle);
        notional = signedNotionalWad(sizeWad, price);
        standard = requirementWad(
          sizeWad,
          price,
          BigInt(m.maintenanceFractionBps) * BPS_WAD,
        );
        maintenanceWad += standard;
        initialWad += requirementWad(
          sizeWad,
          price,
          BigInt(m.initialFractionBps) * BPS_WAD,
        );
      }
    }
    if (id < collateralCount) {
      const c = await read<Collateral>(
        d.protocol,
        iMarginProtocolAbi,
        "collateral",
        [id],
      );
      const amount = await read<bigint>(
        d.protocol,
        iMarginProtocolAbi,
        "collateralBalance",
        [account, id],
      );
      if (amount !== 0n)
        value = collateralValueWad(
          {
            amount,
            decimals: c.decimals,
            haircutWad: c.haircutWad,
            priceWad: undefined,
          },
          await priceOf(c.oracle),
        );
    }
    book.push(notional, standard, value);
  }
  const module = await read<readonly [bigint, bigint]>(
    d.portfolioMargin,
    iPortfolioMarginAbi,
    "requirementsWad",
    [book],
  );
  return {
    portfolio: {
      maintenanceWad: health.maintenanceWad,
      initialWad: health.initialWad,
    },
    standard: { maintenanceWad, initialWad },
    module: { maintenanceWad: module[0], initialWad: module[1] },
    equityWad: health.equityWad,
    healthWad: health.healthWad,
    portfolioMode: mode,
  };
}

type HealthRow = {
  account: Address;
  equityWad: string;
  initialWad: string;
  maintenanceWad: string;
  healthWad: string;
  liquidatable: boolean;
};
type ModeRow = { account: Address; enabled: boolean };

/** Where the index's health and mode of `account` differ from the chain's at `blockNumber`; empty when they agree. */
export async function comparePortfolioIndex(
  publicClient: PublicClient,
  indexerUrl: string,
  d: Deployment,
  accounts: readonly Address[],
  blockNumber: bigint,
): Promise<string[]> {
  const [healthRows, modeRows] = await Promise.all([
    allRows<HealthRow>(
      indexerUrl,
      "accountHealths",
      "account equityWad initialWad maintenanceWad healthWad liquidatable",
    ),
    allRows<ModeRow>(indexerUrl, "portfolioAccounts", "account enabled"),
  ]);
  const lower = (a: string) => a.toLowerCase();
  const problems: string[] = [];
  for (const account of accounts) {
    const at = { blockNumber };
    const [health, liquidatable, mode] = await Promise.all([
      publicClient.readContract({
        address: d.protocol,
        abi: iMarginProtocolAbi,
        functionName: "health",
        args: [account],
        ...at,
      }),
      publicClient.readContract({
        address: d.protocol,
        abi: iMarginProtocolAbi,
        functionName: "isLiquidatable",
        args: [account],
        ...at,
      }),
      publicClient.readContract({
        address: d.protocol,
        abi: iMarginProtocolAbi,
        functionName: "portfolioMode",
        args: [account],
        ...at,
      }),
    ]);
    const row = healthRows.find((r) => lower(r.account) === lower(account));
    const modeRow = modeRows.find((r) => lower(r.account) === lower(account));
    const same = (what: string, index: unknown, chain: unknown) => {
      if (String(index) !== String(chain))
        problems.push(
          `portfolio ${account} ${what}: index ${String(index)}, chain ${String(chain)}`,
        );
    };
    same("portfolio mode", modeRow?.enabled ?? false, mode);
    if (row === undefined) {
      problems.push(`portfolio ${account}: no health row in the index`);
      continue;
    }
    same("equity", row.equityWad, health.equityWad);
    same("maintenance", row.maintenanceWad, health.maintenanceWad);
    same("initial", row.initialWad, health.initialWad);
    same("health", row.healthWad, health.healthWad);
    same("liquidatable", row.liquidatable, liquidatable);
  }
  return problems;
}

export type PortfolioAccountReport = {
  label: string;
  address: Address;
  /** At the baseline (opened, opted in, before the crash) and at the report's end. */
  before: Requirements;
  after: Requirements;
  /** The crash step at which it first crossed maintenance, if it did. */
  breachStep?: number;
};

export type PortfolioSummary = {
  accounts: PortfolioAccountReport[];
  mismatches: string[];
  problems: string[];
};

/** Reads each opted-in account's requirements before and after the crash, and compares the index at `head`. */
export async function portfolioSummary(
  rpcUrl: string,
  indexerUrl: string,
  d: Deployment,
  traders: readonly Trader[],
  breaches: readonly Breach[],
  blocks: { before: bigint; after: bigint; head: bigint },
): Promise<PortfolioSummary> {
  const { publicClient } = clients(rpcUrl);
  const opted = traders.filter(isPortfolioTrader);
  const accounts: PortfolioAccountReport[] = [];
  for (const t of opted) {
    const breach = breaches.find(
      (b) => b.account.toLowerCase() === t.address.toLowerCase(),
    );
    accounts.push({
      label: t.label,
      address: t.address,
      before: await requirementsAt(publicClient, d, t.address, blocks.before),
      after: await requirementsAt(publicClient, d, t.address, blocks.after),
      ...(breach ? { breachStep: breach.step } : {}),
    });
  }
  const mismatches = await comparePortfolioIndex(
    publicClient,
    indexerUrl,
    d,
    opted.map((t) => t.address),
    blocks.head,
  );
  const problems = [...mismatches];
  for (const a of accounts) {
    for (const [when, r] of [
      ["before", a.before],
      ["after", a.after],
    ] as const) {
      if (!r.portfolioMode)
        problems.push(
          `portfolio: ${a.label} is not in portfolio mode ${when} the crash`,
        );
      if (
        r.module.maintenanceWad !== r.portfolio.maintenanceWad ||
        r.module.initialWad !== r.portfolio.initialWad
      )
        problems.push(
          `portfolio: ${a.label} ${when} the crash: the protocol charges ${r.portfolio.maintenanceWad}/${r.portfolio.initialWad}, the module's requirementsWad on its book ${r.module.maintenanceWad}/${r.module.initialWad}`,
        );
    }
    if (
      a.label !== PORTFOLIO_TILTED &&
      a.before.portfolio.initialWad >= a.before.standard.initialWad
    )
      problems.push(
        `portfolio: the hedged ${a.label} saves nothing (initial ${a.before.portfolio.initialWad} against ${a.before.standard.initialWad})`,
      );
  }
  return { accounts, mismatches, problems };
}

const ratio = (a: bigint, b: bigint) =>
  b === 0n ? "n/a" : `${(Number((a * 10_000n) / b) / 100).toFixed(2)}%`;
const healthText = (h: bigint) =>
  h > 1000n * WAD ? "∞" : (Number(h / 10n ** 14n) / 10_000).toFixed(4);

/** The report's lines on portfolio margin. */
export function formatPortfolio(
  mode: PortfolioMode,
  s: PortfolioSummary | undefined,
): string[] {
  if (mode === "off" || s === undefined)
    return ["portfolio margin                  off (PORTFOLIO_MARGIN=off)"];
  const lines = [
    `portfolio margin                  ${s.accounts.length} accounts opted in; requirement before the crash, portfolio vs standard rules for the same book`,
  ];
  for (const a of s.accounts) {
    const b = a.before;
    lines.push(
      `  ${a.label}`.padEnd(34) +
        `maintenance ${usd(b.portfolio.maintenanceWad)} vs ${usd(b.standard.maintenanceWad)} (${ratio(b.portfolio.maintenanceWad, b.standard.maintenanceWad)}), initial ${usd(b.portfolio.initialWad)} vs ${usd(b.standard.initialWad)} (${ratio(b.portfolio.initialWad, b.standard.initialWad)}); health ${healthText(b.healthWad)}`,
      `    after the crash               ${a.breachStep === undefined ? "never crossed maintenance" : `crossed maintenance at step ${a.breachStep}, liquidated`}; maintenance ${usd(a.after.portfolio.maintenanceWad)} vs ${usd(a.after.standard.maintenanceWad)} standard, equity ${usd(a.after.equityWad)}, health ${healthText(a.after.healthWad)}`,
    );
  }
  lines.push(
    `  index matches chain             ${s.mismatches.length === 0 ? "yes" : `NO (${s.mismatches.join("; ")})`} (health and mode of each opted-in account)`,
  );
  return lines;
}
