#!/bin/bash
# Stand-in for the official influxdb:1.x image (entrypoint.sh + init-influxdb.sh) over Debian's
# InfluxDB 1.6. Contract honoured: INFLUXDB_DB, INFLUXDB_ADMIN_USER, INFLUXDB_ADMIN_PASSWORD,
# INFLUXDB_USER, INFLUXDB_USER_PASSWORD, INFLUXDB_READ_USER(_PASSWORD), INFLUXDB_WRITE_USER(_PASSWORD)
# applied once, on an empty /var/lib/influxdb; INFLUXDB_HTTP_AUTH_ENABLED and any other
# INFLUXDB_<SECTION>_<KEY> are read by influxd itself. /docker-entrypoint-initdb.d/*.{sh,iql} run
# at init. Started as root it owns the data dir and steps down to influxdb (1500, the official
# image's uid); with --user 1500:1500 on a pre-owned dir it needs no capability. influxd is PID 1.
set -Eeuo pipefail

. /usr/local/lib/flux-standin-lib.sh  # die, own, file_env
iql_string() { local s=${1//\\/\\\\}; printf "'%s'" "${s//\'/\\\'}"; }
iql_ident() { local s=${1//\\/\\\\}; printf '"%s"' "${s//\"/\\\"}"; }

if [ "${1:0:1}" = '-' ]; then set -- influxd "$@"; fi
if [ "$1" != influxd ]; then exec "$@"; fi

DATA=/var/lib/influxdb
if [ "$(id -u)" = 0 ]; then
  own influxdb "$DATA"
  exec setpriv --reuid=influxdb --regid=influxdb --clear-groups -- "${BASH_SOURCE[0]}" "$@"
fi
[ -w "$DATA" ] || die "$DATA is not writable by uid $(id -u): pre-own it (1500:1500) or start as root"

init_wanted=
for v in INFLUXDB_DB INFLUXDB_ADMIN_USER INFLUXDB_USER INFLUXDB_READ_USER INFLUXDB_WRITE_USER; do
  if [ -n "${!v:-}" ]; then init_wanted=1; fi
done
if [ ! -f "$DATA/meta/meta.db" ] && [ -n "$init_wanted" ]; then
  auth=${INFLUXDB_HTTP_AUTH_ENABLED:-false}
  if [ "$auth" = true ] && [ -z "${INFLUXDB_ADMIN_USER:-}" ]; then die 'INFLUXDB_HTTP_AUTH_ENABLED=true needs INFLUXDB_ADMIN_USER'; fi
  queries=()
  if [ -n "${INFLUXDB_DB:-}" ]; then queries+=("CREATE DATABASE $(iql_ident "$INFLUXDB_DB")"); fi
  if [ -n "${INFLUXDB_ADMIN_USER:-}" ]; then
    if [ -z "${INFLUXDB_ADMIN_PASSWORD:-}" ]; then
      INFLUXDB_ADMIN_PASSWORD=$(head -c 24 /dev/urandom | base64)
      echo "INFLUXDB_ADMIN_PASSWORD:$INFLUXDB_ADMIN_PASSWORD"
    fi
    queries+=("CREATE USER $(iql_ident "$INFLUXDB_ADMIN_USER") WITH PASSWORD $(iql_string "$INFLUXDB_ADMIN_PASSWORD") WITH ALL PRIVILEGES")
  fi
  for kind in USER:ALL READ_USER:READ WRITE_USER:WRITE; do
    var=INFLUXDB_${kind%%:*} pvar=INFLUXDB_${kind%%:*}_PASSWORD
    if [ -z "${!var:-}" ]; then continue; fi
    [ -n "${!pvar:-}" ] || die "$var needs $pvar"
    queries+=("CREATE USER $(iql_ident "${!var}") WITH PASSWORD $(iql_string "${!pvar}")")
    if [ -n "${INFLUXDB_DB:-}" ]; then queries+=("GRANT ${kind#*:} ON $(iql_ident "$INFLUXDB_DB") TO $(iql_ident "${!var}")"); fi
  done

  # A setup server on 127.0.0.1 only, without auth, so the statements need no credentials.
  INFLUXDB_HTTP_BIND_ADDRESS=127.0.0.1:8086 INFLUXDB_HTTP_AUTH_ENABLED=false INFLUXDB_HTTP_HTTPS_ENABLED=false \
    influxd "${@:2}" &
  pid=$!
  trap 'kill "$pid" 2> /dev/null; wait "$pid"; exit 143' TERM INT # a stop during init stays clean
  for _ in $(seq 60); do
    if influx -host 127.0.0.1 -port 8086 -execute 'SHOW DATABASES' > /dev/null 2>&1; then break; fi
    kill -0 "$pid" 2> /dev/null || die 'the setup server exited'
    sleep 0.5
  done
  # Statements reach the CLI through an import file on a pipe (passwords never in argv).
  influx -host 127.0.0.1 -port 8086 -import -path=<(printf '# DDL\n'; printf '%s\n' "${queries[@]}") > /dev/null
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sh) if [ -x "$f" ]; then "$f"; else . "$f"; fi ;;
      *.iql) influx -host 127.0.0.1 -port 8086 -import -path="$f" ;;
      *) ;;
    esac
  done
  kill "$pid"
  wait "$pid" || true
  trap - TERM INT
  echo 'entrypoint: InfluxDB init process complete; ready for start up.'
fi

exec "$@"
