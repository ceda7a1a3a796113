#!/usr/bin/env bash
# The main job: anvil, the contracts, the indexer on embedded PGlite, the keeper, a market crash, a report.
# COLLATERAL_PATTERN=fixed-fee (default) | dutch-auction | internal: how both collateral assets are liquidated.
case "${COLLATERAL_PATTERN:-fixed-fee}" in
  fixed-fee | dutch-auction | internal) ;;
  *)
    echo "config error: COLLATERAL_PATTERN must be one of fixed-fee, dutch-auction, internal; got \"$COLLATERAL_PATTERN\"" >&2
    exit 2
    ;;
esac
source "$(dirname "$0")/lib/setup.sh"
step "run the crash scenario (${COLLATERAL_PATTERN:-fixed-fee})"
exec node --import tsx "$ROOT/e2e/src/demo.ts"
