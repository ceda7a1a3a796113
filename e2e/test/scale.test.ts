/**
 * The index's health path against the chain at a small scale: 400 accounts opened through the AccountFleet helper,
 * then price pushes up and down. After each push only the accounts whose watch box it leaves are recomputed; the
 * index must still list exactly the accounts the protocol calls liquidatable at that block (read page by page), the
 * accounts below health 1.5 (the band ladder, stale bands included), each breach's first block, and each account's
 * health at the latest prices; and /accounts/watch must list every account once, each box holding the pushed price.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { createPublicClient, http, parseUnits, type Address } from "viem";
import { foundry } from "viem/chains";
import {
  iMarginProtocolAbi,
  testnetTokenAbi,
} from "../../abi/src/generated.ts";
import { clients, send } from "../src/contracts.ts";
import { deployFleet, fleetOrders, openAccounts } from "../src/fleet.ts";
import { openBook } from "../src/scenario.ts";
import {
  atRiskInIndex,
  pushEth,
  waitIndexed,
  watchBoxesInIndex,
} from "../src/scaleProbe.ts";
import { DEPLOYER_KEY, startSystem, type System } from "../src/system.ts";

const WAD = 10n ** 18n;
const ACCOUNTS = 400;
/** ETH prices pushed in turn: small moves, a fall that takes the most leveraged longs across, a deeper one, a recovery. */
const PATH_USD = [2_995n, 3_004n, 2_830n, 2_700n, 2_950n, 3_150n, 2_760n];
/** At this price the trader below, liquidatable, deposits a little: an event of its own that leaves it in band 0. */
const DEPOSIT_AT_USD = 2_700n;

type ChainHealth = {
  equityWad: bigint;
  maintenanceWad: bigint;
  healthWad: bigint;
};

async function chainHealth(
  system: System,
  accounts: readonly Address[],
  block: bigint,
): Promise<Map<string, ChainHealth>> {
  const client = createPublicClient({
    chain: foundry,
    transport: http(system.rpcUrl, { batch: { batchSize: 200 } }),
  });
  const rows = await Promise.all(
    accounts.map((account) =>
      client.readContract({
        address: system.deployment.protocol,
        abi: iMarginProtocolAbi,
        functionName: "health",
        args: [account],
        blockNumber: block,
      }),
    ),
  );
  return new Map(accounts.map((a, i) => [a.toLowerCase(), rows[i]!]));
}

describe("the index at scale (PGlite)", { concurrency: false }, () => {
  let system: System | undefined;
  after(async () => {
    await system?.stop();
  });

  it(
    "lists exactly the chain's liquidatable accounts and its accounts below 1.5 after every push",
    { timeout: 300_000 },
    async () => {
      system = await startSystem({
        blockTimeSeconds: 1,
        blockGasLimit: 300_000_000n,
        preLiquidation: "off",
        // A refresh of 5 accounts a block: the pushes' own line boxes must keep who is liquidatable exact, and the
        // routes must place the many stale bands themselves.
        indexerEnv: { BAND_REFRESH_PER_BLOCK: "5" },
      });
      const orders = fleetOrders(ACCOUNTS, 3_000n * WAD);
      const fleet = await deployFleet(system.rpcUrl, system.deployment, orders);
      const opened = await openAccounts(system.rpcUrl, fleet, orders, 100);
      assert.equal(opened.accounts.length, ACCOUNTS);
      // And one trader of its own key, 9× long: liquidatable from about $2,780.
      const [trader] = await openBook(system.rpcUrl, system.deployment, [
        {
          label: "9x long",
          quoteUsdc: 1_000n,
          wethWad: 0n,
          wbtcSats: 0n,
          ethSizeWad: 3n * WAD,
          btcSizeWad: 0n,
        },
      ]);
      const accounts = [...opened.accounts, trader!.address];
      await waitIndexed(
        system.indexerUrl,
        await createPublicClient({
          chain: foundry,
          transport: http(system.rpcUrl),
        }).getBlockNumber({ cacheTime: 0 }),
        120_000,
      );

      const breachStart = new Map<string, bigint>(); // account → first block of its current breach (chain)
      let everLiquidatable = 0;
      let crossedBack = 0;
      for (const usd of PATH_USD) {
        const push = await pushEth(system, usd * WAD);
        await waitIndexed(system.indexerUrl, push.block, 60_000);
        const chain = await chainHealth(system, accounts, push.block);
        const liquidatable = [...chain]
          .filter(([, h]) => h.equityWad < h.maintenanceWad)
          .map(([a]) => a);
        for (const a of [...breachStart.keys()])
          if (!liquidatable.includes(a)) {
            breachStart.delete(a);
            crossedBack++;
          }
        for (const a of liquidatable)
          if (!breachStart.has(a)) breachStart.set(a, push.block);
        everLiquidatable += liquidatable.length;

        // Small pages, so that the cursor is followed many times.
        const listed = await atRiskInIndex(system.indexerUrl, "1", 7);
        assert.deepEqual(
          listed.map((r) => r.address).sort(),
          [...liquidatable].sort(),
          `$${usd}: the index's liquidatable accounts are the chain's`,
        );
        for (const r of listed) {
          assert.equal(
            r.healthWad,
            chain.get(r.address)!.healthWad,
            `$${usd}: health of ${r.address}`,
          );
          assert.equal(
            r.breachBlock,
            breachStart.get(r.address),
            `$${usd}: breach block of ${r.address}`,
          );
        }
        const healths = listed.map((r) => r.healthWad);
        assert.deepEqual(
          healths,
          [...healths].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
          "lowest first",
        );

        const below = [...chain]
          .filter(
            ([, h]) => h.healthWad < (3n * WAD) / 2n && h.maintenanceWad > 0n,
          )
          .map(([a]) => a);
        const listedBelow = await atRiskInIndex(system.indexerUrl, "1.5", 50);
        assert.deepEqual(
          listedBelow.map((r) => r.address).sort(),
          below.sort(),
          `$${usd}: the index's accounts below health 1.5 are the chain's`,
        );
        for (const r of listedBelow)
          assert.equal(
            r.healthWad,
            chain.get(r.address)!.healthWad,
            `$${usd}: health of ${r.address} below 1.5`,
          );

        // The line boxes a keeper reacts to pushes with: every account once (pages of 128 rows, so the cursor is
        // followed), and after the index has processed the push every box holds the pushed price.
        const watched = await watchBoxesInIndex(system.indexerUrl, 128);
        assert.deepEqual(
          watched.map((w) => w.address),
          accounts.map((a) => a.toLowerCase()).sort(),
          `$${usd}: /accounts/watch lists each account once, in address order`,
        );
        const ethFeed = system.deployment.ethFeed.toLowerCase();
        for (const w of watched) {
          const box = w.boxes.find((b) => b.oracle === ethFeed);
          assert.ok(box, `${w.address} has a box on the ETH feed`);
          assert.ok(
            box.belowWad <= usd * WAD && usd * WAD <= box.aboveWad,
            `$${usd}: ${w.address}'s box [${box.belowWad}, ${box.aboveWad}] holds the price`,
          );
        }

        // One account's route, at the latest prices.
        const sample = opened.accounts[Number(push.block % BigInt(ACCOUNTS))]!;
        const one = (await (
          await fetch(`${system.indexerUrl}/accounts/${sample}/health`)
        ).json()) as {
          equityWad: string;
          maintenanceWad: string;
          healthWad: string;
        };
        const expected = chain.get(sample.toLowerCase())!;
        assert.deepEqual(
          [one.equityWad, one.maintenanceWad, one.healthWad],
          [expected.equityWad, expected.maintenanceWad, expected.healthWad].map(
            String,
          ),
          `$${usd}: /accounts/${sample}/health`,
        );

        if (usd === DEPOSIT_AT_USD)
          await depositInBand(system, trader!.address, trader!.key);
      }
      // The path did what it is for: accounts crossed, and some crossed back.
      assert.ok(everLiquidatable > 0, "some accounts crossed the line");
      assert.ok(crossedBack > 0, "some crossed back");
    },
  );
});

/**
 * The trader, liquidatable, deposits $50 (still liquidatable): the at-risk route, whose reads keep a band's inputs
 * across blocks by the block of each account's last own event, must price the new balance at the deposit's block.
 */
async function depositInBand(
  system: System,
  trader: Address,
  key: `0x${string}`,
): Promise<void> {
  const { publicClient, wallet } = clients(system.rpcUrl);
  const amount = parseUnits("50", 6);
  const quote = system.deployment.quote;
  await send(publicClient, wallet(DEPLOYER_KEY), {
    address: quote,
    abi: testnetTokenAbi,
    functionName: "mint",
    args: [trader, amount],
  });
  const own = wallet(key);
  await send(publicClient, own, {
    address: quote,
    abi: testnetTokenAbi,
    functionName: "approve",
    args: [system.deployment.protocol, amount],
  });
  const block = await send(publicClient, own, {
    address: system.deployment.protocol,
    abi: iMarginProtocolAbi,
    functionName: "depositQuote",
    args: [amount],
  });
  await waitIndexed(system.indexerUrl, block, 60_000);
  const chain = (await chainHealth(system, [trader], block)).get(
    trader.toLowerCase(),
  )!;
  assert.ok(
    chain.equityWad < chain.maintenanceWad,
    "the trader is still liquidatable after its deposit",
  );
  const listed = (await atRiskInIndex(system.indexerUrl, "1", 7)).find(
    (r) => r.address === trader.toLowerCase(),
  );
  assert.equal(
    listed?.healthWad,
    chain.healthWad,
    "the at-risk route prices the deposit",
  );
}
