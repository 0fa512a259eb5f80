#!/usr/bin/env bash
# scripts/postgres.sh start|stop|status|url|destroy|run -- COMMAND...
#
# A throwaway PostgreSQL cluster for the tests: data in var/pg/ (var/pg-$PG_PORT/ on other
# ports), listening on 127.0.0.1:$PG_PORT (5433) only, a random password, database backstride_test.
#   start    install Debian's postgresql if missing, init the cluster once, start it,
#            create the database; prints the SQLAlchemy URL. Does nothing if running.
#   stop     stop it (fast shutdown).            url   print the URL.
#   run -- CMD   start, run CMD with TEST_POSTGRES_URL set, stop again (if it started it),
#                exit with CMD's status.        destroy   stop and delete var/pg.
# As root the server runs as the `postgres` user (PostgreSQL refuses to run as root).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

PG_PORT=${PG_PORT:-5433}
PG_DB=${PG_DB:-backstride_test}
PG_USER=backstride
WAIT=${PG_WAIT:-30}          # seconds, for start and stop
PY=${PY:-.venv/bin/python}

die() { echo "postgres.sh: $*" >&2; exit 1; }
is_root() { [ "$(id -u)" -eq 0 ]; }

bindir() {  # the newest installed server's bin directory, or nothing
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$dir" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/initdb" ] && echo "$dir" || true
}

online_clusters() { command -v pg_lsclusters >/dev/null && pg_lsclusters -h 2>/dev/null | awk '$4 == "online" {print $1 "/" $2}' || true; }

install_postgres() {
  local before cluster sudo=()
  is_root || sudo=(sudo -n)
  before=$(online_clusters)
  "$ROOT/scripts/apt_install.sh" PostgreSQL postgresql
  # The package may create and start a 'main' cluster on 5432; we don't use it, so stop what it started.
  for cluster in $(online_clusters); do
    grep -qx "$cluster" <<<"$before" || "${sudo[@]}" pg_ctlcluster "${cluster%/*}" "${cluster#*/}" stop || true
  done
}

resolve() {  # sets BIN, PG_DIR and the paths under it; installs nothing
  BIN=$(bindir)
  RUN_AS=()
  if is_root; then
    id postgres >/dev/null 2>&1 || [ -z "$BIN" ] || die "no 'postgres' user to run the server as"
    RUN_AS=(runuser -u postgres --)
  fi
  if [ -z "${PG_DIR:-}" ]; then
    # One cluster per port, so two runs on different PG_PORTs never share a data directory;
    # the default port keeps the historical var/pg.
    local suffix=""
    [ "$PG_PORT" = 5433 ] || suffix=-$PG_PORT
    PG_DIR=$ROOT/var/pg$suffix
    # The postgres user must reach the work tree; if it can't (e.g. under /root), use /tmp.
    if is_root && id postgres >/dev/null 2>&1 && ! runuser -u postgres -- test -x "$ROOT" 2>/dev/null; then
      PG_DIR=${TMPDIR:-/tmp}/backstride-pg-$(printf '%s' "$ROOT" | cksum | cut -d' ' -f1)$suffix
    fi
  fi
  DATA=$PG_DIR/data; SOCKETS=$PG_DIR/run; LOG=$PG_DIR/postgres.log
  PWFILE=$PG_DIR/password; PORTFILE=$PG_DIR/port
}

as_pg() { "${RUN_AS[@]}" "$@"; }

running() { [ -n "$BIN" ] && [ -f "$DATA/PG_VERSION" ] && as_pg "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

port() { cat "$PORTFILE" 2>/dev/null || echo "$PG_PORT"; }

url() {
  [ -f "$PWFILE" ] || die "no cluster yet: run scripts/postgres.sh start"
  echo "postgresql://$PG_USER:$(cat "$PWFILE")@127.0.0.1:$(port)/$PG_DB"
}

init_cluster() {
  echo "postgres.sh: creating a test cluster in $DATA" >&2
  rm -rf "$DATA" "$SOCKETS"
  mkdir -p "$PG_DIR" "$SOCKETS"
  chmod 700 "$PG_DIR" "$SOCKETS"
  (umask 077; od -An -tx1 -N24 /dev/urandom | tr -d ' \n' >"$PWFILE")  # hex: no URL escaping
  is_root && chown -R postgres:postgres "$PG_DIR"
  as_pg "$BIN/initdb" -D "$DATA" -U "$PG_USER" --pwfile="$PWFILE" -E UTF8 --locale=C \
    --auth-local=trust --auth-host=scram-sha-256 >"$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log" >&2; die "initdb failed"; }
  # Local socket: in a 0700 directory, so only the cluster's owner (and root) can use it.
  # TCP: loopback only, password required. Durability is not needed for test data.
  as_pg tee -a "$DATA/postgresql.conf" >/dev/null <<CONF

# --- scripts/postgres.sh: throwaway test cluster ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$SOCKETS'
unix_socket_permissions = 0700
max_connections = 40
shared_buffers = 32MB
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
}

check_driver() {
  if [ -x "$PY" ]; then
    "$PY" -c 'import psycopg2' 2>/dev/null \
      || die "psycopg2 (psycopg2-binary in requirements.lock) is missing from the venv: run make install"
  fi
}

start() {
  [ -n "$(bindir)" ] || install_postgres
  resolve
  [ -n "$BIN" ] || die "PostgreSQL's server binaries are not under /usr/lib/postgresql/*/bin"
  check_driver
  if running; then
    [ "$(port)" = "$PG_PORT" ] || echo "postgres.sh: already running on port $(port); stop it to use PG_PORT=$PG_PORT" >&2
  else
    if [ ! -f "$DATA/PG_VERSION" ] || [ "$(cat "$DATA/PG_VERSION")" != "$(basename "$(dirname "$BIN")")" ]; then
      init_cluster
    fi
    if (exec 3<>"/dev/tcp/127.0.0.1/$PG_PORT") 2>/dev/null; then
      die "port $PG_PORT on 127.0.0.1 is taken by another program; set PG_PORT to a free port"
    fi
    echo "$PG_PORT" >"$PORTFILE"
    is_root && chown postgres:postgres "$PORTFILE"
    as_pg "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t "$WAIT" -o "-p $PG_PORT" start >/dev/null \
      || { tail -n 30 "$LOG" >&2 || true; die "the server did not start within ${WAIT}s (log: $LOG)"; }
  fi
  local psql=(as_pg "$BIN/psql" -h "$SOCKETS" -p "$(port)" -U "$PG_USER" -d postgres -v ON_ERROR_STOP=1 -qtAX)
  if [ "$("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")" != 1 ]; then
    as_pg "$BIN/createdb" -h "$SOCKETS" -p "$(port)" -U "$PG_USER" "$PG_DB"
  fi
  url
}

stop() {
  resolve
  if running; then
    as_pg "$BIN/pg_ctl" -D "$DATA" -m fast -w -t "$WAIT" stop >/dev/null \
      || as_pg "$BIN/pg_ctl" -D "$DATA" -m immediate -w -t "$WAIT" stop >/dev/null
    echo "postgres.sh: stopped" >&2
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) resolve; url ;;
  status) resolve; if running; then echo "running on 127.0.0.1:$(port) ($DATA)"; else echo "not running"; exit 3; fi ;;
  destroy) stop; resolve; rm -rf "$PG_DIR" ;;
  run)
    shift; [ "${1:-}" = "--" ] && shift
    [ $# -gt 0 ] || die "usage: scripts/postgres.sh run -- COMMAND..."
    resolve
    started=1; running && started=0
    TEST_POSTGRES_URL=$(start) || exit 1
    export TEST_POSTGRES_URL
    [ "$started" = 1 ] && trap stop EXIT INT TERM
    set +e; "$@"; rc=$?; set -e
    exit "$rc" ;;
  *) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
