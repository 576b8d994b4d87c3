#!/bin/bash
# Stand-in for the official mariadb image's entrypoint over Debian's MariaDB packages; the mysql
# stand-in uses it too (MySQL clients speak to MariaDB; the mysql image's MYSQL_* names are read).
# Contract honoured: MARIADB_ROOT_PASSWORD, MARIADB_ALLOW_EMPTY_ROOT_PASSWORD, MARIADB_RANDOM_ROOT_PASSWORD,
# MARIADB_ROOT_HOST, MARIADB_DATABASE, MARIADB_USER, MARIADB_PASSWORD (MYSQL_* names as fallbacks,
# including MYSQL_ALLOW_EMPTY_PASSWORD; *_FILE variants), /docker-entrypoint-initdb.d/*.{sh,sql,sql.gz};
# initialisation only on an empty /var/lib/mysql. Started as root it owns the dirs and steps down to
# mysql (999); started with --user 999:999 on a pre-owned data dir it needs no capability. The server
# is exec'd (PID 1). Passwords travel in SQL on stdin, never in argv.
set -Eeuo pipefail

. /usr/local/lib/flux-standin-lib.sh  # die, own, file_env

# env_value NAME [default]: MARIADB_NAME, else MYSQL_NAME, else the default.
env_value() {
  file_env "MARIADB_$1"
  file_env "MYSQL_$1"
  local m="MARIADB_$1" y="MYSQL_$1"
  printf '%s' "${!m:-${!y:-${2:-}}}"
}

sql_string() { local s=${1//\\/\\\\}; printf "'%s'" "${s//\'/\\\'}"; }
sql_ident() { printf '`%s`' "${1//\`/\`\`}"; }

if [ "${1:0:1}" = '-' ]; then set -- mariadbd "$@"; fi
case "$1" in mariadbd | mysqld) ;; *) exec "$@" ;; esac

DATADIR=/var/lib/mysql
SOCKET=/run/mysqld/mysqld.sock
if [ "$(id -u)" = 0 ]; then
  own mysql "$DATADIR" /run/mysqld
  exec setpriv --reuid=mysql --regid=mysql --clear-groups -- "${BASH_SOURCE[0]}" "$@"
fi
[ -w "$DATADIR" ] || die "$DATADIR is not writable by uid $(id -u): pre-own it (999:999) or start as root"
# The image has no /run/mysqld on purpose: Podman gives a tmpfs over an image dir that dir's mode with
# root as owner, which a --user run cannot write. Without a writable one the socket goes to /tmp.
if ! [ -w /run/mysqld ] && ! mkdir -p /run/mysqld 2> /dev/null; then
  echo 'entrypoint: /run/mysqld is not writable (no tmpfs there?); the unix socket goes to /tmp' >&2
  SOCKET=/tmp/mysqld.sock
  set -- "$@" --socket="$SOCKET"
fi

if [ ! -d "$DATADIR/mysql" ]; then
  root_password=$(env_value ROOT_PASSWORD)
  allow_empty=$(env_value ALLOW_EMPTY_ROOT_PASSWORD "${MYSQL_ALLOW_EMPTY_PASSWORD:-}")
  random=$(env_value RANDOM_ROOT_PASSWORD)
  root_host=$(env_value ROOT_HOST %)
  database=$(env_value DATABASE)
  user=$(env_value USER)
  password=$(env_value PASSWORD)
  if [ -z "$root_password" ] && [ -z "$allow_empty" ] && [ -z "$random" ]; then
    die 'database is uninitialized and password option is not specified: set MARIADB_ROOT_PASSWORD (or MYSQL_ROOT_PASSWORD, a *_FILE, ALLOW_EMPTY or RANDOM)'
  fi
  if [ -n "$random" ]; then
    root_password=$(head -c 24 /dev/urandom | base64)
    echo "GENERATED ROOT PASSWORD: $root_password"
  fi
  if [ "$user" = root ]; then die 'MARIADB_USER/MYSQL_USER="root" is the root user already; set only the root password'; fi

  echo 'entrypoint: initializing database files'
  mariadb-install-db --datadir="$DATADIR" --rpm --auth-root-authentication-method=normal --skip-test-db \
    --default-time-zone=SYSTEM --enforce-storage-engine= --skip-log-bin --expire-logs-days=0 \
    --loose-innodb_buffer_pool_load_at_startup=0 --loose-innodb_buffer_pool_dump_at_shutdown=0 "${@:2}" > /dev/null

  # A socket-only server for the setup, so nothing can connect over TCP before it is done. Without
  # TLS, as the official image's: a configured certificate (and require_secure_transport) is for the
  # real server, and 11.4+ clients would otherwise try to verify it over the socket.
  mariadbd --skip-networking --socket="$SOCKET" --default-time-zone=SYSTEM --skip-log-bin --expire-logs-days=0 \
    --loose-innodb_buffer_pool_load_at_startup=0 "${@:2}" --skip-ssl --ssl-cert='' --ssl-key='' --ssl-ca='' &
  pid=$!
  trap 'kill "$pid" 2> /dev/null; wait "$pid"; exit 143' TERM INT # a stop during init stays clean
  client=(mariadb --no-defaults --protocol=socket --socket="$SOCKET" -uroot --batch --skip-ssl --skip-ssl-verify-server-cert)
  for _ in $(seq 60); do
    if "${client[@]}" <<< 'SELECT 1' > /dev/null 2>&1; then break; fi
    kill -0 "$pid" 2> /dev/null || die 'the setup server exited'
    sleep 0.5
  done

  {
    echo 'SET @@SESSION.SQL_LOG_BIN=0;'
    echo "SET @@SESSION.SQL_MODE=REPLACE(@@SESSION.SQL_MODE, 'NO_BACKSLASH_ESCAPES', '');"
    # Keep only root@localhost and the system accounts, as the official image does.
    echo "DELETE FROM mysql.global_priv WHERE user NOT IN ('mysql.sys', 'mariadb.sys', 'root') OR host NOT IN ('localhost');"
    echo 'FLUSH PRIVILEGES;'
    if [ -n "$database" ]; then echo "CREATE DATABASE IF NOT EXISTS $(sql_ident "$database");"; fi
    if [ -n "$user" ] && [ -n "$password" ]; then
      echo "CREATE USER $(sql_string "$user")@'%' IDENTIFIED BY $(sql_string "$password");"
      if [ -n "$database" ]; then echo "GRANT ALL ON $(sql_ident "$database").* TO $(sql_string "$user")@'%';"; fi
    fi
  } | "${client[@]}"

  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sh) if [ -x "$f" ]; then "$f"; else . "$f"; fi ;;
      *.sql) "${client[@]}" ${database:+--database="$database"} < "$f" ;;
      *.sql.gz) gunzip -c "$f" | "${client[@]}" ${database:+--database="$database"} ;;
      *) ;;
    esac
  done

  # Root's password last: until here the setup client logs in over the socket without one.
  {
    echo 'SET @@SESSION.SQL_LOG_BIN=0;'
    echo "SET @@SESSION.SQL_MODE=REPLACE(@@SESSION.SQL_MODE, 'NO_BACKSLASH_ESCAPES', '');"
    if [ "$root_host" != localhost ]; then
      echo "CREATE USER 'root'@$(sql_string "$root_host") IDENTIFIED BY $(sql_string "$root_password");"
      echo "GRANT ALL ON *.* TO 'root'@$(sql_string "$root_host") WITH GRANT OPTION;"
      echo "GRANT PROXY ON ''@'%' TO 'root'@$(sql_string "$root_host") WITH GRANT OPTION;"
    fi
    echo "ALTER USER 'root'@'localhost' IDENTIFIED BY $(sql_string "$root_password");"
  } | "${client[@]}"

  kill "$pid"
  wait "$pid"
  trap - TERM INT
  echo 'entrypoint: MariaDB init process done; ready for start up.'
fi

exec "$@"
