// The indexer's own settings from the environment, read once at startup; a
// bad value stops it with one line naming the variable.

export class SettingsError extends Error {
  override name = "SettingsError";
}

/** Accounts the per-block band refresh recomputes at most (src/accountHealth.ts). */
export const DEFAULT_BAND_REFRESH_PER_BLOCK = 500;

/**
 * BAND_REFRESH_PER_BLOCK: how many stale-band accounts each block's refresh
 * recomputes, an integer from 0 (no refresh: readers compute stale accounts
 * themselves) to 100,000; 500 when unset.
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
