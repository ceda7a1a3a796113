import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  holdingsValueWad,
  markToOracleResultWad,
  summarizeBackstop,
} from "../src/api/backstopStats.ts";
import { jsonText } from "../src/api/json.ts";
import {
  emptyAsset,
  emptyState,
  replay,
  WAD,
  wad,
  WBTC_FEED,
  WETH_FEED,
} from "./backstopRun.ts";

describe("valuation at the latest indexed price", () => {
  test("holdings need a positive price only when something is held", () => {
    assert.equal(holdingsValueWad(0n, 18, undefined), 0n);
    assert.equal(holdingsValueWad(0n, 18, -5n), 0n);
    assert.equal(holdingsValueWad(WAD, 18, undefined), null);
    assert.equal(holdingsValueWad(WAD, 18, 0n), null);
    assert.equal(holdingsValueWad(WAD, 18, wad(3)), wad(3));
  });

  test("result = value + sold − bought − keeper rewards, and unknown with the value", () => {
    assert.equal(
      markToOracleResultWad({
        valueWad: wad(100),
        soldWad: wad(50),
        boughtWad: wad(120),
        keeperRewardsWad: wad(2),
      }),
      wad(28),
    );
    assert.equal(
      markToOracleResultWad({
        valueWad: 0n,
        soldWad: 0n,
        boughtWad: wad(10),
        keeperRewardsWad: wad(1),
      }),
      -wad(11),
    );
    assert.equal(
      markToOracleResultWad({
        valueWad: null,
        soldWad: 0n,
        boughtWad: 0n,
        keeperRewardsWad: 0n,
      }),
      null,
    );
  });
});

describe("summary for /stats", () => {
  const prices = new Map([
    // The price table's keys are lower case; the match ignores case.
    [WETH_FEED.toLowerCase(), { priceWad: wad(1_800), block: 26n }],
    [WBTC_FEED.toLowerCase(), { priceWad: wad(40_000), block: 27n }],
  ]);

  test("holdings at the latest price and the result, per asset and in total", () => {
    const { state, weth, wbtc } = replay();
    const s = summarizeBackstop(state, [wbtc, weth], prices);
    assert.deepEqual(
      s.assets.map((a) => a.collateralId),
      [0n, 1n],
    );
    const [w, b] = s.assets;
    assert.equal(w!.valueWad, 2_488_775_510_204_081_632_800n);
    assert.equal(w!.resultWad, 1_738_584_405_204_081_632_800n);
    assert.equal(b!.valueWad, wad(4_000));
    assert.equal(b!.resultWad, wad(600)); // 0.1 WBTC at 40,000 − 3,400 paid at the floor
    assert.equal(s.holdingsValueWad, 6_488_775_510_204_081_632_800n);
    assert.equal(s.resultWad, 2_338_584_405_204_081_632_800n);
    assert.equal(s.resultWad, w!.resultWad! + b!.resultWad!);
    assert.equal(w!.priceBlock, 26n);
  });

  test("a held asset without a usable price leaves the totals unknown", () => {
    const { state, weth, wbtc } = replay();
    const s = summarizeBackstop(
      state,
      [weth, wbtc],
      new Map([[WBTC_FEED, { priceWad: 0n, block: 30n }]]),
    );
    assert.equal(s.assets[0]!.priceWad, null);
    assert.equal(s.assets[0]!.valueWad, null);
    assert.equal(s.assets[1]!.priceWad, 0n);
    assert.equal(s.assets[1]!.valueWad, null);
    assert.equal(s.holdingsValueWad, null);
    assert.equal(s.resultWad, null);
  });

  test("nothing bought: zero value and result whatever the prices", () => {
    const s = summarizeBackstop(
      emptyState(),
      [emptyAsset(0n, 18, WETH_FEED)],
      new Map(),
    );
    assert.equal(s.holdingsValueWad, 0n);
    assert.equal(s.resultWad, 0n);
  });

  test("JSON shape of /stats.backstop", () => {
    const { state, weth, wbtc } = replay();
    const body = JSON.parse(
      jsonText(summarizeBackstop(state, [weth, wbtc], prices)),
    ) as {
      assets: Record<string, unknown>[];
    } & Record<string, unknown>;
    assert.deepEqual(Object.keys(body), [
      "address",
      "idleQuote",
      "shareSupply",
      "totalDeposited",
      "totalWithdrawn",
      "depositCount",
      "withdrawalCount",
      "absorbCount",
      "auctionBuyCount",
      "poolSaleCount",
      "totalBoughtWad",
      "totalSoldWad",
      "totalKeeperRewardsWad",
      "holdingsValueWad",
      "resultWad",
      "updatedBlock",
      "assets",
    ]);
    assert.deepEqual(Object.keys(body.assets[0]!), [
      "collateralId",
      "token",
      "decimals",
      "oracle",
      "held",
      "boughtAmount",
      "soldAmount",
      "boughtWad",
      "soldWad",
      "keeperRewardsWad",
      "absorbCount",
      "auctionBuyCount",
      "poolSaleCount",
      "exposureCapWad",
      "priceWad",
      "priceBlock",
      "valueWad",
      "resultWad",
    ]);
    assert.equal(body.resultWad, "2338584405204081632800");
    assert.equal(body.assets[1]!.held, "10000000");
    assert.equal(body.assets[1]!.decimals, 8);
  });
});
