#!/usr/bin/env bash
# The liquidation patterns compared: the demo crash once under each pattern (fixed-fee, dutch-auction, internal), each on
# a fresh system, in one table, printed and written to benchmarks/patterns.md.
source "$(dirname "$0")/lib/setup.sh"
step "run the crash under each pattern"
exec node --import tsx "$ROOT/e2e/src/bench.ts"
