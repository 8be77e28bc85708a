#!/usr/bin/env bash
# Prints the path of a Prometheus Pushgateway binary for the metrics tests, installing
# Debian's prometheus-pushgateway package when it is missing and we may (root with apt-get).
set -euo pipefail
find_bin() { command -v prometheus-pushgateway 2>/dev/null || { [ -x /usr/bin/prometheus-pushgateway ] && echo /usr/bin/prometheus-pushgateway; }; }
if bin="$(find_bin)"; then echo "$bin"; exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-pushgateway: installing prometheus-pushgateway (Debian package)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends prometheus-pushgateway >&2
  # The package starts a system service on :9091; tests start their own on port 0.
  (systemctl stop prometheus-pushgateway || service prometheus-pushgateway stop || pkill -f '^/usr/bin/prometheus-pushgateway') >/dev/null 2>&1 || true
  if bin="$(find_bin)"; then echo "$bin"; exit 0; fi
fi
echo "ensure-pushgateway: prometheus-pushgateway is required for the metrics tests (apt-get install prometheus-pushgateway)" >&2
exit 1
