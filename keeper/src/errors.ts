/**
 * Error classes in viem's style: a short message for logs, optional details, and a cause chain.
 * `walk` finds the first error in the chain that matches a predicate.
 */
export type KeeperErrorArgs = {
  cause?: unknown;
  details?: string | undefined;
  metaMessages?: string[] | undefined;
};

export class KeeperError extends Error {
  override name = "KeeperError";
  readonly shortMessage: string;
  readonly details: string | undefined;
  readonly metaMessages: string[] | undefined;

  constructor(shortMessage: string, args: KeeperErrorArgs = {}) {
    const details =
      args.details ??
      (args.cause instanceof KeeperError
        ? args.cause.details
        : args.cause instanceof Error
          ? shortMessageOf(args.cause)
          : undefined);
    const message = [
      shortMessage,
      ...(args.metaMessages ?? []),
      ...(details ? [`Details: ${details}`] : []),
    ].join("\n");
    super(
      message,
      args.cause === undefined ? undefined : { cause: args.cause },
    );
    this.shortMessage = shortMessage;
    this.details = details;
    this.metaMessages = args.metaMessages;
  }

  walk(predicate: (error: unknown) => boolean): unknown {
    return walkCause(this, predicate);
  }
}

/** A configuration or deployments file problem: one line per bad field, printed at start. */
export class ConfigError extends KeeperError {
  override name = "ConfigError";
  readonly lines: readonly string[];

  constructor(lines: readonly string[]) {
    super(
      `invalid configuration (${lines.length} problem${lines.length === 1 ? "" : "s"})`,
      {
        details: lines.join("; "),
      },
    );
    this.lines = lines;
  }
}

/** A contract call reverted with a decoded custom error, e.g. `InvalidPrice` or `Healthy`. */
export class ContractRevertError extends KeeperError {
  override name = "ContractRevertError";
  readonly errorName: string;
  readonly args: readonly unknown[];

  constructor(
    functionName: string,
    errorName: string,
    args: readonly unknown[],
    cause?: unknown,
  ) {
    super(`${functionName} reverted with ${errorName}`, {
      cause,
      details: `${errorName}(${args.map(formatArg).join(", ")})`,
    });
    this.errorName = errorName;
    this.args = args;
  }
}

/** The indexer could not be reached or did not answer in time. */
export class IndexerRequestError extends KeeperError {
  override name = "IndexerRequestError";
  readonly url: string;

  constructor(url: string, args: KeeperErrorArgs) {
    super(`indexer request failed: GET ${url}`, args);
    this.url = url;
  }
}

/** The indexer answered with a non-2xx status. */
export class IndexerHttpError extends KeeperError {
  override name = "IndexerHttpError";
  readonly url: string;
  readonly status: number;

  constructor(url: string, status: number, body: string) {
    super(`indexer answered HTTP ${status}: GET ${url}`, {
      details: body.slice(0, 200) || undefined,
    });
    this.url = url;
    this.status = status;
  }
}

/** The indexer's answer does not have the documented shape. */
export class IndexerResponseError extends KeeperError {
  override name = "IndexerResponseError";
  readonly url: string;

  constructor(url: string, details: string) {
    super(`indexer answer has an unexpected shape: GET ${url}`, { details });
    this.url = url;
  }
}

/** A sent transaction was not mined within the receipt timeout, even after fee bumps. */
export class TransactionStuckError extends KeeperError {
  override name = "TransactionStuckError";
  readonly hashes: readonly string[];

  constructor(hashes: readonly string[], cause?: unknown) {
    super(`transaction not mined after ${hashes.length} attempt(s)`, {
      cause,
      details: `hashes: ${hashes.join(", ")}`,
    });
    this.hashes = hashes;
  }
}

export function walkCause(
  error: unknown,
  predicate: (error: unknown) => boolean,
): unknown {
  let current: unknown = error;
  for (
    let depth = 0;
    current !== undefined && current !== null && depth < 32;
    depth++
  ) {
    if (predicate(current)) return current;
    current =
      typeof current === "object" && "cause" in current
        ? current.cause
        : undefined;
  }
  return undefined;
}

/** The short message of any error (viem and keeper errors carry one), for one-line logs. */
export function shortMessageOf(error: unknown): string {
  if (error instanceof Error) {
    const short = (error as { shortMessage?: unknown }).shortMessage;
    if (typeof short === "string" && short.length > 0) return short;
    return error.message.split("\n")[0] ?? error.name;
  }
  return String(error);
}

/** A compact, JSON-safe description of an error for structured logs (no stack, no huge messages). */
export function describeError(error: unknown): {
  name: string;
  message: string;
  details?: string;
} {
  if (!(error instanceof Error))
    return { name: "NonError", message: String(error) };
  const details = (error as { details?: unknown }).details;
  return {
    name: error.name,
    message: shortMessageOf(error),
    ...(typeof details === "string" && details.length > 0
      ? { details: details.slice(0, 500) }
      : {}),
  };
}

function formatArg(arg: unknown): string {
  return typeof arg === "bigint" ? arg.toString() : String(arg);
}
