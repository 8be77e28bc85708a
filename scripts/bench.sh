#!/usr/bin/env bash
# `npm run bench [-- --smoke] [--only=protocol,provider,engine] [--out=dir]`: the full build
# (scripts/setup.sh: Node 24, the real Pulumi CLI, dist/, .build/ and the packed package), then
# the compiled bench. Full mode writes bench/results/<date>.{json,svg} and regenerates
# docs/performance.{md,svg}; --smoke (CI) uses tiny counts and writes only bench/results/smoke.tmp/.
# Not part of `npm test`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
exec node .build/bench/main.js "$@"
