// Route bodies: bigints as decimal strings (JSON has no 64-bit integers).
import { replaceBigInts } from "ponder";

export const json = (value: unknown) =>
  replaceBigInts(value, (v) => v.toString());
