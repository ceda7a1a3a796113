/** Client of the indexer's `GET /accounts/crossing`: near-line accounts with their crossing probability, validated. */
import { z } from "zod";
import {
  IndexerHttpError,
  IndexerRequestError,
  IndexerResponseError,
} from "./errors.ts";
import { atRiskRow } from "./index-client.ts";
import type {
  NearLineAccount,
  NearLineSource,
  PredictConfig,
} from "./predict.ts";

const crossingRow = atRiskRow.extend({
  probability: z
    .number({ error: "expected a probability" })
    .min(0, { error: "expected a probability from 0 to 1" })
    .max(1, { error: "expected a probability from 0 to 1" }),
});

/** `{ ..., accounts: [...] }`: only the accounts are used. */
const crossingAnswer = z
  .object({ accounts: z.array(crossingRow) })
  .transform((answer) => answer.accounts);

export function crossingPath(config: PredictConfig): string {
  return `/accounts/crossing?horizonSeconds=${config.horizonSeconds}&minProbability=${config.minProbabilityText}&limit=100`;
}

export type CrossingClientOptions = {
  baseUrl: string;
  timeoutMs: number;
  predict: PredictConfig;
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
};

/** The near-line accounts at or above the configured probability, as the pass uses them. */
export function createNearLineSource(
  options: CrossingClientOptions,
): NearLineSource {
  const fetchFn = options.fetch ?? globalThis.fetch;
  const url = `${options.baseUrl.replace(/\/+$/, "")}${crossingPath(options.predict)}`;
  return {
    minProbability: options.predict.minProbability,
    async fetch(): Promise<NearLineAccount[]> {
      let response: Response;
      try {
        response = await fetchFn(url, {
          headers: { accept: "application/json" },
          signal: AbortSignal.timeout(options.timeoutMs),
        });
      } catch (error) {
        throw new IndexerRequestError(url, { cause: error });
      }
      if (!response.ok) {
        throw new IndexerHttpError(
          url,
          response.status,
          await response.text().catch(() => ""),
        );
      }
      let body: unknown;
      try {
        body = await response.json();
      } catch (error) {
        throw new IndexerResponseError(
          url,
          `body is not JSON: ${(error as Error).message}`,
        );
      }
      const parsed = crossingAnswer.safeParse(body);
      if (!parsed.success) {
        throw new IndexerResponseError(
          url,
          parsed.error.issues
            .slice(0, 5)
            .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
            .join("; "),
        );
      }
      return parsed.data;
    },
  };
}
