#!/usr/bin/env bash
# Makes a Python with the Pulumi Python SDK available for the language tests and prints its path:
#
#   DCR_PYTHON=$(bash scripts/ensure-python.sh)
#
# A virtual environment with exactly test/lang/python/requirements.txt (the `pulumi` package at
# 3.272.0, the newest the package index serves: the CLI is 3.276.0, and the SDK and CLI speak the
# same gRPC protocol across minors; plus what the generated pulumi_dcr SDK imports) is created once
# and cached outside the repo in ${PULUMI_DCR_CACHE:-$HOME/.cache/pulumi-dcr}/python-<pulumi version>-<hash
# of the requirements>. The interpreter: $DCR_PYTHON_BASE, else python3 on PATH (>= 3.9, with venv).
# The generated SDK itself is not installed here: each test installs the wheel it was built with.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
requirements="$repo/test/lang/python/requirements.txt"
pulumi_version="$(sed -n 's/^pulumi==//p' "$requirements")"
hash="$(sha256sum "$requirements" | cut -c1-12)"
root="${PULUMI_DCR_CACHE:-$HOME/.cache/pulumi-dcr}"
venv="$root/python-$pulumi_version-$hash"
ready_marker=".pulumi-dcr-ready"

log() { printf 'ensure-python: %s\n' "$*" >&2; }

# shellcheck source=lib/cache-entry.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/cache-entry.sh"
reuse_or_lock "$venv" '[ -f "$venv/$ready_marker" ]' "$venv/bin/python" "venv (pulumi $pulumi_version) at $venv"

base="${DCR_PYTHON_BASE:-$(command -v python3 2>/dev/null || true)}"
usable() { [ -n "$1" ] && "$1" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 9))' 2>/dev/null; }
if ! usable "$base" && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  log "installing python3 with venv (Debian packages)"
  apt-get update -qq >&2 || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3 python3-venv >&2
  base="$(command -v python3)"
fi
usable "$base" || {
  log "a python3 >= 3.9 with the venv module is required (set DCR_PYTHON_BASE to one, or install python3-venv)."
  exit 1
}

log "creating a venv with pulumi $pulumi_version from $base (first run only) ..."
start=$(date +%s)
# A venv hard-codes its own path: it is built in place, and only the marker makes it count.
rm -rf "$venv"
"$base" -m venv "$venv" >&2
"$venv/bin/python" -m pip install -q --disable-pip-version-check --no-input -r "$requirements" >&2
"$venv/bin/python" -c 'import pulumi, pulumi.automation' >&2
touch "$venv/$ready_marker"
log "prepared the venv (pulumi $pulumi_version) in $(( $(date +%s) - start ))s at $venv"
printf '%s\n' "$venv/bin/python"
