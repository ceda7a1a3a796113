/** In-memory counters, logged every N passes and optionally served as Prometheus text. */
import { createServer, type Server } from "node:http";
import {
  DECISION_KINDS,
  KEEPER_ACTIONS,
  type Decision,
  type DecisionKind,
  type KeeperAction,
} from "./decisions.ts";

export type MetricsSnapshot = {
  passes: number;
  liquidationsSent: number;
  /** Batches of positions liquidated in one transaction (the liquidation lane). */
  liquidationBatchesSent: number;
  collateralBuysSent: number;
  kicksSent: number;
  takesSent: number;
  redosSent: number;
  /** Backstop buys triggered: lots bought at their auction's floor, and collateral absorbed (internal pattern). */
  auctionBuysSent: number;
  absorbsSent: number;
  /** Solvency waterfall: bond purchases, series closed, revenue routed, fee shares swept, bonds redeemed. */
  bondBuysSent: number;
  seriesClosesSent: number;
  routesSent: number;
  feeSweepsSent: number;
  redeemsSent: number;
  /** Pre-liquidations: slices closed in the zone above maintenance. */
  preLiquidationsSent: number;
  decisions: Record<DecisionKind, number>;
  errors: number;
  lostRaces: number;
  /** At-risk accounts skipped as unprofitable in the last pass (they stall until gas or rewards change). */
  stalledAccounts: number;
  indexStale: number;
  indexErrors: number;
  /** Blocks whose liquidation candidates the lane read from the chain (LiquidationLens) because the index lagged. */
  chainScans: number;
  blocksSkippedBusy: number;
  watcherRestarts: number;
  chainStalls: number;
};

export class Metrics {
  passes = 0;
  /** Successful keeper transactions, by action. */
  readonly sent = Object.fromEntries(
    KEEPER_ACTIONS.map((action) => [action, 0]),
  ) as Record<KeeperAction, number>;
  errors = 0;
  lostRaces = 0;
  stalledAccounts = 0;
  indexStale = 0;
  indexErrors = 0;
  chainScans = 0;
  blocksSkippedBusy = 0;
  watcherRestarts = 0;
  chainStalls = 0;
  readonly decisions = Object.fromEntries(
    DECISION_KINDS.map((kind) => [kind, 0]),
  ) as Record<DecisionKind, number>;

  recordDecision(decision: Decision): void {
    this.decisions[decision.decision] += 1;
    if (
      decision.txHash !== undefined &&
      decision.decision === "liquidate" &&
      decision.action !== "check"
    ) {
      this.sent[decision.action] += 1;
    }
    if (decision.decision === "error") this.errors += 1;
    if (decision.decision === "lost-race") this.lostRaces += 1;
  }

  /**
   * Sets the stalled-account gauge from the decisions of a completed pass: accounts whose own liquidation was
   * skipped as unprofitable (an auction priced above what a pool pays is not a stalled account: its price decays; the
   * waterfall's actions have no account; a pre-liquidation skipped is not one either: the account is above maintenance).
   */
  recordStalled(decisions: readonly Decision[]): void {
    this.stalledAccounts = new Set(
      decisions
        .filter(
          (d) =>
            d.decision === "skip-unprofitable" &&
            d.auctionId === undefined &&
            d.action !== "preLiquidate" && // above maintenance: nothing stalls
            d.account !== null,
        )
        .map((d) => d.account),
    ).size;
  }

  snapshot(): MetricsSnapshot {
    return {
      passes: this.passes,
      liquidationsSent: this.sent.liquidate,
      liquidationBatchesSent: this.sent.liquidateBatch,
      collateralBuysSent: this.sent.buyCollateral,
      kicksSent: this.sent.kick,
      takesSent: this.sent.take,
      redosSent: this.sent.redo,
      auctionBuysSent: this.sent.buyAuction,
      absorbsSent: this.sent.absorb,
      bondBuysSent: this.sent.buyBonds,
      seriesClosesSent: this.sent.closeSeries,
      routesSent: this.sent.route,
      feeSweepsSent: this.sent.sweepFees,
      redeemsSent: this.sent.redeem,
      preLiquidationsSent: this.sent.preLiquidate,
      decisions: { ...this.decisions },
      errors: this.errors,
      lostRaces: this.lostRaces,
      stalledAccounts: this.stalledAccounts,
      indexStale: this.indexStale,
      indexErrors: this.indexErrors,
      chainScans: this.chainScans,
      blocksSkippedBusy: this.blocksSkippedBusy,
      watcherRestarts: this.watcherRestarts,
      chainStalls: this.chainStalls,
    };
  }

  /** Prometheus text exposition format, version 0.0.4. */
  toPrometheus(): string {
    const lines: string[] = [];
    const metric = (
      name: string,
      type: "counter" | "gauge",
      help: string,
      samples: [string, number][],
    ) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, value] of samples)
        lines.push(`${name}${labels} ${value}`);
    };
    metric("keeper_passes_total", "counter", "Passes run.", [
      ["", this.passes],
    ]);
    metric(
      "keeper_transactions_sent_total",
      "counter",
      "Successful keeper transactions by action.",
      KEEPER_ACTIONS.map((action) => [
        `{action="${action}"}`,
        this.sent[action],
      ]),
    );
    metric(
      "keeper_decisions_total",
      "counter",
      "Decisions by kind (skips by reason).",
      DECISION_KINDS.map((kind) => [
        `{decision="${kind}"}`,
        this.decisions[kind],
      ]),
    );
    metric(
      "keeper_errors_total",
      "counter",
      "Decisions that ended in an error.",
      [["", this.errors]],
    );
    metric(
      "keeper_lost_races_total",
      "counter",
      "Actions another keeper got to first.",
      [["", this.lostRaces]],
    );
    metric(
      "keeper_stalled_accounts",
      "gauge",
      "At-risk accounts skipped as unprofitable in the last pass.",
      [["", this.stalledAccounts]],
    );
    metric(
      "keeper_index_stale_total",
      "counter",
      "Passes refused because the index lagged.",
      [["", this.indexStale]],
    );
    metric(
      "keeper_index_errors_total",
      "counter",
      "Passes refused because the indexer failed.",
      [["", this.indexErrors]],
    );
    metric(
      "keeper_chain_scans_total",
      "counter",
      "Blocks whose liquidation candidates were read from the chain because the index lagged.",
      [["", this.chainScans]],
    );
    metric(
      "keeper_blocks_skipped_busy_total",
      "counter",
      "Blocks skipped while a pass was running.",
      [["", this.blocksSkippedBusy]],
    );
    metric(
      "keeper_watcher_restarts_total",
      "counter",
      "Block watcher restarts after errors.",
      [["", this.watcherRestarts]],
    );
    metric(
      "keeper_chain_stalls_total",
      "counter",
      "Times no new block arrived within the stall bound.",
      [["", this.chainStalls]],
    );
    return `${lines.join("\n")}\n`;
  }
}

/** Serves `GET /metrics` on the port; resolves once listening. */
export async function serveMetrics(
  metrics: Metrics,
  port: number,
  host = "0.0.0.0",
): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.method === "GET" && request.url?.split("?")[0] === "/metrics") {
      response.writeHead(200, {
        "content-type": "text/plain; version=0.0.4; charset=utf-8",
      });
      response.end(metrics.toPrometheus());
      return;
    }
    response.writeHead(404, { "content-type": "text/plain" });
    response.end("not found\n");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return server;
}
