/** Structured JSON logs (pino). The private key is never part of any logged object; redaction is a backstop. */
import { pino, type Logger } from "pino";
import type { LogLevel } from "./config.ts";

export type { Logger };

export function createLogger(
  level: LogLevel,
  destination?: pino.DestinationStream,
): Logger {
  return pino(
    {
      level,
      base: { service: "keeper" },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: ["privateKey", "*.privateKey", "config.privateKey"],
        censor: "[redacted]",
      },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}
