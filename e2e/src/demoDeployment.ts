/**
 * The demo system's deployment as its tests and benchmarks use it: the deployments file's shared contracts and its
 * protocols (abi/src/deployment.ts), plus the contracts of its two protocols by role — the perps protocol under the
 * names it had alone (`protocol`, `engine`, `auctionHouse`, …) and the lending market under `lending*`. A view over
 * the parsed file, so the addresses have one home: the file.
 */
import type { Address } from "viem";
import {
  type Deployment as DeploymentFile,
  protocolNamed,
} from "../../abi/src/deployment.ts";

export type Deployment = DeploymentFile & {
  protocol: Address;
  engine: Address;
  vault: Address;
  auctionHouse: Address;
  takeCallee: Address;
  backstop: Address;
  portfolioMargin: Address;
  preLiquidation: Address;
  lending: Address;
  lendingVault: Address;
  lendingEngine: Address;
  lendingAuctionHouse: Address;
  lendingBackstop: Address;
  lendingTakeCallee: Address;
};

/** The demo's view of a parsed deployments file; throws when it lacks the perps protocol or the lending market. */
export function demoDeployment(file: DeploymentFile): Deployment {
  const perps = protocolNamed(file, "perps");
  const lending = protocolNamed(file, "lending");
  const module = (address: Address | null, name: string): Address => {
    if (address === null)
      throw new Error(`the demo's perps protocol has no ${name} module`);
    return address;
  };
  return {
    ...file,
    protocol: perps.protocol,
    engine: perps.engine,
    vault: perps.vault,
    auctionHouse: perps.auctionHouse,
    takeCallee: perps.takeCallee,
    backstop: perps.backstop,
    portfolioMargin: module(perps.portfolioMargin, "portfolio margin"),
    preLiquidation: module(perps.preLiquidation, "pre-liquidation"),
    lending: lending.protocol,
    lendingVault: lending.vault,
    lendingEngine: lending.engine,
    lendingAuctionHouse: lending.auctionHouse,
    lendingBackstop: lending.backstop,
    lendingTakeCallee: lending.takeCallee,
  };
}
