// The protocol_stats singleton: created at setup, then patched by the handlers.
import type { Context } from "ponder:registry";
import { protocolStats } from "ponder:schema";

const STATS_ID = "global";

type Db = Context["db"];
type StatsRow = typeof protocolStats.$inferSelect;
type StatsPatch = Partial<Omit<StatsRow, "id" | "updatedBlock">>;

export async function createStats(db: Db, block: bigint): Promise<void> {
  await db
    .insert(protocolStats)
    .values({
      id: STATS_ID,
      insuranceFundBalance: 0n,
      totalPenaltiesWad: 0n,
      totalKeeperRewardsWad: 0n,
      totalInsuranceWad: 0n,
      revenueReceived: 0n,
      revenueToBonds: 0n,
      revenueToFund: 0n,
      keeperRewardsFromRevenue: 0n,
      keeperRewardsFromFund: 0n,
      rewardReserve: 0n,
      totalFeeShareWad: 0n,
      totalBadDebtWad: 0n,
      totalCoveredWad: 0n,
      totalDeficitWad: 0n,
      vaultReceivableWad: 0n,
      liquidationCount: 0,
      collateralSaleCount: 0,
      breakerLevel: 0,
      updatedBlock: block,
    })
    .onConflictDoNothing();
}

export async function updateStats(
  db: Db,
  block: bigint,
  patch: (row: StatsRow) => StatsPatch,
): Promise<void> {
  await db
    .update(protocolStats, { id: STATS_ID })
    .set((row) => ({ ...patch(row), updatedBlock: block }));
}
