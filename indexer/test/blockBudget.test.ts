import assert from "node:assert/strict";
import { test } from "node:test";
import { BlockRecomputes } from "../src/blockBudget.ts";

const A = "0xaa" as const;
const B = "0xbb" as const;

test("the refresh gets what the block's pushes left of the budget", () => {
  const r = new BlockRecomputes();
  assert.equal(r.left(A, 500), 500, "no push in the block");
  r.add(A, 120);
  r.add(A, 80);
  assert.equal(r.left(A, 500), 300);
  r.add(A, 1_301);
  assert.equal(r.left(A, 500), 0, "a crash block leaves nothing");
});

test("each block starts afresh, a block processed again included", () => {
  const r = new BlockRecomputes();
  r.add(A, 400);
  assert.equal(r.left(B, 500), 500, "another block's pushes do not count");
  r.add(B, 100);
  assert.equal(r.left(B, 500), 400);
  // Block A again (a reorg back, a restart): its pushes run again before its refresh.
  r.add(A, 400);
  assert.equal(r.left(A, 500), 100);
});
