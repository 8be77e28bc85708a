#!/usr/bin/env bash
# Regenerates the generated sources (`npm run gen`): provider/plugin/schema.json from the
# TypeScript sources (scripts/gen-schema.ts), then sdk/python, sdk/go and sdk/nodejs from that
# schema with tools/sdkgen (pulumi/pkg/v3 code generators; built once, cached: ensure-sdkgen.sh).
#
#   bash scripts/gen-sdk.sh [<root>]
#
# <root> (default: the repository) is where provider/plugin/schema.json and sdk/ are written;
# scripts/check-generated.sh passes a temporary copy. The Go SDK's go.mod and go.sum are written
# by hand (`go mod tidy` in sdk/go) and kept.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$(mkdir -p "${1:-$repo}" && cd "${1:-$repo}" && pwd)"
export PATH="$repo/node_modules/.bin:$PATH"

sdkgen="$(bash "$repo/scripts/ensure-sdkgen.sh")"
(cd "$repo" && tsc -p tsconfig.gen.json)
node "$repo/.build/gen/scripts/gen-schema.js" "$root/provider/plugin/schema.json" >&2
"$sdkgen" "$root/provider/plugin/schema.json" "$root/sdk"
echo "gen-sdk: wrote $root/provider/plugin/schema.json and $root/sdk/{python,go,nodejs}" >&2
