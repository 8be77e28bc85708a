#!/usr/bin/env bash
# Builds pulumi-dcr as it was at a git commit, the way a user gets a release, and prints the path
# of its `npm pack` tarball:
#
#   tarball=$(bash scripts/build-old-package.sh <commit>)
#
# The commit's tree is taken with `git archive` into a temporary directory, compiled there with
# this repo's TypeScript (node_modules is a link to this repo's, so the commit's sources resolve
# their dependencies and types from it) and packed. The tarball is cached outside the repo,
# keyed by the full commit hash: ${PULUMI_DCR_CACHE:-$HOME/.cache/pulumi-dcr}/old-package-<commit>.tgz,
# so only the first run builds it. The commit must be in this clone (a full-history clone).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$repo/node_modules/.bin:$PATH"

log() { printf 'build-old-package: %s\n' "$*" >&2; }

[ $# -eq 1 ] || {
  log "usage: build-old-package.sh <commit>"
  exit 2
}
if ! git -C "$repo" cat-file -e "$1^{commit}" 2>/dev/null; then
  log "commit $1 is not in this clone ($repo): the upgrade test builds the package as it was at that commit."
  log "Fetch the full history (git fetch --unshallow, or clone without --depth), then re-run."
  exit 1
fi
commit="$(git -C "$repo" rev-parse "$1^{commit}")"
cache="${PULUMI_DCR_CACHE:-$HOME/.cache/pulumi-dcr}"
out="$cache/old-package-$commit.tgz"
mkdir -p "$cache"

# Two test files may ask at once: one builds, the other waits and reuses the result.
exec 9>"$out.lock"
flock 9
if [ -s "$out" ]; then
  printf '%s\n' "$out"
  exit 0
fi

log "building pulumi-dcr at ${commit:0:12} (first run only) ..."
tmp="$(mktemp -d "${TMPDIR:-/tmp}/dcr-old-package.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/src" "$tmp/pack"
git -C "$repo" archive --format=tar "$commit" | tar -x -C "$tmp/src"
ln -s "$repo/node_modules" "$tmp/src/node_modules"
(
  cd "$tmp/src"
  tsc -p tsconfig.json
  npm pack --silent --pack-destination "$tmp/pack" >/dev/null
) >&2
packed=("$tmp"/pack/*.tgz)
[ "${#packed[@]}" -eq 1 ] && [ -s "${packed[0]}" ] || {
  log "npm pack produced no single tarball in $tmp/pack"
  exit 1
}
tar -tzf "${packed[0]}" | grep -x 'package/dist/provider/index.js' >/dev/null || {
  log "the tarball built at ${commit:0:12} has no dist/provider/index.js"
  exit 1
}
mv "${packed[0]}" "$out.tmp.$$"
mv "$out.tmp.$$" "$out"
log "packed $(basename "${packed[0]}") at ${commit:0:12} into $out"
printf '%s\n' "$out"
