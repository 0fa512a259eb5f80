#!/usr/bin/env bash
# profile.sh [VIGNETTE FILE...]: where a turn's time goes (docs/performance.md).
# Starts both servers on test ports, records each with py-spy (sampling, 200 Hz)
# while the simulated runners of tests/vignettes/dev.yml play, then prints the
# Rasa server's samples grouped by what they were doing. Prints, never fails a test.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/py-spy ] || .venv/bin/python -m pip install --quiet --disable-pip-version-check py-spy
files=("$@"); [ ${#files[@]} -gt 0 ] || files=(tests/vignettes/dev.yml)
out=results/profile; mkdir -p "$out"
export TEST_RASA_PORT=${TEST_RASA_PORT:-5305} TEST_ACTIONS_PORT=${TEST_ACTIONS_PORT:-5355}

inside() {
  local rasa actions
  actions=$(pgrep -f "rasa run actions --actions actions -p $ACTIONS_PORT" | head -1)
  rasa=$(pgrep -f "rasa run -m .* -p $RASA_PORT" | head -1)
  .venv/bin/py-spy record -p "$rasa" -r 200 -f raw -o "$out/rasa.txt" --nonblocking >"$out/py-spy-rasa.log" 2>&1 & local r=$!
  .venv/bin/py-spy record -p "$actions" -r 200 -f raw -o "$out/actions.txt" --nonblocking >"$out/py-spy-actions.log" 2>&1 & local a=$!
  sleep 1
  local started=$SECONDS
  .venv/bin/python scripts/eval_vignettes.py --files "${files[@]}" --report "$out/eval.json" >"$out/eval.txt" || true
  echo "played ${files[*]} in $((SECONDS - started)) s ($(grep -o '"turns": [0-9]*' "$out/eval.json" | awk '{s+=$2} END {print s}') turns)"
  kill -INT "$r" "$a"; wait "$r" "$a" || true
}
export out  # read by inside(), which runs in the shell with_servers.sh starts
scripts/with_servers.sh all -- bash -c "$(declare -f inside); files=(${files[*]}); inside"
echo "--- the Rasa server ---"; .venv/bin/python scripts/profile_breakdown.py "$out/rasa.txt"
echo "--- the action server ---"; .venv/bin/python scripts/profile_breakdown.py --actions "$out/actions.txt"
echo "(raw samples in $out/: open them with any flame-graph tool)"
