# Sourced by the README commands: installs the workspace (Foundry, solc, Ponder, viem… all from npm),
# compiles the contracts and generates the typed ABIs the indexer, keeper and e2e share.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

PNPM_VERSION=10.34.9
if command -v pnpm >/dev/null 2>&1 && [ "$(pnpm --version 2>/dev/null)" = "$PNPM_VERSION" ]; then
  PNPM=(pnpm)
else
  PNPM=(npx --yes "pnpm@$PNPM_VERSION")
fi

step() { printf '\n==> %s\n' "$*"; }

step "install (pnpm $PNPM_VERSION, frozen lockfile)"
"${PNPM[@]}" install --frozen-lockfile --reporter=append-only 2>&1 | grep -v "^Progress" | tail -n 5

source "$ROOT/scripts/lib/foundry.sh"

step "compile contracts (forge build)"
"$FORGE" build 2>&1 | grep -vE "^(Warning|\s*\||\s*$)" | tail -n 3

step "generate typed ABIs (@wagmi/cli)"
if ! WAGMI_OUT=$(cd "$ROOT/abi" && "$ROOT/node_modules/.bin/wagmi" generate 2>&1); then
  echo "$WAGMI_OUT" >&2
  exit 1
fi
echo "abi/src/generated.ts"
