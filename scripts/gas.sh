#!/usr/bin/env bash
# Gas benchmark: each call its own transaction (isolate), written to snapshots/GasTest.json, printed against targets.
source "$(dirname "$0")/lib/setup.sh"
step "gas per call (tx gas; the health view in execution gas)"
"$FORGE" test --match-contract GasTest >/dev/null
node -e '
const s = require("./snapshots/GasTest.json");
const targets = {
  "trade: open position": "target ≤ 123,000",
  "health view: one position": "target ≤ 14,000 (execution gas)",
  "liquidate: full, one position": "target ≤ 124,000, ceiling 175,000 (Morpho Blue 124,265; Aave v3 349,519)",
  "liquidate: partial, one position": "",
  "buyCollateral: collateral sale": "",
  "health view: two positions, two collaterals": "",
};
for (const [k, v] of Object.entries(s)) console.log(`${k.padEnd(46)} ${String(v).padStart(8)}   ${targets[k] ?? ""}`);
'
