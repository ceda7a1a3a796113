/** ProtocolClient over viem: reads at the latest block, simulations with gas estimates, sends via the sender. */
import {
  ContractFunctionRevertedError,
  maxUint256,
  type Address,
  type Hex,
} from "viem";
import {
  iLiquidationEngineAbi,
  iMarginProtocolAbi,
  pushPriceFeedAbi,
  testnetTokenAbi,
} from "../../abi/src/generated.ts";
import type { Clients } from "./chain.ts";
import type { Deployments } from "./deployments.ts";
import { ContractRevertError, KeeperError, walkCause } from "./errors.ts";
import type { Logger } from "./logger.ts";
import type { ProtocolClient } from "./protocol-client.ts";
import { createSender } from "./sender.ts";

type ProtocolError = Extract<
  (typeof iMarginProtocolAbi)[number],
  { type: "error" }
>;

/** The engine's ABI plus the protocol's errors, which bubble up through the engine (e.g. `InvalidPrice`). */
export const engineAbi = [
  ...iLiquidationEngineAbi,
  ...iMarginProtocolAbi.filter(
    (item): item is ProtocolError => item.type === "error",
  ),
];

/** Turns a viem revert into a ContractRevertError with the decoded error name; other errors pass through. */
export function toRevertError(error: unknown, functionName: string): unknown {
  const reverted = walkCause(
    error,
    (e) => e instanceof ContractFunctionRevertedError,
  ) as ContractFunctionRevertedError | undefined;
  if (!reverted) return error;
  const errorName =
    reverted.data?.errorName ??
    (reverted.signature ? `unknown(${reverted.signature})` : "unknown revert");
  return new ContractRevertError(
    functionName,
    errorName,
    reverted.data?.args ?? [],
    error,
  );
}

async function call<T>(
  functionName: string,
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toRevertError(error, functionName);
  }
}

export type ViemProtocolClient = ProtocolClient & {
  quoteDecimals: number;
  /** Approves the protocol to pull the keeper's quote tokens (max allowance, once). Returns the tx hash if sent. */
  ensureQuoteAllowance(): Promise<Hex | null>;
};

export async function createViemProtocolClient(args: {
  clients: Clients;
  deployments: Deployments;
  receiptTimeoutMs: number;
  logger: Logger;
}): Promise<ViemProtocolClient> {
  const { clients, deployments, logger } = args;
  const { publicClient, walletClient, account } = clients;
  const keeper = account.address;
  const protocol = {
    address: deployments.protocol,
    abi: iMarginProtocolAbi,
  } as const;
  const engine = { address: deployments.engine, abi: engineAbi } as const;
  const quote = { address: deployments.quote, abi: testnetTokenAbi } as const;

  const quoteDecimals = await publicClient.readContract({
    ...quote,
    functionName: "decimals",
  });
  const quoteScale = 10n ** BigInt(18 - quoteDecimals);
  const send = createSender({
    clients,
    engine: deployments.engine,
    engineAbi,
    receiptTimeoutMs: args.receiptTimeoutMs,
    logger,
  });

  return {
    keeper,
    quoteDecimals,

    isLiquidatable: (account: Address) =>
      call("isLiquidatable", () =>
        publicClient.readContract({
          ...protocol,
          functionName: "isLiquidatable",
          args: [account],
        }),
      ),

    health: (account: Address) =>
      call("health", () =>
        publicClient.readContract({
          ...protocol,
          functionName: "health",
          args: [account],
        }),
      ),

    accountMasks: (account: Address) =>
      call("accountMasks", async () => {
        const [marketMask, collateralMask] = await publicClient.readContract({
          ...protocol,
          functionName: "accountMasks",
          args: [account],
        });
        return { marketMask, collateralMask };
      }),

    positionSize: (account: Address, marketId: number) =>
      call("position", async () => {
        const [sizeWad] = await publicClient.readContract({
          ...protocol,
          functionName: "position",
          args: [account, BigInt(marketId)],
        });
        return sizeWad;
      }),

    quoteBalance: (account: Address) =>
      call("quoteBalance", () =>
        publicClient.readContract({
          ...protocol,
          functionName: "quoteBalance",
          args: [account],
        }),
      ),

    collateralState: (account: Address, collateralId: number) =>
      call("collateralState", async () => {
        const [amount, priceWad, haircutWad, decimals] =
          await publicClient.readContract({
            ...protocol,
            functionName: "collateralState",
            args: [account, BigInt(collateralId)],
          });
        return { amount, priceWad, haircutWad, decimals };
      }),

    previewLiquidation: (account: Address, marketId: number) =>
      call("previewLiquidation", async () => {
        const [closeSizeWad, penaltyWad, keeperRewardWad] =
          await publicClient.readContract({
            ...engine,
            functionName: "previewLiquidation",
            args: [account, BigInt(marketId)],
          });
        return { closeSizeWad, penaltyWad, keeperRewardWad };
      }),

    collateralPattern: (collateralId) =>
      call("collateralPattern", async () =>
        Number(
          await publicClient.readContract({
            ...engine,
            functionName: "collateralPattern",
            args: [BigInt(collateralId)],
          }),
        ),
      ),

    liquidationParams: () =>
      call("params", async () => {
        const params = await publicClient.readContract({
          ...engine,
          functionName: "params",
        });
        return {
          targetHealthWad: params.targetHealthWad,
          fullCloseHealthWad: params.fullCloseHealthWad,
          penaltyWad: params.penaltyWad,
          keeperShareWad: params.keeperShareWad,
          collateralDiscountWad: params.collateralDiscountWad,
          dustNotionalWad: params.dustNotionalWad,
        };
      }),

    ethPrice: () =>
      call("read", async () => {
        const [priceWad, status] = await publicClient.readContract({
          address: deployments.ethFeed,
          abi: pushPriceFeedAbi,
          functionName: "read",
        });
        return { priceWad, status };
      }),

    feeQuote: async () => {
      const [gasPriceWei, maxPriorityFeePerGasWei] = await Promise.all([
        publicClient.getGasPrice(),
        publicClient.estimateMaxPriorityFeePerGas(),
      ]);
      return { gasPriceWei, maxPriorityFeePerGasWei };
    },

    quoteFunding: async () => {
      const [balance, allowance] = await Promise.all([
        publicClient.readContract({
          ...quote,
          functionName: "balanceOf",
          args: [keeper],
        }),
        publicClient.readContract({
          ...quote,
          functionName: "allowance",
          args: [keeper, deployments.protocol],
        }),
      ]);
      return {
        balanceWad: balance * quoteScale,
        allowanceWad:
          allowance >= maxUint256 / quoteScale
            ? maxUint256
            : allowance * quoteScale,
      };
    },

    simulateLiquidate: (
      account: Address,
      marketId: number,
      maxCloseSizeWad: bigint,
    ) =>
      call("liquidate", async () => {
        const args = [account, BigInt(marketId), maxCloseSizeWad] as const;
        const request = {
          ...engine,
          functionName: "liquidate",
          args,
          account: keeper,
        } as const;
        const { result } = await publicClient.simulateContract(request);
        const gasUnits = await publicClient.estimateContractGas(request);
        return { call: { functionName: "liquidate", args }, result, gasUnits };
      }),

    simulateBuyCollateral: (
      account: Address,
      collateralId: number,
      maxAmount: bigint,
      maxPriceWad: bigint,
    ) =>
      call("buyCollateral", async () => {
        const args = [
          account,
          BigInt(collateralId),
          maxAmount,
          maxPriceWad,
        ] as const;
        const request = {
          ...engine,
          functionName: "buyCollateral",
          args,
          account: keeper,
        } as const;
        const { result } = await publicClient.simulateContract(request);
        const gasUnits = await publicClient.estimateContractGas(request);
        const [amount, quotePaidWad] = result;
        return {
          call: { functionName: "buyCollateral", args },
          result: { amount, quotePaidWad },
          gasUnits,
        };
      }),

    send: (engineCall, gasUnits, fees) =>
      call(engineCall.functionName, () => send(engineCall, gasUnits, fees)),

    async ensureQuoteAllowance() {
      const allowance = await publicClient.readContract({
        ...quote,
        functionName: "allowance",
        args: [keeper, deployments.protocol],
      });
      if (allowance === maxUint256) return null;
      const hash = await walletClient.writeContract({
        ...quote,
        functionName: "approve",
        args: [deployments.protocol, maxUint256],
      });
      const receipt = await publicClient.waitForTransactionReceipt({
        hash,
        timeout: args.receiptTimeoutMs,
      });
      if (receipt.status !== "success") {
        throw new KeeperError("quote approve transaction reverted", {
          details: `tx ${hash}`,
        });
      }
      return hash;
    },
  };
}
