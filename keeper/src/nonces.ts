/**
 * Nonces for one key, handed out one broadcast at a time. Checks, simulations and receipt waits stay concurrent; only
 * the step from choosing a nonce to the node accepting the transaction is serialized, so two sends never share a
 * nonce and a failed broadcast leaves no gap: its nonce goes to the next send.
 */
export type NonceSource = () => Promise<number>;

export class SerialNonces {
  /** The nonce after the last accepted broadcast, if any. */
  private next: number | undefined;
  private tail: Promise<unknown> = Promise.resolve();

  /** @param pending The account's transaction count including pending transactions, from the node. */
  constructor(private readonly pending: NonceSource) {}

  /**
   * Runs `broadcast` with the next nonce: the greater of the node's pending count and the one after our last accepted
   * broadcast (the node may not show it yet). The nonce counts as used only if `broadcast` resolves; if it throws, the
   * next send gets the same nonce, unless the node shows it used (a broadcast that failed after the node took it).
   */
  withNonce<T>(broadcast: (nonce: number) => Promise<T>): Promise<T> {
    const run = this.tail.then(async () => {
      const fromNode = await this.pending();
      const nonce = Math.max(this.next ?? 0, fromNode);
      const result = await broadcast(nonce);
      this.next = nonce + 1;
      return result;
    });
    // The queue moves on whether this broadcast succeeded or not; the caller sees its own outcome.
    this.tail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }
}

/** The nonces of the clients' key: one instance per key and process, shared by every path that sends with it. */
export function accountNonces(clients: {
  publicClient: {
    getTransactionCount(args: {
      address: `0x${string}`;
      blockTag: "pending";
    }): Promise<number>;
  };
  account: { address: `0x${string}` };
}): SerialNonces {
  return new SerialNonces(() =>
    clients.publicClient.getTransactionCount({
      address: clients.account.address,
      blockTag: "pending",
    }),
  );
}
