#!/usr/bin/env bash
# The main job: anvil, the contracts, the indexer on embedded PGlite, the keeper, a market crash, a report.
# COLLATERAL_PATTERN=fixed-fee (default) | dutch-auction | internal: how both collateral assets are liquidated.
# PRE_LIQUIDATION=on (default) | off: the soft margin call (the module's demo parameters and the keeper's action).
case "${COLLATERAL_PATTERN:-fixed-fee}" in
  fixed-fee | dutch-auction | internal) ;;
  *)
    echo "config error: COLLATERAL_PATTERN must be one of fixed-fee, dutch-auction, internal; got \"$COLLATERAL_PATTERN\"" >&2
    exit 2
    ;;
esac
case "${PRE_LIQUIDATION:-on}" in
  on | off) ;;
  *)
    echo "config error: PRE_LIQUIDATION must be on or off; got \"$PRE_LIQUIDATION\"" >&2
    exit 2
    ;;
esac
source "$(dirname "$0")/lib/setup.sh"
step "run the crash scenario (${COLLATERAL_PATTERN:-fixed-fee})"
exec node --import tsx "$ROOT/e2e/src/demo.ts"
