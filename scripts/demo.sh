#!/usr/bin/env bash
# The main job: anvil, the contracts, the indexer on embedded PGlite, the keeper, a market crash, a report.
source "$(dirname "$0")/lib/setup.sh"
step "run the crash scenario"
exec node --import tsx "$ROOT/e2e/src/demo.ts"
