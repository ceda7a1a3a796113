/**
 * The lending keeper's pass: candidates from the indexer (`/accounts/at-risk?protocol=lending`, health factor < 1),
 * re-read on chain and served lowest health factor first, one action each (see ./decide.ts), simulated before it is sent; then every live lending auction, taken through the
 * pool callee or reset. Runs after the perps pass on every block, with the same key, against the lending engine,
 * auction house and backstop of the deployment.
 */
import {
  type Address,
  encodeAbiParameters,
  type PublicClient,
  type WalletClient,
  type Account,
  type Chain,
  type Transport,
} from "viem";
import {
  backstopVaultAbi,
  iAuctionHouseAbi,
  iLendingMarketAbi,
  iLiquidationEngineAbi,
  testnetTokenAbi,
} from "../../../abi/src/generated.ts";
import type { Deployments } from "../deployments.ts";
import type { Logger } from "../logger.ts";
import type { SerialNonces } from "../nonces.ts";
import { ownsAccount, ownsAuction, type Shard } from "../shard.ts";
import {
  decideAuction,
  decideLending,
  orderLending,
  patternName,
  type LendingCandidate,
} from "./decide.ts";

const nextAuctionIdAbi = [
  {
    type: "function",
    name: "nextAuctionId",
    stateMutability: "view",
    inputs: [],
    outputs: [{ type: "uint128" }],
  },
] as const;

const MAX = 2n ** 256n - 1n;

export type LendingPassDeps = {
  publicClient: PublicClient;
  walletClient: WalletClient<Transport, Chain, Account>;
  /** The key's nonces, shared with the perps sender: the lane sends while this pass runs. */
  nonces: SerialNonces;
  receiptTimeoutMs: number;
  deployments: Deployments;
  indexerUrl: string;
  logger: Logger;
  /** This keeper's share of the accounts and auctions (../shard.ts). */
  shard: Shard;
  /** First auction id that may still be live: ids below it have ended. */
  auctionCursor: { next: bigint };
};

type Row = { address: Address; collateralIds: (number | string)[] };

async function atRisk(indexerUrl: string): Promise<Row[]> {
  const res = await fetch(
    `${indexerUrl.replace(/\/$/, "")}/accounts/at-risk?protocol=lending&maxHealth=1`,
  );
  if (!res.ok) throw new Error(`indexer answered ${res.status}`);
  const body = (await res.json()) as { accounts?: Row[] };
  return body.accounts ?? [];
}

export async function approveLending(deps: LendingPassDeps): Promise<void> {
  const { publicClient, walletClient, deployments: d } = deps;
  for (const spender of [d.lending, d.lendingAuctionHouse]) {
    const allowance = await publicClient.readContract({
      address: d.quote,
      abi: testnetTokenAbi,
      functionName: "allowance",
      args: [walletClient.account.address, spender],
    });
    if (allowance > MAX / 2n) continue;
    const hash = await deps.nonces.withNonce((nonce) =>
      walletClient.writeContract({
        address: d.quote,
        abi: testnetTokenAbi,
        functionName: "approve",
        args: [spender, MAX],
        nonce,
      }),
    );
    await publicClient.waitForTransactionReceipt({
      hash,
      timeout: deps.receiptTimeoutMs,
    });
  }
}

async function candidate(
  deps: LendingPassDeps,
  account: Address,
  collateralIds: number[],
): Promise<LendingCandidate> {
  const { publicClient, deployments: d } = deps;
  const market = { address: d.lending, abi: iLendingMarketAbi } as const;
  const [liquidatable, healthFactorWad, debtWad, auctionLots] =
    await Promise.all([
      publicClient.readContract({
        ...market,
        functionName: "isLiquidatable",
        args: [account],
      }),
      publicClient.readContract({
        ...market,
        functionName: "healthFactorOf",
        args: [account],
      }),
      publicClient.readContract({
        ...market,
        functionName: "debtOf",
        args: [account],
      }),
      publicClient.readContract({
        ...market,
        functionName: "auctionLots",
        args: [account],
      }),
    ]);
  const collaterals = await Promise.all(
    collateralIds.map(async (id) => {
      const [amount, params, pattern] = await Promise.all([
        publicClient.readContract({
          ...market,
          functionName: "collateralBalance",
          args: [account, BigInt(id)],
        }),
        publicClient.readContract({
          ...market,
          functionName: "lendingCollateral",
          args: [BigInt(id)],
        }),
        publicClient.readContract({
          address: d.lendingEngine,
          abi: iLiquidationEngineAbi,
          functionName: "collateralPattern",
          args: [BigInt(id)],
        }),
      ]);
      return {
        id,
        amount,
        liquidationLtvWad: BigInt(params.liquidationLtvWad),
        pattern: patternName(pattern),
      };
    }),
  );
  return {
    account,
    liquidatable,
    healthFactorWad,
    debtWad,
    auctionLots,
    collaterals,
  };
}

/** Simulates, then sends and waits; a failed simulation is logged and skipped. */
async function act(
  deps: LendingPassDeps,
  label: string,
  request: Parameters<PublicClient["simulateContract"]>[0],
): Promise<boolean> {
  const { publicClient, walletClient, logger } = deps;
  try {
    const sim = await publicClient.simulateContract({
      ...request,
      account: walletClient.account,
    } as Parameters<PublicClient["simulateContract"]>[0]);
    const hash = await deps.nonces.withNonce((nonce) =>
      walletClient.writeContract({
        ...(sim.request as Parameters<typeof walletClient.writeContract>[0]),
        nonce,
      }),
    );
    const receipt = await publicClient.waitForTransactionReceipt({
      hash,
      timeout: deps.receiptTimeoutMs,
    });
    logger.info(
      {
        event: "lending-action",
        action: label,
        txHash: hash,
        status: receipt.status,
      },
      `lending ${label}`,
    );
    return receipt.status === "success";
  } catch (error) {
    logger.debug(
      {
        event: "lending-skip",
        action: label,
        reason: (error as Error).message.split("\n")[0],
      },
      `lending ${label} skipped`,
    );
    return false;
  }
}

export async function runLendingPass(deps: LendingPassDeps): Promise<void> {
  const { publicClient, deployments: d } = deps;
  const rows = (await atRisk(deps.indexerUrl)).filter((row) =>
    ownsAccount(deps.shard, row.address),
  );
  const candidates = await Promise.all(
    rows.map((row) =>
      candidate(deps, row.address, row.collateralIds.map(Number)),
    ),
  );
  for (const c of orderLending(candidates)) {
    const action = decideLending(c);
    if (action === undefined) continue;
    const args = [action.account, BigInt(action.collateralId)] as const;
    if (action.kind === "buyCollateral") {
      await act(deps, `buyCollateral ${action.account}`, {
        address: d.lendingEngine,
        abi: iLiquidationEngineAbi,
        functionName: "buyCollateral",
        args: [...args, MAX, MAX],
      });
    } else if (action.kind === "absorb") {
      const ok = await act(deps, `absorb ${action.account}`, {
        address: d.lendingBackstop,
        abi: backstopVaultAbi,
        functionName: "absorb",
        args,
      });
      // The backstop is full: keepers may buy at the fixed discount.
      if (!ok) {
        await act(deps, `buyCollateral ${action.account}`, {
          address: d.lendingEngine,
          abi: iLiquidationEngineAbi,
          functionName: "buyCollateral",
          args: [...args, MAX, MAX],
        });
      }
    } else {
      await act(deps, `kick ${action.account}`, {
        address: d.lendingAuctionHouse,
        abi: iAuctionHouseAbi,
        functionName: "kick",
        args,
      });
    }
  }

  // Live lending auctions, from the oldest that may still be live.
  const house = {
    address: d.lendingAuctionHouse,
    abi: iAuctionHouseAbi,
  } as const;
  const next = await publicClient.readContract({
    address: d.lendingAuctionHouse,
    abi: nextAuctionIdAbi,
    functionName: "nextAuctionId",
  });
  let allEndedBelow = true;
  for (let id = deps.auctionCursor.next; id < next; id++) {
    const a = await publicClient.readContract({
      ...house,
      functionName: "auction",
      args: [id],
    });
    if (a.lot === 0n) {
      if (allEndedBelow) deps.auctionCursor.next = id + 1n;
      continue;
    }
    allEndedBelow = false;
    if (!ownsAuction(deps.shard, id)) continue;
    const [, needsReset] = await publicClient.readContract({
      ...house,
      functionName: "status",
      args: [id],
    });
    const decision = decideAuction({ id, lot: a.lot, needsReset });
    if (decision === undefined) continue;
    if (decision.kind === "redo") {
      await act(deps, `redo ${id}`, {
        ...house,
        functionName: "redo",
        args: [id],
      });
      continue;
    }
    const pool = a.collateralId === 0 ? d.wethPool : d.wbtcPool;
    // The callee sells the lot into the pool and reverts unless it pays the take plus a unit: no capital, no loss.
    const data = encodeAbiParameters(
      [{ type: "address" }, { type: "uint256" }],
      [pool, 1n],
    );
    await act(deps, `take ${id}`, {
      ...house,
      functionName: "take",
      args: [id, MAX, MAX, d.lendingTakeCallee, data],
    });
  }
}
