#!/usr/bin/env bash
# Makes the real Pulumi CLI available and prints the directory that holds it.
#
#   dir=$(bash scripts/ensure-pulumi.sh) && export PATH="$dir:$PATH"
#
# 1. A `pulumi` already on PATH whose version is >= the @pulumi/pulumi SDK pinned in
#    package.json is used as it is (a user's machine with an installed CLI).
# 2. Otherwise the CLI is built from the Go module proxy through tools/pulumi-cli
#    (pkg/v3 and sdk/v3 at the same version) and cached outside the repo in
#    ${PULUMI_DCR_CACHE:-$HOME/.cache/pulumi-dcr}/cli-<version>, so later runs are instant.
# In both cases the dynamic-provider plugin `pulumi-resource-pulumi-nodejs` (a tiny script
# that runs @pulumi/pulumi's dynamic-provider host from the project's node_modules with the
# `node` on PATH) is put next to the binary when the CLI does not already ship one.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version="$(sed -n 's/.*github.com\/pulumi\/pulumi\/pkg\/v3 \(v[0-9.]*\).*/\1/p' "$repo/tools/pulumi-cli/go.mod" | head -n 1)"
sdk="$(node -p 'require(process.argv[1]).dependencies["@pulumi/pulumi"]' "$repo/package.json")"
cache="${PULUMI_DCR_CACHE:-$HOME/.cache/pulumi-dcr}/cli-$version"

log() { printf 'ensure-pulumi: %s\n' "$*" >&2; }

version_ge() { # $1 >= $2 (dotted, no leading v)
  [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n 1)" = "$2" ]
}

write_plugin() { # $1 = dir
  local plugin="$1/pulumi-resource-pulumi-nodejs"
  [ -x "$plugin" ] && return 0
  cat >"$plugin" <<'SH'
#!/bin/sh
# Pulumi's dynamic-provider plugin: runs the host that ships with @pulumi/pulumi in the
# project's node_modules (the engine starts plugins in the project directory).
exec node "$PWD/node_modules/@pulumi/pulumi/cmd/dynamic-provider" "$@"
SH
  chmod +x "$plugin"
}

if existing="$(command -v pulumi 2>/dev/null)" && [ "${PULUMI_DCR_FORCE_BUILD:-}" != "1" ]; then
  have="$("$existing" version 2>/dev/null | sed 's/^v//')"
  if [ -n "$have" ] && version_ge "$have" "$sdk"; then
    dir="$(dirname "$existing")"
    if [ ! -e "$dir/pulumi-resource-pulumi-nodejs" ]; then
      # Never write into a system directory: the plugin goes into the cache and the caller
      # puts that directory on PATH too.
      mkdir -p "$cache/plugin-only"; write_plugin "$cache/plugin-only"; dir="$dir:$cache/plugin-only"
    fi
    log "using pulumi $have from PATH"
    printf '%s\n' "$dir"
    exit 0
  fi
  log "pulumi on PATH is ${have:-unknown}, need >= $sdk: building $version"
fi

if [ -x "$cache/pulumi" ] && [ "$("$cache/pulumi" version 2>/dev/null)" = "$version" ]; then
  write_plugin "$cache"
  log "using cached pulumi $version from $cache"
  printf '%s\n' "$cache"
  exit 0
fi

command -v go >/dev/null 2>&1 || {
  log "Go is required to build the Pulumi CLI $version here (no pulumi >= $sdk on PATH)."
  log "Install Go >= 1.26 (https://go.dev/dl) or install the Pulumi CLI, then re-run."
  exit 1
}

log "building pulumi $version from the Go module proxy (first run only; several minutes) ..."
start=$(date +%s)
tmp="$cache.tmp.$$"
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
(
  cd "$repo/tools/pulumi-cli"
  export GOFLAGS=-mod=mod
  go build -trimpath \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version" \
    -o "$tmp/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
) >&2
write_plugin "$tmp"
rm -rf "$cache"
mv "$tmp" "$cache"
trap - EXIT
log "built pulumi $("$cache/pulumi" version) in $(( $(date +%s) - start ))s into $cache"
printf '%s\n' "$cache"
