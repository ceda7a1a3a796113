// GET /accounts/crossing: accounts near the maintenance line with the
// probability that each crosses it within a horizon (the model in ../risk/).
// The pure part: the parameters, and the rows built from what
// ./crossingQuery.ts reads.
import { WAD } from "../health.ts";
import { crossingEstimate } from "../risk/crossing.ts";
import {
  accountRisk,
  type RiskCollateral,
  type RiskPosition,
  wadToNumber,
} from "../risk/exposure.ts";
import {
  annualizedVolatility,
  type JointReturns,
  jointReturns,
  type PricePoint,
  realizedVolatility,
  type VolatilityEstimate,
} from "../risk/volatility.ts";
import type { Zone } from "../preLiquidation/zone.ts";
import {
  parseIntegerParam,
  parseLimitParam,
  parseProbabilityParam,
  parseWadParam,
} from "./params.ts";

/** The zone of an account the pre-liquidation module cannot reach (or before it is indexed). */
const NO_ZONE: Zone = {
  preHealthWad: null,
  inZone: false,
  preLiquidationMarketIds: [],
};

/** Pushes per oracle the volatility is estimated on: this many returns at most. */
export const VOLATILITY_WINDOW_RETURNS = 120;
/** Accounts below `maxHealth` looked at, lowest health first; more are reported as `truncated`. */
export const SCAN_LIMIT = 5_000;
export const MAX_HORIZON_SECONDS = 30 * 24 * 60 * 60;
export const MAX_MONITORING_INTERVAL_SECONDS = 24 * 60 * 60;

export type CrossingParams = {
  horizonSeconds: number;
  minProbability: number;
  limit: number;
  maxHealthWad: bigint; // which accounts count as near the line (3: equity three times maintenance)
  monitoringIntervalSeconds: number; // 0: the continuous barrier
};

/** The query string, each bad parameter one ParamError naming it. */
export function parseCrossingParams(
  query: (name: string) => string | undefined,
): CrossingParams {
  return {
    horizonSeconds: parseIntegerParam(
      "horizonSeconds",
      query("horizonSeconds"),
      3_600,
      1,
      MAX_HORIZON_SECONDS,
    ),
    minProbability: parseProbabilityParam(
      "minProbability",
      query("minProbability"),
      0.05,
    ),
    limit: parseLimitParam("limit", query("limit"), 100, 1_000),
    maxHealthWad: parseWadParam("maxHealth", query("maxHealth"), 3n * WAD),
    monitoringIntervalSeconds: parseIntegerParam(
      "monitoringIntervalSeconds",
      query("monitoringIntervalSeconds"),
      0,
      0,
      MAX_MONITORING_INTERVAL_SECONDS,
    ),
  };
}

/** An account below `maxHealth` with what it holds, as ./crossingQuery.ts reads it. */
export type CandidateAccount = {
  address: string;
  healthWad: bigint;
  equityWad: bigint;
  initialWad: bigint;
  maintenanceWad: bigint;
  liquidatable: boolean;
  quoteBalanceWad: bigint;
  breachBlock: bigint | null;
  block: bigint;
  timestamp: bigint; // of the health row [unix seconds]
  positions: (RiskPosition & { marketId: bigint })[];
  collaterals: (RiskCollateral & { collateralId: bigint })[];
};

export type IndexHead = { block: bigint; timestamp: bigint };

/** One history row → a model point: price in quote per whole token. */
export function pricePoint(row: {
  timestamp: bigint;
  priceWad: bigint;
}): PricePoint {
  return {
    timestampSeconds: Number(row.timestamp),
    price: wadToNumber(row.priceWad),
  };
}

/**
 * The route's body: every candidate rated (or listed as unrated with the
 * reason), those at or above `minProbability` by probability, highest first
 * (then lowest health), at most `limit`. `histories` holds each oracle's last
 * pushes, oldest first.
 */
export function crossingBody(
  candidates: readonly CandidateAccount[],
  histories: ReadonlyMap<string, readonly PricePoint[]>,
  params: CrossingParams,
  head: IndexHead,
  truncated: boolean,
  zones: ReadonlyMap<string, Zone> = new Map(),
) {
  const historyOf = (oracle: string) => histories.get(oracle) ?? [];
  const perAsset = new Map<string, VolatilityEstimate>();
  const volatilityOf = (oracle: string) => {
    let estimate = perAsset.get(oracle);
    if (estimate === undefined) {
      estimate = realizedVolatility(historyOf(oracle));
      perAsset.set(oracle, estimate);
    }
    return estimate;
  };
  const joints = new Map<string, JointReturns>();
  const jointOf = (oracles: readonly string[]) => {
    const key = oracles.join(",");
    let joint = joints.get(key);
    if (joint === undefined) {
      joint = jointReturns(oracles.map(historyOf));
      joints.set(key, joint);
    }
    return joint;
  };
  const ageOf = (timestampSeconds: number | undefined) =>
    timestampSeconds === undefined
      ? null
      : Math.max(0, Number(head.timestamp) - timestampSeconds);

  const rated = [];
  const unrated = [];
  for (const c of candidates) {
    const risk = accountRisk(c);
    const oracles = risk.factors.map((f) => f.oracle);
    const volatility = new Map(oracles.map((o) => [o, volatilityOf(o)]));
    const estimate = crossingEstimate({
      risk,
      volatility,
      joint:
        oracles.length > 1 ? { oracles, returns: jointOf(oracles) } : undefined,
      horizonSeconds: params.horizonSeconds,
      monitoringIntervalSeconds: params.monitoringIntervalSeconds,
    });
    if (estimate.kind === "unrated") {
      unrated.push({
        address: c.address,
        reason: estimate.reason,
        detail: estimate.detail,
      });
      continue;
    }
    if (estimate.probability < params.minProbability) continue;

    const factors = estimate.factors.map((f) => {
      const v = volatility.get(f.oracle);
      const factor = risk.factors.find((x) => x.oracle === f.oracle)!;
      return {
        oracle: f.oracle,
        priceWad: factor.priceWad,
        exposureQuote: f.exposure,
        crossingPrice: f.crossingPrice,
        volPerSqrtSecond: f.volPerSqrtSecond,
        annualizedVolatility:
          f.volPerSqrtSecond === null
            ? null
            : annualizedVolatility(f.volPerSqrtSecond),
        returns: v?.returns ?? 0,
        windowSeconds: v?.kind === "estimated" ? v.windowSeconds : null,
        lastPushAgeSeconds: ageOf(historyOf(f.oracle).at(-1)?.timestampSeconds),
      };
    });
    const priceAges = factors
      .map((f) => f.lastPushAgeSeconds)
      .filter((age): age is number => age !== null);
    const windows = factors
      .map((f) => f.windowSeconds)
      .filter((w): w is number => w !== null);
    rated.push({
      address: c.address,
      healthWad: c.healthWad,
      equityWad: c.equityWad,
      initialWad: c.initialWad,
      maintenanceWad: c.maintenanceWad,
      liquidatable: c.liquidatable,
      quoteBalanceWad: c.quoteBalanceWad,
      breachBlock: c.breachBlock,
      block: c.block,
      timestamp: c.timestamp,
      marketIds: c.positions
        .filter((p) => p.sizeWad !== 0n)
        .map((p) => p.marketId),
      collateralIds: c.collaterals
        .filter((x) => x.amount !== 0n)
        .map((x) => x.collateralId),
      ...(zones.get(c.address) ?? NO_ZONE),
      probability: estimate.probability,
      method: estimate.method,
      direction: estimate.direction,
      surplusWad: risk.equityWad - risk.maintenanceWad,
      grossExposureQuote: estimate.grossExposure,
      crossingMove: estimate.crossingMove,
      distanceSigmas: estimate.distanceSigmas,
      volPerSqrtSecond: estimate.volPerSqrtSecond,
      annualizedVolatility:
        estimate.volPerSqrtSecond === null
          ? null
          : annualizedVolatility(estimate.volPerSqrtSecond),
      factors,
      inputsAgeSeconds: {
        health: ageOf(Number(c.timestamp)),
        oldestPrice: priceAges.length === 0 ? null : Math.max(...priceAges),
        volatilityWindow: windows.length === 0 ? null : Math.max(...windows),
      },
    });
  }
  rated.sort(
    (a, b) =>
      b.probability - a.probability ||
      (a.healthWad < b.healthWad ? -1 : a.healthWad > b.healthWad ? 1 : 0) ||
      (a.address < b.address ? -1 : a.address > b.address ? 1 : 0),
  );
  const accounts = rated.slice(0, params.limit);
  return {
    block: head.block,
    timestamp: head.timestamp,
    horizonSeconds: params.horizonSeconds,
    minProbability: params.minProbability,
    maxHealthWad: params.maxHealthWad,
    monitoringIntervalSeconds: params.monitoringIntervalSeconds,
    volatilityWindowReturns: VOLATILITY_WINDOW_RETURNS,
    scanned: candidates.length,
    truncated,
    count: accounts.length,
    accounts,
    unrated,
  };
}
