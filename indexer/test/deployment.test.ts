import assert from "node:assert/strict";
import { test } from "node:test";
import {
  DeploymentError,
  parseDeployment,
  protocolsByKind,
} from "../src/deployment.ts";
import {
  EXAMPLE_DEPLOYMENT,
  exampleAddress,
  exampleProtocol,
} from "../../abi/src/deploymentExample.ts";

const a = exampleAddress;
const protocolEntry = exampleProtocol;
const valid = EXAMPLE_DEPLOYMENT;

test("parseDeployment accepts the deploy script's shape", () => {
  const d = parseDeployment(valid, "x.json");
  assert.equal(d.startBlock, 12);
  assert.equal(d.feeds.length, 2);
  assert.equal(d.protocols[0]!.protocol.toLowerCase(), a(30));
});

test("the index holds one protocol of each kind; a kind the deployment lacks is null", () => {
  const d = parseDeployment(valid, "x.json");
  const byKind = protocolsByKind(d, "x.json");
  assert.equal(byKind.margin?.name, "perps");
  assert.equal(byKind.lending?.name, "lending");
  const marginOnly = parseDeployment(
    { ...valid, protocols: [valid.protocols[0]] },
    "x.json",
  );
  assert.equal(protocolsByKind(marginOnly, "x.json").lending, null);
  const twoMargins = parseDeployment(
    {
      ...valid,
      protocols: [valid.protocols[0], protocolEntry("perps-2", "margin", 50)],
    },
    "x.json",
  );
  assert.throws(
    () => protocolsByKind(twoMargins, "x.json"),
    /x\.json: the index holds one protocol of each kind; perps and perps-2 are both margin/,
  );
});

test("parseDeployment names the bad field", () => {
  assert.throws(
    () =>
      parseDeployment(
        {
          ...valid,
          protocols: [{ ...valid.protocols[0], engine: "0x12" }],
        },
        "x.json",
      ),
    /"protocols\[0\]\.engine" must be an address/,
  );
  assert.throws(
    () => parseDeployment({ ...valid, startBlock: -1 }, "x.json"),
    /"startBlock"/,
  );
  assert.throws(
    () => parseDeployment({ ...valid, feeds: [] }, "x.json"),
    /"feeds"/,
  );
  assert.throws(
    () => parseDeployment({ ...valid, feeds: [a(1), "nope"] }, "x.json"),
    /feeds\[1\]/,
  );
  assert.throws(() => parseDeployment([], "x.json"), DeploymentError);
});
