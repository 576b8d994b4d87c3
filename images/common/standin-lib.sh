# Shared by every stand-in entrypoint (sourced; the builder installs it as
# /usr/local/lib/flux-standin-lib.sh and the recipe hash covers it).

die() { echo "entrypoint: $*" >&2; exit 1; }

# own USER DIR...: hand the dirs to USER when their top is not USER's yet. A restart on an owned dir
# then needs no capability beyond SETUID/SETGID (no DAC_OVERRIDE to search a 0700 dir).
own() {
  local u=$1 d
  shift
  for d in "$@"; do
    mkdir -p "$d"
    # A sticky world-writable dir (a tmpfs for sockets) is usable as it is.
    if [ "$(stat -c %U "$d")" = "$u" ] || [ "$(stat -c %a "$d")" = 1777 ]; then continue; fi
    chown -R "$u:$u" "$d" || die "cannot hand $d to $u: add capabilities CHOWN, SETUID, SETGID, or run with --user $(id -u "$u"):$(id -g "$u") on a pre-owned dir"
  done
}

# file_env VAR [default]: VAR from the environment, or the contents of the file named by VAR_FILE.
file_env() {
  local var=$1 fvar="${1}_FILE" def=${2:-}
  local val=${!var:-} fval=${!fvar:-}
  if [ -n "$val" ] && [ -n "$fval" ]; then die "both $var and $fvar are set"; fi
  if [ -n "$fval" ]; then val=$(< "$fval"); elif [ -z "$val" ]; then val=$def; fi
  export "$var=$val"
  unset "$fvar"
}
