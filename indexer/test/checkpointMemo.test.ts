import assert from "node:assert/strict";
import { test } from "node:test";
import { CheckpointMemo } from "../src/api/checkpointMemo.ts";

const counting = () => {
  let calls = 0;
  return {
    calls: () => calls,
    compute: (value: string) => async () => {
      calls++;
      return value;
    },
  };
};

test("a key is computed once per checkpoint, concurrent reads included", async () => {
  const memo = new CheckpointMemo<string>();
  const c = counting();
  const [a, b] = await Promise.all([
    memo.get("c1", "band 0", c.compute("x")),
    memo.get("c1", "band 0", c.compute("y")),
  ]);
  assert.deepEqual([a, b, c.calls()], ["x", "x", 1]);
  assert.equal(await memo.get("c1", "band 1", c.compute("z")), "z");
  assert.equal(c.calls(), 2);
});

test("a new checkpoint drops every kept value", async () => {
  const memo = new CheckpointMemo<string>();
  const c = counting();
  await memo.get("c1", "band 0", c.compute("old"));
  assert.equal(await memo.get("c2", "band 0", c.compute("new")), "new");
  // Back to c1 (a reorg's rollback): computed again, not the c1 value kept before.
  assert.equal(await memo.get("c1", "band 0", c.compute("again")), "again");
  assert.equal(c.calls(), 3);
});

test("a failed computation reaches its readers and is not kept", async () => {
  const memo = new CheckpointMemo<string>();
  const failing = memo.get("c1", "stale", async () => {
    throw new Error("db down");
  });
  await assert.rejects(failing, /db down/);
  assert.equal(await memo.get("c1", "stale", async () => "ok"), "ok");
});

test("past its limit a value is computed for each reader and not kept", async () => {
  const memo = new CheckpointMemo<string>(1);
  const c = counting();
  await memo.get("c1", "page 1", c.compute("one"));
  assert.equal(await memo.get("c1", "page 2", c.compute("two")), "two");
  assert.equal(await memo.get("c1", "page 2", c.compute("two")), "two");
  assert.equal(await memo.get("c1", "page 1", c.compute("again")), "one");
  assert.equal(c.calls(), 3);
  // A new checkpoint starts with room again.
  await memo.get("c2", "page 2", c.compute("two"));
  assert.equal(await memo.get("c2", "page 2", c.compute("kept")), "two");
  assert.equal(c.calls(), 4);
});
