#!/bin/bash
# Stand-in entrypoint for the redis, valkey/valkey and eqalpha/keydb images over Debian's redis-server
# or valkey-server (KeyDB is Redis behind keydb-server/keydb-cli names). As in those images: data in
# /data, an optional config file as first argument, options after it; VALKEY_EXTRA_FLAGS is appended
# for Valkey. REDIS_PASSWORD or REDIS_PASSWORD_FILE (newer redis images) set requirepass through a
# generated config file in /tmp, never argv. Debian builds keep protected mode on; the official images
# compile it off, so without a config file --protected-mode no is passed. Started as root it owns /data
# and steps down to the service user (999); with --user 999:999 it needs no capability. The server is
# exec'd (PID 1).
set -Eeuo pipefail

. /usr/local/lib/flux-standin-lib.sh  # die, own, file_env

server=
for s in valkey-server keydb-server redis-server; do
  if command -v "$s" > /dev/null; then server=$s; break; fi
done
if [ $# -eq 0 ] || [ "${1:0:1}" = '-' ] || [ "${1%.conf}" != "$1" ]; then set -- "$server" "$@"; fi
case "$1" in redis-server | valkey-server | keydb-server) ;; *) exec "$@" ;; esac
account=${server%-server}

if [ "$(id -u)" = 0 ]; then
  own "$account" /data
  exec setpriv --reuid="$account" --regid="$account" --clear-groups -- "${BASH_SOURCE[0]}" "$@"
fi
cd /data
[ -w /data ] || die "/data is not writable by uid $(id -u): pre-own it (999:999) or start as root"

bin=$1
shift
conf=
if [ $# -gt 0 ] && [ "${1:0:1}" != '-' ]; then conf=$1; shift; fi
extra=()
if [ -z "$conf" ]; then extra+=(--protected-mode no); fi

password=${REDIS_PASSWORD:-}
if [ -n "${REDIS_PASSWORD_FILE:-}" ]; then
  [ -z "$password" ] || die 'both REDIS_PASSWORD and REDIS_PASSWORD_FILE are set'
  password=$(< "$REDIS_PASSWORD_FILE")
fi
unset REDIS_PASSWORD REDIS_PASSWORD_FILE
if [ -n "$password" ]; then
  # A config that includes the given one and adds requirepass (quoted: \ and " escaped).
  dir=$(mktemp -d /tmp/redis-conf.XXXXXX) || die '/tmp is not writable (give it a tmpfs)'
  esc=${password//\\/\\\\}
  {
    if [ -n "$conf" ]; then printf 'include "%s"\n' "$conf"; fi
    printf 'requirepass "%s"\n' "${esc//\"/\\\"}"
  } > "$dir/redis.conf"
  chmod 600 "$dir/redis.conf"
  conf=$dir/redis.conf
fi

# shellcheck disable=SC2086 # VALKEY_EXTRA_FLAGS is a list of words, as in the valkey image
if [ "$account" = valkey ]; then set -- "$@" ${VALKEY_EXTRA_FLAGS:-}; fi
exec "$bin" ${conf:+"$conf"} ${extra[@]+"${extra[@]}"} "$@"
