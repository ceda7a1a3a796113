/**
 * Sends one keeper call (to the engine, the auction house or the backstop vault) and waits for its receipt. A
 * transaction not mined within the receipt timeout is replaced (same nonce) with fees raised by a fixed factor, never
 * above the fee ceiling; every hash sent is tracked, and a receipt for any of them ends the wait.
 */
import {
  TransactionReceiptNotFoundError,
  WaitForTransactionReceiptTimeoutError,
  encodeFunctionData,
  type Abi,
  type Address,
  type Hex,
  type TransactionReceipt,
} from "viem";
import type { Clients } from "./chain.ts";
import { TransactionStuckError, walkCause } from "./errors.ts";
import type { Logger } from "./logger.ts";
import type { SerialNonces } from "./nonces.ts";
import {
  CALL_CONTRACT,
  type CallContract,
  type KeeperCall,
  type SendFees,
  type SentTransaction,
} from "./protocol-client.ts";

/** Replacement fees must rise by at least 10% to be accepted by geth-style mempools. */
export const FEE_BUMP_NUMERATOR = 125n;
export const FEE_BUMP_DENOMINATOR = 100n;
export const MAX_FEE_BUMPS = 3;
/** Gas limit = estimate × 1.25: the state may move a little between estimate and inclusion. */
const GAS_LIMIT_NUMERATOR = 125n;
const GAS_LIMIT_DENOMINATOR = 100n;
/**
 * Calls that may settle an account's bad debt. A settlement the estimate saw the insurance fund pay can open a bond
 * series by inclusion (the fund drained in between): about 147k gas more (the waterfall's gas tests: a liquidation
 * with bad debt 205,806 when the fund covers it, 352,387 through a series). Their limit has this much more room; only
 * the gas used is paid.
 */
export const BAD_DEBT_SETTLEMENT_HEADROOM_GAS = 200_000n;
const MAY_SETTLE_BAD_DEBT: ReadonlySet<KeeperCall["functionName"]> = new Set([
  "liquidate",
  "liquidateBatch",
  "buyCollateral",
  "settleBadDebt",
  "take",
  "buyAuction",
  "absorb",
]);

/**
 * A batch may settle many bad debts, and batches sent one after another are simulated against the same state: an
 * earlier one can drain the fund that the simulation of a later one saw cover its debts. Its limit has room for a
 * fifth of its orders opening a bond series by inclusion (147k ÷ 5 each), on top of the one settlement's.
 */
export const BATCH_SETTLEMENT_HEADROOM_GAS_PER_ORDER = 30_000n;

/**
 * The gas limit a call is sent with, from its gas [gas units]: × 1.25 (the state may move a little, and a batch's
 * gas is read after refunds, which the EVM caps at a fifth of the gas used), plus the headroom of bad-debt settlements.
 */
export function gasLimit(call: KeeperCall, gasUnits: bigint): bigint {
  let headroom = MAY_SETTLE_BAD_DEBT.has(call.functionName)
    ? BAD_DEBT_SETTLEMENT_HEADROOM_GAS
    : 0n;
  if (call.functionName === "liquidateBatch")
    headroom +=
      BATCH_SETTLEMENT_HEADROOM_GAS_PER_ORDER * BigInt(call.args[0].length);
  return (gasUnits * GAS_LIMIT_NUMERATOR) / GAS_LIMIT_DENOMINATOR + headroom;
}

/** Address and ABI (with every error its calls may bubble up) of each contract the keeper sends to. */
export type SendTargets = Record<CallContract, { address: Address; abi: Abi }>;

export type SenderOptions = {
  clients: Clients;
  /** The key's nonces, shared with every other path that sends with it (./nonces.ts). */
  nonces: SerialNonces;
  targets: SendTargets;
  receiptTimeoutMs: number;
  logger: Logger;
};

/** The next fees of a replacement, or null when they would pass the ceiling. */
export function bumpFees(
  fees: { maxFeePerGasWei: bigint; maxPriorityFeePerGasWei: bigint },
  feeCeilingWei: bigint,
): { maxFeePerGasWei: bigint; maxPriorityFeePerGasWei: bigint } | null {
  const maxFeePerGasWei =
    (fees.maxFeePerGasWei * FEE_BUMP_NUMERATOR) / FEE_BUMP_DENOMINATOR + 1n;
  if (maxFeePerGasWei > feeCeilingWei) return null;
  const bumpedPriority =
    (fees.maxPriorityFeePerGasWei * FEE_BUMP_NUMERATOR) / FEE_BUMP_DENOMINATOR +
    1n;
  return {
    maxFeePerGasWei,
    maxPriorityFeePerGasWei:
      bumpedPriority > maxFeePerGasWei ? maxFeePerGasWei : bumpedPriority,
  };
}

export function createSender(options: SenderOptions) {
  const { clients, targets, receiptTimeoutMs, logger } = options;
  const { publicClient, walletClient, account, chain } = clients;
  const { nonces } = options;

  async function findReceipt(
    hashes: readonly Hex[],
  ): Promise<TransactionReceipt | undefined> {
    for (const hash of hashes) {
      try {
        return await publicClient.getTransactionReceipt({ hash });
      } catch (error) {
        if (
          !walkCause(error, (e) => e instanceof TransactionReceiptNotFoundError)
        )
          throw error;
      }
    }
    return undefined;
  }

  function sent(receipt: TransactionReceipt, hashes: Hex[]): SentTransaction {
    return {
      txHash: receipt.transactionHash,
      status: receipt.status,
      gasUsed: receipt.gasUsed,
      effectiveGasPriceWei: receipt.effectiveGasPrice,
      hashes,
    };
  }

  return async function send(
    call: KeeperCall,
    gasUnits: bigint,
    fees: SendFees,
  ): Promise<SentTransaction> {
    const target = targets[CALL_CONTRACT[call.functionName]];
    const to = target.address;
    const data = encodeFunctionData({
      abi: target.abi,
      functionName: call.functionName,
      args: call.args,
    });
    const gas = gasLimit(call, gasUnits);
    let current = {
      maxFeePerGasWei: fees.maxFeePerGasWei,
      maxPriorityFeePerGasWei: fees.maxPriorityFeePerGasWei,
    };

    const sendWith = (nonce: number) =>
      walletClient.sendTransaction({
        account,
        chain,
        to,
        data,
        gas,
        nonce,
        type: "eip1559",
        maxFeePerGas: current.maxFeePerGasWei,
        maxPriorityFeePerGas: current.maxPriorityFeePerGasWei,
      });
    // The first broadcast takes the next nonce (one broadcast at a time); replacements reuse it.
    let nonce = 0;
    const hashes: Hex[] = [
      await nonces.withNonce(async (n) => {
        nonce = n;
        return sendWith(n);
      }),
    ];

    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) {
        try {
          hashes.push(await sendWith(nonce));
        } catch (error) {
          // A replacement was refused (often: the previous attempt was just mined). Look for its receipt.
          const receipt = await findReceipt(hashes);
          if (receipt) return sent(receipt, hashes);
          throw new TransactionStuckError(hashes, error);
        }
      }
      const hash = hashes[hashes.length - 1] as Hex;
      try {
        const receipt = await publicClient.waitForTransactionReceipt({
          hash,
          timeout: receiptTimeoutMs,
          onReplaced: (replacement) =>
            logger.warn(
              {
                event: "tx-replaced",
                reason: replacement.reason,
                hash,
                replacedBy: replacement.transaction.hash,
              },
              "transaction replaced",
            ),
        });
        return sent(receipt, hashes);
      } catch (error) {
        if (
          !walkCause(
            error,
            (e) => e instanceof WaitForTransactionReceiptTimeoutError,
          )
        )
          throw error;
        const earlier = await findReceipt(hashes);
        if (earlier) return sent(earlier, hashes);
        const next =
          attempt < MAX_FEE_BUMPS
            ? bumpFees(current, fees.feeCeilingWei)
            : null;
        if (!next) throw new TransactionStuckError(hashes, error);
        logger.warn(
          {
            event: "tx-fee-bump",
            hash,
            nonce,
            attempt: attempt + 1,
            maxFeePerGasWei: next.maxFeePerGasWei.toString(),
            feeCeilingWei: fees.feeCeilingWei.toString(),
          },
          "transaction not mined in time: replacing with higher fees",
        );
        current = next;
      }
    }
  };
}
