// Event handlers of the lending market: its accounts, debts, collateral and
// interest index (its engine's and auction house's events are every
// protocol's: ../engineHandlers.ts, ../auctionHandlers.ts). Every event of an account recomputes its health at the
// interest index projected to the event's block; a price push recomputes every
// lending account holding that collateral (called from index.ts).
import { ponder } from "ponder:registry";
import {
  lendingAccount,
  lendingCollateralAsset,
  lendingCollateralBalance,
  lendingState,
} from "ponder:schema";
import type { Address } from "viem";
import { iLendingMarketAbi } from "../../../abi/src/generated.ts";
import { collateralPatternName, DEFAULT_PATTERN } from "../pattern.ts";
import { recomputeLendingHealth } from "./store.ts";
import { eventId } from "../events.ts";

const STATE_ID = "lending";

ponder.on("LendingMarket:CollateralListed", async ({ event, context }) => {
  const p = event.args.params;
  await context.db
    .insert(lendingCollateralAsset)
    .values({
      id: event.args.collateralId,
      token: p.token,
      decimals: p.decimals,
      oracle: p.oracle,
      borrowLtvWad: p.borrowLtvWad,
      liquidationLtvWad: p.liquidationLtvWad,
      pattern: DEFAULT_PATTERN,
      listedBlock: event.block.number,
    })
    .onConflictDoNothing();
});

// The index and the rate it grows at from now on (read at this block: the rate
// depends on the vault's utilization after the block's last change).
ponder.on("LendingMarket:InterestAccrued", async ({ event, context }) => {
  const rate = await context.client.readContract({
    abi: iLendingMarketAbi,
    address: event.log.address,
    functionName: "borrowRatePerSecondWad",
    blockNumber: event.block.number,
  });
  const row = {
    indexWad: event.args.indexWad,
    accruedAt: event.block.timestamp,
    ratePerSecondWad: rate,
    receivableWad: event.args.receivableWad,
    updatedBlock: event.block.number,
  };
  await context.db
    .insert(lendingState)
    .values({ id: STATE_ID, ...row })
    .onConflictDoUpdate(row);
});

async function touchAccount(
  db: Parameters<typeof recomputeLendingHealth>[0],
  address: Address,
  block: bigint,
  set: { scaledDebtWad?: bigint; claimable?: bigint },
) {
  await db
    .insert(lendingAccount)
    .values({
      address,
      scaledDebtWad: set.scaledDebtWad ?? 0n,
      claimable: set.claimable ?? 0n,
      createdBlock: block,
      updatedBlock: block,
    })
    .onConflictDoUpdate({ ...set, updatedBlock: block });
}

async function setBalance(
  db: Parameters<typeof recomputeLendingHealth>[0],
  account: Address,
  collateralId: bigint,
  amount: bigint,
  block: bigint,
) {
  await db
    .insert(lendingCollateralBalance)
    .values({ account, collateralId, amount, updatedBlock: block })
    .onConflictDoUpdate({ amount, updatedBlock: block });
}

ponder.on("LendingMarket:CollateralTransferred", async ({ event, context }) => {
  await touchAccount(context.db, event.args.account, event.block.number, {});
  await balanceChanged({ event, context });
});

ponder.on("LendingMarket:DebtUpdated", async ({ event, context }) => {
  const a = event.args;
  await touchAccount(context.db, a.account, event.block.number, {
    scaledDebtWad: a.scaledDebtWad,
  });
  await recomputeLendingHealth(context.db, { account: a.account }, event.block);
});

// A deposit, withdrawal, seizure or return sets the balance the event carries and recomputes health.
async function balanceChanged({
  event,
  context,
}: {
  event: {
    args: { account: Address; collateralId: bigint; balance: bigint };
    block: Parameters<typeof recomputeLendingHealth>[2];
  };
  context: { db: Parameters<typeof recomputeLendingHealth>[0] };
}) {
  const a = event.args;
  await setBalance(
    context.db,
    a.account,
    a.collateralId,
    a.balance,
    event.block.number,
  );
  await recomputeLendingHealth(context.db, { account: a.account }, event.block);
}

ponder.on("LendingMarket:CollateralSeized", balanceChanged);

ponder.on("LendingMarket:CollateralReturned", balanceChanged);

ponder.on("LendingMarket:Refunded", async ({ event, context }) => {
  await touchAccount(context.db, event.args.account, event.block.number, {
    claimable: event.args.claimable,
  });
});

ponder.on("LendingMarket:RefundClaimed", async ({ event, context }) => {
  await touchAccount(context.db, event.args.account, event.block.number, {
    claimable: 0n,
  });
});

ponder.on("LendingMarket:BadDebtWrittenOff", async ({ event, context }) => {
  await touchAccount(context.db, event.args.account, event.block.number, {
    scaledDebtWad: 0n,
  });
  await recomputeLendingHealth(
    context.db,
    { account: event.args.account },
    event.block,
  );
});
