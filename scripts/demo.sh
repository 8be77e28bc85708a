#!/usr/bin/env bash
# `npm run demo`: see scripts/demo.ts.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
exec node .build/scripts/demo.js
