import assert from "node:assert/strict";
import { test } from "node:test";
import {
  decideAuction,
  decideLending,
  patternName,
  type LendingCandidate,
} from "../src/lending/decide.ts";
import { loadConfig } from "../src/config.ts";

const account = "0x00000000000000000000000000000000000000aa" as const;
const base: LendingCandidate = {
  account,
  liquidatable: true,
  debtWad: 22_000n * 10n ** 18n,
  auctionLots: 0n,
  collaterals: [{ id: 0, amount: 10n ** 19n, pattern: "fixed-fee" }],
};

test("a liquidatable lending account is liquidated in its collateral's pattern", () => {
  assert.deepEqual(decideLending(base), {
    kind: "buyCollateral",
    account,
    collateralId: 0,
  });
  const internal = {
    ...base,
    collaterals: [{ id: 1, amount: 5n, pattern: "internal" as const }],
  };
  assert.deepEqual(decideLending(internal), {
    kind: "absorb",
    account,
    collateralId: 1,
  });
  const dutch = {
    ...base,
    collaterals: [{ id: 0, amount: 5n, pattern: "dutch-auction" as const }],
  };
  assert.deepEqual(decideLending(dutch), {
    kind: "kick",
    account,
    collateralId: 0,
  });
});

test("nothing for a healthy account, one without debt, one in auction or one with nothing left", () => {
  assert.equal(decideLending({ ...base, liquidatable: false }), undefined);
  assert.equal(decideLending({ ...base, debtWad: 0n }), undefined);
  assert.equal(
    decideLending({
      ...base,
      auctionLots: 1n,
      collaterals: [{ id: 0, amount: 5n, pattern: "dutch-auction" }],
    }),
    undefined,
  );
  assert.equal(
    decideLending({
      ...base,
      collaterals: [{ id: 0, amount: 0n, pattern: "fixed-fee" }],
    }),
    undefined,
  );
});

test("the first held collateral goes first", () => {
  const two = {
    ...base,
    collaterals: [
      { id: 0, amount: 0n, pattern: "fixed-fee" as const },
      { id: 1, amount: 3n, pattern: "internal" as const },
    ],
  };
  assert.deepEqual(decideLending(two), {
    kind: "absorb",
    account,
    collateralId: 1,
  });
});

test("a live auction is taken, or reset when it must be; an ended one is left alone", () => {
  assert.deepEqual(decideAuction({ id: 3n, lot: 1n, needsReset: false }), {
    kind: "take",
    auctionId: 3n,
  });
  assert.deepEqual(decideAuction({ id: 3n, lot: 1n, needsReset: true }), {
    kind: "redo",
    auctionId: 3n,
  });
  assert.equal(
    decideAuction({ id: 3n, lot: 0n, needsReset: false }),
    undefined,
  );
});

test("pattern names follow the engine's enum; an unknown one is refused", () => {
  assert.equal(patternName(0), "fixed-fee");
  assert.equal(patternName(1), "dutch-auction");
  assert.equal(patternName(2), "internal");
  assert.throws(() => patternName(3), /unknown collateral pattern 3/);
});

test("LENDING_KEEPER is on by default and validated with one line", () => {
  const env = {
    RPC_URL: "http://127.0.0.1:8545",
    KEEPER_PRIVATE_KEY: `0x${"11".repeat(32)}`,
    INDEXER_URL: "http://127.0.0.1:42069",
    DEPLOYMENT_FILE: "deployments/local.json",
  };
  const read = () => {
    throw new Error("no file");
  };
  assert.equal(loadConfig(env, read).lending, true);
  assert.equal(
    loadConfig({ ...env, LENDING_KEEPER: "false" }, read).lending,
    false,
  );
  assert.throws(
    () => loadConfig({ ...env, LENDING_KEEPER: "sometimes" }, read),
    (e: { lines: string[] }) =>
      e.lines.length === 1 &&
      /^config error: LENDING_KEEPER: expected true or false$/.test(
        e.lines[0]!,
      ),
  );
});
