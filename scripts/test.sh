#!/usr/bin/env bash
# Every test: formatting, types, the forge suite (CI profile: invariants 1,000 runs × depth 50, gas snapshots
# checked), the TypeScript unit tests, and the end-to-end test on PGlite and on PostgreSQL.
source "$(dirname "$0")/lib/setup.sh"

LOG_DIR="$ROOT/.tmp/test-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$LOG_DIR"
PASSED=0
FAILED=0

# Runs one suite, keeps its output, and adds its counts (forge: "N tests passed, M failed"; node: "# pass N").
suite() {
  local name="$1"; shift
  step "$name"
  local log="$LOG_DIR/$name.log" status=0 started=$SECONDS
  "$@" 2>&1 | tee "$log" | grep -E "^(\[FAIL|not ok|# (pass|fail) |Ran [0-9]+ test suites|Error|error)" || true
  status=${PIPESTATUS[0]}
  local p f
  p=$(grep -oE "[0-9]+ tests passed" "$log" | tail -1 | grep -oE "^[0-9]+" || true)
  f=$(grep -oE "tests passed, [0-9]+ failed" "$log" | tail -1 | grep -oE "[0-9]+" || true)
  if [ -z "$p" ]; then
    p=$(grep -E "^# pass [0-9]+" "$log" | tail -1 | grep -oE "[0-9]+" || true)
    f=$(grep -E "^# fail [0-9]+" "$log" | tail -1 | grep -oE "[0-9]+" || true)
  fi
  echo "$name: $((SECONDS - started)) s"
  PASSED=$((PASSED + ${p:-0}))
  FAILED=$((FAILED + ${f:-0}))
  if [ "$status" -ne 0 ]; then
    echo "$name failed (exit $status); full output: $log"
    [ "${f:-0}" -eq 0 ] && FAILED=$((FAILED + 1))
  fi
}

suite format-solidity "$FORGE" fmt --check
suite format-typescript "$ROOT/node_modules/.bin/prettier" --check indexer keeper e2e abi
suite typecheck-indexer "$ROOT/node_modules/.bin/tsc" --noEmit -p indexer
suite typecheck-keeper "$ROOT/node_modules/.bin/tsc" --noEmit -p keeper
suite typecheck-e2e "$ROOT/node_modules/.bin/tsc" --noEmit -p e2e
suite forge env FOUNDRY_PROFILE=ci FORGE_SNAPSHOT_CHECK=true "$FORGE" test
suite keeper bash -c "cd '$ROOT/keeper' && node --import tsx --test test/*.test.ts"
suite indexer bash -c "cd '$ROOT/indexer' && node --import tsx --test test/*.test.ts"
suite e2e bash -c "cd '$ROOT/e2e' && node --import tsx --test test/*.test.ts"

echo
echo "all: $PASSED passed, $FAILED failed, in $SECONDS s"
[ "$FAILED" -eq 0 ]
