#!/usr/bin/env bash
# `npm test`: prepares what the tests need, then runs all three tiers (unit, api, podman).
# As root on a fresh Debian machine it installs the system packages, lets the module's own Podman
# install job set Podman up (packages, containers.conf fixes for this host, API service), and
# builds the stand-in engine images (cached by recipe hash). Without root it checks and runs.
# Podman is required: the podman tier fails, never skips, when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  # debootstrap: image kit; postgresql: the store tests' real server; a JRE: H2's own client;
  # docker-registry + apache2-utils (htpasswd): the real registry the image-pull tests pull from.
  packages=(debootstrap postgresql default-jre-headless ca-certificates docker-registry apache2-utils)
  # The stock clients each connection string is checked with (test/podman/stock-clients.test.ts).
  packages+=(postgresql-client mariadb-client redis-tools clickhouse-client influxdb-client libh2-java)
  # Debian's Chromium: the UI's end-to-end tests drive it with playwright-core (no browser download here).
  packages+=(chromium)
  # prometheus (and its promtool): scrapes GET /metrics in the monitoring tests.
  packages+=(prometheus)
  missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "[test] installing ${missing[*]}" >&2
    apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

echo "[test] podman setup (the module's install job)" >&2
npx tsx host/podman-setup.ts >&2
echo "[test] stand-in images" >&2
npx tsx src/images/cli.ts build >/dev/null
# The UI the host serves and the e2e tests drive; a build of the same sources is copied from the cache.
echo "[test] web UI" >&2
npx tsx host/ui-build.ts
exec npx vitest run "$@"
