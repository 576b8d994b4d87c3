#!/bin/bash
# Stand-in for the official postgres image's entrypoint, over Debian's PostgreSQL packages (also used
# by the timescaledb stand-in). Contract honoured: POSTGRES_PASSWORD, POSTGRES_USER, POSTGRES_DB and
# POSTGRES_INITDB_ARGS (each also as *_FILE), POSTGRES_HOST_AUTH_METHOD, POSTGRES_INITDB_WALDIR,
# PGDATA, /docker-entrypoint-initdb.d/*.{sh,sql,sql.gz}; initialisation only on an empty PGDATA.
# Started as root it owns the dirs and steps down to postgres (999); started with --user 999:999 on
# a pre-owned PGDATA it needs no capability. The server is exec'd, so it is PID 1.
set -Eeuo pipefail

. /usr/local/lib/flux-standin-lib.sh  # die, own, file_env

if [ "${1:0:1}" = '-' ]; then set -- postgres "$@"; fi
if [ "$1" != postgres ]; then exec "$@"; fi

export PGDATA=${PGDATA:-/var/lib/postgresql/data}
if [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA"
  if [ "$(stat -c %U "$PGDATA")" = root ]; then chmod 700 "$PGDATA"; fi # as owner: no FOWNER needed
  own postgres "$PGDATA" /run/postgresql
  exec setpriv --reuid=postgres --regid=postgres --clear-groups -- "${BASH_SOURCE[0]}" "$@"
fi

[ -w "$PGDATA" ] || die "$PGDATA is not writable by uid $(id -u): pre-own it (999:999) or start as root"
# The image has no /run/postgresql on purpose: Podman gives a tmpfs over an image dir that dir's mode
# with root as owner, which a --user run cannot write. Without a writable one the socket goes to /tmp.
export PGHOST=/run/postgresql
if ! [ -w /run/postgresql ] && ! mkdir -p /run/postgresql 2> /dev/null; then
  echo 'entrypoint: /run/postgresql is not writable (no tmpfs there?); the unix socket goes to /tmp' >&2
  PGHOST=/tmp
  set -- "$@" -c unix_socket_directories=/tmp
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  file_env POSTGRES_PASSWORD
  file_env POSTGRES_USER postgres
  file_env POSTGRES_DB "$POSTGRES_USER"
  file_env POSTGRES_INITDB_ARGS
  method=${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}
  if [ -z "$POSTGRES_PASSWORD" ] && [ "$method" != trust ]; then
    die "database is uninitialized and superuser password is not specified: set POSTGRES_PASSWORD or POSTGRES_PASSWORD_FILE"
  fi
  chmod 700 "$PGDATA"
  args=(-D "$PGDATA" --username="$POSTGRES_USER" --encoding=UTF8 --auth-local=trust --auth-host="$method")
  if [ -n "${POSTGRES_INITDB_WALDIR:-}" ]; then args+=(--waldir="$POSTGRES_INITDB_WALDIR"); fi
  # The password reaches initdb through a pipe (--pwfile), never through argv.
  # shellcheck disable=SC2086 # POSTGRES_INITDB_ARGS is a list of words, as in the official image
  if [ -n "$POSTGRES_PASSWORD" ]; then
    initdb "${args[@]}" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") $POSTGRES_INITDB_ARGS
  else
    initdb "${args[@]}" $POSTGRES_INITDB_ARGS
  fi
  printf '\nhost all all all %s\n' "$method" >> "$PGDATA/pg_hba.conf"
  printf "\nlisten_addresses = '*'\n" >> "$PGDATA/postgresql.conf"
  timescale=
  if compgen -G '/usr/lib/postgresql/*/lib/timescaledb.so' > /dev/null; then
    timescale=1
    # As the timescale/timescaledb image: preload the library, telemetry per TIMESCALEDB_TELEMETRY.
    printf "shared_preload_libraries = 'timescaledb'\ntimescaledb.telemetry_level = %s\n" "${TIMESCALEDB_TELEMETRY:-off}" >> "$PGDATA/postgresql.conf"
  fi

  # A socket-only server for the setup, so nothing can connect over TCP before it is done.
  pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -c unix_socket_directories=$PGHOST -p 5432" -w start > /dev/null
  trap 'pg_ctl -D "$PGDATA" -m fast -w stop > /dev/null; exit 143' TERM INT # a stop during init stays clean
  psql=(psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc -q)
  if [ "$POSTGRES_DB" != postgres ]; then
    "${psql[@]}" --dbname postgres --set db="$POSTGRES_DB" <<< 'CREATE DATABASE :"db";'
  fi
  if [ -n "$timescale" ]; then
    for db in template1 "$POSTGRES_DB"; do
      "${psql[@]}" --dbname "$db" <<< 'CREATE EXTENSION IF NOT EXISTS timescaledb;'
    done
  fi
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sh) if [ -x "$f" ]; then "$f"; else . "$f"; fi ;;
      *.sql) "${psql[@]}" --dbname "$POSTGRES_DB" -f "$f" ;;
      *.sql.gz) gunzip -c "$f" | "${psql[@]}" --dbname "$POSTGRES_DB" ;;
      *) ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w stop > /dev/null
  trap - TERM INT
  echo 'entrypoint: PostgreSQL init process complete; ready for start up.'
fi

exec "$@"
