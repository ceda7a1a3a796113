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
  });
});
