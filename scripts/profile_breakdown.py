"""Group py-spy raw samples (``py-spy record -f raw``) by what the server was doing.

    .venv/bin/python scripts/profile_breakdown.py [--actions] results/profile/rasa.txt

Each line of a raw file is one call stack and the samples taken in it. A stack
goes to the first group whose marker it contains (tested in order), so a group
counts its callees too. py-spy cuts very deep stacks (jsonschema's recursion),
so the markers are frames that remain near the leaves as well as near the root.
"""

from __future__ import annotations

import argparse
import collections
from pathlib import Path

RASA_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("checking the action server's answer (jsonschema)", ("jsonschema/",)),
    ("health request before each message", ("action_server_up",)),
    ("tracker store: load", ("_retrieve (rasa/core/tracker_store",)),
    ("tracker store: save", ("save (rasa/core/tracker_store", "save_tracker")),
    ("NLU parse: ResponseSelector", ("response_selector.py",)),
    ("NLU parse: DIET", ("diet_classifier.py",)),
    ("NLU parse: our reader", ("backstride/nlu/",)),
    ("NLU parse: featurizers, graph", ("parse_message (rasa/core/processor",)),
    ("policies: next action", ("predict_next_with_tracker", "_predict_next_with_tracker", "predict_next_action")),
    ("calls to the action server (aiohttp, JSON)", ("RemoteAction", "rasa/utils/endpoints.py", "aiohttp/")),
    ("rest of the turn", ("handle_message (rasa/core/processor",)),
    ("HTTP API (the player's tracker reads)", ("retrieve_tracker (rasa/server",)),
    ("HTTP server", ("sanic/",)),
)
ACTION_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("our actions", ("/actions/", "backstride/")),
    ("rasa_sdk: parse the call, build the tracker", ("rasa_sdk/",)),
    ("HTTP server", ("sanic/",)),
)
#: Leaf frames of a thread that only waits (py-spy samples some waiting threads).
IDLE = ("_worker (concurrent/futures/thread.py", "serve (sanic/server/runners.py")


def breakdown(path: Path, groups) -> tuple[int, collections.Counter]:
    total, counts = 0, collections.Counter()
    for line in path.read_text(encoding="utf-8").splitlines():
        stack, _, n = line.rpartition(" ")
        if not n.isdigit():
            continue
        samples = int(n)
        total += samples
        if stack.split(";")[-1].startswith(IDLE):
            counts["waiting"] += samples
            continue
        for name, markers in groups:
            if any(marker in stack for marker in markers):
                counts[name] += samples
                break
        else:
            counts["other"] += samples
    return total, counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--actions", action="store_true", help="the action server's groups")
    parser.add_argument("raw", type=Path)
    args = parser.parse_args()
    total, counts = breakdown(args.raw, ACTION_GROUPS if args.actions else RASA_GROUPS)
    busy = total - counts.pop("waiting", 0)
    print(f"{total} samples, {busy} of them busy; shares of the busy ones:")
    for name, samples in counts.most_common():
        print(f"{samples / max(busy, 1) * 100:5.1f}%  {name}")


if __name__ == "__main__":
    main()
