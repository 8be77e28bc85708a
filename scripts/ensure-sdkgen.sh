#!/usr/bin/env bash
# Builds tools/sdkgen (schema.json -> the Python, Go and Node.js SDKs, through pulumi/pkg/v3's
# code generators) and prints the path of the binary.
#
#   sdkgen="$(bash scripts/ensure-sdkgen.sh)"
#
# The binary is cached outside the repo in ${PULUMI_DCR_CACHE:-$HOME/.cache/pulumi-dcr}/sdkgen-<hash>,
# the hash covering tools/sdkgen's go.mod, go.sum and main.go, so an edit rebuilds and later runs
# are instant. Two concurrent first runs: the second waits for the first (flock).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="$repo/tools/sdkgen"
hash="$(cat "$src/go.mod" "$src/go.sum" "$src/main.go" | sha256sum | cut -c1-16)"
root="${PULUMI_DCR_CACHE:-$HOME/.cache/pulumi-dcr}"
cache="$root/sdkgen-$hash"

log() { printf 'ensure-sdkgen: %s\n' "$*" >&2; }

# shellcheck source=lib/cache-entry.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/cache-entry.sh"
reuse_or_lock "$cache" '[ -x "$cache/sdkgen" ]' "$cache/sdkgen" "sdkgen from $cache"

command -v go >/dev/null 2>&1 || {
  log "Go >= 1.26 is required to build tools/sdkgen (https://go.dev/dl); install it and re-run."
  exit 1
}

log "building sdkgen from the Go module proxy (first run only) ..."
start=$(date +%s)
tmp="$(mktemp -d "$cache.tmp.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
(cd "$src" && GOFLAGS=-mod=mod go build -trimpath -ldflags "-s -w" -o "$tmp/sdkgen" .) >&2
rm -rf "$cache"
mv "$tmp" "$cache"
trap - EXIT
log "built sdkgen in $(($(date +%s) - start))s into $cache"
printf '%s\n' "$cache/sdkgen"
