#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL cluster, then removes the cluster.
#
#   scripts/with-postgres.sh CMD [ARGS...]
#
# Creates a temporary directory, initdb's a cluster in it (trust auth, superuser `postgres`), starts it on a
# Unix socket in that directory only (no TCP), exports
#
#   CONDUCTOR_TEST_POSTGRES_URL=postgres://postgres@/postgres?host=<dir>&port=<port>
#
# and runs CMD. When CMD ends, fails, or the script gets SIGINT/SIGTERM/SIGHUP (which it passes on to CMD),
# the cluster is stopped (pg_ctl stop -m immediate) and the directory removed; the exit status is CMD's.
# (SIGKILL cannot be trapped: then the directory, conductor-pg.*, and its postgres are left behind.)
#
# The cluster is for tests only: fsync, synchronous_commit and full_page_writes are off.
#
# PostgreSQL's binaries (initdb, pg_ctl, postgres) are taken from the directory of `initdb` on PATH, else from
# the newest /usr/lib/postgresql/*/bin (Debian, Ubuntu). When none are found, CMD runs without
# CONDUCTOR_TEST_POSTGRES_URL (this script does not fail; it says why on stderr). Binaries that are found but
# fail to start a cluster are an error (exit 1, with PostgreSQL's log).
#
# As root (CI), initdb refuses to run, so the cluster runs as the `postgres` OS user; otherwise as you.
#
# Environment:
#   CONDUCTOR_PG_BIN_DIR         look only in this directory for the binaries (e.g. /nonexistent: run without)
#   CONDUCTOR_TEST_POSTGRES_URL  already set: CMD runs against that server and no cluster is started
set -uo pipefail

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }
if [[ $# -lt 1 || "$1" == "-h" || "$1" == "--help" ]]; then
  usage >&2
  [[ $# -lt 1 ]] && exit 2 || exit 0
fi

say() { echo "with-postgres: $*" >&2; }

# ---- the command, run as our child so that a signal to this script still reaches the cleanup ---------------
child=""
forward() {
  if [[ -n "$child" ]]; then kill -s "$1" "$child" 2>/dev/null || true; else exit $((128 + $2)); fi
}
trap 'forward INT 2' INT
trap 'forward TERM 15' TERM
trap 'forward HUP 1' HUP

run_command() {
  # A background command would ignore SIGINT/SIGQUIT and read /dev/null; undo both, so Ctrl-C and stdin
  # work as if it ran in the foreground, while this shell can still act on signals while it waits.
  ( trap - INT QUIT; exec "$@" ) 0<&0 &
  child=$!
  local status
  while :; do
    wait "$child"; status=$?
    # wait returns early (status > 128) when a trapped signal arrives; the command may still be running.
    kill -0 "$child" 2>/dev/null || break
  done
  return "$status"
}

# ---- finding PostgreSQL ------------------------------------------------------------------------------------
has_bins() { [[ -x "$1/initdb" && -x "$1/pg_ctl" && -x "$1/postgres" ]]; }

# Sets bindir, or why_none and returns 1.
find_bindir() {
  local p d
  if [[ -n "${CONDUCTOR_PG_BIN_DIR+set}" ]]; then
    has_bins "$CONDUCTOR_PG_BIN_DIR" && { bindir=$CONDUCTOR_PG_BIN_DIR; return 0; }
    why_none="no initdb, pg_ctl and postgres in CONDUCTOR_PG_BIN_DIR=$CONDUCTOR_PG_BIN_DIR"
    return 1
  fi
  if p=$(command -v initdb 2>/dev/null); then
    # /usr/local/bin/initdb may be a lone symlink into the real bin directory: prefer that directory.
    for d in "$(dirname "$(readlink -f "$p" 2>/dev/null || echo "$p")")" "$(dirname "$p")"; do
      has_bins "$d" && { bindir=$d; return 0; }
    done
  fi
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5nr); do
    has_bins "$d" && { bindir=$d; return 0; }
  done
  why_none="no initdb, pg_ctl and postgres on PATH or in /usr/lib/postgresql/*/bin"
  return 1
}

# ---- the cluster -------------------------------------------------------------------------------------------
dir=""
as_owner() {
  # initdb and postgres refuse to run as root: as root, run them as the postgres OS user.
  if [[ "$(id -u)" != 0 ]]; then "$@"
  elif command -v runuser >/dev/null; then runuser -u postgres -- "$@"
  else su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
  fi
}

cleanup() {
  if [[ -n "$dir" && -f "$dir/data/postmaster.pid" ]]; then
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w -t 30 -s stop >/dev/null 2>&1 || true
  fi
  [[ -n "$dir" ]] && rm -rf "$dir"
}
trap cleanup EXIT

fail() {
  say "$1"
  local log
  for log in "$dir/initdb.log" "$dir/pg_ctl.log" "$dir/postgres.log"; do
    [[ -s "$log" ]] && { echo "--- $log" >&2; tail -n 30 "$log" >&2; }
  done
  exit 1
}

# A port number nothing else on this machine uses for PostgreSQL. The socket is in our own directory and there
# is no TCP listener, so two clusters cannot clash even on the same number (and PostgreSQL >= 12 keys its
# shared memory by data directory, not port); avoiding the numbers in use just keeps the URLs distinct.
port_in_use() {
  local f
  for f in /tmp/.s.PGSQL."$1".lock /var/run/postgresql/.s.PGSQL."$1".lock "$base"/conductor-pg.*/.s.PGSQL."$1".lock; do
    [[ -e "$f" ]] && return 0
  done
  return 1
}

start_cluster() {
  base="${TMPDIR:-/tmp}"
  base="${base%/}"
  [[ "$(id -u)" == 0 ]] && base=/tmp   # a root TMPDIR may be closed to the postgres user
  dir=$(mktemp -d "$base/conductor-pg.XXXXXX") || fail "cannot create a directory in $base"
  if [[ "$(id -u)" == 0 ]]; then
    id -u postgres >/dev/null 2>&1 || fail "running as root, and there is no postgres OS user to run the cluster as"
    chown postgres: "$dir" || fail "cannot chown $dir to postgres"
  fi

  as_owner "$bindir/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1 \
    || fail "initdb failed"
  cat >>"$dir/data/postgresql.conf" <<EOF

# scripts/with-postgres.sh: a throwaway test cluster on a Unix socket only.
listen_addresses = ''
unix_socket_directories = '$dir'
max_connections = 300
fsync = off
synchronous_commit = off
full_page_writes = off
EOF

  # 5433-5532, starting at a number of our own so that runs at the same moment rarely even pick the same one.
  local first=$(($$ % 100)) i
  port=""
  for ((i = 0; i < 100; i++)); do
    port_in_use $((5433 + (first + i) % 100)) || { port=$((5433 + (first + i) % 100)); break; }
  done
  [[ -n "$port" ]] || fail "every port number in 5433-5532 is in use by a PostgreSQL"
  as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -o "-p $port" -w -t 60 -s start >"$dir/pg_ctl.log" 2>&1 \
    || fail "PostgreSQL did not start"

  if [[ -x "$bindir/pg_isready" ]]; then
    for ((i = 0; i < 300; i++)); do
      "$bindir/pg_isready" -q -h "$dir" -p "$port" -U postgres -d postgres && break
      sleep 0.2
    done
    "$bindir/pg_isready" -q -h "$dir" -p "$port" -U postgres -d postgres || fail "PostgreSQL started but does not accept connections"
  fi
}

# ---- main --------------------------------------------------------------------------------------------------
if [[ -n "${CONDUCTOR_TEST_POSTGRES_URL:-}" ]]; then
  say "CONDUCTOR_TEST_POSTGRES_URL is set already: using that server, not starting one"
  run_command "$@"
  exit $?
fi

bindir=""
why_none=""
if ! find_bindir; then
  say "PostgreSQL not found ($why_none): running without CONDUCTOR_TEST_POSTGRES_URL"
  unset CONDUCTOR_TEST_POSTGRES_URL
  run_command "$@"
  exit $?
fi

start_cluster
version=$("$bindir/postgres" --version | sed -E 's/^[^0-9]*([0-9][0-9.]*).*/\1/')
export CONDUCTOR_TEST_POSTGRES_URL="postgres://postgres@/postgres?host=$dir&port=$port"
say "started PostgreSQL $version ($bindir) on the Unix socket in $dir, port $port"
run_command "$@"
exit $?
