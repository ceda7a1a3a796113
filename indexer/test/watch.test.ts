import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { computeHealth, MAX_UINT256, WAD } from "../src/health.ts";
import {
  bandContaining,
  bandOf,
  HEALTH_LEVELS_WAD,
  NO_ABOVE,
  NO_BELOW,
  leavesBand,
  type WatchInput,
  wakes,
  watchOf,
} from "../src/risk/watch.ts";

const ETH = "0x00000000000000000000000000000000000000e1";
const BTC = "0x00000000000000000000000000000000000000b1";
const SOL = "0x0000000000000000000000000000000000000051";
const ORACLES = [ETH, BTC, SOL];
const wad = (x: number) => BigInt(Math.round(x * 1e6)) * 10n ** 12n;

// A seeded generator (pure-rand's xoroshiro128+), so a failure replays.
function rng(seed: number) {
  const generator = xoroshiro128plus(seed);
  return () => uniformFloat64(generator);
}

type Book = WatchInput & { prices: Map<string, bigint> };

function randomBook(r: () => number): Book {
  const prices = new Map(ORACLES.map((o) => [o, wad(100 + r() * 3000)]));
  const positions = ORACLES.filter(() => r() < 0.6).map((oracle) => {
    const size = wad((r() - 0.5) * 40);
    const entry = prices.get(oracle)!;
    return {
      oracle,
      sizeWad: size,
      openNotionalWad:
        (size * ((entry * BigInt(90 + Math.floor(r() * 20))) / 100n)) / WAD,
      priceWad: entry,
      maintenanceFractionWad: wad(0.02 + r() * 0.08),
      initialFractionWad: wad(0.2),
    };
  });
  const collaterals = ORACLES.filter(() => r() < 0.4).map((oracle) => ({
    oracle,
    amount: BigInt(Math.floor(r() * 1e8)) * 10n ** 4n,
    decimals: [6, 8, 18][Math.floor(r() * 3)]!,
    priceWad: prices.get(oracle)!,
    haircutWad: wad(0.7 + r() * 0.3),
  }));
  return {
    quoteBalanceWad: wad((r() - 0.3) * 20_000),
    positions,
    collaterals,
    prices,
  };
}

function at(book: Book, prices: Map<string, bigint>): WatchInput {
  return {
    ...book,
    positions: book.positions.map((p) => ({
      ...p,
      priceWad: prices.get(p.oracle),
    })),
    collaterals: book.collaterals.map((c) => ({
      ...c,
      priceWad: prices.get(c.oracle),
    })),
  };
}

function bandAt(book: WatchInput): number | null {
  const h = computeHealth(book);
  return h.pricesUsable ? bandOf(h.equityWad, h.maintenanceWad) : null;
}

describe("health bands", () => {
  test("band 0 is exactly liquidatable; each level is a lower bound of the next band", () => {
    assert.equal(bandOf(99n, 100n), 0);
    assert.equal(bandOf(100n, 100n), 1);
    assert.equal(bandOf(124n, 100n), 1);
    assert.equal(bandOf(125n, 100n), 2);
    assert.equal(bandOf(1n, 0n), HEALTH_LEVELS_WAD.length);
    assert.equal(bandOf(-1n, 0n), 0);
  });

  test("bandContaining: the band a bound cuts through", () => {
    assert.equal(bandContaining(WAD), 0);
    assert.equal(bandContaining(WAD + 1n), 1);
    assert.equal(bandContaining((WAD * 3n) / 2n), 2);
    assert.equal(bandContaining(10n * WAD), HEALTH_LEVELS_WAD.length);
  });
});

describe("watch boxes", () => {
  test("no move inside every band box changes the band, nor inside every line box the line (5,000 books, 20 moves each)", () => {
    const r = rng(7);
    let inside = 0;
    let woken = 0;
    let insideLine = 0;
    for (let i = 0; i < 5_000; i++) {
      const book = randomBook(r);
      const now = at(book, book.prices);
      const health = computeHealth(now);
      const watch = watchOf(now, health);
      const band = bandAt(now);
      assert.equal(watch.band, band);
      for (const b of watch.bounds) {
        // The band box sits inside the line box.
        assert.ok(b.bandBelowWad >= b.belowWad && b.bandAboveWad <= b.aboveWad);
      }
      for (let j = 0; j < 20; j++) {
        const moved = new Map(book.prices);
        // Moves from tiny to ±60%, sometimes one oracle only.
        const scale = [0.001, 0.01, 0.1, 0.6][Math.floor(r() * 4)]!;
        for (const o of ORACLES) {
          if (r() < 0.3) continue;
          const f = 1 + (r() * 2 - 1) * scale;
          moved.set(o, (moved.get(o)! * wad(f)) / WAD);
        }
        const after = computeHealth(at(book, moved));
        if (!watch.bounds.some((b) => wakes(b, moved.get(b.oracle)!))) {
          insideLine++;
          assert.equal(
            after.liquidatable,
            health.liquidatable,
            `book ${i} move ${j}: crossed the line inside its line box`,
          );
        }
        if (watch.bounds.some((b) => leavesBand(b, moved.get(b.oracle)!))) {
          woken++;
          continue;
        }
        inside++;
        assert.equal(
          bandAt(at(book, moved)),
          band,
          `book ${i} move ${j}: band changed inside its box`,
        );
      }
    }
    // The property has teeth: both kinds of move happened many times.
    assert.ok(
      inside > 50_000 && woken > 3_000,
      `${inside} inside, ${woken} woken`,
    );
    assert.ok(insideLine > inside, `${insideLine} inside the line boxes`);
  });

  test("one oracle: the bound is the liquidation price, within a basis point", () => {
    // Long 10 ETH at $3,000 on $4,000 of quote, 5% maintenance: equity = 4,000 + 10(P − 3,000),
    // maintenance = 0.5 P, liquidatable below P = 26,000 / 9.5 = $2,736.84.
    const book: WatchInput = {
      quoteBalanceWad: wad(4_000),
      positions: [
        {
          oracle: ETH,
          sizeWad: wad(10),
          openNotionalWad: wad(30_000),
          priceWad: wad(3_000),
          maintenanceFractionWad: wad(0.05),
          initialFractionWad: wad(0.1),
        },
      ],
      collaterals: [],
    };
    const watch = watchOf(book, computeHealth(book));
    const [bound] = watch.bounds;
    // The line box: liquidatable below P = 26,000 / 9.5 = $2,736.84, nothing above.
    const line = Number(bound!.belowWad) / 1e18;
    assert.ok(line >= 2736.842 && line < 2736.843 * 1.0001, `line ${line}`);
    assert.equal(bound!.aboveWad, NO_ABOVE);
    // Health at $3,000 is 4,000 / 1,500 = 2.67: band 4 (between 2 and 3). The nearest level below is 2, at
    // 26,000 = P(10 − 2·0.5) → P = $2,888.89; above, 3: 26,000 = P(10 − 1.5) → P = $3,058.82.
    assert.equal(watch.band, 4);
    const below = Number(bound!.bandBelowWad) / 1e18;
    const above = Number(bound!.bandAboveWad) / 1e18;
    assert.ok(below >= 2888.888 && below < 2888.89 * 1.0001, `below ${below}`);
    assert.ok(above <= 3058.824 && above > 3058.82 * 0.9999, `above ${above}`);
  });

  test("portfolio accounts and unusable prices wake on every push of their oracles", () => {
    const r = rng(3);
    let book = randomBook(r);
    while (book.positions.length === 0) book = randomBook(r);
    const portfolio: WatchInput = {
      ...at(book, book.prices),
      portfolio: {
        scenariosBps: [[-600n, -600n, -600n]],
        marketFactor: new Map(),
        collateralFactor: new Map(),
        minFractionWad: wad(0.01),
        initialMultiplierWad: wad(1.5),
      },
    };
    for (const b of watchOf(portfolio, computeHealth(portfolio)).bounds) {
      assert.equal(b.belowWad, MAX_UINT256);
      assert.equal(b.bandBelowWad, MAX_UINT256);
    }
    const missing = book.positions[0]!.oracle;
    const prices = new Map(book.prices);
    prices.delete(missing);
    const broken = at(book, prices);
    const watch = watchOf(broken, computeHealth(broken));
    assert.equal(watch.band, null);
    for (const b of watch.bounds) {
      if (b.oracle === missing) assert.equal(b.belowWad, MAX_UINT256);
      else
        assert.deepEqual(
          [b.belowWad, b.aboveWad, b.bandBelowWad, b.bandAboveWad],
          [NO_BELOW, NO_ABOVE, NO_BELOW, NO_ABOVE],
        );
    }
  });
});
