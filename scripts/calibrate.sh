#!/usr/bin/env bash
# The crossing-probability model against simulated price paths (seeded, so reproducible): predicted against observed
# per probability bucket, written to benchmarks/crossing-calibration.md. Needs only the workspace's Node packages.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
if [ ! -x "$ROOT/node_modules/.bin/tsx" ]; then
  source "$ROOT/scripts/lib/setup.sh"
fi
cd "$ROOT/indexer"
exec node --import tsx calibration/main.ts
