#!/usr/bin/env bash
# Builds what a non-JS user installs into .build/artifacts/:
#   pulumi-resource-dcr-v<version>-linux-amd64.tar.gz — the provider plugin (launcher + one-file
#   bundle at the archive root), installable with
#   `pulumi plugin install resource dcr <version> --file <archive>`.
#   nodejs/ — the generated Node.js SDK (sdk/nodejs) compiled, with its package.json: a package
#   directory to `npm install <dir>` (it needs @pulumi/pulumi beside it).
# The bundle is provider/plugin/main.ts and everything it imports, in one CommonJS file for Node 22+.
# The Python wheel and the Go module dir come from scripts/build-sdk-artifacts.sh (`npm run artifacts` runs both).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
export PATH="$repo/node_modules/.bin:$PATH"
version="$(node -p 'require("./package.json").version')"
stage=".build/plugin"
out=".build/artifacts"
rm -rf "$stage"
mkdir -p "$stage" "$out"
esbuild provider/plugin/main.ts --bundle --platform=node --target=node22 --format=cjs \
  --log-level=warning --outfile="$stage/pulumi-resource-dcr.js"
cp scripts/plugin/pulumi-resource-dcr "$stage/pulumi-resource-dcr"
chmod 755 "$stage/pulumi-resource-dcr"
archive="$out/pulumi-resource-dcr-v${version}-linux-amd64.tar.gz"
tar -czf "$archive" -C "$stage" pulumi-resource-dcr pulumi-resource-dcr.js
echo "build-artifacts: $archive ($(wc -c <"$stage/pulumi-resource-dcr.js") bytes of bundle)" >&2
rm -rf "$out/nodejs"
tsc -p sdk/nodejs --outDir "$out/nodejs" --declarationMap false --sourceMap false
cp sdk/nodejs/package.json "$out/nodejs/package.json"
echo "build-artifacts: $out/nodejs (the Node.js SDK)" >&2
