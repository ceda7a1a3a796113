# Sourced by the scripts: paths of the native Foundry binaries installed from npm.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
foundry_bin() {
  local tool="$1" found
  found=$(ls "$ROOT"/node_modules/.pnpm/@foundry-rs+"$tool"-linux-amd64@*/node_modules/@foundry-rs/"$tool"-linux-amd64/bin/"$tool" 2>/dev/null | head -1)
  if [ -z "$found" ]; then echo "error: $tool not installed; run the install step first" >&2; return 1; fi
  echo "$found"
}
FORGE="$(foundry_bin forge)"
ANVIL="$(foundry_bin anvil)"
CAST="$(foundry_bin cast)"
export FORGE ANVIL CAST
