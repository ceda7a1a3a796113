// Route bodies: bigints as decimal strings (JSON has no 64-bit integers),
// written in one pass, with no bigint-free copy of the value first.
import type { Context } from "hono";

const bigintAsString = (_key: string, value: unknown) =>
  typeof value === "bigint" ? value.toString() : value;

/** `value` as JSON text, each bigint as its decimal string. */
export const jsonText = (value: unknown): string =>
  JSON.stringify(value, bigintAsString);

/** A 200 response of JSON text. */
export const jsonTextResponse = (c: Context, text: string) =>
  c.body(text, 200, { "Content-Type": "application/json" });

/** A 200 JSON response of `value`, each bigint as its decimal string. */
export const json = (c: Context, value: unknown) =>
  jsonTextResponse(c, jsonText(value));
