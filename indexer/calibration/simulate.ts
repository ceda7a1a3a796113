// The calibration experiment: accounts on simulated prices, the model's
// crossing probability against what happened.
//
// Each account is built on the demo's parameters (5% maintenance, WETH at an
// 80% haircut, WBTC at 75%) with its line at a random distance. Prices follow
// a driftless GBM (ln-step −σ²Δ/2 + σ√Δ·z) pushed every `stepSeconds`. Before
// t = 0 both assets have `historyReturns` pushes of history, and the model
// predicts from the volatilities it estimates on them (realizedVolatility per
// asset, jointReturns for a book of both), not from the true σ. After t = 0 the account is checked with computeHealth at
// every push up to the horizon: it crossed if it was ever liquidatable. The
// distance is drawn so that the predictions spread over [0, 1]: a target u is
// drawn uniformly and the surplus set where the model with the true σ says u.
import { computeHealth, WAD } from "../src/health.ts";
import { crossingEstimate } from "../src/risk/crossing.ts";
import {
  accountRisk,
  type AccountRisk,
  type RiskInput,
} from "../src/risk/exposure.ts";
import {
  type JointReturns,
  jointReturns,
  type PricePoint,
  realizedVolatility,
  type VolatilityEstimate,
  volPerSqrtSecondFromAnnual,
} from "../src/risk/volatility.ts";
import { Rng } from "./rng.ts";

export const ACCOUNT_KINDS = [
  "long", // long ETH perp, quote collateral
  "short", // short ETH perp, quote collateral
  "long-weth", // long ETH perp, WETH collateral: one asset
  "long-eth-wbtc", // long ETH perp, WBTC collateral: two assets, both long
  "short-eth-wbtc", // short ETH perp, WBTC collateral: two assets, both signs
] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];

/** The model's variants compared on the same accounts and paths. */
export const VARIANTS = [
  "model", // σ̂ from the history, Broadie–Glasserman shift for the push interval
  "continuous", // σ̂, no shift: the continuous-barrier formula
  "true-sigma", // the true σ, with the shift: no estimation error
  "sigma-x0.5", // σ̂ halved: a deliberately wrong model
  "sigma-x2", // σ̂ doubled: a deliberately wrong model
  "worst-case", // σ̂ of each asset, no common history: the worst-case correlation
] as const;
export type Variant = (typeof VARIANTS)[number];

export type CalibrationConfig = {
  seed: number;
  accounts: number;
  kinds: readonly AccountKind[]; // cycled through
  horizonSeconds: number;
  stepSeconds: number; // push interval [s]
  historyReturns: number; // σ̂ window: pushes before t = 0
  ethAnnualVol: readonly [number, number]; // drawn uniformly per account
  btcAnnualVol: readonly [number, number];
  correlation: number; // of the two assets' log returns
};

export const DEFAULT_CONFIG: CalibrationConfig = {
  seed: 20_240_601,
  accounts: 40_000,
  kinds: ["long", "short", "long-weth"],
  horizonSeconds: 3_600,
  stepSeconds: 10,
  historyReturns: 120,
  ethAnnualVol: [0.3, 1.5],
  btcAnnualVol: [0.3, 1.2],
  correlation: 0.7,
};

export type AccountOutcome = {
  kind: AccountKind;
  predicted: Record<Variant, number>;
  crossed: boolean;
  crossedAtStep: number | null;
};

const ETH = "eth";
const BTC = "btc";
const ETH_PRICE = 2_000;
const BTC_PRICE = 60_000;
const MAINTENANCE_WAD = WAD / 20n; // 5%
const INITIAL_WAD = WAD / 10n;
const WETH_HAIRCUT_WAD = (WAD * 8n) / 10n;
const WBTC_HAIRCUT_WAD = (WAD * 3n) / 4n;

const MIN_SURPLUS = 0.01; // [quote]

const toWad = (x: number) => BigInt(Math.round(x * 1e6)) * 10n ** 12n;

type Book = {
  ethSize: number; // signed [ETH]
  wethAmount: number; // [WETH]
  wbtcAmount: number; // [WBTC]
};

function bookOf(kind: AccountKind, rng: Rng): Book {
  const notional = rng.between(5_000, 50_000); // [quote]
  const size = notional / ETH_PRICE;
  switch (kind) {
    case "long":
      return { ethSize: size, wethAmount: 0, wbtcAmount: 0 };
    case "short":
      return { ethSize: -size, wethAmount: 0, wbtcAmount: 0 };
    case "long-weth":
      return {
        ethSize: size,
        wethAmount: (rng.between(0.2, 1) * notional) / ETH_PRICE,
        wbtcAmount: 0,
      };
    case "long-eth-wbtc":
    case "short-eth-wbtc":
      return {
        ethSize: kind === "long-eth-wbtc" ? size : -size,
        wethAmount: 0,
        wbtcAmount: (rng.between(0.3, 1.5) * notional) / BTC_PRICE,
      };
  }
}

function inputOf(
  book: Book,
  quoteBalance: number,
  ethPrice: number,
  btcPrice: number,
): RiskInput {
  const ethWad = toWad(ethPrice);
  return {
    quoteBalanceWad: toWad(quoteBalance),
    positions: [
      {
        oracle: ETH,
        sizeWad: toWad(book.ethSize),
        openNotionalWad: toWad(book.ethSize * ETH_PRICE), // opened at t = 0's price
        priceWad: ethWad,
        maintenanceFractionWad: MAINTENANCE_WAD,
        initialFractionWad: INITIAL_WAD,
      },
    ],
    collaterals: [
      {
        oracle: ETH,
        amount: BigInt(Math.round(book.wethAmount * 1e18)),
        decimals: 18,
        priceWad: ethWad,
        haircutWad: WETH_HAIRCUT_WAD,
      },
      {
        oracle: BTC,
        amount: BigInt(Math.round(book.wbtcAmount * 1e8)),
        decimals: 8,
        priceWad: toWad(btcPrice),
        haircutWad: WBTC_HAIRCUT_WAD,
      },
    ],
  };
}

const estimated = (volPerSqrtSecond: number): VolatilityEstimate => ({
  kind: "estimated",
  variancePerSecond: volPerSqrtSecond ** 2,
  volPerSqrtSecond,
  returns: 0,
  windowSeconds: 0,
  firstTimestampSeconds: 0,
  lastTimestampSeconds: 0,
});

type ModelInputs = {
  volatility: ReadonlyMap<string, VolatilityEstimate>;
  joint?: { oracles: readonly string[]; returns: JointReturns };
};

// The probability the model gives `risk`, with the surplus replaced.
function probabilityAt(
  risk: AccountRisk,
  surplus: number,
  inputs: ModelInputs,
  config: CalibrationConfig,
  monitoringIntervalSeconds = config.stepSeconds,
): number {
  const estimate = crossingEstimate({
    risk: { ...risk, surplus },
    ...inputs,
    horizonSeconds: config.horizonSeconds,
    monitoringIntervalSeconds,
  });
  if (estimate.kind !== "rated") throw new Error(estimate.detail);
  return estimate.probability;
}

// The surplus at which the model predicts `target`: bisection, the
// probability falling as the surplus grows.
function surplusFor(
  target: number,
  risk: AccountRisk,
  inputs: ModelInputs,
  config: CalibrationConfig,
): number {
  const gross = risk.factors.reduce((sum, f) => sum + Math.abs(f.exposure), 0);
  let low = 0;
  let high = gross;
  while (probabilityAt(risk, high, inputs, config) > target) high *= 2;
  for (let i = 0; i < 50; i++) {
    const middle = (low + high) / 2;
    if (probabilityAt(risk, middle, inputs, config) > target) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}

// `count` log returns of each asset before t = 0, oldest first, the second
// asset's correlated with the first's.
function history(
  rng: Rng,
  count: number,
  stepSeconds: number,
  sigmas: readonly [number, number],
  correlation: number,
): [number[], number[]] {
  const returns: [number[], number[]] = [[], []];
  for (let i = 0; i < count; i++) {
    const [a, b] = correlatedStep(rng, stepSeconds, sigmas, correlation);
    returns[0].push(a);
    returns[1].push(b);
  }
  return returns;
}

function correlatedStep(
  rng: Rng,
  stepSeconds: number,
  sigmas: readonly [number, number],
  correlation: number,
): [number, number] {
  const z1 = rng.normal();
  const z2 = correlation * z1 + Math.sqrt(1 - correlation ** 2) * rng.normal();
  const step = (sigma: number, z: number) =>
    -(sigma * sigma * stepSeconds) / 2 + sigma * Math.sqrt(stepSeconds) * z;
  return [step(sigmas[0], z1), step(sigmas[1], z2)];
}

// Prices whose log returns are `returns`, ending at `last`, timestamped every
// step up to 0.
function pricesEndingAt(
  last: number,
  returns: readonly number[],
  stepSeconds: number,
): PricePoint[] {
  const total = returns.reduce((sum, r) => sum + r, 0);
  let price = last * Math.exp(-total);
  const points = [{ timestampSeconds: -returns.length * stepSeconds, price }];
  returns.forEach((r, i) => {
    price *= Math.exp(r);
    points.push({
      timestampSeconds: (i + 1 - returns.length) * stepSeconds,
      price,
    });
  });
  return points;
}

// A common history whose realized covariance per second is exactly the true
// one (σ₁², ρσ₁σ₂, σ₂²): blocks of four one-second returns ±√2·(σ₁, ρσ₂) and
// ±√2·(0, √(1−ρ²)σ₂), enough blocks for the minimum count. It gives the model
// the true σ of any book of the two assets.
function exactJoint(
  sigmas: readonly [number, number],
  correlation: number,
): { oracles: readonly string[]; returns: JointReturns } {
  const [s1, s2] = sigmas.map((s) => s * Math.SQRT2) as [number, number];
  const rest = Math.sqrt(1 - correlation ** 2) * s2;
  const block = [
    [s1, correlation * s2],
    [-s1, -correlation * s2],
    [0, rest],
    [0, -rest],
  ];
  const returns = [...block, ...block, ...block];
  return {
    oracles: [ETH, BTC],
    returns: {
      assets: 2,
      returns,
      seconds: returns.map(() => 1),
      firstTimestampSeconds: 0,
      lastTimestampSeconds: returns.length,
    },
  };
}

/** One account: its book, its history, the predictions, and its path to the horizon. */
export function simulateAccount(
  kind: AccountKind,
  rng: Rng,
  config: CalibrationConfig,
): AccountOutcome {
  const sigmas: [number, number] = [
    volPerSqrtSecondFromAnnual(rng.between(...config.ethAnnualVol)),
    volPerSqrtSecondFromAnnual(rng.between(...config.btcAnnualVol)),
  ];
  const book = bookOf(kind, rng);
  const target = rng.between(0.002, 0.998);

  // Place the line: the quote balance that puts the surplus where the model
  // with the true σ and ρ predicts `target` (the surplus moves 1:1 with it).
  const truth: ModelInputs = {
    volatility: new Map([
      [ETH, estimated(sigmas[0])],
      [BTC, estimated(sigmas[1])],
    ]),
    joint: exactJoint(sigmas, config.correlation),
  };
  const unfunded = accountRisk(inputOf(book, 0, ETH_PRICE, BTC_PRICE));
  const surplus = surplusFor(target, unfunded, truth, config);
  // At least a cent from the line (the model's probability at the line itself
  // is below 1 once the push interval is accounted for, so a high target may
  // need a surplus of 0).
  const quoteBalance = Math.max(surplus, MIN_SURPLUS) - unfunded.surplus;
  const risk = accountRisk(inputOf(book, quoteBalance, ETH_PRICE, BTC_PRICE));
  if (risk.surplus <= 0) throw new Error(`account placed past the line`);

  // The history the model sees, and its estimates.
  const [ethReturns, btcReturns] = history(
    rng,
    config.historyReturns,
    config.stepSeconds,
    sigmas,
    config.correlation,
  );
  const ethPoints = pricesEndingAt(ETH_PRICE, ethReturns, config.stepSeconds);
  const btcPoints = pricesEndingAt(BTC_PRICE, btcReturns, config.stepSeconds);
  const ethEstimate = realizedVolatility(ethPoints);
  const btcEstimate = realizedVolatility(btcPoints);
  if (ethEstimate.kind !== "estimated" || btcEstimate.kind !== "estimated") {
    throw new Error("history too short for a volatility estimate");
  }
  const common = jointReturns([ethPoints, btcPoints]);
  const scaled = (factor: number): ModelInputs => ({
    volatility: new Map([
      [ETH, estimated(ethEstimate.volPerSqrtSecond * factor)],
      [BTC, estimated(btcEstimate.volPerSqrtSecond * factor)],
    ]),
    joint: {
      oracles: [ETH, BTC],
      returns: {
        ...common,
        returns: common.returns.map((row) => row.map((r) => r * factor)),
      },
    },
  });
  const predict = (inputs: ModelInputs, monitoringIntervalSeconds: number) =>
    probabilityAt(
      risk,
      risk.surplus,
      inputs,
      config,
      monitoringIntervalSeconds,
    );
  const predicted: Record<Variant, number> = {
    model: predict(scaled(1), config.stepSeconds),
    continuous: predict(scaled(1), 0),
    "true-sigma": predict(truth, config.stepSeconds),
    "sigma-x0.5": predict(scaled(0.5), config.stepSeconds),
    "sigma-x2": predict(scaled(2), config.stepSeconds),
    "worst-case": predict(
      { volatility: scaled(1).volatility },
      config.stepSeconds,
    ),
  };

  // The future: liquidatable at any push up to the horizon?
  const steps = Math.floor(config.horizonSeconds / config.stepSeconds);
  let eth = ETH_PRICE;
  let btc = BTC_PRICE;
  let crossedAtStep: number | null = null;
  for (let step = 1; step <= steps; step++) {
    const [a, b] = correlatedStep(
      rng,
      config.stepSeconds,
      sigmas,
      config.correlation,
    );
    eth *= Math.exp(a);
    btc *= Math.exp(b);
    if (computeHealth(inputOf(book, quoteBalance, eth, btc)).liquidatable) {
      crossedAtStep = step;
      break;
    }
  }
  return { kind, predicted, crossed: crossedAtStep !== null, crossedAtStep };
}

/** Every account of the run, in order, from one seeded generator. */
export function simulate(config: CalibrationConfig): AccountOutcome[] {
  if (config.kinds.length === 0) throw new RangeError("no account kinds");
  const rng = new Rng(config.seed);
  const outcomes: AccountOutcome[] = [];
  for (let i = 0; i < config.accounts; i++) {
    outcomes.push(
      simulateAccount(config.kinds[i % config.kinds.length]!, rng, config),
    );
  }
  return outcomes;
}
