// Query-string parsing for the JSON routes: strict, with a message naming the
// bad parameter.
import { type Address, isAddress, parseUnits } from "viem";

export class ParamError extends Error {
  override name = "ParamError";
}

const DECIMAL = /^\d+(\.\d{1,18})?$/;

/** A non-negative decimal ("1", "1.25") as a wad; `fallback` when absent. */
export function parseWadParam(
  name: string,
  value: string | undefined,
  fallback: bigint,
): bigint {
  if (value === undefined || value === "") return fallback;
  if (!DECIMAL.test(value)) {
    throw new ParamError(
      `${name} must be a non-negative decimal with at most 18 fraction digits, got "${value}"`,
    );
  }
  return parseUnits(value, 18);
}

/** An integer in [1, max]; `fallback` when absent. */
export function parseLimitParam(
  name: string,
  value: string | undefined,
  fallback: number,
  max: number,
): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1 || n > max) {
    throw new ParamError(
      `${name} must be an integer from 1 to ${max}, got "${value}"`,
    );
  }
  return n;
}

/** A block number: decimal digits only; `undefined` when absent (the head). */
export function parseBlockParam(
  name: string,
  value: string | undefined,
): bigint | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,19}$/.test(value) || BigInt(value) > 2n ** 63n - 1n) {
    throw new ParamError(
      `${name} must be a block number (decimal digits, at most 2^63 - 1), got "${value}"`,
    );
  }
  return BigInt(value);
}

/** An integer in [min, max]; `fallback` when absent. */
export function parseIntegerParam(
  name: string,
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new ParamError(
      `${name} must be an integer from ${min} to ${max}, got "${value}"`,
    );
  }
  return n;
}

/** A probability: a decimal from 0 to 1 ("0.05", "1"); `fallback` when absent. */
export function parseProbabilityParam(
  name: string,
  value: string | undefined,
  fallback: number,
): number {
  if (value === undefined || value === "") return fallback;
  if (!/^(0(\.\d{1,18})?|1(\.0{1,18})?)$/.test(value)) {
    throw new ParamError(
      `${name} must be a decimal from 0 to 1, got "${value}"`,
    );
  }
  return Number(value);
}

/** An address (any case), lowercased. */
export function parseAddressParam(
  name: string,
  value: string | undefined,
): Address {
  if (value === undefined || !isAddress(value, { strict: false }))
    throw new ParamError(
      `${name} must be a 20-byte hex address, got "${value ?? ""}"`,
    );
  return value.toLowerCase() as Address;
}

/**
 * `protocol`: one of the deployment's protocols by name; the first one listed
 * when absent. A name it does not list is a ParamError naming those it does.
 */
export function parseProtocolParam<P extends { name: string }>(
  name: string,
  value: string | undefined,
  protocols: readonly P[],
): P {
  if (value === undefined || value === "") return protocols[0]!;
  const found = protocols.find((p) => p.name === value);
  if (found === undefined)
    throw new ParamError(
      `${name} must be one of ${protocols.map((p) => p.name).join(", ")}, got ${JSON.stringify(value)}`,
    );
  return found;
}
