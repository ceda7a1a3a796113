/** Client of the indexer's `GET /accounts/crossing`: near-line accounts with their crossing probability, validated. */
import { z } from "zod";
import { atRiskRow, getIndexJson, parseIndexAnswer } from "./index-client.ts";
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

/** The index's near-line accounts of `protocol` (its name in the deployments file) under the model's settings. */
export function crossingPath(config: PredictConfig, protocol: string): string {
  return `/accounts/crossing?horizonSeconds=${config.horizonSeconds}&minProbability=${config.minProbabilityText}&limit=100&protocol=${encodeURIComponent(protocol)}`;
}

export type CrossingClientOptions = {
  baseUrl: string;
  timeoutMs: number;
  /** The protocol whose accounts are read. */
  protocol: string;
  predict: PredictConfig;
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
};

/** The near-line accounts at or above the configured probability, as the pass uses them. */
export function createNearLineSource(
  options: CrossingClientOptions,
): NearLineSource {
  const fetchFn = options.fetch ?? globalThis.fetch;
  const url = `${options.baseUrl.replace(/\/+$/, "")}${crossingPath(options.predict, options.protocol)}`;
  return {
    minProbability: options.predict.minProbability,
    async fetch(): Promise<NearLineAccount[]> {
      const body = await getIndexJson(fetchFn, url, options.timeoutMs);
      return parseIndexAnswer(crossingAnswer, body, url);
    },
  };
}
