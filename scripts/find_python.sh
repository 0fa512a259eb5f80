#!/usr/bin/env bash
# Prints the path of a Python 3.10 interpreter (Rasa 3.6 needs >=3.8,<3.11).
# Looks on PATH, then in pyenv's versions, then in the usual system places.
set -u
is_310() { "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' 2>/dev/null; }

candidates=()
[ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
command -v python3.10 >/dev/null 2>&1 && candidates+=("$(command -v python3.10)")
if command -v pyenv >/dev/null 2>&1; then
  root=$(pyenv root 2>/dev/null)
  for p in "$root"/versions/3.10*/bin/python3.10; do [ -x "$p" ] && candidates+=("$p"); done
fi
for p in "$HOME"/.pyenv/versions/3.10*/bin/python3.10 /usr/bin/python3.10 /usr/local/bin/python3.10; do
  [ -x "$p" ] && candidates+=("$p")
done
for p in "${candidates[@]}"; do
  if is_310 "$p"; then echo "$p"; exit 0; fi
done
cat >&2 <<'MSG'
Backstride needs Python 3.10 (Rasa Open Source 3.6 supports 3.8-3.10), and none was found.
Install one, then run the command again:
  with pyenv:   pyenv install 3.10.13
  on Debian:    apt-get install python3.10 python3.10-venv   (where the release has it)
or point to one:  make run PYTHON=/path/to/python3.10
MSG
exit 1
