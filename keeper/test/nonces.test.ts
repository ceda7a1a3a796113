import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SerialNonces } from "../src/nonces.ts";

/** A node whose pending count lags: it learns of a broadcast only `lag` ms after it is accepted. */
function laggingNode(start: number, lagMs: number) {
  let seen = start;
  const broadcasts: number[] = [];
  return {
    broadcasts,
    pending: async () => seen,
    accept: async (nonce: number) => {
      await new Promise((r) => setTimeout(r, 1));
      broadcasts.push(nonce);
      setTimeout(() => (seen = Math.max(seen, nonce + 1)), lagMs);
      return `0x${nonce.toString(16)}`;
    },
  };
}

describe("SerialNonces", () => {
  it("never hands the same nonce to concurrent sends, even when the node lags", async () => {
    const node = laggingNode(7, 50);
    const nonces = new SerialNonces(node.pending);
    await Promise.all(
      Array.from({ length: 12 }, () => nonces.withNonce(node.accept)),
    );
    assert.deepEqual(
      [...node.broadcasts].sort((a, b) => a - b),
      Array.from({ length: 12 }, (_, i) => 7 + i),
    );
  });

  it("gives a failed broadcast's nonce to the next send: no gap", async () => {
    const node = laggingNode(3, 0);
    const nonces = new SerialNonces(node.pending);
    await nonces.withNonce(node.accept); // 3
    await assert.rejects(
      nonces.withNonce(async () => {
        throw new Error("rejected by the node");
      }),
      /rejected by the node/,
    );
    await nonces.withNonce(node.accept);
    assert.deepEqual(node.broadcasts, [3, 4]);
  });

  it("follows the node when another sender used the key", async () => {
    let pending = 10;
    const used: number[] = [];
    const nonces = new SerialNonces(async () => pending);
    await nonces.withNonce(async (n) => used.push(n));
    pending = 15; // five transactions from elsewhere
    await nonces.withNonce(async (n) => used.push(n));
    assert.deepEqual(used, [10, 15]);
  });
});
