// Portfolio margin: the module's configuration and each account's mode. A
// change of mode recomputes the account's health; a change of the
// configuration, or of the module in force, recomputes every account in
// portfolio mode (a raise of the floor or a new scenario moves their lines
// with no event of their own).
import { type Context, ponder } from "ponder:registry";
import { portfolioAccount, portfolioConfig } from "ponder:schema";
import type { Address } from "viem";
import {
  type BlockRef,
  recomputeAccount,
  recomputePortfolioAccounts,
} from "./accountHealth.ts";
import { touchAccount } from "./accountRow.ts";
import { sameAddress } from "./events.ts";

type Db = Context["db"];
const CONFIG_ID = "current";

type ConfigRow = typeof portfolioConfig.$inferSelect;

// The config row, created with empty scenarios and maps on first sight.
async function loadConfig(
  db: Db,
  module: Address,
  block: bigint,
): Promise<ConfigRow> {
  const row = await db.find(portfolioConfig, { id: CONFIG_ID });
  if (row !== null) return row;
  const fresh: ConfigRow = {
    id: CONFIG_ID,
    module,
    inForce: false,
    minFractionWad: 0n,
    initialMultiplierWad: 0n,
    scenariosBps: "[]",
    marketFactors: "{}",
    collateralFactors: "{}",
    updatedBlock: block,
  };
  await db.insert(portfolioConfig).values(fresh);
  return fresh;
}

async function updateConfig(
  db: Db,
  module: Address,
  block: BlockRef,
  change: (row: ConfigRow) => Partial<ConfigRow>,
) {
  const row = await loadConfig(db, module, block.number);
  await db
    .update(portfolioConfig, { id: CONFIG_ID })
    .set({ ...change(row), updatedBlock: block.number });
  await recomputePortfolioAccounts(db, block);
}

ponder.on("PortfolioMargin:ParamsSet", async ({ event, context }) => {
  await updateConfig(context.db, event.log.address, event.block, () => ({
    minFractionWad: event.args.minFractionWad,
    initialMultiplierWad: event.args.initialMultiplierWad,
  }));
});

ponder.on("PortfolioMargin:ScenariosSet", async ({ event, context }) => {
  const rows = event.args.shocksBps.map((row) => row.map((x) => Number(x)));
  await updateConfig(context.db, event.log.address, event.block, () => ({
    scenariosBps: JSON.stringify(rows),
  }));
});

ponder.on("PortfolioMargin:MarketFactorSet", async ({ event, context }) => {
  await updateConfig(context.db, event.log.address, event.block, (r) => ({
    marketFactors: JSON.stringify({
      ...JSON.parse(r.marketFactors),
      [event.args.marketId.toString()]: Number(event.args.factor),
    }),
  }));
});

ponder.on("PortfolioMargin:CollateralFactorSet", async ({ event, context }) => {
  await updateConfig(context.db, event.log.address, event.block, (r) => ({
    collateralFactors: JSON.stringify({
      ...JSON.parse(r.collateralFactors),
      [event.args.collateralId.toString()]: Number(event.args.factor),
    }),
  }));
});

ponder.on("MarginProtocol:PortfolioMarginSet", async ({ event, context }) => {
  const indexed = context.contracts.PortfolioMargin.address as Address;
  await updateConfig(context.db, indexed, event.block, () => ({
    inForce: sameAddress(event.args.module, indexed),
  }));
});

ponder.on("MarginProtocol:PortfolioModeSet", async ({ event, context }) => {
  const who = event.args.account;
  const block = event.block.number;
  await touchAccount(context.db, who, block);
  await context.db
    .insert(portfolioAccount)
    .values({ account: who, enabled: event.args.enabled, updatedBlock: block })
    .onConflictDoUpdate({ enabled: event.args.enabled, updatedBlock: block });
  await recomputeAccount(context.db, who, event.block);
});
