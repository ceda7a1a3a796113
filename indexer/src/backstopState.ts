// The backstop_state row (one per indexed vault) and the backstop_asset rows:
// created at setup and by AssetSet, then patched by the trade and ERC4626
// handlers.
import type { Context } from "ponder:registry";
import { backstopAsset, backstopState } from "ponder:schema";
import type { Address } from "viem";
import { backstopVaultAbi } from "../../abi/src/generated.ts";

type Db = Context["db"];
type StateRow = typeof backstopState.$inferSelect;
type StatePatch = Partial<Omit<StateRow, "address" | "updatedBlock">>;
type AssetRow = typeof backstopAsset.$inferSelect;
type AssetPatch = Partial<Omit<AssetRow, "collateralId" | "updatedBlock">>;

export async function createBackstopState(
  db: Db,
  address: Address,
  block: bigint,
): Promise<void> {
  await db
    .insert(backstopState)
    .values({
      address,
      idleQuote: 0n,
      shareSupply: 0n,
      totalDeposited: 0n,
      totalWithdrawn: 0n,
      depositCount: 0,
      withdrawalCount: 0,
      totalBoughtWad: 0n,
      totalSoldWad: 0n,
      totalKeeperRewardsWad: 0n,
      absorbCount: 0,
      auctionBuyCount: 0,
      poolSaleCount: 0,
      updatedBlock: block,
    })
    .onConflictDoNothing();
}

export async function updateBackstopState(
  db: Db,
  address: Address,
  block: bigint,
  patch: (row: StateRow) => StatePatch,
): Promise<void> {
  await db
    .update(backstopState, { address })
    .set((row) => ({ ...patch(row), updatedBlock: block }));
}

export async function updateBackstopAsset(
  db: Db,
  collateralId: bigint,
  block: bigint,
  patch: (row: AssetRow) => AssetPatch,
): Promise<void> {
  await db
    .update(backstopAsset, { collateralId })
    .set((row) => ({ ...patch(row), updatedBlock: block }));
}

// The vault's idle quote at the end of the event's block (the client is pinned to it), as the vault tracks it:
// deposits, sale proceeds, withdrawals, purchases and rewards move it; a plain transfer in does not.
export async function refreshBackstopIdle(
  context: Pick<Context, "db" | "client" | "contracts">,
  block: bigint,
): Promise<void> {
  const address = context.contracts.BackstopVault.address;
  const idleQuote = await context.client.readContract({
    abi: backstopVaultAbi,
    address,
    functionName: "idle",
  });
  await updateBackstopState(context.db, address, block, () => ({ idleQuote }));
}
