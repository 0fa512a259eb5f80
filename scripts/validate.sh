#!/usr/bin/env bash
# `rasa data validate`, failing on every warning but two that are Rasa's own and
# expected (what --fail-on-warnings would do, had it no false alarms):
# - a retrieval intent (faq) listed in the domain, as Rasa requires for rules, is
#   reported as "duplicated" when Rasa merges the retrieval intents of the NLU
#   data into the domain;
# - an EXTERNAL_ intent (triggered by a reminder, never typed) has no NLU examples,
#   as Rasa's docs on reminders say it should not.
set -uo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
.venv/bin/rasa data validate >"$log" 2>&1
rc=$?
unexpected=$(grep -E "UserWarning|ERROR" "$log" \
  | grep -v "duplicated intents have been found across multiple domain files: faq" \
  | grep -vE "The intent 'EXTERNAL_[a-z_]+' is listed in the domain file, but is not found in the NLU training data")
if [ $rc -ne 0 ] || [ -n "$unexpected" ]; then
  cat "$log"
  echo "rasa data validate: warnings or errors (see above)" >&2
  exit 1
fi
grep -E "No story structure conflicts|conflict" "$log" | tail -1
echo "rasa data validate: no warnings"

# Rules of equal weight: when two rules match a state, RulePolicy takes the longest
# key of a *set*, so a tie is settled by Python's string hashing, which changes with
# every process. Such a tie trained on one machine and failed on the next (CI), and at
# run time it would answer differently after each restart. Training the dialogue part
# under several hash seeds (about 8 s each, without Rasa's cache, which does not know
# the seed) makes the contradiction check see both sides.
out=$(mktemp -d)
trap 'rm -f "$log"; rm -rf "$out"' EXIT
for seed in 1 2 3 4 5 6; do
  if ! PYTHONHASHSEED=$seed RASA_MAX_CACHE_SIZE=0 .venv/bin/rasa train core --out "$out" --fixed-model-name "seed$seed" \
      --quiet >"$log" 2>&1; then
    grep -A 6 "Contradicting" "$log" || tail -20 "$log"
    echo "rules: a contradiction shows under PYTHONHASHSEED=$seed (two rules of equal weight?)" >&2
    exit 1
  fi
done
echo "rules: no contradiction under 6 hash seeds"
