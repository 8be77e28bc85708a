# Sourced by scripts/ensure-*.sh. A cache entry (a directory under
# ${PULUMI_DCR_CACHE:-$HOME/.cache/pulumi-dcr}) is reused once it is ready; two concurrent first
# runs build it once: the second waits on the entry's lock (flock, where available) and then finds
# it ready.
#
#   reuse_or_lock <entry> <ready test> <answer> <what>
#
# When the ready test (a shell command, evaluated) succeeds — before taking the lock, or after
# waiting for it — prints <answer>, logs "using cached <what>" (the caller's `log`) and exits 0.
# Otherwise returns holding the lock until the script exits, for the caller to build the entry.
reuse_or_lock() {
  local entry="$1" ready="$2" answer="$3" what="$4"
  if eval "$ready"; then
    log "using cached $what"
    printf '%s\n' "$answer"
    exit 0
  fi
  mkdir -p "$(dirname "$entry")"
  command -v flock >/dev/null 2>&1 || return 0
  exec 9>"$entry.lock"
  flock 9
  if eval "$ready"; then
    log "using cached $what (prepared by a concurrent run)"
    printf '%s\n' "$answer"
    exit 0
  fi
}
