#!/usr/bin/env bash
# Installs the built package the way a user's program gets it — a real directory in
# node_modules, from the `npm pack` tarball — into .build/node_modules, so everything compiled
# under .build (tests, the demo program, engine work dirs) requires "pulumi-dcr" from there. (A symlinked install would make Pulumi serialize our
# provider by value instead of as require("pulumi-dcr/..."): Pulumi copies a module it finds
# through a symlink into state, and only requires one it finds as a real installed package.)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
out=".build/node_modules"
mkdir -p "$out" .build/pack
rm -rf "$out/pulumi-dcr" .build/pack/*.tgz
tarball="$(npm pack --silent --pack-destination .build/pack 2>/dev/null | tail -n 1)"
mkdir -p "$out/pulumi-dcr"
tar -xzf ".build/pack/$tarball" -C "$out/pulumi-dcr" --strip-components=1
# Runtime dependencies resolve upwards to the repo's node_modules; the dynamic-provider plugin
# looks for @pulumi/pulumi directly under <project>/node_modules, so link that scope.
ln -sfn "$repo/node_modules/@pulumi" "$out/@pulumi"
echo "prepare-e2e: installed $tarball into $out" >&2
