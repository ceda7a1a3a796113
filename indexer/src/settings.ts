// The indexer's own settings from the environment, read once at startup; a
// bad value stops it with one line naming the variable.

export class SettingsError extends Error {
  override name = "SettingsError";
}

/** Accounts a block's pushes and band refresh recompute, the refresh getting what the pushes leave (src/blockBudget.ts). */
export const DEFAULT_BAND_REFRESH_PER_BLOCK = 500;

/**
 * BAND_REFRESH_PER_BLOCK: how many accounts a block recomputes before its
 * band refresh stops: the refresh recomputes stale-band accounts up to it,
 * less the accounts the block's pushes recomputed. An integer from 0 (no
 * refresh: readers compute stale accounts themselves) to 100,000; 500 when
 * unset.
 */
export function bandRefreshPerBlockFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): number {
  const text = env.BAND_REFRESH_PER_BLOCK;
  if (text === undefined || text === "") return DEFAULT_BAND_REFRESH_PER_BLOCK;
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n > 100_000)
    throw new SettingsError(
      `BAND_REFRESH_PER_BLOCK must be an integer from 0 to 100000, got "${text}"`,
    );
  return n;
}

/**
 * RPC_MAX_REQUESTS_PER_SECOND: the JSON-RPC requests per second the indexer
 * sends its node from the start, an integer from 1 to 100,000. Unset, Ponder
 * starts at 20 and adapts to the provider (at most 500), which suits a shared
 * provider; a node of one's own can take far more, and at 20 a history sync
 * waits on the limit, not on the node.
 */
export function rpcMaxRequestsPerSecondFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): number | undefined {
  const text = env.RPC_MAX_REQUESTS_PER_SECOND;
  if (text === undefined || text === "") return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < 1 || n > 100_000)
    throw new SettingsError(
      `RPC_MAX_REQUESTS_PER_SECOND must be an integer from 1 to 100000, got "${text}"`,
    );
  return n;
}
