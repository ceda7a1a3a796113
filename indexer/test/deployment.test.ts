import assert from "node:assert/strict";
import { test } from "node:test";
import {
  DeploymentError,
  parseDeployment,
  protocolsByKind,
} from "../src/deployment.ts";

const a = (n: number) => `0x${n.toString(16).padStart(40, "0")}`;
const protocolEntry = (name: string, kind: string, first: number) => ({
  name,
  kind,
  protocol: a(first),
  engine: a(first + 1),
  auctionHouse: a(first + 2),
  backstop: a(first + 3),
  takeCallee: a(first + 4),
  vault: a(first + 5),
});
const valid = {
  chainId: 31337,
  startBlock: 12,
  quote: a(1),
  insuranceFund: a(5),
  weth: a(6),
  wbtc: a(7),
  ethFeed: a(8),
  btcFeed: a(9),
  wethPool: a(11),
  wbtcPool: a(12),
  waterfall: a(15),
  liquidationLens: a(24),
  protocols: [
    {
      ...protocolEntry("perps", "margin", 30),
      portfolioMargin: a(22),
      preLiquidation: a(23),
    },
    protocolEntry("lending", "lending", 40),
  ],
  feeds: [a(8), a(9)],
};

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
