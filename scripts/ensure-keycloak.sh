#!/usr/bin/env bash
# Makes a Keycloak server (the Quarkus distribution) available for the tests and prints two lines:
#
#   1. KEYCLOAK_HOME       the unpacked distribution (bin/kc.sh), ready to `start-dev --db=dev-mem`
#   2. KEYCLOAK_JAVA_HOME  a JDK >= 21 to run it with
#
#   out="$(bash scripts/ensure-keycloak.sh)"
#   KEYCLOAK_HOME="$(sed -n 1p <<<"$out")"; KEYCLOAK_JAVA_HOME="$(sed -n 2p <<<"$out")"
#
# The version is pinned in test/support/keycloak-version (the TypeScript harness reads it too).
# The distribution is fetched once with Maven (org.keycloak:keycloak-quarkus-dist:<version>:zip)
# and cached outside the repo in ${PULUMI_DCR_CACHE:-$HOME/.cache/pulumi-dcr}/keycloak-<version>.
# Before it is moved into place, one warm-up `start-dev --db=dev-mem` runs Keycloak's one-off
# build step (Quarkus re-augmentation, which rewrites lib/quarkus): afterwards every start with
# the same build options skips it, writes nothing into the distribution, and any number of
# instances can start from it at once. The JDK: $JAVA_HOME when it is >= 21, otherwise the newest
# JDK under /usr/lib/jvm or on PATH. When Maven or such a JDK is missing and we may (root with
# apt-get), the Debian package is installed; otherwise the script says what to install.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version="$(tr -d '[:space:]' <"$repo/test/support/keycloak-version")"
root="${PULUMI_DCR_CACHE:-$HOME/.cache/pulumi-dcr}"
home="$root/keycloak-$version"
min_java=21
ready_marker=".pulumi-dcr-ready"

log() { printf 'ensure-keycloak: %s\n' "$*" >&2; }

java_major() { # $1 = a java binary → its feature version (8 for 1.8), empty when it does not run
  local spec
  spec="$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n 1)"
  case "$spec" in 1.*) spec="${spec#1.}" ;; esac
  printf '%s\n' "${spec%%.*}"
}

find_jdk() { # prints a JDK home whose java is >= $min_java
  local candidate major best="" best_major=0
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    major="$(java_major "$JAVA_HOME/bin/java")"
    if [ "${major:-0}" -ge "$min_java" ]; then printf '%s\n' "$JAVA_HOME"; return 0; fi
    log "JAVA_HOME=$JAVA_HOME is Java ${major:-unknown}; Keycloak $version needs >= $min_java, looking further"
  fi
  for candidate in /usr/lib/jvm/*/bin/java "$(command -v java 2>/dev/null || true)"; do
    [ -n "$candidate" ] && [ -x "$candidate" ] || continue
    candidate="$(readlink -f "$candidate")"
    major="$(java_major "$candidate")"
    if [ "${major:-0}" -gt "$best_major" ]; then best_major="$major"; best="$(dirname "$(dirname "$candidate")")"; fi
  done
  [ "$best_major" -ge "$min_java" ] || return 1
  printf '%s\n' "$best"
}

can_apt() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }

apt_install() { # $@ = Debian packages to try, first one the archive has wins; false when none could be installed
  local package
  can_apt || return 1
  apt-get update -qq >&2 || true
  for package in "$@"; do
    if apt-cache show "$package" >/dev/null 2>&1; then
      log "installing $package (Debian package)"
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$package" >&2 && return 0
    fi
  done
  return 1
}

if ! jdk="$(find_jdk)" && ! { apt_install openjdk-25-jdk-headless openjdk-21-jdk-headless && jdk="$(find_jdk)"; }; then
  log "no JDK >= $min_java found (checked \$JAVA_HOME, /usr/lib/jvm/*, java on PATH); Keycloak $version needs one."
  log "Install one (e.g. openjdk-21-jdk-headless, or a Temurin JDK) or set JAVA_HOME to it, then re-run."
  exit 1
fi

print_result() { printf '%s\n%s\n' "$home" "$jdk"; }

# shellcheck source=lib/cache-entry.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/cache-entry.sh"
reuse_or_lock "$home" '[ -f "$home/$ready_marker" ]' "$home"$'\n'"$jdk" "Keycloak $version from $home (java: $jdk)"

command -v mvn >/dev/null 2>&1 || { apt_install maven && command -v mvn >/dev/null 2>&1; } || {
  log "Maven (mvn) is required to fetch Keycloak $version (org.keycloak:keycloak-quarkus-dist:$version:zip) for the tests."
  log "Install it (e.g. apt-get install maven) and re-run; or unpack keycloak-$version yourself into $home, start"
  log "bin/kc.sh start-dev --db=dev-mem there once (the one-off build step), stop it and create $home/$ready_marker."
  exit 1
}

start=$(date +%s)
tmp="$(mktemp -d "$home.tmp.XXXXXX")"
warmup_pid=""
cleanup() {
  if [ -n "$warmup_pid" ]; then kill -TERM -- "-$warmup_pid" 2>/dev/null || true; wait "$warmup_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

log "fetching Keycloak $version with Maven (first run only) ..."
mvn -B -q dependency:copy "-Dartifact=org.keycloak:keycloak-quarkus-dist:$version:zip" "-DoutputDirectory=$tmp/zip" >"$tmp/mvn.log" 2>&1 || {
  cat "$tmp/mvn.log" >&2
  log "Maven could not fetch org.keycloak:keycloak-quarkus-dist:$version:zip (its output is above; check its repository settings in ~/.m2/settings.xml)"
  exit 1
}
zip="$tmp/zip/keycloak-quarkus-dist-$version.zip"
if command -v unzip >/dev/null 2>&1; then
  unzip -q "$zip" -d "$tmp/unpacked"
else
  mkdir -p "$tmp/unpacked" && (cd "$tmp/unpacked" && "$jdk/bin/jar" xf "$zip") && chmod +x "$tmp/unpacked/keycloak-$version/bin/"*.sh
fi
rm -rf "$tmp/zip"
dist="$tmp/unpacked/keycloak-$version"
[ -x "$dist/bin/kc.sh" ] || { log "the downloaded archive has no keycloak-$version/bin/kc.sh"; exit 1; }

# Warm-up: the first start re-augments (build options dev profile + dev-mem); the harness in
# test/support/keycloak-process.ts starts with exactly these build options, so it never does.
log "warm-up start of Keycloak $version (one-off build step, about a minute) ..."
JAVA_HOME="$jdk" JAVA_OPTS_KC_HEAP=-Xmx512m setsid "$dist/bin/kc.sh" start-dev --db=dev-mem --http-host=127.0.0.1 --http-port=0 \
  "-Dquarkus.transaction-manager.object-store.directory=$tmp/tx" >"$tmp/warmup.log" 2>&1 &
warmup_pid=$!
deadline=$(( $(date +%s) + 600 ))
until grep -q 'Listening on: http' "$tmp/warmup.log"; do
  if ! kill -0 "$warmup_pid" 2>/dev/null || [ "$(date +%s)" -gt "$deadline" ]; then
    log "the warm-up start failed; its log ends with:"
    tail -n 30 "$tmp/warmup.log" >&2
    exit 1
  fi
  sleep 1
done
kill -TERM -- "-$warmup_pid" 2>/dev/null || true
wait "$warmup_pid" 2>/dev/null || true
warmup_pid=""
rm -rf "$dist/data"
touch "$dist/$ready_marker"
rm -rf "$home"
mv -T "$dist" "$home"
log "prepared Keycloak $version in $(( $(date +%s) - start ))s into $home (java: $jdk)"
print_result
