import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  auctionSlice,
  floorPriceWad,
  kickTargetWad,
  planTake,
  takeMinProfitUnits,
  takePriceLimitWad,
  type TakeAuction,
} from "../src/auction-math.ts";
import { WAD } from "../src/math.ts";

const UNIT = 10n ** 12n; // one unit of a 6-decimal quote token [wad]
const ETH = 10n ** 18n;

function auction(overrides: Partial<TakeAuction> = {}): TakeAuction {
  return {
    lot: ETH,
    targetWad: 5_000n * WAD,
    priceWad: 1_800n * WAD,
    decimals: 18,
    dustWad: 10n * WAD,
    quoteUnitWad: UNIT,
    ...overrides,
  };
}

/** ConstantProductPool.quoteOut of collateral (18 decimals) for 6-decimal quote, 0.3% fee. */
function pool(collateral: bigint, quoteUnits: bigint) {
  return async (amountIn: bigint) => {
    const inAfterFee = amountIn * 9_970n;
    return (inAfterFee * quoteUnits) / (collateral * 10_000n + inAfterFee);
  };
}

describe("kickTargetWad", () => {
  it("is debt + penalty rounded up to whole quote units when the room holds it", () => {
    // 1000.0000001 debt × 5% = 50.000000005 → 50.000001 (rounded up to a unit).
    const debtWad = 1_000n * WAD + 10n ** 11n;
    assert.deepEqual(
      kickTargetWad({
        debtWad,
        penaltyWad: WAD / 20n,
        roomWad: 2_000_000n * WAD,
        dustWad: 10n * WAD,
        quoteUnitWad: UNIT,
      }),
      {
        targetWad: debtWad + 50n * WAD + UNIT,
        penaltyWad: 50n * WAD + UNIT,
        partial: false,
      },
    );
  });

  it("is the room (rounded down) for a partial kick, and null below the dust minimum", () => {
    const args = {
      debtWad: 1_000n * WAD,
      penaltyWad: WAD / 20n,
      dustWad: 10n * WAD,
      quoteUnitWad: UNIT,
    };
    // The penalty scaled to the room: 50 × 500 ÷ 1,050 = 23.809523 (whole units, rounded down).
    assert.deepEqual(kickTargetWad({ ...args, roomWad: 500n * WAD + 1n }), {
      targetWad: 500n * WAD,
      penaltyWad: 23_809_523n * UNIT,
      partial: true,
    });
    assert.equal(kickTargetWad({ ...args, roomWad: 10n * WAD - 1n }), null);
    assert.equal(kickTargetWad({ ...args, roomWad: 0n }), null);
  });
});

describe("auctionSlice", () => {
  it("charges amount × price rounded up to whole quote units", () => {
    // 1 wei of WETH at 1800 is 1.8e-15 quote: rounded up to one unit.
    assert.deepEqual(auctionSlice(auction(), 1n), {
      ok: true,
      amount: 1n,
      paidWad: UNIT,
    });
    assert.deepEqual(auctionSlice(auction(), ETH / 2n), {
      ok: true,
      amount: ETH / 2n,
      paidWad: 900n * WAD,
    });
  });

  it("sells only what the target buys when the lot is worth more", () => {
    const slice = auctionSlice(auction({ targetWad: 1_050n * WAD }), ETH);
    assert.equal(slice.ok, true);
    assert.ok(slice.ok);
    assert.equal(slice.paidWad, 1_050n * WAD);
    // 1050 / 1800 WETH, rounded down.
    assert.equal(slice.amount, (1_050n * WAD * WAD) / (1_800n * WAD));
  });

  it("clamps a slice that would leave less than the dust of target unraised", () => {
    // Paying 1800 of a 1803 target would leave 3 < 10: pay 1793 instead, for what 1793 buys.
    const slice = auctionSlice(
      auction({ lot: 2n * ETH, targetWad: 1_803n * WAD }),
      ETH - 1n,
    );
    assert.ok(slice.ok);
    assert.equal(slice.paidWad, 1_793n * WAD);
    assert.equal(slice.amount, (1_793n * WAD * WAD) / (1_800n * WAD));
  });

  it("refuses a slice that leaves a lot worth less than the dust (LotDust) and one that buys nothing (ZeroTake)", () => {
    // 0.01 WETH lot (18 quote): taking 0.0075 leaves 4.5 quote of collateral.
    assert.deepEqual(
      auctionSlice(auction({ lot: ETH / 100n }), (ETH * 75n) / 10_000n),
      { ok: false, errorName: "LotDust" },
    );
    // A target at or below the dust cannot be sliced.
    assert.deepEqual(
      auctionSlice(auction({ targetWad: 10n * WAD }), ETH / 1_000_000n),
      { ok: false, errorName: "ZeroTake" },
    );
  });
});

describe("planTake", () => {
  it("takes the whole lot from a deep pool", async () => {
    const plan = await planTake(
      auction(),
      pool(1_000n * ETH, 2_000_000n * 10n ** 6n),
    );
    assert.equal(plan.best?.maxAmount, ETH);
    assert.equal(plan.best?.paidWad, 1_800n * WAD);
    assert.ok((plan.best?.profitWad ?? 0n) > 190n * WAD);
  });

  it("takes a smaller slice when the pool's slippage eats the margin of a whole take", async () => {
    // 10 WETH / 20,000 quote: the whole lot fetches 1813 for 1800 owed; half of it 949.66 for 900.
    const plan = await planTake(
      auction(),
      pool(10n * ETH, 20_000n * 10n ** 6n),
    );
    assert.equal(plan.options.length, 5);
    const whole = plan.options.find((o) => o.maxAmount === ETH);
    assert.ok(whole && whole.profitWad < 14n * WAD);
    assert.equal(plan.best?.maxAmount, ETH / 2n);
    assert.equal(plan.best?.paidWad, 900n * WAD);
    assert.equal(plan.best?.proceedsWad, 949_659_475n * UNIT);
    assert.ok(plan.options.every((o) => o.profitWad <= plan.best!.profitWad));
  });

  it("never prices a slice the dust rules refuse", async () => {
    const quoted: bigint[] = [];
    const quote = pool(1_000n * ETH, 2_000_000n * 10n ** 6n);
    const plan = await planTake(auction({ lot: ETH / 100n }), (amount) => {
      quoted.push(amount);
      return quote(amount);
    });
    assert.deepEqual(
      plan.refused.map((r) => r.errorName),
      ["LotDust", "LotDust"],
    );
    assert.deepEqual(quoted, [ETH / 100n, ETH / 400n, ETH / 1_000n]);
    assert.equal(plan.best?.maxAmount, ETH / 100n);
  });

  it("reports a loss when the pool pays less than the auction asks", async () => {
    const plan = await planTake(
      auction({ priceWad: 2_200n * WAD }),
      pool(1_000n * ETH, 2_000_000n * 10n ** 6n),
    );
    assert.ok(plan.best !== null && plan.best.profitWad < 0n);
  });
});

describe("take limits", () => {
  it("sets the price limit one basis point over the price seen, rounded up", () => {
    assert.equal(takePriceLimitWad(1_800n * WAD, 1n), 1_800_180n * 10n ** 15n);
    assert.equal(takePriceLimitWad(3n, 1n), 4n);
  });

  it("asks the callee for the gas cost + ε in whole quote units, rounded up", () => {
    assert.equal(
      takeMinProfitUnits({
        gasCostQuoteWad: (6n * WAD) / 10n + 1n,
        minProfitQuoteWad: WAD,
        quoteUnitWad: UNIT,
      }),
      1_600_001n,
    );
  });

  it("puts the floor at the oracle price × resetBelow, rounded up", () => {
    assert.equal(floorPriceWad(2_000n * WAD, (85n * WAD) / 100n), 1_700n * WAD);
    assert.equal(floorPriceWad(3n, WAD / 2n), 2n);
  });
});
