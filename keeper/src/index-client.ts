/** Client of the indexer's HTTP API: the at-risk list, the live auctions and the index status. Answers are validated. */
import { getAddress, isAddress, type Address } from "viem";
import { z } from "zod";
import {
  IndexerHttpError,
  IndexerRequestError,
  IndexerResponseError,
} from "./errors.ts";

/** One row of `GET /accounts/at-risk`, bigints parsed. */
export type AtRiskAccount = {
  address: Address;
  healthWad: bigint;
  equityWad: bigint;
  maintenanceWad: bigint;
  quoteBalanceWad: bigint;
  /** Block at which the account fell below maintenance; null if the indexer does not know. */
  breachBlock: bigint | null;
  /** Block of the indexed state. */
  block: bigint;
  marketIds: number[];
  collateralIds: number[];
};

/** One row of `GET /auctions/active`, bigints parsed: where to look; the keeper re-reads the auction on-chain. */
export type ActiveAuction = {
  id: bigint;
  /** The auction house that runs it. */
  house: Address;
  account: Address;
  collateralId: number;
  lot: bigint;
  targetWad: bigint;
  /** The curve price and whether the auction must be reset, as the indexer read them at the chain head. */
  priceWad: bigint;
  needsReset: boolean;
};

export type IndexStatus = { latestBlock: bigint; latestTimestamp: bigint };

/** An account's line box on one oracle: a price below `belowWad` or above `aboveWad` may take it across the line. */
export type WatchBox = { oracle: Address; belowWad: bigint; aboveWad: bigint };
/** Every exposed account's boxes (`GET /accounts/watch`), and the indexed block of the first page. */
export type WatchBoxes = {
  block: bigint | null;
  accounts: { address: Address; boxes: WatchBox[] }[];
};

export interface IndexClient {
  status(): Promise<IndexStatus>;
  atRisk(): Promise<AtRiskAccount[]>;
  /** Every page of the accounts' line boxes. */
  watchBoxes(): Promise<WatchBoxes>;
  activeAuctions(): Promise<ActiveAuction[]>;
}

/** A decimal integer given as a string (bigints) or a safe JSON number. */
const integer = z
  .union(
    [
      z.string().regex(/^-?\d+$/),
      z
        .number()
        .int()
        .refine((n) => Number.isSafeInteger(n)),
    ],
    { error: "expected an integer (decimal string or safe number)" },
  )
  .transform((value) => BigInt(value));

const id = z.union(
  [z.number().int().nonnegative(), z.string().regex(/^\d+$/).transform(Number)],
  {
    error: "expected a non-negative integer id",
  },
);

const address = z
  .string()
  .refine((value) => isAddress(value, { strict: false }), {
    error: "expected an address",
  })
  .transform((value) => getAddress(value));

export const atRiskRow = z.object({
  address,
  healthWad: integer,
  equityWad: integer,
  maintenanceWad: integer,
  quoteBalanceWad: integer,
  breachBlock: integer
    .nullable()
    .optional()
    .transform((value) => value ?? null),
  block: integer,
  marketIds: z.array(id),
  collateralIds: z.array(id),
});

/** `{ maxHealthWad, count, accounts: [...], next }`: a page and the cursor of the next one (null on the last). */
const atRiskAnswer = z.object({
  accounts: z.array(atRiskRow),
  next: z.string().nullable(),
});

const activeAuctionRow = z.object({
  id: integer,
  house: address,
  account: address,
  collateralId: id,
  lot: integer,
  targetWad: integer,
  priceWad: integer,
  needsReset: z.boolean({ error: "expected true or false" }),
});

/** `{ count, auctions: [...] }`: only the auctions are used. */
const activeAuctionsAnswer = z
  .object({ auctions: z.array(activeAuctionRow) })
  .transform((answer) => answer.auctions);

const watchAnswer = z.object({
  block: integer.nullable(),
  accounts: z.array(
    z.object({
      address,
      boxes: z.array(
        z.object({ oracle: address, belowWad: integer, aboveWad: integer }),
      ),
    }),
  ),
  next: address.nullable(),
});

const statusSchema = z.object({
  latestBlock: integer,
  latestTimestamp: integer,
});

export type IndexClientOptions = {
  baseUrl: string;
  timeoutMs: number;
  /** The protocol whose accounts and auctions the client reads (`?protocol=`, its name in the deployments file). */
  protocol: string;
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
};

export const AT_RISK_PATH = "/accounts/at-risk?maxHealth=1&limit=1000";
/** Pages of AT_RISK_PATH read in one call at most: 100,000 accounts, far past anything a pass can act on. */
export const MAX_AT_RISK_PAGES = 100;
export const WATCH_PATH = "/accounts/watch?limit=5000";
/** Pages of WATCH_PATH read in one call at most: 5,000,000 boxes. */
export const MAX_WATCH_PAGES = 1000;
export const STATUS_PATH = "/status/latest";
export const ACTIVE_AUCTIONS_PATH = "/auctions/active";

/**
 * GET `url` as JSON within `timeoutMs`. A failed request, a non-2xx status and a body that is not JSON each throw
 * their Indexer*Error.
 */
export async function getIndexJson(
  fetchFn: typeof fetch,
  url: string,
  timeoutMs: number,
): Promise<unknown> {
  let response: Response;
  try {
    response = await fetchFn(url, {
      headers: { accept: "application/json" },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const timedOut =
      error instanceof Error &&
      (error.name === "TimeoutError" || error.name === "AbortError");
    throw new IndexerRequestError(url, {
      cause: error,
      details: timedOut ? `no answer within ${timeoutMs} ms` : undefined,
    });
  }
  if (!response.ok)
    throw new IndexerHttpError(
      url,
      response.status,
      await response.text().catch(() => ""),
    );
  try {
    return await response.json();
  } catch (error) {
    throw new IndexerResponseError(
      url,
      `body is not JSON: ${(error as Error).message}`,
    );
  }
}

/** `body` as `schema` reads it; otherwise an IndexerResponseError naming the first five issues. */
export function parseIndexAnswer<T>(
  schema: z.ZodType<T>,
  body: unknown,
  url: string,
): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`)
    .join("; ");
  throw new IndexerResponseError(url, issues);
}

export function createIndexClient(options: IndexClientOptions): IndexClient {
  const fetchFn = options.fetch ?? globalThis.fetch;
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const getJson = (path: string) =>
    getIndexJson(fetchFn, `${baseUrl}${path}`, options.timeoutMs);
  const ofProtocol = (path: string) =>
    `${path}${path.includes("?") ? "&" : "?"}protocol=${encodeURIComponent(options.protocol)}`;
  const atRiskPath = ofProtocol(AT_RISK_PATH);
  const watchPath = ofProtocol(WATCH_PATH);
  const auctionsPath = ofProtocol(ACTIVE_AUCTIONS_PATH);
  const parse = <T>(schema: z.ZodType<T>, body: unknown, path: string) =>
    parseIndexAnswer(schema, body, `${baseUrl}${path}`);

  // Every page of a paged route, following each page's cursor; an index that keeps paging past `maxPages` is an
  // error, never a silent cut.
  const pages = async <T extends { next: string | null }>(
    first: string,
    schema: z.ZodType<T>,
    maxPages: number,
  ): Promise<T[]> => {
    const answers: T[] = [];
    let after: string | null = null;
    for (let page = 0; page < maxPages; page++) {
      const path: string =
        after === null ? first : `${first}&after=${encodeURIComponent(after)}`;
      const answer = parse(schema, await getJson(path), path);
      answers.push(answer);
      if (answer.next === null) return answers;
      after = answer.next;
    }
    throw new IndexerResponseError(
      `${baseUrl}${first}`,
      `still paging after ${maxPages} pages`,
    );
  };

  return {
    async status() {
      return parse(statusSchema, await getJson(STATUS_PATH), STATUS_PATH);
    },
    async atRisk() {
      const answers = await pages(atRiskPath, atRiskAnswer, MAX_AT_RISK_PAGES);
      return answers.flatMap((answer) => answer.accounts);
    },
    async watchBoxes() {
      const answers = await pages(watchPath, watchAnswer, MAX_WATCH_PAGES);
      return {
        block: answers[0]!.block,
        accounts: answers.flatMap((answer) => answer.accounts),
      };
    },
    async activeAuctions() {
      return parse(
        activeAuctionsAnswer,
        await getJson(auctionsPath),
        auctionsPath,
      );
    },
  };
}
