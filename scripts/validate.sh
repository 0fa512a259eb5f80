#!/usr/bin/env bash
# `rasa data validate --fail-on-warnings`, and fail on any other warning too.
# One warning is Rasa's own and expected: a retrieval intent (faq) listed in the
# domain, as Rasa requires for rules, is reported as "duplicated" when Rasa
# merges the retrieval intents of the NLU data into the domain.
set -uo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
.venv/bin/rasa data validate --fail-on-warnings >"$log" 2>&1
rc=$?
unexpected=$(grep -E "UserWarning|ERROR" "$log" | grep -v "duplicated intents have been found across multiple domain files: faq")
if [ $rc -ne 0 ] || [ -n "$unexpected" ]; then
  cat "$log"
  echo "rasa data validate: warnings or errors (see above)" >&2
  exit 1
fi
grep -E "No story structure conflicts|conflict" "$log" | tail -1
echo "rasa data validate: no warnings"
