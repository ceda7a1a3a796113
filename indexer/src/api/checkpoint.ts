// Ponder 0.16 stores each chain's progress in
// `_ponder_checkpoint.latest_checkpoint` as a fixed-width decimal string: block
// timestamp (10 digits), chain id (16), block number (16), then transaction
// index, event type and event index. Ponder's own /status route decodes the
// same column; this copy gives the keeper a flat answer.

export type IndexedBlock = {
  chainId: number;
  latestBlock: number;
  latestTimestamp: number;
};

export function decodeCheckpoint(
  chainId: number,
  checkpoint: string,
): IndexedBlock {
  if (!/^\d{75}$/.test(checkpoint))
    throw new Error(`unexpected Ponder checkpoint format: "${checkpoint}"`);
  return {
    chainId,
    latestTimestamp: Number(checkpoint.slice(0, 10)),
    latestBlock: Number(checkpoint.slice(26, 42)),
  };
}
