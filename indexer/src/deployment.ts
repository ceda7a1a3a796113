// The deployments file written by the deploy script, read and checked once at
// startup (shape and validation shared with the keeper: abi/src/deployment.ts).
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  type Deployment,
  type ProtocolDeployment,
  type ProtocolKind,
  parseDeploymentJson,
} from "../../abi/src/deployment.ts";

export type { Deployment, ProtocolDeployment, ProtocolKind };

// DEPLOYMENT_FILE (deployments/local.json by default); a relative path
// resolves against the indexer directory, not the working directory.
export function deploymentFileFromEnv(): string {
  const indexerDir = path.resolve(
    path.dirname(fileURLToPath(import.meta.url)),
    "..",
  );
  return path.resolve(
    indexerDir,
    process.env.DEPLOYMENT_FILE ?? "../deployments/local.json",
  );
}

export class DeploymentError extends Error {
  override name = "DeploymentError";
}

// Validates parsed JSON; every bad field gets its own message.
export function parseDeployment(json: unknown, file: string): Deployment {
  const parsed = parseDeploymentJson(json);
  if (parsed.ok) return parsed.deployment;
  throw new DeploymentError(
    parsed.issues.map((i) => `${file}: "${i.field}" ${i.message}`).join("; "),
  );
}

export function loadDeployment(file: string): Deployment {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (cause) {
    throw new DeploymentError(
      `cannot read deployments file ${file} (set DEPLOYMENT_FILE or run the deploy script)`,
      {
        cause,
      },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new DeploymentError(`${file} is not valid JSON`, { cause });
  }
  return parseDeployment(json, file);
}

// The protocol of each kind of health math the index holds: at most one per
// kind (its tables are per kind), null when the deployment has none of it.
export function protocolsByKind(
  deployment: Deployment,
  file: string,
): Record<ProtocolKind, ProtocolDeployment | null> {
  const of = (kind: ProtocolKind) => {
    const found = deployment.protocols.filter((p) => p.kind === kind);
    if (found.length > 1)
      throw new DeploymentError(
        `${file}: the index holds one protocol of each kind; ${found.map((p) => p.name).join(" and ")} are both ${kind}`,
      );
    return found[0] ?? null;
  };
  return { margin: of("margin"), lending: of("lending") };
}
