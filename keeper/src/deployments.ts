/** The deployments JSON written by the deploy script (shape and validation shared: abi/src/deployment.ts). */
import {
  type Deployment,
  type ProtocolDeployment,
  parseDeploymentJson,
} from "../../abi/src/deployment.ts";
import { ConfigError } from "./errors.ts";
import type { FileReader } from "./config.ts";

export type Deployments = Deployment;
export type { ProtocolDeployment };

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

/**
 * The protocols the keeper works on: those named (KEEPER_PROTOCOLS), in the file's order, or every one listed. A
 * name the file does not list is a ConfigError line naming the ones it does.
 */
export function selectProtocols(
  deployments: Deployments,
  names: readonly string[] | undefined,
  path: string,
): ProtocolDeployment[] {
  if (names === undefined) return deployments.protocols;
  const listed = deployments.protocols.map((p) => p.name);
  const unknown = names.filter((name) => !listed.includes(name));
  if (unknown.length > 0)
    throw new ConfigError([
      `config error: KEEPER_PROTOCOLS: ${unknown.join(", ")} not in ${path} (it lists ${listed.join(", ")})`,
    ]);
  return deployments.protocols.filter((p) => names.includes(p.name));
}
