#!/usr/bin/env bash
# with_servers.sh (actions|all) -- COMMAND...
# Runs COMMAND with the action server (and, with `all`, the Rasa server) up on
# test ports, a fresh SQLite tracker store and a random token; stops them after.
set -uo pipefail
cd "$(dirname "$0")/.."
mode=$1; shift
[ "${1:-}" = "--" ] && shift
RASA=${RASA:-.venv/bin/rasa}
MODEL=${MODEL:-models/backstride.tar.gz}
export RASA_PORT=${TEST_RASA_PORT:-5105}
export ACTIONS_PORT=${TEST_ACTIONS_PORT:-5155}
export RASA_AUTH_TOKEN=${RASA_AUTH_TOKEN:-$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(24))')}
mkdir -p var results
db="var/test-tracker-$$.db"
export DATABASE_URL=${TEST_DATABASE_URL:-sqlite:///$db}
export RASA_URL="http://127.0.0.1:$RASA_PORT"
export SANIC_HOST=${SANIC_HOST:-127.0.0.1}
# The check-in after a stop-and-reassess result: seconds here, 48 hours by default.
export BACKSTRIDE_CHECKIN_DELAY_SECONDS=${BACKSTRIDE_CHECKIN_DELAY_SECONDS:-4}
# No secret given: the store's public test secret (backstride.store.keys).
[ -n "${BACKSTRIDE_KEY_SECRET:-}" ] || export BACKSTRIDE_ENV=test
source scripts/servers.sh

cleanup() { stop_servers; rm -f "$db"; }
trap cleanup EXIT INT TERM
migrate_tables || exit 1
start_actions results/actions-server.log || exit 1
if [ "$mode" = all ]; then
  start_rasa results/rasa-server.log 127.0.0.1 || exit 1
fi
"$@"
