/**
 * ProtocolClient over viem for one protocol of the deployment (any ILiquidatable and its engine, auction house and
 * backstop): reads at the latest block, simulations with gas estimates, sends via the sender. The shared contracts
 * (quote token, pools, waterfall, lens) come from the deployment.
 */
import {
  ContractFunctionRevertedError,
  encodeFunctionData,
  maxUint256,
  parseAbi,
  zeroAddress,
  type Abi,
  type Address,
  type Hex,
} from "viem";
import {
  backstopVaultAbi,
  constantProductPoolAbi,
  iAuctionHouseAbi,
  iLendingMarketAbi,
  iLiquidatableAbi,
  iLiquidationEngineAbi,
  iMarginProtocolAbi,
  iPreLiquidationAbi,
  liquidationLensAbi,
  pushPriceFeedAbi,
  solvencyWaterfallAbi,
  testnetTokenAbi,
} from "../../abi/src/generated.ts";
import type { Clients } from "./chain.ts";
import type { Deployments, ProtocolDeployment } from "./deployments.ts";
import { ContractRevertError, KeeperError, walkCause } from "./errors.ts";
import { healthWadDown } from "./math.ts";
import type { Logger } from "./logger.ts";
import type { CollateralAsset, ProtocolClient } from "./protocol-client.ts";
import type { SerialNonces } from "./nonces.ts";
import { createSender } from "./sender.ts";

type AbiError<A extends Abi> = Extract<A[number], { type: "error" }>;

function errorsOf<const A extends Abi>(abi: A): AbiError<A>[] {
  return abi.filter((item): item is AbiError<A> => item.type === "error");
}

/**
 * The errors of the protocols this keeper knows by ABI (the margin protocol, the lending market), which bubble up
 * through the engine, the auction house and the backstop (e.g. `InvalidPrice`). Another protocol's own errors are
 * logged by selector.
 */
const protocolErrors = [
  ...errorsOf(iMarginProtocolAbi),
  ...errorsOf(iLendingMarketAbi),
];

/**
 * What the keeper reads of a protocol: ILiquidatable's views, and `collateral(id)` (token, oracle, decimals), which
 * both protocols list collateral with.
 */
const protocolAbi = [
  ...iLiquidatableAbi,
  ...parseAbi([
    "struct CollateralParams { address token; address oracle; uint8 decimals; uint256 haircutWad; uint256 depositCap; }",
    "function collateral(uint256 collateralId) view returns (CollateralParams)",
  ]),
  ...protocolErrors,
];

/** The engine's ABI plus the protocol's errors, which bubble up through the engine. */
export const engineAbi = [...iLiquidationEngineAbi, ...protocolErrors];

/** The pre-liquidation module's ABI plus the protocol's errors (`InvalidPrice`, `BreakerActive`), which bubble up. */
export const preLiquidationAbi = [...iPreLiquidationAbi, ...protocolErrors];

/** PoolTakeCallee's refusal, which a take with the pool callback bubbles up. */
const takeCalleeErrorsAbi = parseAbi([
  "error Unprofitable(uint256 outUnits, uint256 owedUnits, uint256 minProfitUnits)",
]);

/**
 * The auction house's ABI plus every error its calls can bubble up: the take callee's and the pool's (a take with
 * the pool callback), the protocol's and the engine's (seizing, crediting, settling bad debt).
 */
export const auctionHouseAbi = [
  ...iAuctionHouseAbi,
  ...takeCalleeErrorsAbi,
  ...errorsOf(constantProductPoolAbi),
  ...errorsOf(iLiquidationEngineAbi),
  ...protocolErrors,
];

/** The backstop vault's ABI plus the errors of the engine (absorb), the auction house (buyAuction) and the protocol. */
export const backstopAbi = [
  ...backstopVaultAbi,
  ...errorsOf(iLiquidationEngineAbi),
  ...errorsOf(iAuctionHouseAbi),
  ...protocolErrors,
];

/** MarginProtocol's fee share (not part of IMarginProtocol), with the protocol's errors for `sweepFees`. */
export const feeShareAbi = [
  ...parseAbi([
    "function feesOwedWad() view returns (uint256)",
    "function sweepFees() returns (uint256)",
  ]),
  ...errorsOf(iMarginProtocolAbi),
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
  /**
   * Lets `spender` pull the keeper's quote tokens (max allowance, once): the protocol for collateral purchases, the
   * auction house for takes, the waterfall for bond purchases. Returns the tx hash if sent.
   */
  ensureQuoteAllowance(spender: Address): Promise<Hex | null>;
};

/** Caches a lookup that never changes for the life of a deployment; a failed lookup is retried next time. */
function memo<K, V>(load: (key: K) => Promise<V>): (key: K) => Promise<V> {
  const cache = new Map<K, Promise<V>>();
  return (key) => {
    let value = cache.get(key);
    if (value === undefined) {
      value = load(key);
      cache.set(key, value);
      value.catch(() => cache.delete(key));
    }
    return value;
  };
}

export async function createViemProtocolClient(args: {
  clients: Clients;
  /** The key's nonces (./nonces.ts), shared by every protocol's client. */
  nonces: SerialNonces;
  deployments: Deployments;
  /** The protocol this client works on, one of `deployments.protocols`. */
  target: ProtocolDeployment;
  receiptTimeoutMs: number;
  logger: Logger;
}): Promise<ViemProtocolClient> {
  const { clients, deployments, target, logger } = args;
  const { publicClient, walletClient, account } = clients;
  const keeper = account.address;
  const protocol = { address: target.protocol, abi: protocolAbi } as const;
  const engine = { address: target.engine, abi: engineAbi } as const;
  const auctionHouse = {
    address: target.auctionHouse,
    abi: auctionHouseAbi,
  } as const;
  const backstop = { address: target.backstop, abi: backstopAbi } as const;
  const quote = { address: deployments.quote, abi: testnetTokenAbi } as const;
  const waterfall = {
    address: deployments.waterfall,
    abi: solvencyWaterfallAbi,
  } as const;
  const feeShare = { address: target.protocol, abi: feeShareAbi } as const;
  const preLiquidation = {
    address: target.preLiquidation ?? zeroAddress,
    abi: preLiquidationAbi,
  } as const;
  const withPreLiquidation = () => {
    if (target.preLiquidation === null)
      throw new KeeperError(
        `protocol ${target.name} has no pre-liquidation module in the deployments file`,
      );
  };
  const lens = {
    address: deployments.liquidationLens,
    abi: liquidationLensAbi,
  } as const;

  const quoteDecimals = await publicClient.readContract({
    ...quote,
    functionName: "decimals",
  });
  const quoteScale = 10n ** BigInt(18 - quoteDecimals);
  const send = createSender({
    clients,
    nonces: args.nonces,
    targets: {
      engine,
      auctionHouse,
      backstop,
      waterfall,
      protocol: feeShare,
      preLiquidation,
    },
    receiptTimeoutMs: args.receiptTimeoutMs,
    logger,
  });

  const allowanceWad = async (spender: Address) => {
    const allowance = await publicClient.readContract({
      ...quote,
      functionName: "allowance",
      args: [keeper, spender],
    });
    return allowance >= maxUint256 / quoteScale
      ? maxUint256
      : allowance * quoteScale;
  };

  /** ILiquidatable's margin state: equity and maintenance [wad] at the current prices (reverts on an invalid one). */
  const marginState = (account: Address) =>
    call("marginState", async () => {
      const [equityWad, maintenanceWad] = await publicClient.readContract({
        ...protocol,
        functionName: "marginState",
        args: [account],
      });
      return { equityWad, maintenanceWad };
    });

  const oraclePrice = (oracle: Address) =>
    call("read", async () => {
      const [priceWad, status] = await publicClient.readContract({
        address: oracle,
        abi: pushPriceFeedAbi,
        functionName: "read",
      });
      return { priceWad, status };
    });

  const collateralListing = memo((collateralId: number) =>
    call("collateral", async () => {
      const c = await publicClient.readContract({
        ...protocol,
        functionName: "collateral",
        args: [BigInt(collateralId)],
      });
      return { token: c.token, oracle: c.oracle, decimals: c.decimals };
    }),
  );
  /** The collateral token each deployed pool trades against the quote asset. */
  const poolToken = memo((pool: Address) =>
    call("collateral", () =>
      publicClient.readContract({
        address: pool,
        abi: constantProductPoolAbi,
        functionName: "collateral",
      }),
    ),
  );
  const pools = [deployments.wethPool, deployments.wbtcPool].filter(
    (pool) => pool !== zeroAddress,
  );

  return {
    keeper,
    quoteDecimals,
    quoteUnitWad: quoteScale,
    auctionHouse: target.auctionHouse,
    backstop: target.backstop,
    takeCallee: target.takeCallee,
    waterfall: deployments.waterfall,
    hasFeeShare: target.kind === "margin",

    isLiquidatable: async (account: Address) => {
      const { equityWad, maintenanceWad } = await marginState(account);
      return equityWad < maintenanceWad;
    },

    health: async (account: Address) => {
      const { equityWad, maintenanceWad } = await marginState(account);
      return {
        equityWad,
        maintenanceWad,
        healthWad: healthWadDown(equityWad, maintenanceWad),
      };
    },

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
      call("positionState", async () => {
        const [sizeWad] = await publicClient.readContract({
          ...protocol,
          functionName: "positionState",
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

    engineGasReimbursement: () =>
      call("gasReimbursementParams", async () => {
        const g = await publicClient.readContract({
          ...engine,
          functionName: "gasReimbursementParams",
        });
        return {
          callGas: BigInt(g.callGas),
          previewGas: BigInt(g.previewGas),
          maxNotionalShareWad: g.maxNotionalShareWad,
          insolventTipWad: g.insolventTipWad,
        };
      }),

    ethPrice: () => oraclePrice(deployments.ethFeed),
    oraclePrice,

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
        allowanceWad(target.protocol),
      ]);
      return { balanceWad: balance * quoteScale, allowanceWad: allowance };
    },

    collateralAsset: async (collateralId): Promise<CollateralAsset> => {
      const { token, decimals } = await collateralListing(collateralId);
      return { token, decimals };
    },

    collateralPrice: async (collateralId) => {
      const { oracle } = await collateralListing(collateralId);
      return oraclePrice(oracle);
    },

    auctionLots: (account) =>
      call("auctionLots", () =>
        publicClient.readContract({
          ...protocol,
          functionName: "auctionLots",
          args: [account],
        }),
      ),

    auctionRoom: (collateralId) =>
      call("room", () =>
        publicClient.readContract({
          ...auctionHouse,
          functionName: "room",
          args: [BigInt(collateralId)],
        }),
      ),

    auctionDustWad: () =>
      call("dustWad", () =>
        publicClient.readContract({ ...auctionHouse, functionName: "dustWad" }),
      ),

    auctionParams: (collateralId) =>
      call("params", async () => {
        const p = await publicClient.readContract({
          ...auctionHouse,
          functionName: "params",
          args: [BigInt(collateralId)],
        });
        return {
          startBufferWad: p.startBufferWad,
          resetAfterSeconds: p.resetAfterSeconds,
          resetBelowWad: p.resetBelowWad,
          penaltyWad: p.penaltyWad,
          capWad: p.capWad,
        };
      }),

    auctionRewardGas: () =>
      call("rewardParams", async () => {
        const r = await publicClient.readContract({
          ...auctionHouse,
          functionName: "rewardParams",
        });
        return { kickGas: r.kickGas, redoGas: r.redoGas };
      }),

    auctionKeeperReward: (targetWad, gasUnits) =>
      call("keeperReward", () =>
        publicClient.readContract({
          ...auctionHouse,
          functionName: "keeperReward",
          args: [targetWad, gasUnits],
        }),
      ),

    rewardCapacityWad: () =>
      call("rewardCapacity", async () => {
        const units = await publicClient.readContract({
          address: deployments.waterfall,
          abi: solvencyWaterfallAbi,
          functionName: "rewardCapacity",
        });
        return units * quoteScale;
      }),

    auctionStatus: (auctionId) =>
      call("status", async () => {
        const [priceWad, needsReset] = await publicClient.readContract({
          ...auctionHouse,
          functionName: "status",
          args: [auctionId],
        });
        return { priceWad, needsReset };
      }),

    auction: (auctionId) =>
      call("auction", async () => {
        const a = await publicClient.readContract({
          ...auctionHouse,
          functionName: "auction",
          args: [auctionId],
        });
        return {
          account: a.account,
          collateralId: a.collateralId,
          startedAt: BigInt(a.startedAt),
          rewardLeft: BigInt(a.rewardLeft),
          lot: a.lot,
          targetWad: a.targetWad,
          startPriceWad: a.startPriceWad,
          penaltyLeftWad: a.penaltyLeftWad,
        };
      }),

    takePool: async (collateralId) => {
      const { token } = await collateralListing(collateralId);
      for (const pool of pools) {
        if ((await poolToken(pool)).toLowerCase() === token.toLowerCase())
          return pool;
      }
      return null;
    },

    poolQuoteOut: (pool, tokenIn, amountIn) =>
      call("quoteOut", () =>
        publicClient.readContract({
          address: pool,
          abi: constantProductPoolAbi,
          functionName: "quoteOut",
          args: [tokenIn, amountIn],
        }),
      ),

    takeAllowanceWad: () => allowanceWad(target.auctionHouse),

    backstopDiscountWad: () =>
      call("backstopDiscountWad", () =>
        publicClient.readContract({
          ...engine,
          functionName: "backstopDiscountWad",
        }),
      ),

    backstopCapacity: (collateralId, discountWad) =>
      call("capacity", () =>
        publicClient.readContract({
          ...backstop,
          functionName: "capacity",
          args: [BigInt(collateralId), discountWad],
        }),
      ),

    bondSeriesCount: () =>
      call("seriesCount", () =>
        publicClient.readContract({
          ...waterfall,
          functionName: "seriesCount",
        }),
      ),

    bondSeries: (seriesId) =>
      call("series", async () => {
        const s = await publicClient.readContract({
          ...waterfall,
          functionName: "series",
          args: [seriesId],
        });
        return {
          closed: s.closed,
          deficit: s.deficit,
          raised: s.raised,
          faceSold: s.faceSold,
          repaid: s.repaid,
        };
      }),

    bondPriceWad: (seriesId) =>
      call("priceWad", () =>
        publicClient.readContract({
          ...waterfall,
          functionName: "priceWad",
          args: [seriesId],
        }),
      ),

    bondClosableAt: (seriesId) =>
      call("closableAt", () =>
        publicClient.readContract({
          ...waterfall,
          functionName: "closableAt",
          args: [seriesId],
        }),
      ),

    bondClaimable: (seriesId) =>
      call("claimable", () =>
        publicClient.readContract({
          ...waterfall,
          functionName: "claimable",
          args: [seriesId, keeper],
        }),
      ),

    waterfallPendingRevenue: () =>
      call("layers", async () => {
        const layers = await publicClient.readContract({
          ...waterfall,
          functionName: "layers",
          args: [target.vault],
        });
        return layers.pendingRevenue;
      }),

    bondAllowanceWad: () => allowanceWad(deployments.waterfall),

    feesOwedWad: () =>
      call("feesOwedWad", () =>
        publicClient.readContract({ ...feeShare, functionName: "feesOwedWad" }),
      ),

    latestTimestamp: async () => (await publicClient.getBlock()).timestamp,

    simulateBuyBonds: (seriesId, maxCostUnits, maxPriceWad) =>
      call("buyBonds", async () => {
        const args = [seriesId, maxCostUnits, maxPriceWad, keeper] as const;
        const request = {
          ...waterfall,
          functionName: "buyBonds",
          args,
          account: keeper,
        } as const;
        const { result } = await publicClient.simulateContract(request);
        const gasUnits = await publicClient.estimateContractGas(request);
        const [cost, face] = result;
        return {
          call: { functionName: "buyBonds", args },
          result: { cost, face },
          gasUnits,
        };
      }),

    simulateCloseSeries: (seriesId) =>
      call("closeSeries", async () => {
        const args = [seriesId] as const;
        const request = {
          ...waterfall,
          functionName: "closeSeries",
          args,
          account: keeper,
        } as const;
        const { result } = await publicClient.simulateContract(request);
        const gasUnits = await publicClient.estimateContractGas(request);
        return {
          call: { functionName: "closeSeries", args },
          result,
          gasUnits,
        };
      }),

    simulateRoute: () =>
      call("route", async () => {
        const request = {
          ...waterfall,
          functionName: "route",
          args: [],
          account: keeper,
        } as const;
        const { result } = await publicClient.simulateContract(request);
        const gasUnits = await publicClient.estimateContractGas(request);
        const [toBonds, toFund] = result;
        return {
          call: { functionName: "route", args: [] },
          result: { toBonds, toFund },
          gasUnits,
        };
      }),

    simulateRedeem: (seriesId) =>
      call("redeem", async () => {
        const args = [seriesId, keeper] as const;
        const request = {
          ...waterfall,
          functionName: "redeem",
          args,
          account: keeper,
        } as const;
        const { result } = await publicClient.simulateContract(request);
        const gasUnits = await publicClient.estimateContractGas(request);
        return { call: { functionName: "redeem", args }, result, gasUnits };
      }),

    simulateSweepFees: () =>
      call("sweepFees", async () => {
        const request = {
          ...feeShare,
          functionName: "sweepFees",
          args: [],
          account: keeper,
        } as const;
        const { result } = await publicClient.simulateContract(request);
        const gasUnits = await publicClient.estimateContractGas(request);
        return {
          call: { functionName: "sweepFees", args: [] },
          result,
          gasUnits,
        };
      }),

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

    simulateLiquidateBatch: (orders, blockNumber) =>
      call("liquidateBatch", async () => {
        const args = [orders] as const;
        const request = {
          ...engine,
          functionName: "liquidateBatch",
          args,
          account: keeper,
          blockNumber,
        } as const;
        // The gas one execution used (eth_createAccessList), not eth_estimateGas's binary search: a batch runs 50
        // liquidations, and a crash brings many batches at once. The send's limit has room over it (./sender.ts).
        // Both at once; a revert is reported as the simulation decodes it (the access list's error is raw).
        const [simulated, listed] = await Promise.allSettled([
          publicClient.simulateContract(request),
          publicClient.createAccessList({
            account: keeper,
            to: engine.address,
            data: encodeFunctionData(request),
            blockNumber,
          }),
        ]);
        if (simulated.status === "rejected") throw simulated.reason;
        if (listed.status === "rejected") throw listed.reason;
        const [closedSizesWad, keeperRewardWad] = simulated.value.result;
        const gasUnits = listed.value.gasUsed;
        return {
          call: { functionName: "liquidateBatch", args },
          result: { closedSizesWad, keeperRewardWad },
          gasUnits,
        };
      }),

    belowMaintenance: (accounts) =>
      call("belowMaintenance", async () => {
        const found = await publicClient.readContract({
          ...lens,
          functionName: "belowMaintenance",
          args: [target.protocol, accounts],
        });
        return [...found];
      }),

    previewPreLiquidation: (account: Address, marketId: number) =>
      call("previewPreLiquidation", async () => {
        withPreLiquidation();
        const [closeSizeWad, incentiveWad, healthWad] =
          await publicClient.readContract({
            ...preLiquidation,
            functionName: "previewPreLiquidation",
            args: [account, BigInt(marketId)],
          });
        return { closeSizeWad, incentiveWad, healthWad };
      }),

    simulatePreLiquidate: (
      account: Address,
      marketId: number,
      maxCloseSizeWad: bigint,
    ) =>
      call("preLiquidate", async () => {
        withPreLiquidation();
        const args = [account, BigInt(marketId), maxCloseSizeWad] as const;
        const request = {
          ...preLiquidation,
          functionName: "preLiquidate",
          args,
          account: keeper,
        } as const;
        const { result } = await publicClient.simulateContract(request);
        const gasUnits = await publicClient.estimateContractGas(request);
        const [closedSizeWad, incentiveWad] = result;
        return {
          call: { functionName: "preLiquidate", args },
          result: { closedSizeWad, incentiveWad },
          gasUnits,
        };
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

    simulateSettleBadDebt: (account: Address) =>
      call("settleBadDebt", async () => {
        const args = [account] as const;
        const request = {
          ...engine,
          functionName: "settleBadDebt",
          args,
          account: keeper,
        } as const;
        const { result } = await publicClient.simulateContract(request);
        const gasUnits = await publicClient.estimateContractGas(request);
        return {
          call: { functionName: "settleBadDebt", args },
          result,
          gasUnits,
        };
      }),

    simulateKick: (account, collateralId) =>
      call("kick", async () => {
        const args = [account, BigInt(collateralId)] as const;
        const request = {
          ...auctionHouse,
          functionName: "kick",
          args,
          account: keeper,
        } as const;
        const { result } = await publicClient.simulateContract(request);
        const gasUnits = await publicClient.estimateContractGas(request);
        return { call: { functionName: "kick", args }, result, gasUnits };
      }),

    simulateTake: (auctionId, maxAmount, maxPriceWad, receiver, data) =>
      call("take", async () => {
        const args = [
          auctionId,
          maxAmount,
          maxPriceWad,
          receiver,
          data,
        ] as const;
        const request = {
          ...auctionHouse,
          functionName: "take",
          args,
          account: keeper,
        } as const;
        const { result } = await publicClient.simulateContract(request);
        const gasUnits = await publicClient.estimateContractGas(request);
        const [amount, paidWad] = result;
        return {
          call: { functionName: "take", args },
          result: { amount, paidWad },
          gasUnits,
        };
      }),

    simulateRedo: (auctionId) =>
      call("redo", async () => {
        const args = [auctionId] as const;
        const request = {
          ...auctionHouse,
          functionName: "redo",
          args,
          account: keeper,
        } as const;
        await publicClient.simulateContract(request);
        const gasUnits = await publicClient.estimateContractGas(request);
        return { call: { functionName: "redo", args }, result: null, gasUnits };
      }),

    simulateBuyAuction: (auctionId) =>
      call("buyAuction", async () => {
        const args = [auctionId] as const;
        const request = {
          ...backstop,
          functionName: "buyAuction",
          args,
          account: keeper,
        } as const;
        const { result } = await publicClient.simulateContract(request);
        const gasUnits = await publicClient.estimateContractGas(request);
        const [amount, paidWad, rewardWad] = result;
        return {
          call: { functionName: "buyAuction", args },
          result: { amount, paidWad, rewardWad },
          gasUnits,
        };
      }),

    simulateAbsorb: (account, collateralId) =>
      call("absorb", async () => {
        const args = [account, BigInt(collateralId)] as const;
        const request = {
          ...backstop,
          functionName: "absorb",
          args,
          account: keeper,
        } as const;
        const { result } = await publicClient.simulateContract(request);
        const gasUnits = await publicClient.estimateContractGas(request);
        const [amount, paidWad, rewardWad] = result;
        return {
          call: { functionName: "absorb", args },
          result: { amount, paidWad, rewardWad },
          gasUnits,
        };
      }),

    send: (keeperCall, gasUnits, fees) =>
      call(keeperCall.functionName, () => send(keeperCall, gasUnits, fees)),

    async ensureQuoteAllowance(spender: Address) {
      const allowance = await publicClient.readContract({
        ...quote,
        functionName: "allowance",
        args: [keeper, spender],
      });
      if (allowance === maxUint256) return null;
      const hash = await walletClient.writeContract({
        ...quote,
        functionName: "approve",
        args: [spender, maxUint256],
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
