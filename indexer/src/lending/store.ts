// Recomputes lending_health rows from indexed state (accounts, balances,
// prices, the interest index), with the math in ./math.ts and no contract
// calls.
import { and, eq, inArray, ne } from "ponder";
import type { Context } from "ponder:registry";
import {
  lendingAccount,
  lendingCollateralAsset,
  lendingCollateralBalance,
  lendingHealth,
  lendingState,
  price,
} from "ponder:schema";
import type { Address } from "viem";
import { type BlockRef, groupBy, lower, type Scope } from "../accountHealth.ts";
import { usablePrice, WAD } from "../health.ts";
import { lendingHealth as compute, projectIndexWad } from "./math.ts";

type Db = Context["db"];

/** One account, or every lending account holding a collateral this oracle prices. */
export type LendingScope = Scope;

/** The condition for these accounts' nonzero lending collateral balances. */
export const nonzeroBalancesOf = (accounts: Address[]) =>
  and(
    inArray(lendingCollateralBalance.account, accounts),
    ne(lendingCollateralBalance.amount, 0n),
  );

export async function recomputeLendingHealth(
  db: Db,
  scope: LendingScope,
  block: BlockRef,
): Promise<void> {
  const accountFilter =
    "account" in scope
      ? eq(lendingAccount.address, scope.account)
      : inArray(
          lendingAccount.address,
          db.sql
            .select({ account: lendingCollateralBalance.account })
            .from(lendingCollateralBalance)
            .innerJoin(
              lendingCollateralAsset,
              eq(
                lendingCollateralBalance.collateralId,
                lendingCollateralAsset.id,
              ),
            )
            .where(
              and(
                eq(lendingCollateralAsset.oracle, scope.oracle),
                ne(lendingCollateralBalance.amount, 0n),
              ),
            ),
        );
  const accounts = await db.sql
    .select({
      address: lendingAccount.address,
      scaledDebtWad: lendingAccount.scaledDebtWad,
      breachBlock: lendingHealth.breachBlock,
    })
    .from(lendingAccount)
    .leftJoin(lendingHealth, eq(lendingHealth.account, lendingAccount.address))
    .where(accountFilter);
  if (accounts.length === 0) return;

  const state = await db.find(lendingState, { id: "lending" });
  const indexWad =
    state === null
      ? WAD
      : projectIndexWad(
          state.indexWad,
          state.ratePerSecondWad,
          state.accruedAt,
          block.timestamp,
        );

  const balances = await db.sql
    .select({
      account: lendingCollateralBalance.account,
      amount: lendingCollateralBalance.amount,
      decimals: lendingCollateralAsset.decimals,
      liquidationLtvWad: lendingCollateralAsset.liquidationLtvWad,
      priceWad: price.priceWad,
    })
    .from(lendingCollateralBalance)
    .innerJoin(
      lendingCollateralAsset,
      eq(lendingCollateralBalance.collateralId, lendingCollateralAsset.id),
    )
    .leftJoin(price, eq(price.oracle, lendingCollateralAsset.oracle))
    .where(nonzeroBalancesOf(accounts.map((a) => a.address)));

  const balancesOf = groupBy(balances);
  for (const a of accounts) {
    const id = lower(a.address);
    const result = compute(
      a.scaledDebtWad,
      indexWad,
      (balancesOf.get(id) ?? []).map((b) => ({
        ...b,
        priceWad: usablePrice(b.priceWad ?? undefined),
      })),
    );
    const row = {
      ...result,
      breachBlock: result.liquidatable ? (a.breachBlock ?? block.number) : null,
      block: block.number,
      timestamp: block.timestamp,
    };
    await db
      .insert(lendingHealth)
      .values({ account: id, ...row })
      .onConflictDoUpdate(row);
  }
}
