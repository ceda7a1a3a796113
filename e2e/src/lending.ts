/**
 * The lending market in the end-to-end harness and the demo (`LENDING=on|off`, default on): borrowers near their
 * liquidation LTV before the crash, and what the crash did to them (liquidations in the lending engine's patterns,
 * bad debt through the shared waterfall to the lending vault), read from the chain and the index.
 */
import type { Address, Hex } from "viem";
import {
  iLendingMarketAbi,
  iLiquidationEngineAbi,
  liquidityVaultAbi,
  solvencyWaterfallAbi,
  testnetTokenAbi,
} from "../../abi/src/generated.ts";
import { clients, readerAt, send, type PublicClient } from "./contracts.ts";
import { allRows } from "./indexQuery.ts";
import { usd } from "./report.ts";
import type { Deployment } from "./system.ts";

/** `LENDING`: on (default) or off; anything else is a one-line config error. */
export function parseLending(value: string | undefined): boolean {
  if (value === undefined || value === "" || value === "on") return true;
  if (value === "off") return false;
  throw new Error(
    `config error: LENDING must be on or off; got ${JSON.stringify(value)}`,
  );
}

/** Anvil's default accounts 5–8: the lending borrowers (the scenario's traders use fresh keys). */
export const BORROWER_KEYS: Hex[] = [
  "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
  "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
  "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356",
  "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97",
];

/** Each borrower: collateral id, amount [token units], borrow [USDC units]; all within 0.2–0.5% of the borrow limit. */
export const BORROWERS = [
  { collateralId: 0, amount: 10n * 10n ** 18n, borrow: 22_400_000_000n }, // 10 WETH, limit 22,500
  { collateralId: 0, amount: 20n * 10n ** 18n, borrow: 44_800_000_000n }, // 20 WETH, limit 45,000
  { collateralId: 1, amount: 50_000_000n, borrow: 20_950_000_000n }, // 0.5 WBTC, limit 21,000
  { collateralId: 1, amount: 100_000_000n, borrow: 41_800_000_000n }, // 1 WBTC, limit 42,000
] as const;

/** Mints each borrower its collateral (the deployer owns the test tokens), deposits it and borrows near the limit. */
export async function openLendingBorrowers(
  rpcUrl: string,
  d: Deployment,
  deployerKey: Hex,
): Promise<Address[]> {
  const { publicClient, wallet } = clients(rpcUrl);
  const deployer = wallet(deployerKey);
  const addresses: Address[] = [];
  for (const [i, b] of BORROWERS.entries()) {
    const w = wallet(BORROWER_KEYS[i]!);
    const token = b.collateralId === 0 ? d.weth : d.wbtc;
    await send(publicClient, deployer, {
      address: token,
      abi: testnetTokenAbi,
      functionName: "mint",
      args: [w.account.address, b.amount],
    });
    await send(publicClient, w, {
      address: token,
      abi: testnetTokenAbi,
      functionName: "approve",
      args: [d.lending, b.amount],
    });
    await send(publicClient, w, {
      address: d.lending,
      abi: iLendingMarketAbi,
      functionName: "depositCollateral",
      args: [BigInt(b.collateralId), b.amount],
    });
    await send(publicClient, w, {
      address: d.lending,
      abi: iLendingMarketAbi,
      functionName: "borrow",
      args: [b.borrow],
    });
    addresses.push(w.account.address);
  }
  return addresses;
}

export type LendingOnChain = {
  liquidatable: Address[];
  /** Each borrower's health factor Σ value × liquidation LTV ÷ debt [wad] (max without debt), in order. */
  healthFactorsWad: bigint[];
  debtWad: bigint;
  badDebtWad: bigint;
  waterfallRecognizedUnits: bigint;
  waterfallCoveredUnits: bigint;
  lendingVaultDeficitUnits: bigint;
};

export async function lendingOnChain(
  publicClient: PublicClient,
  d: Deployment,
  borrowers: Address[],
  blockNumber?: bigint,
): Promise<LendingOnChain> {
  const read = readerAt(publicClient, blockNumber);
  const liquidatable: Address[] = [];
  const healthFactorsWad: bigint[] = [];
  let debtWad = 0n;
  for (const b of borrowers) {
    if (
      await read<boolean>(d.lending, iLendingMarketAbi, "isLiquidatable", [b])
    )
      liquidatable.push(b);
    healthFactorsWad.push(
      await read<bigint>(d.lending, iLendingMarketAbi, "healthFactorOf", [b]),
    );
    debtWad += await read<bigint>(d.lending, iLendingMarketAbi, "debtOf", [b]);
  }
  const [recognized, covered] = await read<
    readonly [bigint, bigint, bigint, bigint]
  >(d.waterfall, solvencyWaterfallAbi, "totals", [d.lendingVault]);
  return {
    liquidatable,
    healthFactorsWad,
    debtWad,
    badDebtWad: await read<bigint>(
      d.lendingEngine,
      iLiquidationEngineAbi,
      "totalBadDebtWad",
    ),
    waterfallRecognizedUnits: recognized,
    waterfallCoveredUnits: covered,
    lendingVaultDeficitUnits: await read<bigint>(
      d.lendingVault,
      liquidityVaultAbi,
      "deficitReceivable",
    ),
  };
}

export type LendingSummary = {
  byKind: Record<string, { count: number; quoteWad: string }>;
  liquidatedAccounts: number;
  badDebtWad: string;
  badDebtCoveredWad: string;
};

export async function lendingSummary(
  indexerUrl: string,
): Promise<LendingSummary> {
  const res = await fetch(`${indexerUrl}/lending/summary`);
  if (!res.ok) throw new Error(`/lending/summary answered ${res.status}`);
  return (await res.json()) as LendingSummary;
}

export type IndexedLendingAccount = { address: Address; scaledDebtWad: string };
export type IndexedLendingBalance = {
  account: Address;
  collateralId: string;
  amount: string;
};

/** The index's view of an account as the engine sees it: equity = Σ value × L − debt, maintenance 0. */
export type IndexedLendingHealth = {
  account: Address;
  healthFactorWad: string;
  equityWad: string;
  maintenanceWad: string;
  liquidatable: boolean;
  block: string;
};

export async function indexedLending(indexerUrl: string) {
  return {
    accounts: await allRows<IndexedLendingAccount>(
      indexerUrl,
      "lendingAccounts",
      "address scaledDebtWad",
    ),
    balances: await allRows<IndexedLendingBalance>(
      indexerUrl,
      "lendingCollateralBalances",
      "account collateralId amount",
    ),
    health: await allRows<IndexedLendingHealth>(
      indexerUrl,
      "lendingHealths",
      "account healthFactorWad equityWad maintenanceWad liquidatable block",
    ),
  };
}

/** The report's lending section. */
export function lendingReportLines(
  s: LendingSummary,
  chain: LendingOnChain,
): string[] {
  const kind = (k: string) => s.byKind[k]?.count ?? 0;
  return [
    "lending market (its own engine, auction house and backstop; the shared waterfall)",
    `  accounts liquidated              ${s.liquidatedAccounts}`,
    `  sales / backstop / kicks / takes ${kind("sale")} / ${kind("backstop")} / ${kind("kick")} / ${kind("take")}`,
    `  still liquidatable               ${chain.liquidatable.length}`,
    `  bad debt to the waterfall        ${usd(chain.badDebtWad)} (fund paid ${usd(chain.waterfallCoveredUnits * 10n ** 12n)}, on sale as bonds ${usd(chain.lendingVaultDeficitUnits * 10n ** 12n)})`,
  ];
}
