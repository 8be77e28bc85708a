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
# The language tests (test/e2e/lang-*.test.ts): Pulumi's YAML language host and a Python venv with the
# Pulumi Python SDK, each built once and cached; the Python wheel and Go module dir of the generated SDKs
# (.build/artifacts); and the Go driver's first build, so the test files that build it at once find the
# Go build cache warm.
DCR_YAML_DIR="$(bash scripts/ensure-yaml.sh)"
DCR_PYTHON="$(bash scripts/ensure-python.sh)"
export DCR_YAML_DIR DCR_PYTHON
echo "test: pulumi-language-yaml in $DCR_YAML_DIR, python $DCR_PYTHON"
bash scripts/build-sdk-artifacts.sh
(cd test/lang/go && go build -trimpath -o /dev/null .)
echo "test: the Go driver builds"
eslint --max-warnings 0 .
# One formatter: the lint step fails on code Prettier would lay out differently (`npm run format` fixes it).
npm run --silent format:check
# The committed schema and SDKs must be what the generators make of the sources (`npm run gen` fixes it).
bash scripts/check-generated.sh
# Node expands the glob; DCR_TEST_PATTERN narrows the run (e.g. '.build/test/unit/*.test.js').
exec node --test --test-concurrency="${DCR_TEST_CONCURRENCY:-3}" --test-timeout=900000 \
  "${DCR_TEST_PATTERN:-.build/test/**/*.test.js}"
