import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadDeployments, selectProtocols } from "../src/deployments.ts";
import { ConfigError } from "../src/errors.ts";
import {
  EXAMPLE_DEPLOYMENT,
  exampleAddress,
  exampleProtocol,
} from "../../abi/src/deploymentExample.ts";

const address = exampleAddress;
const protocolEntry = exampleProtocol;
const VALID = EXAMPLE_DEPLOYMENT;

const errorLines = (json: unknown): string[] => {
  try {
    loadDeployments("d.json", () => JSON.stringify(json));
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return [...error.lines];
  }
  assert.fail("expected a ConfigError");
};

describe("loadDeployments", () => {
  it("reads the deploy script's JSON: shared contracts and the protocols in order", () => {
    const deployments = loadDeployments("d.json", () => JSON.stringify(VALID));
    assert.equal(deployments.chainId, 31337);
    assert.equal(
      deployments.ethFeed,
      "0x0000000000000000000000000000000000000008",
    );
    assert.equal(deployments.feeds.length, 2);
    assert.deepEqual(
      deployments.protocols.map((p) => [p.name, p.kind]),
      [
        ["perps", "margin"],
        ["lending", "lending"],
      ],
    );
    const [perps, lending] = deployments.protocols;
    assert.equal(perps!.engine.toLowerCase(), address(31));
    assert.equal(perps!.preLiquidation?.toLowerCase(), address(23));
    // A module a protocol does not have is null (absent, or the zero address).
    assert.equal(lending!.preLiquidation, null);
    assert.equal(lending!.portfolioMargin, null);
  });

  it("a deployment with one protocol is valid", () => {
    const one = { ...VALID, protocols: [VALID.protocols[1]] };
    const deployments = loadDeployments("d.json", () => JSON.stringify(one));
    assert.deepEqual(
      deployments.protocols.map((p) => p.name),
      ["lending"],
    );
  });

  it("names each bad field in one line", () => {
    const lines = errorLines({
      ...VALID,
      ethFeed: undefined,
      protocols: [
        { ...VALID.protocols[0], engine: "0x12" },
        { ...VALID.protocols[1], kind: "options" },
      ],
    });
    assert.deepEqual(
      lines.map((line) => line.split(": ").slice(0, 3).join(": ")),
      [
        "deployment error: d.json: ethFeed",
        "deployment error: d.json: protocols[0].engine",
        "deployment error: d.json: protocols[1].kind",
      ],
    );
    assert.match(lines[0]!, /ethFeed: is required/);
    assert.match(lines[2]!, /must be one of margin, lending, got "options"/);
  });

  it("refuses no protocols, a bad name and a name listed twice", () => {
    assert.match(
      errorLines({ ...VALID, protocols: [] }).join("\n"),
      /^deployment error: d\.json: protocols: must be a non-empty array/,
    );
    assert.match(
      errorLines({
        ...VALID,
        protocols: [{ ...VALID.protocols[1], name: "Lending Market" }],
      }).join("\n"),
      /^deployment error: d\.json: protocols\[0\]\.name: must be lowercase/,
    );
    assert.match(
      errorLines({
        ...VALID,
        protocols: [VALID.protocols[1], VALID.protocols[1]],
      }).join("\n"),
      /^deployment error: d\.json: protocols\[1\]\.name: "lending" is listed twice$/,
    );
  });
});

describe("selectProtocols (KEEPER_PROTOCOLS)", () => {
  const deployments = loadDeployments("d.json", () => JSON.stringify(VALID));

  it("is every protocol listed when unset, and the named ones in the file's order otherwise", () => {
    assert.deepEqual(
      selectProtocols(deployments, undefined, "d.json").map((p) => p.name),
      ["perps", "lending"],
    );
    assert.deepEqual(
      selectProtocols(deployments, ["lending", "perps"], "d.json").map(
        (p) => p.name,
      ),
      ["perps", "lending"],
    );
    assert.deepEqual(
      selectProtocols(deployments, ["lending"], "d.json").map((p) => p.name),
      ["lending"],
    );
  });

  it("a name the file does not list is one config error line naming those it does", () => {
    assert.throws(
      () => selectProtocols(deployments, ["perps", "options"], "d.json"),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.lines.length === 1 &&
        error.lines[0] ===
          "config error: KEEPER_PROTOCOLS: options not in d.json (it lists perps, lending)",
    );
  });
});
