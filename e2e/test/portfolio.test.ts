/**
 * Portfolio margin end to end: the demo's hedged books opt in; their portfolio requirement (the protocol's, equal to
 * the module's on the same book) is below the standard rules' for the same positions, the tilted book's above; and the
 * index's health and mode equal the chain's, after opening, after a price move and after a raise of the floor (which
 * moves every opted-in account's line with no event of its own).
 */
import assert from "node:assert/strict";
import { after, test } from "node:test";
import {
  iPortfolioMarginAbi,
  pushPriceFeedAbi,
} from "../../abi/src/generated.ts";
import { clients, send } from "../src/contracts.ts";
import { indexCaughtUp } from "../src/crash.ts";
import {
  comparePortfolioIndex,
  optIn,
  parsePortfolioMargin,
  portfolioBook,
  PORTFOLIO_TILTED,
  requirementsAt,
} from "../src/portfolio.ts";
import { openBook } from "../src/scenario.ts";
import { DEPLOYER_KEY, startSystem, type System } from "../src/system.ts";

let system: System | undefined;
after(async () => {
  await system?.stop();
});

test("PORTFOLIO_MARGIN is on by default, off on request, and anything else is one config error line", () => {
  assert.equal(parsePortfolioMargin(undefined), "on");
  assert.equal(parsePortfolioMargin(""), "on");
  assert.equal(parsePortfolioMargin("off"), "off");
  assert.throws(
    () => parsePortfolioMargin("yes"),
    /^PortfolioConfigError: PORTFOLIO_MARGIN must be on or off; got "yes"$/,
  );
});

test("hedged books need less margin in portfolio mode; index = chain for the opted-in accounts", async () => {
  system = await startSystem({ blockTimeSeconds: 1 });
  const d = system.deployment;
  const { publicClient, wallet } = clients(system.rpcUrl);
  const traders = await openBook(system.rpcUrl, d, portfolioBook());
  const accounts = traders.map((t) => t.address);
  // The index's health and mode of every opted-in account equal the chain's at `at` (once it has caught up).
  const indexEqualsChain = async (at: bigint) =>
    assert.deepEqual(
      await comparePortfolioIndex(
        publicClient,
        system!.indexerUrl,
        d,
        accounts,
        at,
      ),
      [],
    );

  // Standard rules before the opt-in: the protocol charges exactly the standard math.
  let block = await publicClient.getBlockNumber();
  for (const t of traders) {
    const r = await requirementsAt(publicClient, d, t.address, block);
    assert.equal(r.portfolioMode, false);
    assert.equal(r.portfolio.maintenanceWad, r.standard.maintenanceWad);
    assert.equal(r.portfolio.initialWad, r.standard.initialWad);
  }

  await optIn(system.rpcUrl, d, traders);
  block = await publicClient.getBlockNumber();
  for (const t of traders) {
    const r = await requirementsAt(publicClient, d, t.address, block);
    assert.equal(r.portfolioMode, true, `${t.label} opted in`);
    assert.deepEqual(r.module, r.portfolio, `${t.label}: protocol = module`);
    if (t.label === PORTFOLIO_TILTED) {
      // The naked 2 BTC long pays the correlated crash (10% of $120,000) against the standard 5%.
      assert.equal(r.portfolio.maintenanceWad, 12_000n * 10n ** 18n);
      assert.ok(r.portfolio.maintenanceWad > r.standard.maintenanceWad);
    } else {
      // A perfect hedge: the floor, 1% of gross (2% of the perp's notional), against 5% of the perp's notional;
      // initial ×1.5 against 10%.
      assert.equal(
        r.portfolio.maintenanceWad * 5n,
        r.standard.maintenanceWad * 2n,
        `${t.label}: maintenance 40% of standard`,
      );
      assert.equal(
        r.portfolio.initialWad * 10n,
        r.standard.initialWad * 3n,
        `${t.label}: initial 30% of standard`,
      );
    }
  }
  await indexCaughtUp(system.rpcUrl, system.indexerUrl);
  await indexEqualsChain(await publicClient.getBlockNumber());

  // BTC −10%: the hedges hold, the tilted book falls toward its line; the index recomputes with the scenarios.
  await send(publicClient, wallet(DEPLOYER_KEY), {
    address: d.btcFeed,
    abi: pushPriceFeedAbi,
    functionName: "push",
    args: [54_000n * 10n ** 18n],
  });
  await indexCaughtUp(system.rpcUrl, system.indexerUrl);
  block = await publicClient.getBlockNumber();
  await indexEqualsChain(block);
  const tilted = traders.find((t) => t.label === PORTFOLIO_TILTED)!;
  const r = await requirementsAt(publicClient, d, tilted.address, block);
  assert.ok(
    r.healthWad < 2n * 10n ** 18n && r.healthWad > 10n ** 18n,
    `the tilted book between 1 and 2 (${r.healthWad})`,
  );

  // The floor rises one step (1% to 1.25%, the most one raise may take): the hedges' requirement is their floor,
  // so each rises by a quarter, and the index recomputes every opted-in account on the module's event.
  const floorBefore = await publicClient.readContract({
    address: d.portfolioMargin,
    abi: iPortfolioMarginAbi,
    functionName: "minFractionWad",
  });
  const multiplier = await publicClient.readContract({
    address: d.portfolioMargin,
    abi: iPortfolioMarginAbi,
    functionName: "initialMultiplierWad",
  });
  const hedge = traders.find((t) => t.label !== PORTFOLIO_TILTED)!;
  const hedgeBefore = await requirementsAt(
    publicClient,
    d,
    hedge.address,
    block,
  );
  await send(publicClient, wallet(DEPLOYER_KEY), {
    address: d.portfolioMargin,
    abi: iPortfolioMarginAbi,
    functionName: "setParams",
    args: [(floorBefore * 5n) / 4n, multiplier],
  });
  await indexCaughtUp(system.rpcUrl, system.indexerUrl);
  block = await publicClient.getBlockNumber();
  const hedgeAfter = await requirementsAt(
    publicClient,
    d,
    hedge.address,
    block,
  );
  assert.ok(
    hedgeAfter.portfolio.maintenanceWad > hedgeBefore.portfolio.maintenanceWad,
    "the raise moved the hedge's line",
  );
  await indexEqualsChain(block);
});
