#!/usr/bin/env bash
# The index at scale: 1,000 to 100,000 accounts opened on chain by the AccountFleet helper, the indexer on PGlite and on
# a throwaway PostgreSQL cluster; events/s, push freshness, the crash push checked against the chain, the at-risk
# route's latency and a history sync; written to benchmarks/scale.md. Pass `--runs pglite:1000,postgres:10000` to pick
# the runs (default: PGlite 1,000 and 10,000; PostgreSQL 1,000, 10,000 and 100,000; `none` for none), and
# `--keeper pglite:2400,postgres:2400` (the default) for the keeper against about 1,000 accounts crossing in one move.
source "$(dirname "$0")/lib/setup.sh"
step "run the scale benchmark"
exec node --import tsx "$ROOT/e2e/src/scale.ts" "$@"
