// The deployment's protocols as the handlers and routes see them: the same
// deployments file as ponder.config.ts, read once. Events of a contract every
// protocol has (an auction house, an engine) carry the emitting address; this
// says whose it is.
import type { Address } from "viem";
import {
  deploymentFileFromEnv,
  loadDeployment,
  protocolsByKind,
  type ProtocolDeployment,
} from "./deployment.ts";
import { sameAddress } from "./events.ts";

const file = deploymentFileFromEnv();
export const deployment = loadDeployment(file);
/** The protocol the index keeps of each kind of health math (ponder.config.ts watches its contracts). */
export const indexedProtocols = protocolsByKind(deployment, file);

/** The protocol whose auction house is `house`; throws for a house the deployment does not list. */
export const protocolOfHouse = (house: Address) =>
  protocolOf("auctionHouse", house);

/** The protocol whose liquidation engine is `engine`; throws for an engine the deployment does not list. */
export const protocolOfEngine = (engine: Address) =>
  protocolOf("engine", engine);

function protocolOf(
  contract: "auctionHouse" | "engine",
  address: Address,
): ProtocolDeployment {
  const found = deployment.protocols.find((p) =>
    sameAddress(p[contract], address),
  );
  if (found === undefined)
    throw new Error(
      `${contract} ${address} is not in the deployments file's protocols`,
    );
  return found;
}
