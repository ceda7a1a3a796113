#!/usr/bin/env bash
# The main job: anvil, the contracts, the indexer on embedded PGlite, the keeper, a market crash, a report.
# COLLATERAL_PATTERN=fixed-fee (default) | dutch-auction | internal: how both collateral assets are liquidated.
# PRE_LIQUIDATION=on (default) | off: the soft margin call (the module's demo parameters and the keeper's action).
# LENDING=on (default) | off: four lending-market borrowers near their limit, liquidated in the same crash by the
#   lending engine; LENDING_COLLATERAL_PATTERN=fixed-fee | dutch-auction | internal (default: COLLATERAL_PATTERN).
# PORTFOLIO_MARGIN=on (default) | off: three hedged accounts and one BTC-tilted book opt in to portfolio margin; the
#   report compares their portfolio and standard requirements (the tilted book is liquidated in the crash).
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
case "${LENDING:-on}" in
  on | off) ;;
  *)
    echo "config error: LENDING must be on or off; got \"$LENDING\"" >&2
    exit 2
    ;;
esac
case "${LENDING_COLLATERAL_PATTERN:-${COLLATERAL_PATTERN:-fixed-fee}}" in
  fixed-fee | dutch-auction | internal) ;;
  *)
    echo "config error: LENDING_COLLATERAL_PATTERN must be one of fixed-fee, dutch-auction, internal; got \"$LENDING_COLLATERAL_PATTERN\"" >&2
    exit 2
    ;;
esac
case "${PORTFOLIO_MARGIN:-on}" in
  on | off) ;;
  *)
    echo "config error: PORTFOLIO_MARGIN must be on or off; got \"$PORTFOLIO_MARGIN\"" >&2
    exit 2
    ;;
esac
source "$(dirname "$0")/lib/setup.sh"
step "run the crash scenario (${COLLATERAL_PATTERN:-fixed-fee})"
exec node --import tsx "$ROOT/e2e/src/demo.ts"
