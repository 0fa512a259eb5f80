#!/usr/bin/env bash
# scripts/redis.sh start|stop|status|url|run -- COMMAND...
#
# A throwaway Redis for the replica tests (Rasa's lock store): listening on
# 127.0.0.1:$REDIS_PORT (6390) only, no persistence, a random password; its
# pid file, log and password live in var/redis-$REDIS_PORT/.
#   start    install Debian's redis-server if missing and start it (does nothing if
#            running); prints redis://:PASSWORD@127.0.0.1:PORT/0.
#   stop     stop it.                              url   print that URL.
#   run -- CMD   start, run CMD with REDIS_HOST, REDIS_PORT, REDIS_PASSWORD and REDIS_URL
#                set, stop again (if it started it), exit with CMD's status.
# The password reaches redis-server on its standard input, never on a command line.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

REDIS_PORT=${REDIS_PORT:-6390}
WAIT=${REDIS_WAIT:-20}       # seconds, for start and stop
DIR=${REDIS_DIR:-$ROOT/var/redis-$REDIS_PORT}
PIDFILE=$DIR/redis.pid; LOG=$DIR/redis.log; PWFILE=$DIR/password

die() { echo "redis.sh: $*" >&2; exit 1; }
is_root() { [ "$(id -u)" -eq 0 ]; }

install_redis() {
  local before pid sudo=()
  is_root || sudo=(sudo -n)
  before=$(pgrep -x redis-server || true)
  "$ROOT/scripts/apt_install.sh" Redis redis-server
  # The package may start its own server on 6379; we don't use it, so stop what it started.
  for pid in $(pgrep -x redis-server || true); do
    grep -qx "$pid" <<<"$before" || "${sudo[@]}" kill -TERM "$pid" 2>/dev/null || true
  done
}

pid() { cat "$PIDFILE" 2>/dev/null || true; }

running() { local p; p=$(pid); [ -n "$p" ] && kill -0 "$p" 2>/dev/null; }

url() {
  [ -f "$PWFILE" ] || die "not started: run scripts/redis.sh start"
  echo "redis://:$(cat "$PWFILE")@127.0.0.1:$REDIS_PORT/0"
}

cli() { REDISCLI_AUTH=$(cat "$PWFILE") redis-cli -h 127.0.0.1 -p "$REDIS_PORT" "$@"; }

start() {
  command -v redis-server >/dev/null || install_redis
  command -v redis-server >/dev/null || die "redis-server is not on PATH after installing it"
  if running; then return 0; fi
  if (exec 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT") 2>/dev/null; then
    die "port $REDIS_PORT on 127.0.0.1 is taken by another program; set REDIS_PORT to a free port"
  fi
  mkdir -p "$DIR"; chmod 700 "$DIR"
  (umask 077; od -An -tx1 -N24 /dev/urandom | tr -d ' \n' >"$PWFILE")  # hex: no URL escaping
  rm -f "$PIDFILE"
  # Loopback only, a password, nothing written to disk (locks are short-lived by nature).
  redis-server - >/dev/null <<CONF
bind 127.0.0.1
port $REDIS_PORT
protected-mode yes
requirepass $(cat "$PWFILE")
daemonize yes
pidfile $PIDFILE
logfile $LOG
dir $DIR
save ""
appendonly no
CONF
  for ((i = 0; i < WAIT * 4; i++)); do
    [ "$(cli ping 2>/dev/null)" = PONG ] && return 0
    sleep 0.25
  done
  tail -n 20 "$LOG" >&2 || true
  die "redis-server did not answer within ${WAIT}s (log: $LOG)"
}

stop() {
  running || return 0
  local p; p=$(pid)
  kill -TERM "$p"
  for ((i = 0; i < WAIT * 4; i++)); do kill -0 "$p" 2>/dev/null || break; sleep 0.25; done
  kill -0 "$p" 2>/dev/null && kill -KILL "$p"
  rm -f "$PIDFILE"
  echo "redis.sh: stopped" >&2
}

case "${1:-}" in
  start) start; url ;;
  stop) stop ;;
  url) url ;;
  status) if running; then echo "running on 127.0.0.1:$REDIS_PORT (pid $(pid))"; else echo "not running"; exit 3; fi ;;
  run)
    shift; [ "${1:-}" = "--" ] && shift
    [ $# -gt 0 ] || die "usage: scripts/redis.sh run -- COMMAND..."
    started=1; running && started=0
    start
    [ "$started" = 1 ] && trap stop EXIT INT TERM
    export REDIS_HOST=127.0.0.1 REDIS_PORT REDIS_PASSWORD
    REDIS_PASSWORD=$(cat "$PWFILE")
    REDIS_URL=$(url); export REDIS_URL
    set +e; "$@"; rc=$?; set -e
    exit "$rc" ;;
  *) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
