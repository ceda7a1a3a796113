/**
 * viem clients: one fallback transport over every RPC URL (retries with exponential backoff, then the next URL),
 * a public client for reads and a wallet client. Nonces are chosen by the sender, one broadcast at a time
 * (`nonces.ts`).
 */
import {
  createPublicClient,
  createWalletClient,
  defineChain,
  fallback,
  http,
  type Chain,
  type Hex,
  type PrivateKeyAccount,
  type PublicClient,
  type Transport,
  type WalletClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";

export type Clients = {
  chain: Chain;
  account: PrivateKeyAccount;
  publicClient: PublicClient<Transport, Chain>;
  walletClient: WalletClient<Transport, Chain, PrivateKeyAccount>;
};

export type ClientOptions = {
  rpcUrls: readonly string[];
  privateKey: Hex;
  chainId: number;
  pollingIntervalMs: number;
  /** Per-request timeout of each RPC endpoint [ms]. */
  rpcTimeoutMs?: number;
};

export function createClients(options: ClientOptions): Clients {
  const chain = defineChain({
    id: options.chainId,
    name: `chain-${options.chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [...options.rpcUrls] } },
  });
  // Each endpoint fails fast (no own retries) so the fallback moves on; the fallback retries the whole round
  // with exponential backoff (250 ms, 500 ms, 1 s).
  const transport = fallback(
    options.rpcUrls.map((url) =>
      http(url, { retryCount: 0, timeout: options.rpcTimeoutMs ?? 10_000 }),
    ),
    { retryCount: 3, retryDelay: 250 },
  );
  const account = privateKeyToAccount(options.privateKey);
  const publicClient = createPublicClient({
    chain,
    transport,
    pollingInterval: options.pollingIntervalMs,
  });
  const walletClient = createWalletClient({
    chain,
    transport,
    account,
    pollingInterval: options.pollingIntervalMs,
  });
  return { chain, account, publicClient, walletClient };
}
