import assert from "node:assert/strict";
import { request } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, it } from "node:test";
import type { Decision } from "../src/decisions.ts";
import { Metrics, serveMetrics } from "../src/metrics.ts";
import { ALICE, TX_HASH } from "./fakes.ts";

const decision = (overrides: Partial<Decision>): Decision => ({
  decision: "skip-unprofitable",
  action: "liquidate",
  account: ALICE,
  blocksSinceBreach: 0n,
  ...overrides,
});

describe("metrics", () => {
  it("counts sends by action, skips by reason, errors and lost races", () => {
    const metrics = new Metrics();
    metrics.recordDecision(
      decision({ decision: "liquidate", txHash: TX_HASH }),
    );
    metrics.recordDecision(
      decision({
        decision: "liquidate",
        action: "buyCollateral",
        txHash: TX_HASH,
      }),
    );
    metrics.recordDecision(decision({ decision: "skip-gas-cap" }));
    metrics.recordDecision(decision({ decision: "lost-race" }));
    metrics.recordDecision(decision({ decision: "error" }));
    const snapshot = metrics.snapshot();
    assert.equal(snapshot.liquidationsSent, 1);
    assert.equal(snapshot.collateralBuysSent, 1);
    assert.equal(snapshot.decisions["skip-gas-cap"], 1);
    assert.equal(snapshot.lostRaces, 1);
    assert.equal(snapshot.errors, 1);
    const text = metrics.toPrometheus();
    assert.match(
      text,
      /^keeper_transactions_sent_total\{action="liquidate"\} 1$/m,
    );
    assert.match(
      text,
      /^keeper_decisions_total\{decision="skip-gas-cap"\} 1$/m,
    );
    assert.match(text, /^# TYPE keeper_stalled_accounts gauge$/m);
  });

  it("serves the Prometheus text on /metrics", async () => {
    const metrics = new Metrics();
    metrics.lostRaces = 3;
    const server = await serveMetrics(metrics, 0, "127.0.0.1");
    try {
      const { port } = server.address() as AddressInfo;
      const get = (path: string) =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
          request({ host: "127.0.0.1", port, path }, (response) => {
            let body = "";
            response.on("data", (chunk) => (body += chunk));
            response.on("end", () =>
              resolve({ status: response.statusCode ?? 0, body }),
            );
          })
            .on("error", reject)
            .end();
        });
      const ok = await get("/metrics");
      assert.equal(ok.status, 200);
      assert.match(ok.body, /^keeper_lost_races_total 3$/m);
      assert.equal((await get("/other")).status, 404);
    } finally {
      server.close();
    }
  });

  it("counts only accounts whose own liquidation stalls, not auctions waiting for their price to fall", () => {
    const metrics = new Metrics();
    metrics.recordStalled([
      decision({ decision: "skip-unprofitable", action: "kick" }),
      decision({
        decision: "skip-unprofitable",
        action: "take",
        account: TX_HASH.slice(0, 42) as `0x${string}`,
        auctionId: 3n,
      }),
    ]);
    assert.equal(metrics.stalledAccounts, 1);
  });

  it("counts the waterfall's sends by action, and never its skips as stalled accounts", () => {
    const metrics = new Metrics();
    for (const action of ["buyBonds", "buyBonds", "route", "redeem"] as const)
      metrics.recordDecision(
        decision({
          decision: "liquidate",
          action,
          account: null,
          seriesId: 0n,
          txHash: TX_HASH,
        }),
      );
    metrics.recordStalled([
      decision({
        decision: "skip-unprofitable",
        action: "buyBonds",
        account: null,
      }),
    ]);
    const snapshot = metrics.snapshot();
    assert.equal(snapshot.bondBuysSent, 2);
    assert.equal(snapshot.routesSent, 1);
    assert.equal(snapshot.redeemsSent, 1);
    assert.equal(snapshot.seriesClosesSent, 0);
    assert.equal(snapshot.stalledAccounts, 0);
    assert.match(
      metrics.toPrometheus(),
      /^keeper_transactions_sent_total\{action="buyBonds"\} 2$/m,
    );
  });
});
