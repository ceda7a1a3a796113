import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadConfig, type Env } from "../src/config.ts";
import { ConfigError } from "../src/errors.ts";

const KEY = `0x${"11".repeat(32)}`;
const VALID: Env = {
  KEEPER_PRIVATE_KEY: KEY,
  DEPLOYMENT_FILE: "deployments/local.json",
};
const noFile = () => {
  throw new Error("no file expected");
};

function errorLines(
  env: Env,
  readFile: (path: string) => string = noFile,
): readonly string[] {
  try {
    loadConfig(env, readFile);
  } catch (error) {
    assert.ok(
      error instanceof ConfigError,
      `expected ConfigError, got ${String(error)}`,
    );
    return error.lines;
  }
  assert.fail("expected the configuration to be refused");
}

describe("loadConfig", () => {
  it("applies defaults and converts units", () => {
    const config = loadConfig(VALID, noFile);
    assert.deepEqual(config.rpcUrls, ["http://127.0.0.1:8545"]);
    assert.equal(config.minProfitQuoteWad, 0n);
    assert.equal(
      config.gasPriceCapWei,
      null,
      "no cap: the profit rule decides",
    );
    assert.equal(config.dryRun, false);
    assert.equal(config.actUnprofitable, false);
    assert.equal(config.maxIndexLagBlocks, 5n);
    assert.equal(config.metricsPort, undefined);
    assert.equal(config.logLevel, "info");
    assert.equal(config.takeMinProfitQuoteWad, 10n ** 18n);
    assert.deepEqual(config.actions, [
      "liquidate",
      "liquidateBatch",
      "buyCollateral",
      "settleBadDebt",
      "kick",
      "take",
      "redo",
      "buyAuction",
      "absorb",
      "buyBonds",
      "closeSeries",
      "route",
      "sweepFees",
      "redeem",
      "preLiquidate",
    ]);
    assert.equal(config.bondMaxPriceWad, 95n * 10n ** 16n);
    assert.equal(config.bondBudgetQuoteWad, 25_000n * 10n ** 18n);
    assert.equal(config.feeSweepMinQuoteWad, 10n * 10n ** 18n);
    assert.equal(config.batchPositions, 50);
  });

  it("refuses a batch size outside 1–200", () => {
    for (const LIQUIDATION_BATCH_POSITIONS of ["0", "201", "ten"])
      assert.throws(
        () => loadConfig({ ...VALID, LIQUIDATION_BATCH_POSITIONS }, noFile),
        (error: ConfigError) => {
          assert.deepEqual(error.lines, [
            "config error: LIQUIDATION_BATCH_POSITIONS: expected an integer number of positions per batch between 1 and 200",
          ]);
          return true;
        },
      );
    assert.equal(
      loadConfig({ ...VALID, LIQUIDATION_BATCH_POSITIONS: "200" }, noFile)
        .batchPositions,
      200,
    );
  });

  it("reads KEEPER_PROTOCOLS as a list of names (unset: every protocol), refusing a malformed one in one line", () => {
    assert.equal(loadConfig(VALID, noFile).protocols, undefined);
    assert.deepEqual(
      loadConfig(
        { ...VALID, KEEPER_PROTOCOLS: " lending, perps,lending" },
        noFile,
      ).protocols,
      ["lending", "perps"],
    );
    assert.throws(
      () =>
        loadConfig(
          { ...VALID, KEEPER_PROTOCOLS: "perps,Lending Market" },
          noFile,
        ),
      (error: ConfigError) => {
        assert.equal(error.lines.length, 1);
        assert.match(
          error.lines[0]!,
          /^config error: KEEPER_PROTOCOLS: expected a comma-separated list of protocol names/,
        );
        return true;
      },
    );
  });

  it("reads the bond price limit as a decimal or as a wad integer, and the bond budget and sweep threshold", () => {
    const price = (BOND_MAX_PRICE: string) =>
      loadConfig({ ...VALID, BOND_MAX_PRICE }, noFile).bondMaxPriceWad;
    assert.equal(price("0.9"), 9n * 10n ** 17n);
    assert.equal(price("900000000000000000"), 9n * 10n ** 17n);
    assert.equal(price("1"), 10n ** 18n);
    assert.equal(price("1.0"), 10n ** 18n);
    assert.equal(price("2"), 2n, "an integer above 1 is a wad amount");
    const config = loadConfig(
      { ...VALID, BOND_BUDGET_QUOTE: "1500.5", FEE_SWEEP_MIN_QUOTE: "0" },
      noFile,
    );
    assert.equal(config.bondBudgetQuoteWad, 15_005n * 10n ** 17n);
    assert.equal(config.feeSweepMinQuoteWad, 0n);
  });

  it("parses the take margin and the list of actions", () => {
    const config = loadConfig(
      {
        ...VALID,
        TAKE_MIN_PROFIT_QUOTE: "2.5",
        KEEPER_ACTIONS: " liquidate, take ,take,redo ",
      },
      noFile,
    );
    assert.equal(config.takeMinProfitQuoteWad, 25n * 10n ** 17n);
    assert.deepEqual(config.actions, ["liquidate", "take", "redo"]);
  });

  it("parses every field from the environment", () => {
    const config = loadConfig(
      {
        ...VALID,
        RPC_URL: "http://a:8545, https://b.example/rpc",
        INDEXER_URL: "http://indexer:42069/",
        MIN_PROFIT_QUOTE: "0.5",
        GAS_PRICE_CAP_GWEI: "2.5",
        POLL_INTERVAL_MS: "250",
        DRY_RUN: "true",
        MAX_INDEX_LAG_BLOCKS: "0",
        ACT_UNPROFITABLE: "1",
        LOG_LEVEL: "DEBUG",
        METRICS_PORT: "9464",
      },
      noFile,
    );
    assert.deepEqual(config.rpcUrls, [
      "http://a:8545",
      "https://b.example/rpc",
    ]);
    assert.equal(config.indexerUrl, "http://indexer:42069");
    assert.equal(config.minProfitQuoteWad, 5n * 10n ** 17n);
    assert.equal(config.gasPriceCapWei, 2_500_000_000n);
    assert.equal(config.pollIntervalMs, 250);
    assert.equal(config.dryRun, true);
    assert.equal(config.maxIndexLagBlocks, 0n);
    assert.equal(config.actUnprofitable, true);
    assert.equal(config.logLevel, "debug");
    assert.equal(config.metricsPort, 9464);
  });

  const badFields: [string, string, RegExp][] = [
    [
      "KEEPER_PRIVATE_KEY",
      "0x1234",
      /^config error: KEEPER_PRIVATE_KEY: expected 0x followed by 64 hex characters$/,
    ],
    [
      "KEEPER_PRIVATE_KEY",
      `0x${"zz".repeat(32)}`,
      /^config error: KEEPER_PRIVATE_KEY: expected 0x followed by 64/,
    ],
    [
      "RPC_URL",
      "not-a-url",
      /^config error: RPC_URL: expected one or more http\(s\) URLs/,
    ],
    ["RPC_URL", " , ", /^config error: RPC_URL: is required/],
    [
      "INDEXER_URL",
      "ftp://indexer",
      /^config error: INDEXER_URL: expected an http\(s\) URL$/,
    ],
    [
      "MIN_PROFIT_QUOTE",
      "-1",
      /^config error: MIN_PROFIT_QUOTE: expected a non-negative decimal/,
    ],
    ["MIN_PROFIT_QUOTE", "abc", /^config error: MIN_PROFIT_QUOTE: /],
    [
      "GAS_PRICE_CAP_GWEI",
      "0",
      /^config error: GAS_PRICE_CAP_GWEI: expected "none" or a positive decimal/,
    ],
    [
      "GAS_PRICE_CAP_GWEI",
      "1.0000000001",
      /^config error: GAS_PRICE_CAP_GWEI: /,
    ],
    ["GAS_PRICE_CAP_GWEI", "None", /^config error: GAS_PRICE_CAP_GWEI: /],
    [
      "POLL_INTERVAL_MS",
      "fast",
      /^config error: POLL_INTERVAL_MS: expected an integer number of milliseconds/,
    ],
    ["POLL_INTERVAL_MS", "1.5", /^config error: POLL_INTERVAL_MS: /],
    ["DRY_RUN", "maybe", /^config error: DRY_RUN: expected true or false$/],
    [
      "ACT_UNPROFITABLE",
      "2",
      /^config error: ACT_UNPROFITABLE: expected true or false$/,
    ],
    [
      "MAX_INDEX_LAG_BLOCKS",
      "-3",
      /^config error: MAX_INDEX_LAG_BLOCKS: expected a non-negative integer/,
    ],
    [
      "LOG_LEVEL",
      "loud",
      /^config error: LOG_LEVEL: expected one of fatal, error/,
    ],
    [
      "METRICS_PORT",
      "70000",
      /^config error: METRICS_PORT: expected a TCP port/,
    ],
    [
      "TAKE_MIN_PROFIT_QUOTE",
      "-1",
      /^config error: TAKE_MIN_PROFIT_QUOTE: expected a non-negative decimal/,
    ],
    [
      "KEEPER_ACTIONS",
      "kick,steal,borrow",
      /^config error: KEEPER_ACTIONS: expected one or more of liquidate, liquidateBatch, buyCollateral, settleBadDebt, kick, take, redo, buyAuction, absorb, buyBonds, closeSeries, route, sweepFees, redeem, preLiquidate, comma-separated \(unknown: steal, borrow\)$/,
    ],
    [
      "BOND_MAX_PRICE",
      "1.01",
      /^config error: BOND_MAX_PRICE: expected a price per unit of bond face in \(0, 1\]: a decimal such as 0.95, or a wad integer such as 950000000000000000$/,
    ],
    ["BOND_MAX_PRICE", "0", /^config error: BOND_MAX_PRICE: expected a price/],
    [
      "BOND_MAX_PRICE",
      "1000000000000000001",
      /^config error: BOND_MAX_PRICE: expected a price/,
    ],
    [
      "BOND_MAX_PRICE",
      "cheap",
      /^config error: BOND_MAX_PRICE: expected a price/,
    ],
    [
      "BOND_BUDGET_QUOTE",
      "-5",
      /^config error: BOND_BUDGET_QUOTE: expected a non-negative decimal number of quote units, e.g. 25000$/,
    ],
    [
      "FEE_SWEEP_MIN_QUOTE",
      "ten",
      /^config error: FEE_SWEEP_MIN_QUOTE: expected a non-negative decimal number of quote units, e.g. 10$/,
    ],
    ["KEEPER_ACTIONS", " , ", /^config error: KEEPER_ACTIONS: is required/],
  ];
  for (const [name, value, pattern] of badFields) {
    it(`refuses ${name}=${JSON.stringify(value)} with one line naming it`, () => {
      const lines = errorLines({ ...VALID, [name]: value });
      assert.equal(lines.length, 1, lines.join("\n"));
      assert.match(lines[0] ?? "", pattern);
    });
  }

  it("never echoes the private key", () => {
    const badKey = `0x${"ab".repeat(31)}`;
    const lines = errorLines({ ...VALID, KEEPER_PRIVATE_KEY: badKey });
    assert.ok(!lines.join("\n").includes(badKey));
  });

  it("reports missing required fields", () => {
    const lines = errorLines({});
    assert.deepEqual(
      lines.map((line) => line.split(":")[1]?.trim()),
      ["KEEPER_PRIVATE_KEY", "DEPLOYMENT_FILE"],
    );
    assert.ok(lines.every((line) => line.includes("is required")));
  });

  it("yields one line per bad field when several are bad", () => {
    const lines = errorLines({
      ...VALID,
      KEEPER_PRIVATE_KEY: "nope",
      POLL_INTERVAL_MS: "-1",
      DRY_RUN: "perhaps",
      GAS_PRICE_CAP_GWEI: "lots",
    });
    assert.equal(lines.length, 4, lines.join("\n"));
    for (const name of [
      "KEEPER_PRIVATE_KEY",
      "POLL_INTERVAL_MS",
      "DRY_RUN",
      "GAS_PRICE_CAP_GWEI",
    ]) {
      assert.equal(
        lines.filter((line) => line.startsWith(`config error: ${name}:`))
          .length,
        1,
        name,
      );
    }
  });

  describe("with KEEPER_CONFIG_FILE", () => {
    const file = {
      rpcUrls: ["http://file-a:8545", "http://file-b:8545"],
      pollIntervalMs: 2000,
      dryRun: true,
      minProfitQuote: "1.25",
      gasPriceCapGwei: 7,
    };
    const reader = (path: string) => {
      assert.equal(path, "/etc/keeper.json");
      return JSON.stringify(file);
    };

    it("reads the list of actions from the file as an array", () => {
      const config = loadConfig(
        { ...VALID, KEEPER_CONFIG_FILE: "/etc/keeper.json" },
        () => JSON.stringify({ actions: ["kick", "absorb"] }),
      );
      assert.deepEqual(config.actions, ["kick", "absorb"]);
      const lines = errorLines(
        { ...VALID, KEEPER_CONFIG_FILE: "/etc/keeper.json" },
        () => JSON.stringify({ actions: ["kick", 3] }),
      );
      assert.equal(lines.length, 1, lines.join("\n"));
      assert.match(
        lines[0] ?? "",
        /^config error: actions \(in \/etc\/keeper\.json\): expected one or more of .*\(unknown: 3\)$/,
      );
    });

    it("reads fields from the file", () => {
      const config = loadConfig(
        { ...VALID, KEEPER_CONFIG_FILE: "/etc/keeper.json" },
        reader,
      );
      assert.deepEqual(config.rpcUrls, file.rpcUrls);
      assert.equal(config.pollIntervalMs, 2000);
      assert.equal(config.dryRun, true);
      assert.equal(config.minProfitQuoteWad, 125n * 10n ** 16n);
      assert.equal(config.gasPriceCapWei, 7n * 10n ** 9n);
    });

    it("lets the environment override the file", () => {
      const config = loadConfig(
        {
          ...VALID,
          KEEPER_CONFIG_FILE: "/etc/keeper.json",
          POLL_INTERVAL_MS: "300",
          DRY_RUN: "false",
          RPC_URL: "http://env:1",
        },
        reader,
      );
      assert.equal(config.pollIntervalMs, 300);
      assert.equal(config.dryRun, false);
      assert.deepEqual(config.rpcUrls, ["http://env:1"]);
      assert.equal(config.minProfitQuoteWad, 125n * 10n ** 16n); // not overridden: from the file
    });

    it("names a bad file field by its key and file", () => {
      const lines = errorLines(
        { ...VALID, KEEPER_CONFIG_FILE: "/etc/keeper.json" },
        () => JSON.stringify({ pollIntervalMs: "soon", unknownThing: 1 }),
      );
      assert.equal(lines.length, 2, lines.join("\n"));
      assert.ok(
        lines.some((line) =>
          line.startsWith(
            "config error: unknownThing (in /etc/keeper.json): unknown field",
          ),
        ),
      );
      assert.ok(
        lines.some((line) =>
          line.startsWith(
            "config error: pollIntervalMs (in /etc/keeper.json): expected",
          ),
        ),
      );
    });

    it("refuses an unreadable or malformed file in one line", () => {
      const unreadable = errorLines(
        { ...VALID, KEEPER_CONFIG_FILE: "/missing.json" },
        () => {
          throw new Error("ENOENT");
        },
      );
      assert.equal(unreadable.length, 1);
      assert.match(
        unreadable[0] ?? "",
        /^config error: KEEPER_CONFIG_FILE: cannot read \/missing\.json/,
      );
      const malformed = errorLines(
        { ...VALID, KEEPER_CONFIG_FILE: "/bad.json" },
        () => "{not json",
      );
      assert.equal(malformed.length, 1);
      assert.match(
        malformed[0] ?? "",
        /^config error: KEEPER_CONFIG_FILE: \/bad\.json is not valid JSON/,
      );
    });
  });
});
