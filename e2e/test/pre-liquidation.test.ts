/**
 * End to end, pre-liquidation: anvil, the deployed contracts (PRE_LIQUIDATION=on), the indexer and the keeper with
 * PRELIQ_MIN_PROBABILITY. After a price history for the crossing model, ETH falls in 1% steps; the keeper
 * pre-liquidates accounts in the zone before they reach maintenance, an opted-out account is left alone, and the
 * index's pre-liquidations match the chain's events.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { getAbiItem } from "viem";
import {
  iMarginProtocolAbi,
  iPreLiquidationAbi,
} from "../../abi/src/generated.ts";
import { clients } from "../src/contracts.ts";
import { indexCaughtUp } from "../src/crash.ts";
import {
  PRE_LIQUIDATION_KEEPER_ENV,
  optOut,
  preLiquidationSummary,
  warmUpPrices,
} from "../src/preLiquidation.ts";
import { sleep } from "../src/processes.ts";
import { openBook, pushPrices, type TraderPlan } from "../src/scenario.ts";
import { startSystem, type System } from "../src/system.ts";

const WAD = 10n ** 18n;

/** Three ETH longs at about 5× on quote margin: two may be pre-liquidated, one opts out. */
const book: TraderPlan[] = ["a", "b", "opted-out"].map((label) => ({
  label,
  quoteUsdc: 2_000n,
  wethWad: 0n,
  wbtcSats: 0n,
  ethSizeWad: 33n * (WAD / 10n), // 3.3 ETH ≈ $9,900
  btcSizeWad: 0n,
}));

describe("pre-liquidation end to end", () => {
  let system: System | undefined;
  after(async () => {
    await system?.stop();
  });

  it("pre-liquidates accounts in the zone, honours the opt-out, and the index matches the chain", async () => {
    system = await startSystem({ blockTimeSeconds: 1, preLiquidation: "on" });
    const { rpcUrl, indexerUrl, deployment: d } = system;
    const { publicClient } = clients(rpcUrl);
    await warmUpPrices(rpcUrl, d);
    const traders = await openBook(rpcUrl, d, book);
    const [opted] = await optOut(rpcUrl, d, traders, ["opted-out"]);
    await system.startKeeper(PRE_LIQUIDATION_KEEPER_ENV);

    // ETH falls 1% a step (health ≈ 4.0 → the zone below 1.25 around $2,580, maintenance around $2,540), waiting a
    // few blocks at each step, until both eligible accounts were pre-liquidated or the line is near.
    const event = getAbiItem({
      abi: iPreLiquidationAbi,
      name: "PreLiquidated",
    });
    const fromBlock = BigInt(d.startBlock);
    let eth = 3_000n;
    let logs: Awaited<ReturnType<typeof publicClient.getLogs<typeof event>>> =
      [];
    while (eth > 2_560n) {
      eth = (eth * 99n) / 100n;
      await pushPrices(rpcUrl, d, { ethUsd: eth, btcUsd: 60_000n });
      await sleep(4_000);
      logs = await publicClient.getLogs({
        address: d.preLiquidation,
        event,
        fromBlock,
      });
      if (new Set(logs.map((l) => l.args.account)).size >= 2) break;
    }
    assert.ok(logs.length > 0, "the keeper pre-liquidated");
    for (const log of logs) {
      assert.notEqual(log.args.account, opted, "an opted-out account");
      assert.ok(log.args.healthBeforeWad! >= WAD, "above maintenance");
      assert.ok(log.args.healthBeforeWad! < (125n * WAD) / 100n, "in the zone");
      assert.ok(
        log.args.healthAfterWad! >= log.args.healthBeforeWad!,
        "health rose",
      );
      assert.ok(log.args.incentiveWad! > 0n, "an incentive was paid");
    }
    // The opted-out account is still whole: 3.3 ETH.
    const [size] = await publicClient.readContract({
      address: d.protocol,
      abi: iMarginProtocolAbi,
      functionName: "position",
      args: [opted!, 0n],
    });
    assert.equal(size, 33n * (WAD / 10n));

    await indexCaughtUp(rpcUrl, indexerUrl);
    const head = await publicClient.getBlockNumber();
    const summary = await preLiquidationSummary(
      rpcUrl,
      indexerUrl,
      d,
      fromBlock,
      head,
    );
    assert.deepEqual(summary.mismatches, [], "the index matches the chain");
    assert.ok(summary.count >= logs.length, "every event seen is indexed");
    assert.ok(summary.healthRose);
    assert.equal(
      summary.neverReachedEngine,
      summary.accounts.length,
      "none crossed maintenance",
    );

    // The index marks the opted-out account: in the zone's price range, but not pre-liquidatable.
    const atRisk = (await (
      await fetch(`${indexerUrl}/accounts/at-risk?maxHealth=1.5&limit=100`)
    ).json()) as { accounts: { address: string; inZone: boolean }[] };
    const optedRow = atRisk.accounts.find(
      (a) => a.address.toLowerCase() === opted!.toLowerCase(),
    );
    if (optedRow !== undefined)
      assert.equal(optedRow.inZone, false, "an opt-out is not in the zone");
  });
});
