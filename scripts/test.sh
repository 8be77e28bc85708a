#!/usr/bin/env bash
# `npm test`: lint, build, the real Pulumi CLI, real IdPs on loopback (Keycloak too), a real Pushgateway.
# Each test file runs in its own process; engine tests each get their own PULUMI_HOME, backend
# and IdP, so files run concurrently (DCR_TEST_CONCURRENCY, default 3).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
PUSHGATEWAY_BIN="$(bash scripts/ensure-pushgateway.sh)"
export PUSHGATEWAY_BIN
echo "test: pushgateway $PUSHGATEWAY_BIN"
# Keycloak (fetched with Maven and warmed up once, then cached) and a JDK >= 21 to run it.
keycloak="$(bash scripts/ensure-keycloak.sh)"
KEYCLOAK_HOME="$(sed -n 1p <<<"$keycloak")"
KEYCLOAK_JAVA_HOME="$(sed -n 2p <<<"$keycloak")"
export KEYCLOAK_HOME KEYCLOAK_JAVA_HOME
echo "test: keycloak $KEYCLOAK_HOME (java $KEYCLOAK_JAVA_HOME)"
eslint --max-warnings 0 .
# One formatter: the lint step fails on code Prettier would lay out differently (`npm run format` fixes it).
npm run --silent format:check
# The committed schema and SDKs must be what the generators make of the sources (`npm run gen` fixes it).
bash scripts/check-generated.sh
# Node expands the glob; DCR_TEST_PATTERN narrows the run (e.g. '.build/test/unit/*.test.js').
exec node --test --test-concurrency="${DCR_TEST_CONCURRENCY:-3}" --test-timeout=900000 \
  "${DCR_TEST_PATTERN:-.build/test/**/*.test.js}"
