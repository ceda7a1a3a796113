import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { WAD } from "../src/math.ts";
import {
  collateralBuyRewardQuoteWad,
  collateralValueQuoteWad,
  estimateCollateralBuy,
  exceedsGasPriceCap,
  feeCeilingWei,
  gasCostQuoteWad,
  isProfitable,
  maxProfitableGasPriceWei,
  shouldAct,
} from "../src/profit.ts";

const GWEI = 10n ** 9n;

describe("gasCostQuoteWad", () => {
  it("values gas units × gas price at the ETH price", () => {
    // 200k gas at 10 gwei = 0.002 ETH; at 2500 quote per ETH = 5 quote.
    assert.equal(
      gasCostQuoteWad({
        gasUnits: 200_000n,
        gasPriceWei: 10n * GWEI,
        ethPriceWad: 2500n * WAD,
      }),
      5n * WAD,
    );
  });

  it("rounds up, against the keeper", () => {
    // 1 wei of gas at 1 wad-wei of ETH price: 1 × 1 × 1 / 1e18 rounds up to 1.
    assert.equal(
      gasCostQuoteWad({ gasUnits: 1n, gasPriceWei: 1n, ethPriceWad: 1n }),
      1n,
    );
    assert.equal(
      gasCostQuoteWad({
        gasUnits: 0n,
        gasPriceWei: 10n * GWEI,
        ethPriceWad: 2500n * WAD,
      }),
      0n,
    );
  });
});

describe("isProfitable", () => {
  const gasCostQuoteWad = 5n * WAD;
  const minProfitQuoteWad = WAD / 2n;

  it("is not profitable when reward == gas cost + ε", () => {
    assert.equal(
      isProfitable({
        rewardQuoteWad: gasCostQuoteWad + minProfitQuoteWad,
        gasCostQuoteWad,
        minProfitQuoteWad,
      }),
      false,
    );
  });

  it("is profitable one wei above gas cost + ε", () => {
    assert.equal(
      isProfitable({
        rewardQuoteWad: gasCostQuoteWad + minProfitQuoteWad + 1n,
        gasCostQuoteWad,
        minProfitQuoteWad,
      }),
      true,
    );
  });

  it("is not profitable below the gas cost", () => {
    assert.equal(
      isProfitable({
        rewardQuoteWad: WAD,
        gasCostQuoteWad,
        minProfitQuoteWad: 0n,
      }),
      false,
    );
  });

  it("acts anyway when configured to act on unprofitable liquidations", () => {
    const args = { rewardQuoteWad: 0n, gasCostQuoteWad, minProfitQuoteWad };
    assert.equal(shouldAct({ ...args, actUnprofitable: false }), false);
    assert.equal(shouldAct({ ...args, actUnprofitable: true }), true);
  });
});

describe("maxProfitableGasPriceWei", () => {
  it("is the highest gas price at which the action still pays", () => {
    const args = {
      rewardQuoteWad: 7n * WAD,
      minProfitQuoteWad: WAD / 2n,
      gasUnits: 250_000n,
      ethPriceWad: 3000n * WAD,
    };
    const ceiling = maxProfitableGasPriceWei(args);
    assert.ok(ceiling !== null && ceiling > 0n);
    const profitableAt = (gasPriceWei: bigint) =>
      isProfitable({
        rewardQuoteWad: args.rewardQuoteWad,
        minProfitQuoteWad: args.minProfitQuoteWad,
        gasCostQuoteWad: gasCostQuoteWad({
          gasUnits: args.gasUnits,
          gasPriceWei,
          ethPriceWad: args.ethPriceWad,
        }),
      });
    assert.equal(profitableAt(ceiling), true);
    assert.equal(profitableAt(ceiling + 1n), false);
  });

  it("is null when no gas price pays", () => {
    assert.equal(
      maxProfitableGasPriceWei({
        rewardQuoteWad: WAD,
        minProfitQuoteWad: WAD,
        gasUnits: 1n,
        ethPriceWad: 1n,
      }),
      null,
    );
  });
});

describe("exceedsGasPriceCap", () => {
  it("allows the cap itself and refuses one wei more", () => {
    assert.equal(exceedsGasPriceCap(100n * GWEI, 100n * GWEI), false);
    assert.equal(exceedsGasPriceCap(100n * GWEI + 1n, 100n * GWEI), true);
  });
  it("never refuses without a cap", () => {
    assert.equal(exceedsGasPriceCap(10_000n * GWEI, null), false);
  });
});

describe("feeCeilingWei", () => {
  it("is the lower of the cap and where the action stops paying", () => {
    const gasPriceWei = 50n * GWEI;
    assert.equal(
      feeCeilingWei({
        gasPriceWei,
        gasPriceCapWei: 100n * GWEI,
        profitableCeilingWei: 80n * GWEI,
      }),
      80n * GWEI,
    );
    assert.equal(
      feeCeilingWei({
        gasPriceWei,
        gasPriceCapWei: 100n * GWEI,
        profitableCeilingWei: null,
      }),
      100n * GWEI,
    );
    assert.equal(
      feeCeilingWei({
        gasPriceWei,
        gasPriceCapWei: null,
        profitableCeilingWei: 800n * GWEI,
      }),
      800n * GWEI,
      "no cap: the profit bound alone",
    );
    assert.equal(
      feeCeilingWei({
        gasPriceWei,
        gasPriceCapWei: null,
        profitableCeilingWei: null,
      }),
      200n * GWEI,
      "neither: four times the gas price now",
    );
  });
});

describe("collateral purchase", () => {
  it("values token units at the oracle price whatever the decimals", () => {
    assert.equal(
      collateralValueQuoteWad(10n ** 18n, 2000n * WAD, 18),
      2000n * WAD,
    ); // 1 WETH
    assert.equal(
      collateralValueQuoteWad(50_000_000n, 60_000n * WAD, 8),
      30_000n * WAD,
    ); // 0.5 WBTC
  });

  it("buys the whole balance when its discounted value is below the debt", () => {
    // 1 WETH at 2000, 5% discount: pays 1900, gains 100; debt 5000.
    const estimate = estimateCollateralBuy({
      balance: 10n ** 18n,
      priceWad: 2000n * WAD,
      decimals: 18,
      haircutWad: (8n * WAD) / 10n,
      collateralDiscountWad: (5n * WAD) / 100n,
      debtQuoteWad: 5000n * WAD,
    });
    assert.equal(estimate.amount, 10n ** 18n);
    assert.equal(estimate.valueQuoteWad, 2000n * WAD);
    assert.equal(estimate.paidQuoteWad, 1900n * WAD);
    assert.equal(estimate.rewardQuoteWad, 100n * WAD);
  });

  it("caps the purchase at the debt", () => {
    // 1 WETH at 2000, 5% discount; debt 950: buys 0.5 WETH for 950, gains 50.
    const estimate = estimateCollateralBuy({
      balance: 10n ** 18n,
      priceWad: 2000n * WAD,
      decimals: 18,
      haircutWad: (8n * WAD) / 10n,
      collateralDiscountWad: (5n * WAD) / 100n,
      debtQuoteWad: 950n * WAD,
    });
    assert.equal(estimate.amount, 5n * 10n ** 17n);
    assert.equal(estimate.paidQuoteWad, 950n * WAD);
    assert.equal(estimate.rewardQuoteWad, 50n * WAD);
  });

  it("never prices below the haircut value", () => {
    // Haircut 0.98 > 1 − 5%: the sale is at 98% of the price, the keeper gains 2%.
    const estimate = estimateCollateralBuy({
      balance: 10n ** 18n,
      priceWad: 1000n * WAD,
      decimals: 18,
      haircutWad: (98n * WAD) / 100n,
      collateralDiscountWad: (5n * WAD) / 100n,
      debtQuoteWad: 10_000n * WAD,
    });
    assert.equal(estimate.paidQuoteWad, 980n * WAD);
    assert.equal(estimate.rewardQuoteWad, 20n * WAD);
  });

  it("computes the reward of a reported purchase as value − paid", () => {
    assert.equal(
      collateralBuyRewardQuoteWad({
        amount: 10n ** 8n,
        priceWad: 60_000n * WAD,
        decimals: 8,
        quotePaidWad: 57_000n * WAD,
      }),
      3000n * WAD,
    );
  });
});
