// The insurance fund's events and the quote token's transfers into the fund and
// the waterfall. The fund's quote balance moves by those transfers (stakes,
// routed revenue, top-ups), by `cover` (bad debt, and keeper rewards beyond the
// waterfall's pending revenue; Covered carries the balance after it)
// and by withdrawals after a cooldown (Withdraw); its shares by its own
// Transfer events (mint, burn, escrow into the fund on a request, release on a
// cancel).
import { type Context, ponder } from "ponder:registry";
import { cooldownRequest, insuranceStake } from "ponder:schema";
import type { Address } from "viem";
import { foldSolvency } from "./store.ts";
import { shareTransferChanges } from "./state.ts";
import { sameAddress } from "../events.ts";

const ZERO = "0x0000000000000000000000000000000000000000";

type Db = Context["db"];
type StakePatch = Partial<
  Pick<
    typeof insuranceStake.$inferSelect,
    "shares" | "deposited" | "withdrawn" | "depositCount" | "withdrawalCount"
  >
>;

async function updateStake(
  db: Db,
  staker: Address,
  block: bigint,
  patch: (row: typeof insuranceStake.$inferSelect) => StakePatch,
) {
  const row = (await db.find(insuranceStake, { staker })) ?? {
    staker,
    shares: 0n,
    deposited: 0n,
    withdrawn: 0n,
    depositCount: 0,
    withdrawalCount: 0,
    updatedBlock: block,
  };
  const next = { ...row, ...patch(row), updatedBlock: block };
  await db.insert(insuranceStake).values(next).onConflictDoUpdate(next);
}

// Filtered in ponder.config.ts to transfers to the fund or to the waterfall.
ponder.on("QuoteToken:Transfer", async ({ event, context }) => {
  const to = sameAddress(event.args.to, context.contracts.InsuranceFund.address)
    ? "fund"
    : "waterfall";
  await foldSolvency(context.db, event.block, [
    { kind: "quoteIn", to, amount: event.args.amount },
  ]);
});

ponder.on("InsuranceFund:Covered", async ({ event, context }) => {
  await foldSolvency(context.db, event.block, [
    { kind: "covered", balanceAfter: event.args.balanceAfter },
  ]);
});

ponder.on("InsuranceFund:FloorSet", async ({ event, context }) => {
  await foldSolvency(context.db, event.block, [
    { kind: "floorSet", floorAssets: event.args.floorAssets },
  ]);
});

// Shares between stakers move stake rows only; mints, burns and the escrow
// move the fund's totals too.
ponder.on("InsuranceFund:Transfer", async ({ event, context }) => {
  const { from, to, amount } = event.args;
  const block = event.block.number;
  const fund = context.contracts.InsuranceFund.address;
  const staker = (a: Address) => !sameAddress(a, ZERO) && !sameAddress(a, fund);
  if (staker(from))
    await updateStake(context.db, from, block, (r) => ({
      shares: r.shares - amount,
    }));
  if (staker(to))
    await updateStake(context.db, to, block, (r) => ({
      shares: r.shares + amount,
    }));
  const changes = shareTransferChanges(from, to, amount, fund);
  if (changes.length > 0) await foldSolvency(context.db, event.block, changes);
});

// The quote and the shares of a stake arrive as Transfer events.
ponder.on("InsuranceFund:Deposit", async ({ event, context }) => {
  const { owner, assets } = event.args;
  await updateStake(context.db, owner, event.block.number, (r) => ({
    deposited: r.deposited + assets,
    depositCount: r.depositCount + 1,
  }));
});

// WithdrawRequested carries the request's whole escrow (earlier requests of the
// same owner added) and its new readyAt.
ponder.on("InsuranceFund:WithdrawRequested", async ({ event, context }) => {
  const { owner, shares, readyAt } = event.args;
  const block = event.block.number;
  const before = await context.db.find(cooldownRequest, { owner });
  const row = {
    shares,
    readyAt,
    status: "requested",
    withdrawnAssets: null,
    requestedBlock: block,
    updatedBlock: block,
  };
  await context.db
    .insert(cooldownRequest)
    .values({ owner, ...row })
    .onConflictDoUpdate(row);
  if (before?.status !== "requested")
    await foldSolvency(context.db, event.block, [{ kind: "requestOpened" }]);
});

async function closeRequest(
  db: Db,
  owner: Address,
  block: bigint,
  status: "cancelled" | "withdrawn",
  withdrawnAssets: bigint | null,
) {
  const row = await db.find(cooldownRequest, { owner });
  if (row?.status !== "requested")
    throw new Error(`no open withdrawal request of ${owner} indexed`);
  await db
    .update(cooldownRequest, { owner })
    .set({ status, withdrawnAssets, updatedBlock: block });
}

ponder.on("InsuranceFund:WithdrawCancelled", async ({ event, context }) => {
  const { owner } = event.args;
  await closeRequest(context.db, owner, event.block.number, "cancelled", null);
  await foldSolvency(context.db, event.block, [{ kind: "requestClosed" }]);
});

// Only withdrawRequested emits Withdraw (the standard exits revert): the
// request's escrowed shares are burned (their Transfer) and `assets` leave.
ponder.on("InsuranceFund:Withdraw", async ({ event, context }) => {
  const { owner, assets } = event.args;
  const block = event.block.number;
  await closeRequest(context.db, owner, block, "withdrawn", assets);
  await updateStake(context.db, owner, block, (r) => ({
    withdrawn: r.withdrawn + assets,
    withdrawalCount: r.withdrawalCount + 1,
  }));
  await foldSolvency(context.db, event.block, [
    { kind: "stakeWithdrawn", assets },
    { kind: "requestClosed" },
  ]);
});
