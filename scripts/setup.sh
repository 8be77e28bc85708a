#!/usr/bin/env bash
# Shared set-up for `npm test` and `npm run demo`: Node 24 from node_modules first on PATH, the
# real Pulumi CLI (built once, then cached), a fresh build, and the packed package installed
# under .build/node_modules. Source it: `source scripts/setup.sh`.
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
export PATH="$repo/node_modules/.bin:$PATH"
node -e 'const [maj] = process.versions.node.split(".").map(Number); if (maj < 22) { console.error(`Node ${process.version} is too old: run through npm (npm test / npm run demo) so the Node 24 devDependency is used`); process.exit(1); }'
echo "setup: node $(node --version), npm $(npm --version)"
pulumi_dir="$(bash scripts/ensure-pulumi.sh)"
export PATH="$pulumi_dir:$PATH"
echo "setup: pulumi $(pulumi version) at $(command -v pulumi)"
rm -rf dist .build/provider .build/test .build/bench .build/scripts .build/index.js
tsc -p tsconfig.json
tsc -p tsconfig.test.json
bash scripts/prepare-e2e.sh
# The provider plugin's bundle and archive (plugin and engine tests start them).
bash scripts/build-artifacts.sh
