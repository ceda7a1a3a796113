/** The deployments JSON written by the deploy script (shape and validation shared: abi/src/deployment.ts). */
import {
  type Deployment,
  parseDeploymentJson,
} from "../../abi/src/deployment.ts";
import { ConfigError } from "./errors.ts";
import type { FileReader } from "./config.ts";

export type Deployments = Deployment;

/** Reads and validates the deployments file; throws a ConfigError with one line per bad field. */
export function loadDeployments(
  path: string,
  readFile: FileReader,
): Deployments {
  let json: unknown;
  try {
    json = JSON.parse(readFile(path));
  } catch (error) {
    throw new ConfigError([
      `deployment error: ${path}: cannot read or parse: ${(error as Error).message}`,
    ]);
  }
  const parsed = parseDeploymentJson(json);
  if (parsed.ok) return parsed.deployment;
  throw new ConfigError(
    parsed.issues.map(
      (i) => `deployment error: ${path}: ${i.field}: ${i.message}`,
    ),
  );
}
