"""Fifty simulated runners at once, against the two replicas.

Each runner is a vignette played by scripts/eval_vignettes.py (the same player
as `make eval`), its messages alternating between the replicas. The run is
bounded (each runner stops at a level or after the player's turn limit, every
request has a timeout) and must end with no error, every stored tracker holding
every message its runner sent and a level, and every level exactly the expected
one. Speed is printed (`pytest -s`), never gated: this machine is shared.
"""

from __future__ import annotations

import os
import statistics
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from eval_vignettes import OK, Vignette, default_files, load_vignettes, play  # noqa: E402  (conftest put scripts/ on sys.path)
from tests.scale.conftest import Replicas, TimedClient


def simulated_runners():
    """The simulated runners' files: these tests check consistency under load, so they play runners
    built to be exact; how well real stories are read is make eval's to measure."""
    return [path for path in default_files() if "real" not in path.parts]

pytestmark = pytest.mark.load

RUNNERS = int(os.environ.get("LOAD_RUNNERS", "50"))


def pick_runners(vignettes: list[Vignette], count: int) -> list[Vignette]:
    """``count`` vignettes spread evenly over every file and level (the same ones each run)."""
    step = len(vignettes) / count
    return [vignettes[int(i * step) % len(vignettes)] for i in range(count)]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))]


def test_fifty_runners_at_once_all_finish_with_the_right_level(replicas: Replicas):
    runners = pick_runners(load_vignettes(simulated_runners()), RUNNERS)
    clients = [replicas.client(n % 2) for n in range(len(runners))]
    started = time.monotonic()
    with ThreadPoolExecutor(len(runners)) as pool:
        results = list(pool.map(play, runners, clients))
    wall = time.monotonic() - started

    latencies = [latency for client in clients for latency in client.latencies]
    turns = sum(result.turns for result in results)
    errors = [f"{r.id}: {r.note}" for r in results if r.outcome not in (OK, "OVER", "UNDER", "NO-LEVEL")]
    wrong = [f"{r.id}: expected {r.expected}, got {r.got} ({r.outcome}) {r.note}" for r in results if r.outcome != OK]

    incomplete = []
    for client, result in zip(clients, results):
        (sender, sent), = client.sent.items()
        tracker = replicas.tracker(sender)
        said = [event["text"] for event in tracker["events"] if event["event"] == "user"]
        if said != sent or not tracker["slots"].get("triage_level"):
            incomplete.append(f"{result.id}: sent {len(sent)}, stored {len(said)}, level {tracker['slots'].get('triage_level')}")

    print(
        f"\nload: {len(runners)} runners at once over {len(replicas.urls)} replicas, {turns} turns, "
        f"wall {wall:.1f} s, turn latency p50 {statistics.median(latencies):.2f} s "
        f"p95 {percentile(latencies, 95):.2f} s max {max(latencies):.2f} s; "
        f"errors {len(errors)}, incomplete trackers {len(incomplete)}, "
        f"levels exact {len(runners) - len(wrong)}/{len(runners)}"
    )
    assert turns == len(latencies)
    assert not errors, errors
    assert not incomplete, incomplete
    assert not wrong, wrong
