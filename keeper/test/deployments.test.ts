import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadDeployments } from "../src/deployments.ts";
import { ConfigError } from "../src/errors.ts";

const address = (n: number) => `0x${n.toString(16).padStart(40, "0")}`;
const VALID = {
  chainId: 31337,
  startBlock: 12,
  deployer: address(99), // extra keys written by the deploy script are ignored
  quote: address(1),
  protocol: address(2),
  engine: address(3),
  vault: address(4),
  insuranceFund: address(5),
  weth: address(6),
  wbtc: address(7),
  ethFeed: address(8),
  btcFeed: address(9),
  auctionHouse: address(10),
  wethPool: address(11),
  wbtcPool: address(12),
  takeCallee: address(13),
  backstop: address(14),
  waterfall: address(15),
  lending: address(16),
  lendingVault: address(17),
  lendingEngine: address(18),
  lendingAuctionHouse: address(19),
  lendingBackstop: address(20),
  lendingTakeCallee: address(21),
  portfolioMargin: address(22),
  preLiquidation: address(23),
  liquidationLens: address(24),
  feeds: [address(8), address(9)],
};

describe("loadDeployments", () => {
  it("reads the deploy script's JSON", () => {
    const deployments = loadDeployments("d.json", () => JSON.stringify(VALID));
    assert.equal(deployments.chainId, 31337);
    assert.equal(
      deployments.ethFeed,
      "0x0000000000000000000000000000000000000008",
    );
    assert.equal(deployments.feeds.length, 2);
  });

  it("names each bad field in one line", () => {
    try {
      loadDeployments("d.json", () =>
        JSON.stringify({ ...VALID, engine: "0x12", ethFeed: undefined }),
      );
      assert.fail("expected a ConfigError");
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.lines.length, 2);
      assert.match(
        error.lines[0] ?? "",
        /^deployment error: d\.json: engine: /,
      );
      assert.match(
        error.lines[1] ?? "",
        /^deployment error: d\.json: ethFeed: is required/,
      );
    }
  });
});
