#!/bin/bash
# Stand-in for the official clickhouse-server image's entrypoint over Debian's ClickHouse 18.16.
# Contract honoured: CLICKHOUSE_USER (default "default"), CLICKHOUSE_PASSWORD (also *_FILE),
# CLICKHOUSE_DB, CLICKHOUSE_SKIP_USER_SETUP, CLICKHOUSE_DO_NOT_CHOWN, CLICKHOUSE_RUN_AS_ROOT,
# CLICKHOUSE_CONFIG; arguments starting with -- go to the server. As in the official image the user
# file users.d/default-user.xml is rewritten at every start (so with --read-only, users.d needs a
# tmpfs); with no user or password given, "default" is limited to localhost. The password is stored
# as its SHA-256, never in argv. CLICKHOUSE_DEFAULT_ACCESS_MANAGEMENT has no effect: 18.x has no SQL
# user management. Started as root it owns the dirs and steps down to clickhouse (101); with
# --user 101:101 on a pre-owned data dir it needs no capability. The server is exec'd (PID 1).
set -Eeuo pipefail

. /usr/local/lib/flux-standin-lib.sh  # die, own, file_env

CONFIG=${CLICKHOUSE_CONFIG:-/etc/clickhouse-server/config.xml}
if [ $# -eq 0 ] || [ "${1:0:2}" = '--' ]; then set -- clickhouse-server --config-file="$CONFIG" "$@"; fi
if [ "$1" != clickhouse-server ]; then exec "$@"; fi

DATA=/var/lib/clickhouse
USERS_D=/etc/clickhouse-server/users.d
if [ "$(id -u)" = 0 ] && [ -z "${CLICKHOUSE_RUN_AS_ROOT:-}" ]; then
  if [ -z "${CLICKHOUSE_DO_NOT_CHOWN:-}" ]; then own clickhouse "$DATA" "$USERS_D"; fi
  exec setpriv --reuid=clickhouse --regid=clickhouse --clear-groups -- "${BASH_SOURCE[0]}" "$@"
fi
[ -w "$DATA" ] || die "$DATA is not writable by uid $(id -u): pre-own it (101:101) or start as root"

password=${CLICKHOUSE_PASSWORD:-}
if [ -n "${CLICKHOUSE_PASSWORD_FILE:-}" ]; then
  [ -z "$password" ] || die 'both CLICKHOUSE_PASSWORD and CLICKHOUSE_PASSWORD_FILE are set'
  password=$(< "$CLICKHOUSE_PASSWORD_FILE")
fi
unset CLICKHOUSE_PASSWORD CLICKHOUSE_PASSWORD_FILE
user=${CLICKHOUSE_USER:-default}
[[ "$user" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "CLICKHOUSE_USER must be a plain name (letters, digits, _)"

if [ -z "${CLICKHOUSE_SKIP_USER_SETUP:-}" ]; then
  [ -w "$USERS_D" ] || die "$USERS_D is not writable (with --read-only give it a tmpfs, or set CLICKHOUSE_SKIP_USER_SETUP=1)"
  if [ -n "${CLICKHOUSE_USER:-}" ] || [ -n "$password" ]; then
    hash=$(printf '%s' "$password" | sha256sum | cut -d' ' -f1)
    # Replace the package's open "default" user by the requested one, reachable from anywhere.
    cat > "$USERS_D/default-user.xml.tmp" << EOF
<yandex>
  <users>
    <default remove="remove"/>
    <$user>
      <password_sha256_hex>$hash</password_sha256_hex>
      <networks><ip>::/0</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </$user>
  </users>
</yandex>
EOF
  else
    echo 'entrypoint: no CLICKHOUSE_USER or CLICKHOUSE_PASSWORD: user "default" (no password) is limited to localhost' >&2
    cat > "$USERS_D/default-user.xml.tmp" << 'EOF'
<yandex>
  <users>
    <default>
      <networks replace="replace"><ip>::1</ip><ip>127.0.0.1</ip></networks>
    </default>
  </users>
</yandex>
EOF
  fi
  mv -f "$USERS_D/default-user.xml.tmp" "$USERS_D/default-user.xml"
fi

db=${CLICKHOUSE_DB:-}
if [ -n "$db" ] && [ ! -e "$DATA/metadata/$db.sql" ]; then
  [[ "$db" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "CLICKHOUSE_DB must be a plain name (letters, digits, _)"
  # A setup server on the container's loopback only (as the official image's) and on ports nobody
  # publishes, so no client reaches it before it is done, TLS ports included; the client reads its
  # credentials from a private file.
  "$@" -- --listen_host=127.0.0.1 --http_port=18123 --tcp_port=19000 --interserver_http_port=19009 &
  pid=$!
  trap 'kill "$pid" 2> /dev/null; wait "$pid"; exit 143' TERM INT
  client_dir=$(mktemp -d /tmp/clickhouse-client.XXXXXX) || die '/tmp is not writable (give it a tmpfs)'
  # XML-escaped; the replacements are quoted because bash 5.2 expands a bare & to the match.
  esc=${password//&/'&amp;'}
  esc=${esc//</'&lt;'}
  printf '<config><user>%s</user><password>%s</password></config>\n' "$user" "${esc//>/'&gt;'}" > "$client_dir/client.xml"
  client=(clickhouse-client --config-file="$client_dir/client.xml" --host=127.0.0.1 --port=19000)
  for _ in $(seq 120); do
    if "${client[@]}" --query='SELECT 1' > /dev/null 2>&1; then break; fi
    kill -0 "$pid" 2> /dev/null || die 'the setup server exited'
    sleep 0.5
  done
  "${client[@]}" --query="CREATE DATABASE IF NOT EXISTS $db"
  rm -rf "$client_dir"
  kill "$pid"
  wait "$pid" || true
  trap - TERM INT
fi

exec "$@"
