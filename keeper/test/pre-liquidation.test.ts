import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { getAddress, type Address } from "viem";
import { KEEPER_ACTIONS, type Decision } from "../src/decisions.ts";
import { ConfigError } from "../src/errors.ts";
import type { IndexClient } from "../src/index-client.ts";
import { WAD } from "../src/math.ts";
import { runPass, type PassDeps } from "../src/pass.ts";
import {
  loadPreLiquidationConfig,
  parseZoneAnswer,
  preLiquidationTargets,
  type ZoneAccount,
} from "../src/pre-liquidation.ts";
import {
  createStrategy,
  type Strategy,
  type StrategyConfig,
} from "../src/strategy.ts";
import {
  ALICE,
  FakeChain,
  GWEI,
  passDeps,
  revert,
  row,
  silentLogger,
} from "./fakes.ts";

const BOB: Address = getAddress("0x0000000000000000000000000000000000000b0b");
const CONFIG: StrategyConfig = {
  minProfitQuoteWad: WAD / 2n, // ε = 0.5 quote
  takeMinProfitQuoteWad: WAD,
  gasPriceCapWei: 100n * GWEI,
  dryRun: false,
  actUnprofitable: false,
  actions: [...KEEPER_ACTIONS],
};

function zoneRow(overrides: Partial<ZoneAccount> = {}): ZoneAccount {
  return {
    ...row({ healthWad: (12n * WAD) / 10n, breachBlock: null }),
    probability: 0.5,
    liquidatable: false,
    preHealthWad: (15n * WAD) / 10n,
    inZone: true,
    preLiquidationMarketIds: [0],
    ...overrides,
  };
}

function failureLines(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return [...error.lines];
  }
  assert.fail("expected a ConfigError");
}

describe("pre-liquidation: configuration", () => {
  it("is off without PRELIQ_MIN_PROBABILITY", () => {
    assert.equal(loadPreLiquidationConfig({}), undefined);
  });

  it("reads the probability and the horizon (300 s by default)", () => {
    assert.deepEqual(
      loadPreLiquidationConfig({ PRELIQ_MIN_PROBABILITY: "0.3" }),
      { minProbability: 0.3, minProbabilityText: "0.3", horizonSeconds: 300 },
    );
    assert.equal(
      loadPreLiquidationConfig({
        PRELIQ_MIN_PROBABILITY: "1",
        PRELIQ_HORIZON_SECONDS: "60",
      })?.horizonSeconds,
      60,
    );
  });

  it("names each bad variable in one line", () => {
    assert.deepEqual(
      failureLines(() =>
        loadPreLiquidationConfig({
          PRELIQ_MIN_PROBABILITY: "1.5",
          PRELIQ_HORIZON_SECONDS: "soon",
        }),
      ),
      [
        "config error: PRELIQ_MIN_PROBABILITY: expected a decimal from 0 to 1, e.g. 0.3",
        "config error: PRELIQ_HORIZON_SECONDS: expected an integer number of seconds from 1 to 86400",
      ],
    );
    assert.deepEqual(
      failureLines(() =>
        loadPreLiquidationConfig({
          PRELIQ_MIN_PROBABILITY: "0.2",
          PRELIQ_HORIZON_SECONDS: "0",
        }),
      ),
      [
        "config error: PRELIQ_HORIZON_SECONDS: expected an integer number of seconds from 1 to 86400",
      ],
    );
    assert.deepEqual(
      failureLines(() =>
        loadPreLiquidationConfig({ PRELIQ_HORIZON_SECONDS: "60" }),
      ),
      [
        "config error: PRELIQ_HORIZON_SECONDS: set PRELIQ_MIN_PROBABILITY too, or pre-liquidation is off",
      ],
    );
  });
});

describe("pre-liquidation: which accounts", () => {
  it("keeps accounts in the zone at or above the probability, most likely first, each once", () => {
    const targets = preLiquidationTargets(
      [
        zoneRow({ address: ALICE, probability: 0.4 }),
        zoneRow({ address: BOB, probability: 0.9 }),
        zoneRow({ address: ALICE, probability: 0.4 }),
        zoneRow({ probability: 0.1 }), // unlikely
        zoneRow({ inZone: false, preLiquidationMarketIds: [] }), // above the zone
        zoneRow({ liquidatable: true, probability: 1 }), // the engine's case
      ],
      0.3,
    );
    assert.deepEqual(
      targets.map((t) => [t.address, t.probability]),
      [
        [BOB, 0.9],
        [ALICE, 0.4],
      ],
    );
  });

  it("leaves out the accounts the pass already works on as at risk", () => {
    const targets = preLiquidationTargets(
      [zoneRow({ address: ALICE }), zoneRow({ address: BOB })],
      0,
      new Set([ALICE.toLowerCase()]),
    );
    assert.deepEqual(
      targets.map((t) => t.address),
      [BOB],
    );
  });

  it("parses the index's rows and refuses a malformed one", () => {
    const body = {
      accounts: [
        {
          address: ALICE.toLowerCase(),
          healthWad: "1200000000000000000",
          equityWad: "120",
          maintenanceWad: "100",
          quoteBalanceWad: "0",
          breachBlock: null,
          block: "9",
          marketIds: ["0"],
          collateralIds: [],
          probability: 0.42,
          liquidatable: false,
          preHealthWad: "1500000000000000000",
          inZone: true,
          preLiquidationMarketIds: ["0"],
        },
      ],
    };
    const [parsed] = parseZoneAnswer(body);
    assert.equal(parsed?.address, ALICE);
    assert.equal(parsed?.preHealthWad, (15n * WAD) / 10n);
    assert.deepEqual(parsed?.preLiquidationMarketIds, [0]);
    const bad = structuredClone(body);
    (bad.accounts[0] as { inZone: unknown }).inZone = "yes";
    assert.throws(() => parseZoneAnswer(bad), /accounts\.0\.inZone/);
  });
});

async function preLiquidate(
  chain: FakeChain,
  config: Partial<StrategyConfig> = {},
  overrides: Partial<ZoneAccount> = {},
): Promise<Decision[]> {
  const reported: Decision[] = [];
  const strategy = createStrategy({
    chain,
    config: { ...CONFIG, ...config },
    logger: silentLogger,
    report: (d) => reported.push(d),
  });
  const decisions = await strategy.preLiquidateAccount(zoneRow(overrides), {
    chainHeadBlock: 110n,
  });
  assert.deepEqual(reported, decisions, "every decision reported once");
  return decisions;
}

/** An account in the zone: ALICE long 10 in market 0, healthy, with a slice of 3 for an incentive of `incentive`. */
function zoneChain(incentiveWad: bigint): FakeChain {
  const chain = new FakeChain();
  chain.liquidatable = false;
  chain.healthWad = (12n * WAD) / 10n;
  chain.preLiquidationPreviews.set(0, {
    closeSizeWad: -3n * WAD,
    incentiveWad,
    healthWad: (12n * WAD) / 10n,
  });
  return chain;
}

describe("pre-liquidation: the decision", () => {
  it("pre-liquidates when the incentive pays for the gas plus ε, with the previewed slice", async () => {
    const chain = zoneChain(5n * WAD); // gas 0.6 + ε 0.5 < 5
    const [decision] = await preLiquidate(chain);
    assert.equal(decision?.decision, "liquidate");
    assert.equal(decision?.action, "preLiquidate");
    assert.equal(decision?.rewardQuoteWad, 5n * WAD);
    assert.deepEqual(chain.sent[0]?.call, {
      functionName: "preLiquidate",
      args: [ALICE, 0n, 3n * WAD],
    });
    assert.ok(
      chain.calls.indexOf("previewPreLiquidation") <
        chain.calls.indexOf("simulatePreLiquidate"),
      "checks on-chain first",
    );
  });

  it("skips when the incentive does not pay for the gas plus ε", async () => {
    const chain = zoneChain(WAD); // 1 < 0.6 + 0.5
    const [decision] = await preLiquidate(chain);
    assert.equal(decision?.decision, "skip-unprofitable");
    assert.equal(chain.sent.length, 0);
  });

  it("skips without simulating when the module would close nothing", async () => {
    const chain = zoneChain(5n * WAD);
    chain.preLiquidationPreviews.clear();
    const [decision] = await preLiquidate(chain);
    assert.equal(decision?.decision, "skip-not-in-zone");
    assert.equal(chain.count("simulatePreLiquidate"), 0);
  });

  it("is a lost race when another keeper lifted the account out of the zone first", async () => {
    const chain = zoneChain(5n * WAD);
    chain.failures.set(
      "simulatePreLiquidate",
      revert("preLiquidate", "NotInZone", [ALICE, 0n, 0n]),
    );
    const [decision] = await preLiquidate(chain);
    assert.equal(decision?.decision, "lost-race");
    assert.equal(chain.sent.length, 0);
  });

  it("does nothing but log when preLiquidate is left out of KEEPER_ACTIONS", async () => {
    const chain = zoneChain(5n * WAD);
    const [decision] = await preLiquidate(chain, {
      actions: KEEPER_ACTIONS.filter((a) => a !== "preLiquidate"),
    });
    assert.equal(decision?.decision, "skip-disabled");
    assert.equal(chain.count("previewPreLiquidation"), 0);
  });

  it("stops after one sent slice", async () => {
    const chain = zoneChain(5n * WAD);
    chain.preLiquidationPreviews.set(1, {
      closeSizeWad: -WAD,
      incentiveWad: 5n * WAD,
      healthWad: (12n * WAD) / 10n,
    });
    const decisions = await preLiquidate(
      chain,
      {},
      {
        preLiquidationMarketIds: [0, 1],
      },
    );
    assert.equal(decisions.length, 1);
    assert.equal(chain.sent.length, 1);
  });
});

describe("pre-liquidation: the pass", () => {
  it("works on the zone's accounts after the at-risk ones, never on an at-risk one", async () => {
    const order: string[] = [];
    const index: PassDeps["index"] = {
      status: async () => ({ latestBlock: 100n, latestTimestamp: 0n }),
      atRisk: async () => [row({ address: ALICE })],
      activeAuctions: async () => [],
    };
    const strategy: Strategy = {
      processAccount: async (r) => {
        order.push(`liquidate ${r.address}`);
        return [];
      },
      processAuction: async () => [],
      preLiquidateAccount: async (r) => {
        order.push(`pre-liquidate ${r.address}`);
        return [];
      },
    };
    await runPass(
      passDeps(index, strategy, {
        concurrency: 1,
        zone: {
          minProbability: 0.3,
          fetch: async () => [
            zoneRow({ address: ALICE }),
            zoneRow({ address: BOB }),
          ],
        },
      }),
      100n,
    );
    assert.deepEqual(order, [`liquidate ${ALICE}`, `pre-liquidate ${BOB}`]);
  });

  it("goes on without pre-liquidations when the zone cannot be read", async () => {
    const order: string[] = [];
    const result = await runPass(
      passDeps(
        {
          status: async () => ({ latestBlock: 100n, latestTimestamp: 0n }),
          atRisk: async () => [row()],
          activeAuctions: async () => [],
        },
        {
          processAccount: async () => {
            order.push("liquidate");
            return [];
          },
          processAuction: async () => [],
          preLiquidateAccount: async () => {
            order.push("pre-liquidate");
            return [];
          },
        },
        {
          zone: {
            minProbability: 0,
            fetch: async () => {
              throw new Error("indexer down");
            },
          },
        },
      ),
      100n,
    );
    assert.equal(result.kind, "done");
    assert.deepEqual(order, ["liquidate"]);
  });
});
