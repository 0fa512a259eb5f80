"""Backstride beside a plain Rasa bot, measured in the same run (prints figures, asserts nothing).

    .venv/bin/python scripts/bench_compare.py [--model models/backstride.tar.gz] [--no-train]
        [--limit N] [--report results/bench.json]

A ratio is only meaningful against a baseline measured on the same machine at the
same moment, so both bots are trained and served here, one after the other:

- Backstride: trained from this checkout into a temporary directory (the model in
  models/ is never replaced), served with its action server and SQL tracker store,
  and talked to by the simulated runners of scripts/eval_vignettes.py over REST.
- The plain bot: the project ``rasa init --no-prompt`` creates (Rasa's own scaffold,
  copied into var/, never committed), trained and served the same way, talked to
  with greet / mood / affirm / deny / goodbye conversations. It needs no action server.

Both players read the tracker after every turn (as the vignette player must), so
the servers carry the same kind of load; latency counts only the REST webhook call.
Each training starts from an empty Rasa cache so that it measures a full training.
``--no-train`` serves ``--model`` instead and reports no training time.

Growth: one long conversation per bot, played alone and repeated (Backstride's
has FAQ detours, two restarts, a goodbye and a second assessment; the plain
bot's runs its scripts back to back under one sender). It reports the per-turn
p50 of turns 36-40 against turns 1-5 and, for Backstride, what Rasa sends the
action server in those turns: calls a turn, bytes a call (the JSON body Rasa
posts: the tracker with every event, since no action is sent the domain) and
bytes a turn.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from importlib.metadata import version
from pathlib import Path
from typing import Callable, Sequence

import requests
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from eval_vignettes import ERROR, BotClient, default_files, load_vignettes, play  # noqa: E402

sys.path.insert(0, str(ROOT))
from channels.local_actions import is_local  # noqa: E402

RASA = str(ROOT / ".venv" / "bin" / "rasa")
PYTHON = str(ROOT / ".venv" / "bin" / "python")
BACKSTRIDE_PORT, PLAIN_PORT, ACTIONS_PORT = 5905, 5906, 5955
CONCURRENCY = (1, 10)
# A plain model from an earlier run, reused by --no-train (var/ is never committed).
PLAIN_MODEL_KEPT = ROOT / "var" / "bench-plain.tar.gz"
LOGS = ROOT / "results"

# The plain bot's conversations follow the stories and rules of Rasa's scaffold.
PLAIN_SCRIPTS: tuple[tuple[str, ...], ...] = (
    ("hello", "I am great", "bye"),
    ("hi", "I am sad", "yes", "goodbye"),
    ("hey there", "not very good", "no"),
    ("good morning", "super stoked", "are you a bot?", "see you later"),
    ("hey", "my day was horrible", "of course", "bye bye"),
    ("good evening", "I don't feel very well", "not really"),
)


# Backstride's long conversation (40 turns): a first check with FAQ questions in it,
# a restart, an upper-back check to its result, goodbye, a return, a second check.
GROWTH_SCRIPT: tuple[str, ...] = (
    "hi", "is running bad for your back", "my lower back has been sore for 3 days after a long run",
    "no it doesn't spread anywhere", "no", "no", "no", "no", "no", "about a 4 out of 10",
    "how fast can I build my mileage back up", "what stretches help", "restart",
    "my upper back hurts when I run, started yesterday", "no", "no", "no", "no",
    "can I run through it", "what do you know about me", "thanks", "bye", "hi again",
    "should I see a physio", "restart", "my lower back and right buttock ache, 2 weeks now",
    "into my thigh", "no", "no", "no", "yes it gets worse while I run", "6",
    "what causes back pain in runners", "does running wear out your discs", "what stretches help",
    "is running bad for your back", "how fast can I build my mileage back up", "thanks",
    "what helps with back pain", "thanks, bye",
)
GROWTH_TURNS = 40
GROWTH_REPEATS = 3
EARLY, LATE = range(0, 5), range(35, 40)


# --- the machine -------------------------------------------------------------


def machine() -> dict:
    """What the figures depend on; the load average says how busy the machine was."""
    return {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "rasa": version("rasa"),
        "platform": platform.platform(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


# --- processes ---------------------------------------------------------------


def _status_kb(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _tree(pid: int) -> list[int]:
    """The process and its descendants (a server may fork workers)."""
    pids, queue = [], [pid]
    while queue:
        current = queue.pop()
        pids.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                queue += [int(child) for child in task.read_text().split()]
            except OSError:
                pass
    return pids


@dataclass
class Server:
    """One server process: start-up time from Popen to a ready answer, and its memory."""

    name: str
    command: list[str]
    ready_url: str
    log: Path
    cwd: Path = ROOT
    env: dict = field(default_factory=dict)
    process: subprocess.Popen | None = None
    startup_s: float = 0.0

    def start(self, timeout: float = 300.0) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                self.command, cwd=self.cwd, env={**os.environ, **self.env}, stdout=out, stderr=subprocess.STDOUT
            )
        while time.monotonic() - started < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited during start-up; see {self.log}")
            try:
                if requests.get(self.ready_url, timeout=2).status_code == 200:
                    self.startup_s = time.monotonic() - started
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not answer {self.ready_url} within {timeout:g} s; see {self.log}")

    def rss_mb(self) -> float:
        """Resident memory now, summed over the process tree."""
        return sum(_status_kb(pid, "VmRSS") for pid in _tree(self.process.pid)) / 1024

    def peak_rss_mb(self) -> float:
        """Each process's high-water mark since it started (model loading included), summed."""
        return sum(_status_kb(pid, "VmHWM") for pid in _tree(self.process.pid)) / 1024

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def rasa_env() -> dict:
    return {"RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2", "TQDM_DISABLE": "1"}


# --- training ----------------------------------------------------------------


def train(project: Path, out: Path, name: str, cache: Path) -> tuple[float, Path]:
    """Train from ``project`` into ``out`` with an empty cache; (seconds, model path)."""
    command = [RASA, "train", "--num-threads", "2", "--out", str(out), "--fixed-model-name", name, "--quiet"]
    log = LOGS / f"bench-train-{name}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with log.open("wb") as output:
        done = subprocess.run(
            command, cwd=project, env={**os.environ, **rasa_env(), "RASA_CACHE_DIRECTORY": str(cache)},
            stdout=output, stderr=subprocess.STDOUT,
        )
    seconds = time.monotonic() - started
    model = out / f"{name}.tar.gz"
    if done.returncode or not model.exists():
        raise RuntimeError(f"training {name} failed (exit {done.returncode}); see {log}")
    return seconds, model


def create_plain_project(path: Path) -> Path:
    """The project `rasa init --no-prompt` writes, without the training it would also start."""
    from rasa.cli.scaffold import create_initial_project  # the function `rasa init` calls

    path.mkdir(parents=True, exist_ok=True)
    create_initial_project(str(path))
    return path


# --- load --------------------------------------------------------------------


class TimedClient(BotClient):
    """BotClient that records how long each REST webhook call took (tracker reads not counted)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.latencies_ms: list[float] = []

    def send(self, sender: str, text: str, sent_at: str = "") -> list[dict]:
        started = time.perf_counter()
        replies = super().send(sender, text, sent_at)
        self.latencies_ms.append((time.perf_counter() - started) * 1000)  # list.append is thread-safe
        return replies


Conversation = Callable[[BotClient], object]


def play_script(texts: Sequence[str], sender: str, client: BotClient) -> None:
    """One plain-bot conversation; the tracker is read after each turn, like the vignette player."""
    for text in texts:
        client.send(sender, text)
        client.slots(sender)


def drive(conversations: Sequence[Conversation], client: TimedClient, jobs: int) -> dict:
    """Play the conversations ``jobs`` at a time; latency percentiles and turns a second."""
    client.latencies_ms = []
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        outcomes = list(pool.map(lambda conversation: conversation(client), conversations))
    wall = time.monotonic() - started
    timings = sorted(client.latencies_ms)
    errors = sum(1 for o in outcomes if getattr(o, "outcome", None) == ERROR)
    return {
        "runners": jobs,
        "conversations": len(conversations),
        "turns": len(timings),
        "errors": errors,
        "seconds": round(wall, 1),
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[max(0, int(0.95 * len(timings)) - 1)], 1),
        "turns_per_s": round(len(timings) / wall, 2),
    }


def measure(client: TimedClient, conversations: Callable[[], list[Conversation]], growth: Sequence[str],
            actions: frozenset[str] = frozenset()) -> dict:
    """A warm-up conversation (its first turn reported), each concurrency in turn, then the growth row."""
    client.latencies_ms = []
    conversations()[0](client)
    figures = {"first_turn_ms": round(client.latencies_ms[0], 1)}
    for jobs in CONCURRENCY:
        figures[f"load_{jobs}"] = drive(conversations(), client, jobs)
    figures["growth"] = grow(client, growth, actions)
    return figures


def action_calls(events: list[dict], actions: frozenset[str]) -> int:
    """Calls to the action server in one turn's events: every custom action and every
    run of a form (its validate_* action) the turn executed. The fact reading Rasa runs
    first (``action_extract_facts``, not logged as an action) is run by the Rasa server
    itself (channels/local_actions.py) and costs no call; were it taken off that list,
    it would count one a turn again."""
    executed = [e.get("name") for e in events if e.get("event") == "action"]
    extract = 0 if is_local("action_extract_facts") else 1
    return extract + sum(1 for name in executed
                         if (name in actions and not is_local(name)) or str(name).endswith("_form"))


def grow(client: TimedClient, texts: Sequence[str], actions: frozenset[str]) -> dict:
    """The long conversation, alone, GROWTH_REPEATS times: early and late turns side by side."""
    latency: list[list[float]] = [[] for _ in texts]
    calls: list[list[int]] = [[] for _ in texts]
    call_bytes: list[list[int]] = [[] for _ in texts]
    turn_bytes: list[list[int]] = [[] for _ in texts]
    for _ in range(GROWTH_REPEATS):
        sender = f"growth-{secrets.token_hex(4)}"
        seen = 0
        for turn, text in enumerate(texts):
            client.latencies_ms = []
            client.send(sender, text)
            latency[turn].append(client.latencies_ms[0])
            if actions:
                state = client.session.get(f"{client.url}/conversations/{sender}/tracker",
                                           params={"token": client.token, "include_events": "ALL"},
                                           timeout=client.timeout).json()
                events = state.get("events") or []
                calls[turn].append(action_calls(events[seen:], actions))
                body = {"next_action": "validate_back_pain_form", "sender_id": sender, "tracker": state,
                        "version": version("rasa")}
                call_bytes[turn].append(len(json.dumps(body).encode()))
                turn_bytes[turn].append(calls[turn][-1] * call_bytes[turn][-1])
                seen = len(events)
            else:
                client.slots(sender)

    def p50(rows: list[list[float]], turns: range) -> float:
        return round(statistics.median(v for t in turns for v in rows[t]), 1)

    figures: dict = {"turns": len(texts), "repeats": GROWTH_REPEATS,
                     "early_p50_ms": p50(latency, EARLY), "late_p50_ms": p50(latency, LATE)}
    figures["late_over_early"] = round(figures["late_p50_ms"] / figures["early_p50_ms"], 2)
    if actions:
        for name, turns in (("early", EARLY), ("late", LATE)):
            figures[f"{name}_calls_per_turn"] = round(statistics.mean(v for t in turns for v in calls[t]), 2)
            figures[f"{name}_bytes_per_call"] = round(statistics.mean(v for t in turns for v in call_bytes[t]))
            figures[f"{name}_bytes_per_turn"] = round(statistics.mean(v for t in turns for v in turn_bytes[t]))
    return figures


def vignette_conversations(limit: int | None) -> list[Conversation]:
    vignettes = load_vignettes(default_files())[:limit]
    return [partial(play, vignette) for vignette in vignettes]


def plain_conversations(count: int) -> list[Conversation]:
    scripts = itertools.islice(itertools.cycle(PLAIN_SCRIPTS), count)
    return [partial(play_script, texts, f"plain-{secrets.token_hex(4)}") for texts in scripts]


# --- the two bots -------------------------------------------------------------


def memory(servers: dict[str, Server], moment: str) -> dict:
    return {f"{name}_rss_{moment}_mb": round(server.rss_mb(), 0) for name, server in servers.items()}


def serve_and_measure(servers: dict[str, Server], url: str, token: str, conversations, growth: Sequence[str],
                      actions: frozenset[str] = frozenset()) -> dict:
    """Start the servers in order, measure, and always stop them."""
    figures: dict = {}
    try:
        for name, server in servers.items():
            server.start()
            figures[f"{name}_startup_s"] = round(server.startup_s, 1)
        figures.update(memory(servers, "started"))
        figures.update(measure(TimedClient(url, token, timeout=120), conversations, growth, actions))
        figures.update(memory(servers, "after_load"))
        figures.update({f"{name}_rss_peak_mb": round(s.peak_rss_mb(), 0) for name, s in servers.items()})
    finally:
        for server in reversed(servers.values()):
            server.stop()
    return figures


def backstride(model: Path, work: Path, token: str, limit: int | None) -> dict:
    database = f"sqlite:///{work / 'tracker.db'}"
    env = {**rasa_env(), "ACTIONS_PORT": str(ACTIONS_PORT), "DATABASE_URL": database,
           "SANIC_HOST": "127.0.0.1", "BACKSTRIDE_ENV": "test"}
    migrated = subprocess.run([PYTHON, "-W", "ignore::RuntimeWarning:runpy", "-m", "backstride.store.migrate", database],
                              cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True)
    if migrated.returncode:
        raise RuntimeError(f"could not create the tracker tables: {migrated.stderr.strip()}")
    url = f"http://127.0.0.1:{BACKSTRIDE_PORT}"
    servers = {
        "actions": Server("the action server", [RASA, "run", "actions", "--actions", "actions", "-p", str(ACTIONS_PORT)],
                          f"http://127.0.0.1:{ACTIONS_PORT}/health", LOGS / "bench-actions.log", env=env),
        "rasa": Server("Backstride's Rasa server",
                       [RASA, "run", "-m", str(model), "--enable-api", f"--auth-token={token}", "-p", str(BACKSTRIDE_PORT),
                        "-i", "127.0.0.1", "--credentials", "credentials.yml", "--endpoints", "endpoints.yml"],
                       f"{url}/status?token={token}", LOGS / "bench-rasa-backstride.log", env=env),
    }
    listed = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8")).get("actions") or []
    actions = frozenset(a if isinstance(a, str) else next(iter(a)) for a in listed)
    return serve_and_measure(servers, url, token, lambda: vignette_conversations(limit), GROWTH_SCRIPT[:GROWTH_TURNS],
                             actions)


def plain(project: Path, model: Path, token: str, count: int) -> dict:
    url = f"http://127.0.0.1:{PLAIN_PORT}"
    server = Server("the plain Rasa server",
                    [RASA, "run", "-m", str(model), "--enable-api", f"--auth-token={token}", "-p", str(PLAIN_PORT),
                     "-i", "127.0.0.1"],
                    f"{url}/status?token={token}", LOGS / "bench-rasa-plain.log", cwd=project, env=rasa_env())
    growth = tuple(itertools.islice(itertools.cycle(itertools.chain.from_iterable(PLAIN_SCRIPTS)), GROWTH_TURNS))
    return serve_and_measure({"rasa": server}, url, token, lambda: plain_conversations(count), growth)


# --- the table -----------------------------------------------------------------

ROWS: tuple[tuple[str, str, str], ...] = (
    # (label, Backstride key, plain key); "+" adds the action server to Backstride's figure.
    ("training (s)", "train_s", "train_s"),
    ("start-up, Rasa server (s)", "rasa_startup_s", "rasa_startup_s"),
    ("start-up, action server (s)", "actions_startup_s", ""),
    ("first turn after start-up (ms)", "first_turn_ms", "first_turn_ms"),
    ("latency p50, 1 runner (ms)", "load_1.p50_ms", "load_1.p50_ms"),
    ("latency p95, 1 runner (ms)", "load_1.p95_ms", "load_1.p95_ms"),
    ("latency p50, 10 runners (ms)", "load_10.p50_ms", "load_10.p50_ms"),
    ("latency p95, 10 runners (ms)", "load_10.p95_ms", "load_10.p95_ms"),
    ("throughput, 1 runner (turns/s)", "load_1.turns_per_s", "load_1.turns_per_s"),
    ("throughput, 10 runners (turns/s)", "load_10.turns_per_s", "load_10.turns_per_s"),
    ("RSS Rasa server, started (MB)", "rasa_rss_started_mb", "rasa_rss_started_mb"),
    ("RSS Rasa server, peak (MB)", "rasa_rss_peak_mb", "rasa_rss_peak_mb"),
    ("RSS Rasa server, after load (MB)", "rasa_rss_after_load_mb", "rasa_rss_after_load_mb"),
    ("RSS action server, peak (MB)", "actions_rss_peak_mb", ""),
    ("RSS action server, after load (MB)", "actions_rss_after_load_mb", ""),
    ("RSS all servers, peak (MB)", "rasa_rss_peak_mb+actions_rss_peak_mb", "rasa_rss_peak_mb"),
    ("RSS all servers, after load (MB)", "rasa_rss_after_load_mb+actions_rss_after_load_mb", "rasa_rss_after_load_mb"),
    ("growth: p50 turns 1-5 (ms)", "growth.early_p50_ms", "growth.early_p50_ms"),
    ("growth: p50 turns 36-40 (ms)", "growth.late_p50_ms", "growth.late_p50_ms"),
    ("growth: turns 36-40 / turns 1-5", "growth.late_over_early", "growth.late_over_early"),
    ("growth: action calls a turn, 1-5", "growth.early_calls_per_turn", ""),
    ("growth: action calls a turn, 36-40", "growth.late_calls_per_turn", ""),
    ("growth: kB to actions a turn, 1-5", "growth.early_bytes_per_turn/1000", ""),
    ("growth: kB to actions a turn, 36-40", "growth.late_bytes_per_turn/1000", ""),
)


def lookup(figures: dict, key: str) -> float | None:
    """A figure by dotted key; 'a+b' is a sum, 'a/1000' a figure divided; None when absent."""
    if not key:
        return None
    key, _, divisor = key.partition("/")
    total = 0.0
    for part in key.split("+"):
        value = figures
        for step in part.split("."):
            value = value.get(step) if isinstance(value, dict) else None
        if value is None:
            return None
        total += value
    return total / float(divisor) if divisor else total


def _cell(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.0f}" if abs(value) >= 100 else f"{value:.2f}" if abs(value) < 10 else f"{value:.1f}"


def table(ours: dict, theirs: dict) -> list[dict]:
    rows = []
    for label, our_key, their_key in ROWS:
        a, b = lookup(ours, our_key), lookup(theirs, their_key)
        rows.append({"figure": label, "backstride": a, "plain": b,
                     "ratio": round(a / b, 2) if a is not None and b else None})
    return rows


def render(rows: list[dict], info: dict, ours: dict, theirs: dict) -> str:
    lines = [
        "--- Backstride beside a plain Rasa bot (rasa init), same run; ratio = Backstride / plain ---",
        f"machine: {info['cores']} cores, Python {info['python']}, rasa {info['rasa']}, {info['platform']}, "
        f"load average at start {' '.join(map(str, info['load_average_at_start']))}",
        f"{'':36}{'Backstride':>12}{'plain':>10}{'ratio':>8}",
    ]
    for row in rows:
        lines.append(f"{row['figure']:36}{_cell(row['backstride']):>12}{_cell(row['plain']):>10}{_cell(row['ratio']):>8}")
    for name, figures in (("Backstride", ours), ("plain", theirs)):
        played = ", ".join(f"{figures[f'load_{j}']['turns']} turns in {figures[f'load_{j}']['conversations']} "
                           f"conversations at {j}" for j in CONCURRENCY)
        errors = sum(figures[f"load_{j}"]["errors"] for j in CONCURRENCY)
        lines.append(f"{name}: {played}" + (f"; {errors} conversations ended in an error" if errors else ""))
    if ours.get("train_s") is None:
        lines.append("training: skipped (--no-train); served the given model, no training time measured")
    return "\n".join(lines)


# --- command line ----------------------------------------------------------------


def plain_model(project: Path, work: Path, skip_training: bool) -> tuple[float | None, Path]:
    """Train the plain bot, or reuse the kept one under --no-train when there is one."""
    if skip_training and PLAIN_MODEL_KEPT.exists():
        return None, PLAIN_MODEL_KEPT
    seconds, model = train(project, work / "models", "plain", work / "cache-plain")
    PLAIN_MODEL_KEPT.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(model, PLAIN_MODEL_KEPT)
    return (None if skip_training else seconds), model


def step(message: str, started: float) -> None:
    """Progress with the minutes so far: a full run takes about a quarter of an hour."""
    print(f"[{(time.monotonic() - started) / 60:4.1f} min] {message}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=ROOT / "models/backstride.tar.gz",
                        help="Backstride model served under --no-train (default: %(default)s)")
    parser.add_argument("--no-train", action="store_true", help="skip training: no training times, quicker")
    parser.add_argument("--limit", type=int, help="play only the first N vignettes in each round")
    parser.add_argument("--plain-conversations", type=int, default=240,
                        help="plain-bot conversations in each round (default %(default)s: about as many turns as the vignettes)")
    parser.add_argument("--report", type=Path, default=ROOT / "results/bench.json")
    args = parser.parse_args()

    started = time.monotonic()
    info = machine()
    token = secrets.token_urlsafe(24)
    (ROOT / "var").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bench-", dir=ROOT / "var") as tmp:
        work = Path(tmp)
        project = create_plain_project(work / "plain")
        ours: dict = {"train_s": None}
        model = args.model
        if not args.no_train:
            step("training Backstride (empty cache, 2 threads) ...", started)
            seconds, model = train(ROOT, work / "models", "backstride", work / "cache-backstride")
            ours["train_s"] = round(seconds, 1)
        reuse = args.no_train and PLAIN_MODEL_KEPT.exists()
        step(f"plain bot: reusing {PLAIN_MODEL_KEPT.relative_to(ROOT)}" if reuse else "training the plain bot ...", started)
        plain_seconds, plain_path = plain_model(project, work, args.no_train)
        theirs: dict = {"train_s": None if plain_seconds is None else round(plain_seconds, 1)}
        step("serving Backstride and playing its vignettes at 1 and 10 runners ...", started)
        ours.update(backstride(model, work, token, args.limit))
        step("serving the plain bot and playing its conversations ...", started)
        theirs.update(plain(project, plain_path, token, args.plain_conversations))

    rows = table(ours, theirs)
    print(render(rows, info, ours, theirs))
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(json.dumps({"machine": info, "backstride": ours, "plain": theirs, "table": rows}, indent=2) + "\n")
    report = args.report.resolve()
    shown = report.relative_to(ROOT) if report.is_relative_to(ROOT) else report
    print(f"(comparison took {(time.monotonic() - started) / 60:.1f} min; figures written to {shown})")


if __name__ == "__main__":
    main()
