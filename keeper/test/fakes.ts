/** Test doubles: an in-memory ProtocolClient and a silent logger. */
import { getAddress, maxUint256, type Address, type Hex } from "viem";
import { pino } from "pino";
import { ContractRevertError } from "../src/errors.ts";
import type { AtRiskAccount } from "../src/index-client.ts";
import type { Logger } from "../src/logger.ts";
import { WAD } from "../src/math.ts";
import type {
  AccountMasks,
  CollateralState,
  EngineCall,
  FeeQuote,
  LiquidationParams,
  LiquidationPreview,
  PriceRead,
  ProtocolClient,
  QuoteFunding,
  SendFees,
  SentTransaction,
} from "../src/protocol-client.ts";

export const KEEPER: Address = getAddress(
  "0x00000000000000000000000000000000000000ee",
);
export const ALICE: Address = getAddress(
  "0x000000000000000000000000000000000000a11c",
);
export const ORACLE: Address = getAddress(
  "0x00000000000000000000000000000000000000f0",
);
export const TX_HASH: Hex = `0x${"ab".repeat(32)}`;
export const GWEI = 10n ** 9n;

export const silentLogger: Logger = pino({ level: "silent" });

export function revert(
  functionName: string,
  errorName: string,
  args: readonly unknown[] = [],
): ContractRevertError {
  return new ContractRevertError(functionName, errorName, args);
}

export function row(overrides: Partial<AtRiskAccount> = {}): AtRiskAccount {
  return {
    address: ALICE,
    healthWad: (9n * WAD) / 10n,
    equityWad: 90n * WAD,
    maintenanceWad: 100n * WAD,
    quoteBalanceWad: 0n,
    breachBlock: 100n,
    block: 109n,
    marketIds: [0],
    collateralIds: [],
    ...overrides,
  };
}

type Method = keyof ProtocolClient;

/**
 * An account with one long position in market 0 below maintenance. Defaults: reward 20 quote; gas 300k units at
 * 1 gwei with ETH at 2000 quote costs 0.6 quote.
 */
export class FakeChain implements ProtocolClient {
  readonly keeper = KEEPER;
  liquidatable = true;
  healthWad = (9n * WAD) / 10n;
  masks: AccountMasks = { marketMask: 1n, collateralMask: 0n };
  sizes = new Map<number, bigint>([[0, 10n * WAD]]);
  quoteWad = 0n;
  collaterals = new Map<number, CollateralState>();
  previews = new Map<number, LiquidationPreview>([
    [
      0,
      {
        closeSizeWad: -10n * WAD,
        penaltyWad: 50n * WAD,
        keeperRewardWad: 20n * WAD,
      },
    ],
  ]);
  params: LiquidationParams = {
    targetHealthWad: (12n * WAD) / 10n,
    fullCloseHealthWad: (5n * WAD) / 10n,
    penaltyWad: (5n * WAD) / 100n,
    keeperShareWad: (4n * WAD) / 10n,
    collateralDiscountWad: (5n * WAD) / 100n,
    dustNotionalWad: 10n * WAD,
  };
  eth: PriceRead = { priceWad: 2000n * WAD, status: 0 };
  fees: FeeQuote = {
    gasPriceWei: 1n * GWEI,
    maxPriorityFeePerGasWei: 1n * GWEI,
  };
  funding: QuoteFunding = {
    balanceWad: 1_000_000n * WAD,
    allowanceWad: maxUint256,
  };
  gasUnits = 300_000n;
  /** Simulated result of buyCollateral, by collateral id. */
  purchases = new Map<number, { amount: bigint; quotePaidWad: bigint }>();
  /** Errors thrown by a method (every call), by method name. */
  failures = new Map<Method, unknown>();
  sendStatus: SentTransaction["status"] = "success";
  /** Runs when a transaction is sent: mutate the state as the chain would. */
  afterSend: (call: EngineCall) => void = () => {};

  readonly calls: Method[] = [];
  readonly sent: { call: EngineCall; gasUnits: bigint; fees: SendFees }[] = [];

  private enter(method: Method): void {
    this.calls.push(method);
    const failure = this.failures.get(method);
    if (failure !== undefined) throw failure;
  }

  count(method: Method): number {
    return this.calls.filter((m) => m === method).length;
  }

  async isLiquidatable() {
    this.enter("isLiquidatable");
    return this.liquidatable;
  }
  async health() {
    this.enter("health");
    return {
      equityWad: 90n * WAD,
      initialWad: 200n * WAD,
      maintenanceWad: 100n * WAD,
      healthWad: this.healthWad,
    };
  }
  async accountMasks() {
    this.enter("accountMasks");
    return this.masks;
  }
  async positionSize(_account: Address, marketId: number) {
    this.enter("positionSize");
    return this.sizes.get(marketId) ?? 0n;
  }
  async quoteBalance() {
    this.enter("quoteBalance");
    return this.quoteWad;
  }
  async collateralState(_account: Address, collateralId: number) {
    this.enter("collateralState");
    return (
      this.collaterals.get(collateralId) ?? {
        amount: 0n,
        priceWad: 0n,
        haircutWad: 0n,
        decimals: 18,
      }
    );
  }
  async previewLiquidation(_account: Address, marketId: number) {
    this.enter("previewLiquidation");
    return (
      this.previews.get(marketId) ?? {
        closeSizeWad: 0n,
        penaltyWad: 0n,
        keeperRewardWad: 0n,
      }
    );
  }
  async liquidationParams() {
    this.enter("liquidationParams");
    return this.params;
  }
  /** Collateral ids sold by Dutch auction; every other id is fixed fee. */
  auctioned = new Set<number>();
  async collateralPattern(collateralId: number) {
    this.enter("collateralPattern");
    return this.auctioned.has(collateralId) ? 1 : 0;
  }
  async ethPrice() {
    this.enter("ethPrice");
    return this.eth;
  }
  async feeQuote() {
    this.enter("feeQuote");
    return this.fees;
  }
  async quoteFunding() {
    this.enter("quoteFunding");
    return this.funding;
  }
  async simulateLiquidate(
    account: Address,
    marketId: number,
    maxCloseSizeWad: bigint,
  ) {
    this.enter("simulateLiquidate");
    const size = this.sizes.get(marketId) ?? 0n;
    return {
      call: {
        functionName: "liquidate" as const,
        args: [account, BigInt(marketId), maxCloseSizeWad] as const,
      },
      result: size > 0n ? -maxCloseSizeWad : maxCloseSizeWad,
      gasUnits: this.gasUnits,
    };
  }
  async simulateBuyCollateral(
    account: Address,
    collateralId: number,
    maxAmount: bigint,
    maxPriceWad: bigint,
  ) {
    this.enter("simulateBuyCollateral");
    const result = this.purchases.get(collateralId) ?? {
      amount: 0n,
      quotePaidWad: 0n,
    };
    return {
      call: {
        functionName: "buyCollateral" as const,
        args: [account, BigInt(collateralId), maxAmount, maxPriceWad] as const,
      },
      result,
      gasUnits: this.gasUnits,
    };
  }
  async send(
    call: EngineCall,
    gasUnits: bigint,
    fees: SendFees,
  ): Promise<SentTransaction> {
    this.enter("send");
    this.sent.push({ call, gasUnits, fees });
    this.afterSend(call);
    return {
      txHash: TX_HASH,
      status: this.sendStatus,
      gasUsed: gasUnits,
      effectiveGasPriceWei: fees.maxFeePerGasWei,
      hashes: [TX_HASH],
    };
  }
}
