#!/usr/bin/env bash
# Starts the action server and the Rasa server (REST + socketio + HTTP API).
# `scripts/run.sh shell` chats in the terminal instead. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
RASA=${RASA:-.venv/bin/rasa}
MODEL=${MODEL:-models/backstride.tar.gz}
export SANIC_HOST=${SANIC_HOST:-127.0.0.1}
export DATABASE_URL=${DATABASE_URL:-sqlite:///var/backstride.db}
source scripts/servers.sh
mkdir -p var
if [ -z "${BACKSTRIDE_KEY_SECRET:-}" ]; then
  export BACKSTRIDE_ENV=dev
  echo "Warning: BACKSTRIDE_KEY_SECRET is not set; assessments are keyed with the public development secret. For real use: export BACKSTRIDE_KEY_SECRET=\"\$(.venv/bin/python -m backstride.store.keys)\" (keep it; changing it orphans stored assessments)." >&2
fi
migrate_tables || exit 1
# credentials.yml plus the Slack / Telegram sections whose variables are set
CREDENTIALS=$(.venv/bin/python scripts/credentials.py --out var/credentials.yml)
export CREDENTIALS

trap stop_servers EXIT INT TERM
echo "Starting the action server on 127.0.0.1:$ACTIONS_PORT ..."
start_actions var/actions.log

if [ "${1:-}" = "shell" ]; then
  "$RASA" shell -m "$MODEL" --endpoints endpoints.yml
  exit 0
fi

if [ -z "${RASA_AUTH_TOKEN:-}" ]; then
  RASA_AUTH_TOKEN=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(24))')
  echo "RASA_AUTH_TOKEN was not set; generated one for this run: $RASA_AUTH_TOKEN"
fi
export RASA_AUTH_TOKEN
interface=${RASA_INTERFACE:-0.0.0.0}
echo "Starting Rasa on $interface:$RASA_PORT (logs: var/rasa.log) ..."
start_rasa var/rasa.log "$interface" ${RASA_CORS:+--cors "$RASA_CORS"}
cat <<MSG

Backstride is running.
  Talk to it:   curl -s localhost:$RASA_PORT/webhooks/rest/webhook -d '{"sender":"me","message":"my lower back hurts"}'
  Tracker:      curl -s "localhost:$RASA_PORT/conversations/me/tracker?token=$RASA_AUTH_TOKEN"
  Web page:     http://localhost:$RASA_PORT/web/
Press Ctrl-C to stop.
MSG
tail -n +1 -f var/rasa.log --pid "$RASA_PID" >/dev/null 2>&1 &
wait "$RASA_PID"
