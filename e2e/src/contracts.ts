/** viem clients for the local chain and the typed contract handles the scenario uses. */
import {
  createPublicClient,
  createWalletClient,
  getContract,
  http,
  type Account,
  type Address,
  type Hex,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import {
  iLiquidationEngineAbi,
  iMarginProtocolAbi,
  pushPriceFeedAbi,
  testnetTokenAbi,
  iInsuranceFundAbi,
} from "../../abi/src/generated.ts";
import type { Deployment } from "./system.ts";

export function clients(rpcUrl: string) {
  const publicClient = createPublicClient({
    chain: foundry,
    transport: http(rpcUrl),
    pollingInterval: 100,
  });
  const wallet = (key: Hex) =>
    createWalletClient({
      chain: foundry,
      transport: http(rpcUrl),
      account: privateKeyToAccount(key),
    });
  return { publicClient, wallet };
}

export type PublicClient = ReturnType<typeof clients>["publicClient"];
export type WalletClient = ReturnType<ReturnType<typeof clients>["wallet"]>;

export function contracts(d: Deployment, client: PublicClient) {
  const c = <A extends readonly unknown[]>(abi: A, address: Address) =>
    getContract({ abi, address, client });
  return {
    protocol: c(iMarginProtocolAbi, d.protocol),
    engine: c(iLiquidationEngineAbi, d.engine),
    insurance: c(iInsuranceFundAbi, d.insuranceFund),
    usdc: c(testnetTokenAbi, d.quote),
    weth: c(testnetTokenAbi, d.weth),
    wbtc: c(testnetTokenAbi, d.wbtc),
    ethFeed: c(pushPriceFeedAbi, d.ethFeed),
    btcFeed: c(pushPriceFeedAbi, d.btcFeed),
  };
}

/**
 * An untyped view call at one block (the latest when unset), for reads that pick the function by name; the result is
 * cast to T.
 */
export function readerAt(publicClient: PublicClient, blockNumber?: bigint) {
  return <T>(
    address: Address,
    abi: readonly unknown[],
    functionName: string,
    args: readonly unknown[] = [],
  ) =>
    publicClient.readContract({
      address,
      abi,
      functionName,
      args,
      blockNumber,
    } as never) as Promise<T>;
}

/** Sends a contract write and waits for a successful receipt. */
export async function send(
  publicClient: PublicClient,
  wallet: WalletClient,
  request: {
    address: Address;
    abi: readonly unknown[];
    functionName: string;
    args?: readonly unknown[];
  },
): Promise<bigint> {
  const hash = await wallet.writeContract({
    ...request,
    account: wallet.account as Account,
    chain: wallet.chain,
  } as never);
  const receipt = await publicClient.waitForTransactionReceipt({
    hash,
    pollingInterval: 100,
  });
  if (receipt.status !== "success")
    throw new Error(`${request.functionName} reverted in ${hash}`);
  return receipt.blockNumber;
}
