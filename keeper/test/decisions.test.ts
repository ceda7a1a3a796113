import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { describe, it } from "node:test";
import { logDecision } from "../src/decisions.ts";
import { createLogger } from "../src/logger.ts";
import { WAD } from "../src/math.ts";
import { ALICE, TX_HASH } from "./fakes.ts";

describe("decision log line", () => {
  it("is one JSON line with the documented fields, amounts as decimal strings", () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...String(chunk).split("\n").filter(Boolean));
        done();
      },
    });
    const logger = createLogger("info", sink);
    logDecision(logger, {
      decision: "liquidate",
      action: "liquidate",
      account: ALICE,
      marketId: 1,
      healthWad: (95n * WAD) / 100n,
      rewardQuoteWad: 12n * WAD + WAD / 2n,
      gasCostQuoteWad: 3n * 10n ** 15n,
      txHash: TX_HASH,
      blocksSinceBreach: 7n,
      facts: { closeSizeWad: -2n * WAD },
    });
    assert.equal(lines.length, 1);
    const line = JSON.parse(lines[0] ?? "{}");
    assert.equal(line.event, "decision");
    assert.equal(line.decision, "liquidate");
    assert.equal(line.account, ALICE);
    assert.equal(line.marketId, 1);
    assert.equal(line.collateralId, null);
    assert.equal(line.healthWad, "950000000000000000");
    assert.equal(line.rewardQuote, "12.5");
    assert.equal(line.gasCostQuote, "0.003");
    assert.equal(line.txHash, TX_HASH);
    assert.equal(line.blocksSinceBreach, "7");
    assert.equal(line.closeSizeWad, "-2000000000000000000");
    assert.equal(line.auctionId, null);
    assert.equal(line.profitQuote, null);
  });

  it("names the auction and the profit after gas of an auction decision", () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...String(chunk).split("\n").filter(Boolean));
        done();
      },
    });
    logDecision(createLogger("info", sink), {
      decision: "skip-unprofitable",
      action: "take",
      account: ALICE,
      collateralId: 0,
      auctionId: 12n,
      rewardQuoteWad: WAD / 4n,
      gasCostQuoteWad: WAD,
      profitQuoteWad: -(3n * WAD) / 4n,
      blocksSinceBreach: null,
      facts: { priceWad: 1_800n * WAD, oraclePriceWad: 2_000n * WAD },
    });
    const line = JSON.parse(lines[0] ?? "{}");
    assert.equal(line.action, "take");
    assert.equal(line.auctionId, "12");
    assert.equal(line.rewardQuote, "0.25");
    assert.equal(line.gasCostQuote, "1");
    assert.equal(line.profitQuote, "-0.75");
    assert.equal(line.priceWad, "1800000000000000000000");
    assert.equal(line.oraclePriceWad, "2000000000000000000000");
  });
});
