/**
 * The lending market in the demo (`LENDING=on|off`, on by default; `LENDING_COLLATERAL_PATTERN`, default
 * `COLLATERAL_PATTERN`): the borrowers of ./lending.ts open near their borrow limit before the crash, the keeper's
 * lending pass liquidates them through the lending engine, and the report's section is read from the chain and checked
 * against the index. What the lending market moves through the shared solvency waterfall (auction penalties in, keeper
 * rewards and the fund's cover of its bad debt out) is named by its own events and added to the report's balances;
 * the waterfall's perps checks use the perps vault's totals, and the lending vault's totals must add up on their own.
 */
import { getAbiItem, type Address } from "viem";
import {
  backstopVaultAbi,
  iAuctionHouseAbi,
  iLendingMarketAbi,
  iLiquidationEngineAbi,
  liquidityVaultAbi,
  solvencyWaterfallAbi,
  testnetTokenAbi,
} from "../../abi/src/generated.ts";
import { clients, readerAt, send, type PublicClient } from "./contracts.ts";
import {
  indexedLending,
  lendingSummary,
  parseLending,
  BORROWER_KEYS,
  BORROWERS,
} from "./lending.ts";
import { PATTERNS, isPattern, type Pattern } from "./patterns.ts";
import { usd, type SharedWaterfallFlows } from "./report.ts";
import { auctionHouseIdAbi, type StepResult } from "./scenario.ts";
import { DEPLOYER_KEY, type Deployment } from "./system.ts";

const QUOTE_UNIT_WAD = 10n ** 12n;

export type LendingMode = "on" | "off";

/** An event's arguments: the amounts the summary adds up, and who. */
type EventArgs = Record<string, bigint> & { account: Address; keeper: Address };

export class LendingConfigError extends Error {
  override name = "LendingConfigError";
}

/** `LENDING` (on when unset or empty); one error line otherwise. */
export function parseLendingMode(value: string | undefined): LendingMode {
  try {
    return parseLending(value?.trim()) ? "on" : "off";
  } catch (error) {
    throw new LendingConfigError(
      (error as Error).message.replace(/^config error: /, ""),
    );
  }
}

/** `LENDING_COLLATERAL_PATTERN`: the lending engine's pattern for both assets, `fallback` when unset or empty. */
export function parseLendingPattern(
  value: string | undefined,
  fallback: Pattern,
): Pattern {
  const name = value?.trim() ?? "";
  if (name === "") return fallback;
  if (isPattern(name)) return name;
  throw new LendingConfigError(
    `LENDING_COLLATERAL_PATTERN must be one of ${PATTERNS.join(", ")}; got ${JSON.stringify(value)}`,
  );
}

/**
 * Opens the borrowers of ./lending.ts (near their borrow limit), all at once: the deployer mints their collateral in
 * one burst of transactions, then each deposits and borrows, in parallel. Their addresses, in `BORROWERS` order.
 */
export async function openLending(
  rpcUrl: string,
  d: Deployment,
): Promise<Address[]> {
  const { publicClient, wallet } = clients(rpcUrl);
  const deployer = wallet(DEPLOYER_KEY);
  const nonce = await publicClient.getTransactionCount({
    address: deployer.account.address,
    blockTag: "pending",
  });
  const token = (id: number) => (id === 0 ? d.weth : d.wbtc);
  const borrowers = BORROWERS.map((b, i) => ({
    ...b,
    w: wallet(BORROWER_KEYS[i]!),
  }));
  const hashes = await Promise.all(
    borrowers.map((b, i) =>
      deployer.writeContract({
        address: token(b.collateralId),
        abi: testnetTokenAbi,
        functionName: "mint",
        args: [b.w.account.address, b.amount],
        nonce: nonce + i,
      }),
    ),
  );
  await Promise.all(
    hashes.map((hash) =>
      publicClient.waitForTransactionReceipt({ hash, pollingInterval: 100 }),
    ),
  );
  await Promise.all(
    borrowers.map(async (b) => {
      await send(publicClient, b.w, {
        address: token(b.collateralId),
        abi: testnetTokenAbi,
        functionName: "approve",
        args: [d.lending, b.amount],
      });
      await send(publicClient, b.w, {
        address: d.lending,
        abi: iLendingMarketAbi,
        functionName: "depositCollateral",
        args: [BigInt(b.collateralId), b.amount],
      });
      await send(publicClient, b.w, {
        address: d.lending,
        abi: iLendingMarketAbi,
        functionName: "borrow",
        args: [b.borrow],
      });
    }),
  );
  return borrowers.map((b) => b.w.account.address);
}

async function liveLendingAuctions(
  publicClient: PublicClient,
  d: Deployment,
  blockNumber?: bigint,
): Promise<bigint[]> {
  const at = blockNumber === undefined ? {} : { blockNumber };
  const next = await publicClient.readContract({
    address: d.lendingAuctionHouse,
    abi: auctionHouseIdAbi,
    functionName: "nextAuctionId",
    ...at,
  });
  const live: bigint[] = [];
  for (let id = 0n; id < next; id++) {
    const a = await publicClient.readContract({
      address: d.lendingAuctionHouse,
      abi: iAuctionHouseAbi,
      functionName: "auction",
      args: [id],
      ...at,
    });
    if (a.lot > 0n) live.push(id);
  }
  return live;
}

async function liquidatableBorrowers(
  publicClient: PublicClient,
  d: Deployment,
  borrowers: readonly Address[],
  blockNumber?: bigint,
): Promise<Address[]> {
  const flags = await Promise.all(
    borrowers.map((b) =>
      publicClient.readContract({
        address: d.lending,
        abi: iLendingMarketAbi,
        functionName: "isLiquidatable",
        args: [b],
        ...(blockNumber === undefined ? {} : { blockNumber }),
      }),
    ),
  );
  return borrowers.filter((_, i) => flags[i]);
}

/** Waits until no borrower is liquidatable and no lending auction is live, or `timeoutMs` passes. */
export async function waitForLendingCleared(
  rpcUrl: string,
  d: Deployment,
  borrowers: readonly Address[],
  timeoutMs: number,
): Promise<void> {
  const { publicClient } = clients(rpcUrl);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const [open, live] = await Promise.all([
      liquidatableBorrowers(publicClient, d, borrowers),
      liveLendingAuctions(publicClient, d),
    ]);
    if (open.length === 0 && live.length === 0) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}

export type LendingDemo = {
  pattern: Pattern;
  borrowers: number;
  /** Per borrower, the first crash step at whose block it was liquidatable (undefined: never). */
  breachStep: (number | undefined)[];
  liquidated: number;
  sales: number;
  absorbs: number;
  kicks: number;
  takes: number;
  resets: number;
  /** Collateral sold [wad of quote paid]: keepers' and the backstop's sales, and auction takes. */
  soldWad: bigint;
  debtStartWad: bigint;
  debtEndWad: bigint;
  badDebtWad: bigint;
  coveredWad: bigint;
  /** totals(lendingVault) of the shared waterfall at the end [quote units]. */
  waterfall: {
    recognized: bigint;
    coveredByFund: bigint;
    raisedByBonds: bigint;
    socialized: bigint;
  };
  /** Auction proceeds beyond what the market credited: the penalty, sent to the waterfall [wad]. */
  auctionPenaltyWad: bigint;
  /** Kick, reset and floor-buy rewards the lending auction house named, paid by the waterfall [wad]. */
  rewardsWad: bigint;
  stillLiquidatable: Address[];
  liveAuctions: bigint[];
  mismatches: string[];
  problems: string[];
};

/**
 * The crash as the lending market saw it, from `fromBlock` (before the crash) to `toBlock` (the report's end), read
 * from the chain; the index compared with it.
 */
export async function lendingDemoSummary(
  rpcUrl: string,
  indexerUrl: string,
  d: Deployment,
  pattern: Pattern,
  borrowers: readonly Address[],
  steps: readonly StepResult[],
  range: { fromBlock: bigint; toBlock: bigint },
): Promise<LendingDemo> {
  const { publicClient } = clients(rpcUrl);
  const events = { fromBlock: range.fromBlock + 1n, toBlock: range.toBlock };
  const lower = (a: string) => a.toLowerCase();
  const [engineLogs, auctionLogs, credited, backstopGas] = await Promise.all([
    publicClient.getContractEvents({
      address: d.lendingEngine,
      abi: iLiquidationEngineAbi,
      ...events,
    }),
    publicClient.getContractEvents({
      address: d.lendingAuctionHouse,
      abi: iAuctionHouseAbi,
      ...events,
    }),
    publicClient.getLogs({
      address: d.lending,
      event: getAbiItem({ abi: iLendingMarketAbi, name: "QuoteCredited" }),
      ...events,
    }),
    // An absorb's gas, paid at cost through the shared waterfall.
    publicClient.getContractEvents({
      address: d.lendingBackstop,
      abi: backstopVaultAbi,
      eventName: "GasReimbursed",
      ...events,
    }),
  ]);
  const args = <N extends string>(
    logs: readonly { eventName: string; args: unknown }[],
    name: N,
  ) => logs.filter((l) => l.eventName === name).map((l) => l.args as EventArgs);
  const sold = args(engineLogs, "CollateralSold");
  const badDebts = args(engineLogs, "BadDebtSettled");
  const kicked = args(auctionLogs, "Kicked");
  const reset = args(auctionLogs, "Reset");
  const floorBuys = args(auctionLogs, "FloorBuyRewarded");
  const takenLogs = auctionLogs.filter((l) => l.eventName === "Taken");
  const taken = takenLogs.map((l) => l.args as Record<string, bigint>);
  const sum = (xs: readonly Record<string, bigint>[], k: string) =>
    xs.reduce((a, x) => a + x[k]!, 0n);
  const isBackstop = (a: Address) => lower(a) === lower(d.lendingBackstop);

  // Each take's payment less what the market credited in the same transaction: the auction penalty.
  const creditedByTx = new Map<string, bigint>();
  for (const l of credited)
    creditedByTx.set(
      l.transactionHash,
      (creditedByTx.get(l.transactionHash) ?? 0n) + l.args.amountWad!,
    );
  const paidByTx = new Map<string, bigint>();
  for (const l of takenLogs)
    paidByTx.set(
      l.transactionHash,
      (paidByTx.get(l.transactionHash) ?? 0n) +
        (l.args as { paidWad: bigint }).paidWad,
    );
  let auctionPenaltyWad = 0n;
  for (const [tx, paid] of paidByTx)
    auctionPenaltyWad += paid - (creditedByTx.get(tx) ?? 0n);

  // Who crossed at which step, and whom the engine acted on.
  const breachStep: (number | undefined)[] = borrowers.map(() => undefined);
  for (const s of steps) {
    const open = await liquidatableBorrowers(
      publicClient,
      d,
      borrowers,
      s.block,
    );
    borrowers.forEach((b, i) => {
      if (open.includes(b) && breachStep[i] === undefined)
        breachStep[i] = s.step;
    });
  }
  const actedOn = new Set(
    [...sold.map((x) => x.account), ...kicked.map((x) => x.account)].map(lower),
  );

  const read = readerAt(publicClient, range.toBlock);
  const debtAt = async (block: bigint) => {
    let total = 0n;
    for (const b of borrowers)
      total += await readerAt(publicClient, block)<bigint>(
        d.lending,
        iLendingMarketAbi,
        "debtOf",
        [b],
      );
    return total;
  };
  const [debtStartWad, debtEndWad, totals] = await Promise.all([
    debtAt(range.fromBlock),
    debtAt(range.toBlock),
    read<readonly [bigint, bigint, bigint, bigint]>(
      d.waterfall,
      solvencyWaterfallAbi,
      "totals",
      [d.lendingVault],
    ),
  ]);
  const [stillLiquidatable, liveAuctions] = await Promise.all([
    liquidatableBorrowers(publicClient, d, borrowers, range.toBlock),
    liveLendingAuctions(publicClient, d, range.toBlock),
  ]);
  const badDebtWad = sum(badDebts, "badDebtWad");
  const coveredWad = sum(badDebts, "coveredWad");
  const waterfall = {
    recognized: totals[0],
    coveredByFund: totals[1],
    raisedByBonds: totals[2],
    socialized: totals[3],
  };

  // The index against the chain: liquidations by kind, bad debt, and each borrower's scaled debt and collateral.
  const mismatches: string[] = [];
  const same = (
    what: string,
    index: bigint | number,
    chain: bigint | number,
  ) => {
    if (BigInt(index) !== BigInt(chain))
      mismatches.push(`lending ${what}: index ${index}, chain ${chain}`);
  };
  const summary = await lendingSummary(indexerUrl);
  const kind = (k: string) => summary.byKind[k] ?? { count: 0, quoteWad: "0" };
  const keeperSales = sold.filter((x) => !isBackstop(x.keeper));
  const absorbs = sold.filter((x) => isBackstop(x.keeper));
  same("sales", kind("sale").count, keeperSales.length);
  same(
    "sales paid",
    BigInt(kind("sale").quoteWad),
    sum(keeperSales, "quotePaidWad"),
  );
  same("backstop absorbs", kind("backstop").count, absorbs.length);
  same(
    "backstop paid",
    BigInt(kind("backstop").quoteWad),
    sum(absorbs, "quotePaidWad"),
  );
  same("kicks", kind("kick").count, kicked.length);
  same("kick targets", BigInt(kind("kick").quoteWad), sum(kicked, "targetWad"));
  same("takes", kind("take").count, taken.length);
  same("takes paid", BigInt(kind("take").quoteWad), sum(taken, "paidWad"));
  same("bad debt", BigInt(summary.badDebtWad), badDebtWad);
  same("bad debt covered", BigInt(summary.badDebtCoveredWad), coveredWad);
  same("accounts liquidated", summary.liquidatedAccounts, actedOn.size);
  const index = await indexedLending(indexerUrl);
  for (const b of borrowers) {
    const row = index.accounts.find((a) => lower(a.address) === lower(b));
    const scaled = await read<bigint>(
      d.lending,
      iLendingMarketAbi,
      "scaledDebtOf",
      [b],
    );
    same(`scaled debt of ${b}`, BigInt(row?.scaledDebtWad ?? "0"), scaled);
    for (const id of [0n, 1n]) {
      const amount = await read<bigint>(
        d.lending,
        iLendingMarketAbi,
        "collateralBalance",
        [b, id],
      );
      const held = index.balances.find(
        (x) => lower(x.account) === lower(b) && BigInt(x.collateralId) === id,
      );
      same(`collateral ${id} of ${b}`, BigInt(held?.amount ?? "0"), amount);
    }
  }

  const problems = [...mismatches];
  if (stillLiquidatable.length > 0)
    problems.push(
      `lending: still liquidatable: ${stillLiquidatable.join(", ")}`,
    );
  if (liveAuctions.length > 0)
    problems.push(`lending: auctions still live: ${liveAuctions.join(", ")}`);
  borrowers.forEach((b, i) => {
    if (breachStep[i] !== undefined && !actedOn.has(lower(b)))
      problems.push(`lending: ${b} crossed its LTV and was never liquidated`);
  });
  const open = await read<bigint>(
    d.lendingVault,
    liquidityVaultAbi,
    "deficitReceivable",
    [],
  );
  if (
    waterfall.recognized !==
    waterfall.coveredByFund +
      waterfall.raisedByBonds +
      waterfall.socialized +
      open
  )
    problems.push(
      `lending: the lending vault's waterfall totals do not add up: recognized ${waterfall.recognized} != fund ${waterfall.coveredByFund} + bonds ${waterfall.raisedByBonds} + socialized ${waterfall.socialized} + open ${open}`,
    );
  if (waterfall.recognized * QUOTE_UNIT_WAD !== badDebtWad)
    problems.push(
      `lending: the waterfall recognized ${waterfall.recognized} units for the lending vault, the engine settled ${badDebtWad} [wad]`,
    );
  return {
    pattern,
    borrowers: borrowers.length,
    breachStep,
    liquidated: actedOn.size,
    sales: keeperSales.length,
    absorbs: absorbs.length,
    kicks: kicked.length,
    takes: taken.length,
    resets: reset.length,
    soldWad: sum(sold, "quotePaidWad") + sum(taken, "paidWad"),
    debtStartWad,
    debtEndWad,
    badDebtWad,
    coveredWad,
    waterfall,
    auctionPenaltyWad,
    rewardsWad:
      sum(kicked, "rewardWad") +
      sum(reset, "rewardWad") +
      sum(floorBuys, "rewardWad") +
      sum(args(engineLogs, "GasReimbursed"), "paidWad") +
      backstopGas.reduce((a, l) => a + l.args.paidWad!, 0n),
    stillLiquidatable,
    liveAuctions,
    mismatches,
    problems,
  };
}

/** What the lending market moved through the shared waterfall, for the report's balances. */
export const lendingFlows = (
  s: LendingDemo | undefined,
): SharedWaterfallFlows | undefined =>
  s === undefined
    ? undefined
    : {
        revenueWad: s.auctionPenaltyWad,
        rewardsWad: s.rewardsWad,
        coveredWad: s.coveredWad,
      };

/** The report's lines on the lending market. */
export function formatLendingDemo(
  mode: LendingMode,
  s: LendingDemo | undefined,
): string[] {
  if (mode === "off" || s === undefined)
    return ["lending market                    off (LENDING=off)"];
  const crossed = s.breachStep.filter((x) => x !== undefined);
  const units = (u: bigint) => usd(u * QUOTE_UNIT_WAD);
  return [
    `lending market                    pattern ${s.pattern}: its own engine, auction house and backstop; the shared waterfall`,
    `  borrowers crossing their LTV    ${crossed.length} of ${s.borrowers}${crossed.length > 0 ? ` (at steps ${crossed.join(", ")})` : ""}`,
    `  liquidated                      ${s.liquidated}: keeper sales ${s.sales}, backstop absorbs ${s.absorbs}, kicks ${s.kicks}, takes ${s.takes}, resets ${s.resets}; collateral sold for ${usd(s.soldWad)}`,
    `  debt                            ${usd(s.debtStartWad)} -> ${usd(s.debtEndWad)}`,
    `  bad debt to the waterfall       ${usd(s.badDebtWad)} (lending vault: recognized ${units(s.waterfall.recognized)}, fund ${units(s.waterfall.coveredByFund)}, bonds ${units(s.waterfall.raisedByBonds)}, socialized ${units(s.waterfall.socialized)})`,
    `  through the shared waterfall    auction penalties ${usd(s.auctionPenaltyWad)} in, keeper rewards ${usd(s.rewardsWad)} out (in the balances above)`,
    `  still liquidatable              ${s.stillLiquidatable.length}`,
    `  index matches chain             ${s.mismatches.length === 0 ? "yes" : `NO (${s.mismatches.join("; ")})`}`,
  ];
}
