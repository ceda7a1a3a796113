import assert from "node:assert/strict";
import { test } from "node:test";
import { DeploymentError, parseDeployment } from "../src/deployment.ts";

const a = (n: number) => `0x${n.toString(16).padStart(40, "0")}`;
const valid = {
  chainId: 31337,
  startBlock: 12,
  quote: a(1),
  protocol: a(2),
  engine: a(3),
  vault: a(4),
  insuranceFund: a(5),
  weth: a(6),
  wbtc: a(7),
  ethFeed: a(8),
  btcFeed: a(9),
  auctionHouse: a(10),
  wethPool: a(11),
  wbtcPool: a(12),
  takeCallee: a(13),
  backstop: a(14),
  waterfall: a(15),
  lending: a(16),
  lendingVault: a(17),
  lendingEngine: a(18),
  lendingAuctionHouse: a(19),
  lendingBackstop: a(20),
  lendingTakeCallee: a(21),
  portfolioMargin: a(22),
  preLiquidation: a(23),
  liquidationLens: a(24),
  feeds: [a(8), a(9)],
};

test("parseDeployment accepts the deploy script's shape", () => {
  const d = parseDeployment(valid, "x.json");
  assert.equal(d.startBlock, 12);
  assert.equal(d.feeds.length, 2);
  assert.equal(d.protocol.toLowerCase(), a(2));
});

test("parseDeployment names the bad field", () => {
  assert.throws(
    () => parseDeployment({ ...valid, engine: "0x12" }, "x.json"),
    /"engine" must be an address/,
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
