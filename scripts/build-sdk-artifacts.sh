#!/usr/bin/env bash
# Builds the SDK artifacts a Python or Go user installs into .build/artifacts/ (beside the plugin
# archive of scripts/build-artifacts.sh):
#   pulumi_dcr-<version>-py3-none-any.whl  the generated Python SDK (sdk/python), built with the
#                                          pinned setuptools of scripts/ensure-python.sh's venv;
#   go/                                    the generated Go SDK's module directory (sdk/go), for a
#                                          `replace github.com/pulumi-dcr/pulumi-dcr/sdk/go => <dir>`.
# Prints nothing on stdout; $DCR_PYTHON, when set, is the venv's python.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
out=".build/artifacts"
python="${DCR_PYTHON:-$(bash scripts/ensure-python.sh)}"
mkdir -p "$out"
stage="$(mktemp -d "$out/.sdk.XXXXXX")"
trap 'rm -rf "$stage"' EXIT
# The build works on a copy: setuptools writes build/ and *.egg-info beside the sources.
cp -r sdk/python "$stage/python"
"$python" -m pip wheel -q --disable-pip-version-check --no-deps --no-build-isolation --no-index \
  -w "$stage/wheel" "$stage/python" >&2
wheel="$(cd "$stage/wheel" && ls pulumi_dcr-*-py3-none-any.whl)"
mv -f "$stage/wheel/$wheel" "$out/$wheel"
rm -rf "$out/go"
cp -r sdk/go "$out/go"
echo "build-sdk-artifacts: $out/$wheel, $out/go" >&2
