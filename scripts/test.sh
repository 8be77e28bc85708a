#!/usr/bin/env bash
# The whole test suite: lint, build, the real Pulumi CLI, real IdPs on loopback, a real
# Pushgateway. Run it as `npm test` (npm puts this repo's Node 24 first on PATH).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
export PATH="$repo/node_modules/.bin:$PATH"

node -e 'const [maj] = process.versions.node.split(".").map(Number); if (maj < 22) { console.error(`Node ${process.version} is too old: run through npm (npm test) so the Node 24 devDependency is used`); process.exit(1); }'
echo "test: node $(node --version), npm $(npm --version)"

pulumi_dir="$(bash scripts/ensure-pulumi.sh)"
export PATH="$pulumi_dir:$PATH"
echo "test: pulumi $(pulumi version) at $(command -v pulumi)"
export PUSHGATEWAY_BIN="$(bash scripts/ensure-pushgateway.sh)"
echo "test: pushgateway $PUSHGATEWAY_BIN"

rm -rf dist .build/provider .build/test .build/bench
tsc -p tsconfig.json
tsc -p tsconfig.test.json
eslint --max-warnings 0 .
bash scripts/prepare-e2e.sh

# Each test file is its own process; engine tests each get their own PULUMI_HOME, backend and IdP.
exec node --test --test-concurrency="${DCR_TEST_CONCURRENCY:-3}" --test-timeout=900000 \
  ${DCR_TEST_PATTERN:-'.build/test/**/*.test.js'}
