import assert from "node:assert/strict";
import { test } from "node:test";
import {
  decideAuction,
  decideLending,
  orderLending,
  patternName,
  type LendingCandidate,
} from "../src/lending/decide.ts";
import { loadConfig } from "../src/config.ts";

const account = "0x00000000000000000000000000000000000000aa" as const;
const WAD = 10n ** 18n;
const WETH_LTV = 825n * 10n ** 15n;
const WBTC_LTV = 775n * 10n ** 15n;
const base: LendingCandidate = {
  account,
  liquidatable: true,
  healthFactorWad: (95n * WAD) / 100n,
  debtWad: 22_000n * WAD,
  auctionLots: 0n,
  collaterals: [
    {
      id: 0,
      amount: 10n ** 19n,
      liquidationLtvWad: WETH_LTV,
      pattern: "fixed-fee",
    },
  ],
};
type Held = LendingCandidate["collaterals"][number];
const held = (
  id: number,
  amount: bigint,
  pattern: Held["pattern"],
  liquidationLtvWad = id === 0 ? WETH_LTV : WBTC_LTV,
): Held => ({ id, amount, liquidationLtvWad, pattern });

test("a liquidatable lending account is liquidated in its collateral's pattern", () => {
  assert.deepEqual(decideLending(base), {
    kind: "buyCollateral",
    account,
    collateralId: 0,
  });
  const internal = {
    ...base,
    collaterals: [held(1, 5n, "internal")],
  };
  assert.deepEqual(decideLending(internal), {
    kind: "absorb",
    account,
    collateralId: 1,
  });
  const dutch = {
    ...base,
    collaterals: [held(0, 5n, "dutch-auction")],
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
      collaterals: [held(0, 5n, "dutch-auction")],
    }),
    undefined,
  );
  assert.equal(
    decideLending({
      ...base,
      collaterals: [held(0, 0n, "fixed-fee")],
    }),
    undefined,
  );
});

test("the held collateral with the lowest liquidation LTV goes first; ties by id", () => {
  const two = {
    ...base,
    collaterals: [held(0, 0n, "fixed-fee"), held(1, 3n, "internal")],
  };
  assert.deepEqual(decideLending(two), {
    kind: "absorb",
    account,
    collateralId: 1,
  });
  // WBTC (77.5%) before WETH (82.5%) although WETH has the lower id.
  const both = {
    ...base,
    collaterals: [held(0, 3n, "fixed-fee"), held(1, 3n, "internal")],
  };
  assert.equal(decideLending(both)?.collateralId, 1);
  const tie = {
    ...base,
    collaterals: [
      held(1, 3n, "internal", WETH_LTV),
      held(0, 3n, "fixed-fee", WETH_LTV),
    ],
  };
  assert.equal(decideLending(tie)?.collateralId, 0);
});

test("a collateral already in auction does not block a sale of the next one", () => {
  const c = {
    ...base,
    auctionLots: 1n,
    collaterals: [held(1, 3n, "dutch-auction"), held(0, 3n, "fixed-fee")],
  };
  assert.deepEqual(decideLending(c), {
    kind: "buyCollateral",
    account,
    collateralId: 0,
  });
});

test("accounts go lowest health factor first, ties by address", () => {
  const a = (last: string, hf: bigint): LendingCandidate => ({
    ...base,
    account: `0x${"0".repeat(38)}${last}`,
    healthFactorWad: hf,
  });
  const ordered = orderLending([
    a("03", (90n * WAD) / 100n),
    a("02", (50n * WAD) / 100n),
    a("01", (90n * WAD) / 100n),
    a("04", 2n ** 256n - 1n),
  ]);
  assert.deepEqual(
    ordered.map((c) => c.account.slice(-2)),
    ["02", "01", "03", "04"],
  );
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

test("the lending pass sends with the key's one nonce manager, so the liquidation lane's sends never share its nonces", async () => {
  const { approveLending } = await import("../src/lending/pass.ts");
  const { SerialNonces } = await import("../src/nonces.ts");
  const { silentLogger } = await import("./fakes.ts");
  const lagging = 20; // the node shows a broadcast in its pending count only this long after accepting it [ms]
  let pendingCount = 40;
  const nonces = new SerialNonces(async () => pendingCount);
  const accept = async (nonce: number) => {
    setTimeout(
      () => (pendingCount = Math.max(pendingCount, nonce + 1)),
      lagging,
    );
    return `0x${nonce.toString(16).padStart(64, "0")}` as `0x${string}`;
  };
  const lendingNonces: (number | undefined)[] = [];
  const deps = {
    publicClient: {
      readContract: async () => 0n, // no allowance yet: both spenders get an approval
      waitForTransactionReceipt: async () => ({ status: "success" }),
    },
    walletClient: {
      account: { address: account },
      writeContract: async (request: { nonce?: number }) => {
        lendingNonces.push(request.nonce);
        return accept(request.nonce ?? pendingCount);
      },
    },
    nonces,
    receiptTimeoutMs: 1_000,
    shard: { index: 0, count: 1 },
    deployments: {
      quote: account,
      lending: account,
      lendingAuctionHouse: account,
    },
    indexerUrl: "http://127.0.0.1:1",
    logger: silentLogger,
    auctionCursor: { next: 0n },
  } as unknown as Parameters<typeof approveLending>[0];
  // The lane broadcasts two batches while the lending pass approves its two spenders.
  const lane = Promise.all([
    nonces.withNonce(accept),
    nonces.withNonce(accept),
  ]);
  await Promise.all([approveLending(deps), lane]);
  assert.ok(
    lendingNonces.every((n) => n !== undefined),
    "every lending send carries a nonce from the shared manager",
  );
  const laneNonces = (await lane).map((hash) => Number(BigInt(hash)));
  const all = [...laneNonces, ...(lendingNonces as number[])].sort();
  assert.deepEqual(all, [40, 41, 42, 43], "four sends, four nonces");
});
