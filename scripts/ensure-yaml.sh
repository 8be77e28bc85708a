#!/usr/bin/env bash
# Makes Pulumi's YAML language host (pulumi-language-yaml) available and prints the directory that
# holds it, to put on PATH before running a `runtime: yaml` project with the Pulumi CLI:
#
#   dir=$(bash scripts/ensure-yaml.sh) && export PATH="$dir:$PATH"
#
# A stock Pulumi CLI ships this host; the CLI built here (scripts/ensure-pulumi.sh) does not, so
# it is installed once from the Go module proxy with `go install` (a `go get` + `go build` in a
# module of ours does not resolve pulumi-yaml's replace directives) and cached outside the repo in
# ${PULUMI_DCR_CACHE:-$HOME/.cache/pulumi-dcr}/yaml-<version>. A `pulumi-language-yaml` already on
# PATH is used as it is.
set -euo pipefail

version="v1.25.0"
root="${PULUMI_DCR_CACHE:-$HOME/.cache/pulumi-dcr}"
dir="$root/yaml-$version"
binary="pulumi-language-yaml"

log() { printf 'ensure-yaml: %s\n' "$*" >&2; }

if existing="$(command -v "$binary" 2>/dev/null)" && [ "${PULUMI_DCR_FORCE_BUILD:-}" != "1" ]; then
  log "using $binary from PATH ($existing)"
  dirname "$existing"
  exit 0
fi

# shellcheck source=lib/cache-entry.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/cache-entry.sh"
reuse_or_lock "$dir" '[ -x "$dir/$binary" ]' "$dir" "$binary $version from $dir"

command -v go >/dev/null 2>&1 || {
  log "Go is required to build $binary $version here (none on PATH)."
  log "Install Go >= 1.26 (https://go.dev/dl) or install the Pulumi CLI (it ships $binary), then re-run."
  exit 1
}

log "building $binary $version from the Go module proxy (first run only; a few minutes) ..."
start=$(date +%s)
tmp="$(mktemp -d "$dir.tmp.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
GOBIN="$tmp" GOFLAGS=-mod=mod go install -trimpath -ldflags "-s -w" \
  "github.com/pulumi/pulumi-yaml/cmd/$binary@$version" >&2
[ -x "$tmp/$binary" ] || { log "go install produced no $binary"; exit 1; }
rm -rf "$dir"
mv -T "$tmp" "$dir"
trap - EXIT
log "built $binary $version in $(( $(date +%s) - start ))s into $dir"
printf '%s\n' "$dir"
