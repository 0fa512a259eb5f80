# Shared by run.sh and with_servers.sh: start and stop the two servers.
# Expects RASA, MODEL, RASA_PORT, ACTIONS_PORT, DATABASE_URL in the environment.

wait_for() {  # wait_for URL SECONDS NAME PID
  local url=$1 seconds=$2 name=$3 pid=$4
  for ((i = 0; i < seconds * 2; i++)); do
    if curl -fsS -o /dev/null "$url" 2>/dev/null; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then echo "$name exited during start-up; see its log above." >&2; return 1; fi
    sleep 0.5
  done
  echo "$name did not answer at $url within ${seconds}s." >&2
  return 1
}

migrate_tables() {  # our tables (Alembic) before the servers; the URL is shown without its password
  .venv/bin/python -W ignore::RuntimeWarning:runpy -m backstride.store.migrate "$DATABASE_URL" && return 0
  echo "Could not migrate the Backstride tables at $(printf '%s' "$DATABASE_URL" | sed -E 's#^([^:/]+://[^:/@]*):[^@]*@#\1:***@#'): is the database reachable and the URL right?" >&2
  return 1
}

start_actions() {  # start_actions LOGFILE
  "$RASA" run actions --actions actions -p "$ACTIONS_PORT" >"$1" 2>&1 &
  ACTIONS_PID=$!
  wait_for "http://127.0.0.1:$ACTIONS_PORT/health" 60 "The action server" "$ACTIONS_PID" || { cat "$1" >&2; return 1; }
}

start_rasa() {  # start_rasa LOGFILE INTERFACE [extra args]
  local log=$1 interface=$2; shift 2
  "$RASA" run -m "$MODEL" --enable-api --auth-token="$RASA_AUTH_TOKEN" -p "$RASA_PORT" -i "$interface" \
    --credentials "${CREDENTIALS:-credentials.yml}" --endpoints endpoints.yml "$@" >"$log" 2>&1 &
  RASA_PID=$!
  wait_for "http://127.0.0.1:$RASA_PORT/status?token=$RASA_AUTH_TOKEN" 180 "The Rasa server" "$RASA_PID" \
    || { tail -50 "$log" >&2; return 1; }
}

stop_servers() {
  for pid in ${RASA_PID:-} ${ACTIONS_PID:-}; do
    pkill -TERM -P "$pid" 2>/dev/null
    kill -TERM "$pid" 2>/dev/null
  done
  for pid in ${RASA_PID:-} ${ACTIONS_PID:-}; do wait "$pid" 2>/dev/null; done
  RASA_PID= ACTIONS_PID=
}
