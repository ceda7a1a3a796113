import assert from "node:assert/strict";
import { test } from "node:test";
import { breachBlockAt, NO_BREACH, nextBreach } from "../src/breach.ts";

test("a breach starts at the first liquidatable block and survives later updates", () => {
  let s = nextBreach(NO_BREACH, false, 5n);
  assert.deepEqual(s, NO_BREACH);
  s = nextBreach(s, true, 10n);
  assert.equal(s.breachBlock, 10n);
  s = nextBreach(s, true, 14n);
  assert.equal(s.breachBlock, 10n);
  assert.equal(breachBlockAt(s, 14n), 10n);
});

test("recovery clears breachBlock but a liquidation in the same block still finds it", () => {
  let s = nextBreach(NO_BREACH, true, 10n);
  s = nextBreach(s, false, 13n); // the liquidation's PositionUpdated healed the account
  assert.equal(s.breachBlock, null);
  assert.equal(breachBlockAt(s, 13n), 10n); // its Liquidated event, same block
  assert.equal(breachBlockAt(s, 14n), null);
});

test("a breach that ends and restarts within one block resumes", () => {
  let s = nextBreach(NO_BREACH, true, 10n);
  s = nextBreach(s, false, 13n);
  s = nextBreach(s, true, 13n);
  assert.equal(s.breachBlock, 10n);
});

test("a breach after a healthy block starts afresh", () => {
  let s = nextBreach(NO_BREACH, true, 10n);
  s = nextBreach(s, false, 13n);
  s = nextBreach(s, true, 20n);
  assert.equal(s.breachBlock, 20n);
  assert.equal(s.lastBreachBlock, 20n);
  assert.equal(s.breachEndedBlock, null);
});
