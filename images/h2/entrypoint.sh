#!/bin/bash
# Stand-in for the community oscarfonts/h2 image over Debian's libh2-java and the default JRE.
# As that image: H2 TCP server on 1521, databases under /opt/h2-data, H2_OPTIONS appended to the server
# arguments (default here: -ifNotExists). Added: the PostgreSQL-protocol server on 5435 (as the image's
# docs suggest through H2_OPTIONS), so non-JVM clients can connect. Not started: the web console (port
# 81 needs NET_BIND_SERVICE; add "-web -webAllowOthers -webPort 8082" to H2_OPTIONS to get it).
# Auth: H2 has no server-level users. Each database is a file; the connection that creates it (allowed
# remotely only with -ifNotExists) makes its user name and password the database's admin, and later
# connections must use them. Anyone reaching the ports can create new databases: publish them only
# on 127.0.0.1 or an internal network. Started as root it owns the data dir and steps down to h2
# (1000); with --user 1000:1000 on a pre-owned dir it needs no capability. java is exec'd (PID 1).
# JAVA_TOOL_OPTIONS (e.g. -Xmx256m) is read by the JVM.
set -Eeuo pipefail

. /usr/local/lib/flux-standin-lib.sh  # die, own, file_env

if [ $# -eq 0 ] || [ "${1:0:1}" = '-' ]; then
  set -- java -XX:-UsePerfData -cp /usr/share/java/h2.jar org.h2.tools.Server \
    -tcp -tcpAllowOthers -tcpPort 1521 -pg -pgAllowOthers -pgPort 5435 -baseDir /opt/h2-data "$@"
fi
if [ "$1" != java ]; then exec "$@"; fi

DATA=/opt/h2-data
if [ "$(id -u)" = 0 ]; then
  own h2 "$DATA"
  exec setpriv --reuid=h2 --regid=h2 --clear-groups -- "${BASH_SOURCE[0]}" "$@"
fi
[ -w "$DATA" ] || die "$DATA is not writable by uid $(id -u): pre-own it (1000:1000) or start as root"
cd "$DATA"
export HOME=$DATA

# shellcheck disable=SC2086 # H2_OPTIONS is a list of words, as in the oscarfonts image
exec "$@" ${H2_OPTIONS:-}
