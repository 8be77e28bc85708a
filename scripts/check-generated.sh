#!/usr/bin/env bash
# Fails when the committed schema or SDKs are not what the generators make of the current sources
# (someone changed an argument, an output or a comment without `npm run gen`). Generates into a
# temporary directory and compares, file by file, with the files git tracks under
# provider/plugin/schema.json and sdk/ (content as in the working tree).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$tmp/sdk/go"
cp sdk/go/go.mod sdk/go/go.sum "$tmp/sdk/go/"
bash scripts/gen-sdk.sh "$tmp" 2>"$tmp.log" || { cat "$tmp.log" >&2; rm -f "$tmp.log"; exit 1; }
rm -f "$tmp.log"

generated="$(cd "$tmp" && find provider sdk -type f | LC_ALL=C sort)"
tracked="$(git ls-files provider/plugin/schema.json sdk | LC_ALL=C sort)"
stale=()
while IFS= read -r f; do
  [ -n "$f" ] || continue
  if [ ! -f "$f" ]; then stale+=("$f (generated, missing)")
  elif ! git ls-files --error-unmatch "$f" >/dev/null 2>&1; then stale+=("$f (generated, not tracked by git)")
  elif ! cmp -s "$tmp/$f" "$f"; then stale+=("$f (differs)")
  fi
done <<<"$generated"
while IFS= read -r f; do
  [ -n "$f" ] || continue
  [ -f "$tmp/$f" ] || stale+=("$f (tracked, no longer generated)")
done <<<"$tracked"

if [ "${#stale[@]}" -gt 0 ]; then
  echo "check-generated: the committed schema/SDKs are stale; run \`npm run gen\` and commit:" >&2
  printf '  %s\n' "${stale[@]}" >&2
  exit 1
fi
echo "check-generated: provider/plugin/schema.json and sdk/ match their generators ($(wc -l <<<"$generated") files)"
