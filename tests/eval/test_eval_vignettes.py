"""The vignette evaluator against a scripted fake server, and the vignette files themselves.

No Rasa here: ``FakeRasa`` serves the two endpoints of the triage policy, section 7 from a
script (which slots to ask, which level to end on), so every scoring path of the
harness can be driven on purpose.
"""

from __future__ import annotations

import importlib.util
import json
import socket
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import yaml

from backstride.contract import (
    BOOL_FACTS,
    CHEST_PAIN,
    FACT_SLOTS,
    FORM_SLOTS,
    LOCATIONS,
    RADIATIONS,
    RULE_IDS,
    Level,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
SCRIPT = REPO_ROOT / "scripts" / "eval_vignettes.py"
RUNNERS = REPO_ROOT / "tests" / "vignettes" / "runners.yml"
REAL = REPO_ROOT / "tests" / "vignettes" / "real"
REAL_FILES = sorted(REAL.glob("*/*.yml"))
VIGNETTE_FILES = sorted((REPO_ROOT / "tests" / "vignettes").glob("*.yml")) + REAL_FILES + sorted(
    (REPO_ROOT.parent / "shared" / "vignettes").glob("*.yml")
)
LEVELS = tuple(level.slot_value for level in Level)
TOKEN = "s3cret"


def _load_script():
    spec = importlib.util.spec_from_file_location("eval_vignettes", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["eval_vignettes"] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


ev = _load_script()


# --- a scripted fake server ---------------------------------------------------


@dataclass
class Scenario:
    """What the fake bot does in one conversation."""

    asks: tuple = ()  # requested_slot after the opener, then after each answer
    level: str | None = "modify_and_continue"  # set once the asks run out
    escalate_on_opener: bool = False  # set ``level`` straight after the opener


class FakeRasa:
    """Threaded HTTP server: GET /, POST /webhooks/rest/webhook, GET /conversations/ID/tracker."""

    def __init__(self, script=lambda opener: Scenario(), token=TOKEN, port=0):
        self.script = script
        self.token = token
        self.lock = threading.Lock()
        self.state: dict[str, dict] = {}
        self.messages: dict[str, list[str]] = {}
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep pytest output clean
                pass

            def _json(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urlparse(self.path)
                parts = url.path.strip("/").split("/")
                if url.path == "/":
                    body = b"Hello from Rasa: 3.6.0"
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                elif len(parts) == 3 and parts[0] == "conversations" and parts[2] == "tracker":
                    if parse_qs(url.query).get("token") != [fake.token]:
                        return self._json(401, {"message": "User is not authenticated."})
                    with fake.lock:
                        slots = dict(fake.state.get(parts[1], {}).get("slots", {}))
                    self._json(200, {"sender_id": parts[1], "slots": slots})
                else:
                    self._json(404, {})

            def do_POST(self):
                if self.path != "/webhooks/rest/webhook":
                    return self._json(404, {})
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                self._json(200, fake.turn(body["sender"], body["message"]))

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    def turn(self, sender: str, text: str) -> list[dict]:
        with self.lock:
            self.messages.setdefault(sender, []).append(text)
            if sender not in self.state:
                scenario = self.script(text)
                self.state[sender] = {"scenario": scenario, "next": 0, "slots": {}}
            conv = self.state[sender]
            scenario, slots = conv["scenario"], conv["slots"]
            if scenario.escalate_on_opener:
                slots.update(requested_slot=None, triage_level=scenario.level, triage_reasons=["emergency_signs"])
                return [{"text": "Call the emergency number now."}]
            if conv["next"] < len(scenario.asks):
                slot = scenario.asks[conv["next"]]
                conv["next"] += 1
                slots.update(requested_slot=slot)
                return [{"text": f"Question about {slot}?", "buttons": [{"title": "yes", "payload": "/affirm"}]}]
            slots.update(requested_slot=None, triage_level=scenario.level)
            return [{"text": f"Your level: {scenario.level}"}]

    def conversations(self) -> list[list[str]]:
        return list(self.messages.values())

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def write_vignettes(tmp_path: Path, *vignettes: dict) -> Path:
    path = tmp_path / "v.yml"
    path.write_text(yaml.safe_dump(list(vignettes), sort_keys=False))
    return path


def vignette(vid="t01", opener="my back hurts", facts=None, stated=(), level="modify_and_continue", emergency=False):
    raw = {"id": vid, "opener": opener, "facts": facts or {}, "stated": list(stated), "expected_level": level}
    if emergency:
        raw["emergency_in_opener"] = True
    return raw


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_main(server_url: str, files: Path, *extra: str, token: str = TOKEN) -> int:
    return ev.main(["--url", server_url, "--token", token, "--files", str(files), "--wait", "0", *extra])


# --- plain-words answers ------------------------------------------------------------


def V(facts=None, vid="t01"):
    return ev.parse_vignette(vignette(vid=vid, facts=facts))


@pytest.mark.parametrize(
    "days, expected",
    [
        (0.3, "7 hours"),
        (0.04, "1 hour"),
        (1, "1 day"),
        (4, "4 days"),
        (1.5, "1.5 days"),
        (10, "10 days"),
        (14, "2 weeks"),
        (21, "3 weeks"),
        (60, "2 months"),
    ],
)
def test_duration_in_words(days, expected):
    for vid in ("a", "b", "c", "d", "e"):
        words = ev.duration_words(days, vid)
        assert expected in words
        assert not any(slot in words for slot in FACT_SLOTS)
    assert "hours" not in ev.duration_words(0.04, "x") and "1 days" not in ev.duration_words(1, "x")


def test_seven_days_stays_in_days():
    assert "7 days" in ev.duration_words(7, "x")


@pytest.mark.parametrize(
    "location, words",
    [
        ("lower_back", ("low back", "lower back")),
        ("mid_back", ("middle of my back", "mid back")),
        ("upper_back", ("between my shoulder blades",)),
        ("neck", ("neck",)),
        ("buttock_hip", ("buttock and hip", "hip and buttock")),
        ("other", ("somewhere else",)),
    ],
)
def test_location_in_words(location, words):
    answer = ev.answer_for(V({"pain_location": location}), "pain_location")
    assert any(w in answer for w in words), answer
    assert "_" not in answer


@pytest.mark.parametrize(
    "radiation, words",
    [
        ("none", ("just my back", "stays in my back", "only my back")),
        ("buttock", ("buttock",)),
        ("thigh", ("thigh",)),
        ("below_knee", ("past the knee", "below the knee")),
        ("both_legs", ("both",)),
    ],
)
def test_radiation_in_words(radiation, words):
    answer = ev.answer_for(V({"pain_radiation": radiation}), "pain_radiation")
    assert any(w in answer for w in words), answer
    assert radiation == "none" or "both" not in answer or radiation == "both_legs"


def test_thigh_answer_says_it_stops_above_the_knee():
    for vid in ("a", "b", "c", "d"):
        answer = ev.answer_for(V({"pain_radiation": "thigh"}, vid), "pain_radiation")
        assert "not past the knee" in answer or "stops above the knee" in answer


def test_severity_in_words():
    answers = {ev.answer_for(V({"pain_severity": 8}, vid), "pain_severity") for vid in "abcdefghij"}
    assert answers <= {"about an 8 out of 10", "8", "8/10"}
    assert len(answers) > 1
    assert ev.answer_for(V(vid="q"), "pain_severity") in {"about a 4 out of 10", "4", "4/10"}


@pytest.mark.parametrize("slot", [*BOOL_FACTS, CHEST_PAIN])
def test_boolean_answers_are_plain_yes_or_no(slot):
    for vid in ("a", "b", "c", "d", "e", "f"):
        yes = ev.answer_for(V({slot: True}, vid), slot).lower()
        no = ev.answer_for(V({slot: False}, vid), slot).lower()
        assert yes.startswith(("yes", "yeah")), yes
        assert no.startswith(("no", "nope")), no
        for answer in (yes, no):
            assert "_" not in answer and answer not in ("true", "false")


def test_defaults_fill_unlisted_facts():
    v = V({})
    assert ev.answer_for(v, "numbness_tingling").lower().startswith("no")
    assert "back" in ev.answer_for(v, "pain_location")
    assert "1 day" in ev.answer_for(v, "pain_duration_days")
    assert "4" in ev.answer_for(v, "pain_severity")
    assert "back" in ev.answer_for(v, "pain_radiation")


def test_answers_are_deterministic_and_vary_between_vignettes():
    facts = {"pain_location": "lower_back", "pain_duration_days": 5, "gait_change": True}
    for slot in ("pain_location", "pain_duration_days", "gait_change", "pain_radiation"):
        assert ev.answer_for(V(facts, "r07"), slot) == ev.answer_for(V(facts, "r07"), slot)
        assert len({ev.answer_for(V(facts, f"v{i}"), slot) for i in range(30)}) > 1


def test_a_reask_gets_other_words():
    v = V({"pain_location": "mid_back"})
    assert ev.answer_for(v, "pain_location", 0) != ev.answer_for(v, "pain_location", 1)


def test_unknown_slot_gets_unsure():
    assert ev.answer_for(V(), "favourite_shoe") == ev.UNSURE


# --- level comparison ------------------------------------------------------------------


@pytest.mark.parametrize(
    "expected, got, outcome",
    [
        ("urgent", "urgent", "OK"),
        ("see_clinician", "stop_and_reassess", "UNDER"),
        ("emergency", "modify_and_continue", "UNDER"),
        ("modify_and_continue", "stop_and_reassess", "OVER"),
        ("see_clinician", "emergency", "OVER"),
        ("urgent", None, "NO-LEVEL"),
        ("urgent", "", "NO-LEVEL"),
        ("urgent", "panic", "ERROR"),
    ],
)
def test_compare(expected, got, outcome):
    assert ev.compare(expected, got) == outcome


# --- playing against the fake server ---------------------------------------------------


def test_play_answers_each_requested_slot_and_counts_redundant(tmp_path):
    asks = ("emergency_signs", "pain_location", "pain_duration_days", "pain_radiation", "pain_severity")
    raw = vignette(
        facts={"pain_location": "upper_back", "pain_duration_days": 14, "pain_radiation": "thigh", "pain_severity": 8},
        stated=["pain_location", "pain_severity"],
        level="urgent",
    )
    v = ev.parse_vignette(raw)
    with FakeRasa(lambda opener: Scenario(asks=asks, level="urgent")) as fake:
        result = ev.play(v, ev.BotClient(fake.url, TOKEN))
        [messages] = fake.conversations()
    assert result.outcome == "OK" and result.got == "urgent"
    assert result.asked == list(asks)
    assert result.redundant == ["pain_location", "pain_severity"]
    assert result.turns == 1 + len(asks) == len(messages)
    assert messages[0] == raw["opener"]
    assert messages[1:] == [ev.answer_for(v, slot) for slot in asks]
    assert "shoulder blades" in messages[2] and "2 weeks" in messages[3] and "thigh" in messages[4]
    assert result.transcript[1]["bot"][0]["buttons"][0]["title"] == "yes"
    assert result.escalated_in_first_reply is None


def test_senders_are_unique_per_play():
    v = V()
    with FakeRasa() as fake:
        client = ev.BotClient(fake.url, TOKEN)
        ev.play(v, client)
        ev.play(v, client)
        senders = list(fake.messages)
    assert len(senders) == 2 and all(s.startswith("eval-t01-") for s in senders)


def test_reasked_slot_is_answered_in_other_words():
    v = V({"pain_location": "buttock_hip"})
    with FakeRasa(lambda o: Scenario(asks=("pain_location", "pain_location"))) as fake:
        result = ev.play(v, ev.BotClient(fake.url, TOKEN))
        [messages] = fake.conversations()
    assert result.reasked == ["pain_location"]
    assert messages[1] != messages[2]


def test_no_level_when_the_form_ends_without_one():
    with FakeRasa(lambda o: Scenario(asks=("trauma",), level=None)) as fake:
        result = ev.play(V(), ev.BotClient(fake.url, TOKEN))
    assert result.outcome == "NO-LEVEL" and result.got is None and result.turns == 2


def test_turn_limit_ends_a_looping_form():
    with FakeRasa(lambda o: Scenario(asks=("pain_severity",) * 100)) as fake:
        result = ev.play(V(), ev.BotClient(fake.url, TOKEN), max_turns=25)
    assert result.outcome == "NO-LEVEL" and result.turns == 25 and "25 turns" in result.note


def test_emergency_opener_escalated_at_once():
    raw = vignette(
        opener="I can't pee", facts={"emergency_signs": True}, stated=["emergency_signs"], level="emergency", emergency=True
    )
    with FakeRasa(lambda o: Scenario(level="emergency", escalate_on_opener=True)) as fake:
        result = ev.play(ev.parse_vignette(raw), ev.BotClient(fake.url, TOKEN))
    assert result.outcome == "OK" and result.turns == 1 and result.escalated_in_first_reply is True
    assert result.reasons == ["emergency_signs"]


# --- the command line: output, report, exit codes --------------------------------------


def by_opener(table):
    """A script that picks the scenario from the opener."""
    return lambda opener: table[opener]


def test_all_exact_passes_and_writes_report(tmp_path, capsys):
    files = write_vignettes(
        tmp_path,
        vignette("a1", "one", stated=["pain_location"]),
        vignette("a2", "two", level="see_clinician"),
    )
    table = {
        "one": Scenario(asks=("pain_duration_days",)),
        "two": Scenario(asks=("pain_location", "pain_severity"), level="see_clinician"),
    }
    report = tmp_path / "out" / "report.json"
    with FakeRasa(by_opener(table)) as fake:
        code = run_main(fake.url, files, "--report", str(report), "--min-exact", "100", "--max-redundant", "0")
    out = capsys.readouterr().out
    assert code == 0
    assert "a1" in out and "a2" in out and "exact: 2/2 (100.0%)" in out and "PASS" in out
    assert "mean turns: 2.5" in out and "redundant questions: 0/3 (0.0%)" in out
    data = json.loads(report.read_text())
    assert data["summary"]["exact"] == 2 and data["failures"] == []
    assert [r["id"] for r in data["results"]] == ["a1", "a2"]
    assert data["results"][1]["asked"] == ["pain_location", "pain_severity"]


def test_over_triage_alone_passes(tmp_path, capsys):
    files = write_vignettes(tmp_path, vignette("o1", "one"))
    with FakeRasa(lambda o: Scenario(level="see_clinician")) as fake:
        assert run_main(fake.url, files) == 0
    out = capsys.readouterr().out
    assert "OVER" in out and "over-triaged (1): o1" in out


def test_under_triage_fails(tmp_path, capsys):
    files = write_vignettes(tmp_path, vignette("u1", "one", level="urgent"), vignette("u2", "two"))
    with FakeRasa(lambda o: Scenario(level="stop_and_reassess")) as fake:
        assert run_main(fake.url, files) == 1
    out = capsys.readouterr().out
    assert "under-triaged (1): u1" in out and "over-triaged (1): u2" in out and "FAIL" in out


def test_no_level_fails(tmp_path, capsys):
    files = write_vignettes(tmp_path, vignette("n1"))
    with FakeRasa(lambda o: Scenario(asks=("trauma",), level=None)) as fake:
        assert run_main(fake.url, files) == 1
    assert "no level (1): n1" in capsys.readouterr().out


def test_min_exact_gate(tmp_path):
    files = write_vignettes(tmp_path, vignette("m1", "one"), vignette("m2", "two"))
    table = {"one": Scenario(), "two": Scenario(level="urgent")}  # 50 % exact, one over
    with FakeRasa(by_opener(table)) as fake:
        assert run_main(fake.url, files, "--min-exact", "50") == 0
        assert run_main(fake.url, files, "--min-exact", "51") == 1


def test_max_redundant_gate(tmp_path, capsys):
    files = write_vignettes(tmp_path, vignette("x1", stated=["pain_location"]))
    with FakeRasa(lambda o: Scenario(asks=("pain_location", "trauma", "pain_severity", "gait_change"))) as fake:
        assert run_main(fake.url, files, "--max-redundant", "25") == 0
        assert run_main(fake.url, files, "--max-redundant", "24.9") == 1
    out = capsys.readouterr().out
    assert "redundant questions: 1/4 (25.0%)" in out and "redundant=pain_location" in out


def test_emergency_opener_not_escalated_fails(tmp_path, capsys):
    raw = vignette("e1", "both legs numb", facts={"emergency_signs": True}, level="emergency", emergency=True)
    files = write_vignettes(tmp_path, raw)
    with FakeRasa(lambda o: Scenario(asks=("emergency_signs",), level="emergency")) as fake:
        assert run_main(fake.url, files) == 1  # right level, but one question too late
    out = capsys.readouterr().out
    assert "escalated in first reply: 0/1" in out and "not escalated" in out
    with FakeRasa(lambda o: Scenario(level="emergency", escalate_on_opener=True)) as fake:
        assert run_main(fake.url, files) == 0
    assert "escalated in first reply: 1/1" in capsys.readouterr().out


def test_unreachable_server_is_a_clear_error(tmp_path, capsys):
    port = free_port()
    files = write_vignettes(tmp_path, vignette())
    assert run_main(f"http://127.0.0.1:{port}", files) == 3
    assert "cannot reach the server" in capsys.readouterr().err


def test_wait_polls_until_the_server_answers(tmp_path):
    port = free_port()
    started = []

    def start_later():
        time.sleep(1.5)
        started.append(FakeRasa(port=port).__enter__())

    files = write_vignettes(tmp_path, vignette())
    starter = threading.Thread(target=start_later)
    starter.start()
    try:
        code = run_main(f"http://127.0.0.1:{port}", files, "--wait", "15")
    finally:
        starter.join()
        for fake in started:
            fake.__exit__()
    assert code == 0


def test_rejected_token_is_a_clear_error(tmp_path, capsys):
    files = write_vignettes(tmp_path, vignette())
    with FakeRasa() as fake:
        assert run_main(fake.url, files, token="wrong") == 3
    assert "rejected the token" in capsys.readouterr().err


def test_token_defaults_to_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("RASA_AUTH_TOKEN", TOKEN)
    files = write_vignettes(tmp_path, vignette())
    with FakeRasa() as fake:
        assert ev.main(["--url", fake.url, "--files", str(files), "--wait", "0"]) == 0


def test_bad_vignette_file_exits_2(tmp_path, capsys):
    files = write_vignettes(tmp_path, vignette(level="fine"))
    assert ev.main(["--files", str(files), "--wait", "0"]) == 2
    assert "expected_level" in capsys.readouterr().err


def test_jobs_give_the_same_results_in_order(tmp_path):
    levels = ["urgent", "see_clinician", "modify_and_continue", "emergency", "stop_and_reassess"] * 3
    raws = [vignette(f"j{i:02d}", f"opener {i}", level=lvl) for i, lvl in enumerate(levels)]
    vs = [ev.parse_vignette(r) for r in raws]
    table = {r["opener"]: Scenario(asks=("pain_location", "trauma"), level=r["expected_level"]) for r in raws}
    with FakeRasa(by_opener(table)) as fake:
        client = ev.BotClient(fake.url, TOKEN)
        serial = ev.evaluate(vs, client, jobs=1)
        parallel = ev.evaluate(vs, client, jobs=4)
    assert [r.id for r in parallel] == [v.id for v in vs]
    key = lambda r: (r.id, r.got, r.outcome, r.turns, r.asked)  # noqa: E731
    assert list(map(key, serial)) == list(map(key, parallel))
    assert all(r.outcome == "OK" for r in parallel)


def test_ids_filter(tmp_path, capsys):
    files = write_vignettes(tmp_path, vignette("k1", "one"), vignette("k2", "two"))
    with FakeRasa() as fake:
        assert run_main(fake.url, files, "--ids", "k2") == 0
        assert run_main(fake.url, files, "--ids", "nope") == 2
    out = capsys.readouterr().out
    assert "k2" in out and "k1" not in out


def test_default_files_include_shared(tmp_path):
    repo = tmp_path / "repo"
    (repo / "tests" / "vignettes").mkdir(parents=True)
    (repo / "tests" / "vignettes" / "own.yml").write_text("[]")
    assert ev.default_files(repo) == [repo / "tests" / "vignettes" / "own.yml"]
    (tmp_path / "shared" / "vignettes").mkdir(parents=True)
    (tmp_path / "shared" / "vignettes" / "dev.yml").write_text("[]")
    assert ev.default_files(repo)[-1] == tmp_path / "shared" / "vignettes" / "dev.yml"


def test_duplicate_ids_across_files_are_rejected(tmp_path):
    a, b = tmp_path / "a.yml", tmp_path / "b.yml"
    a.write_text(yaml.safe_dump([vignette("same")]))
    b.write_text(yaml.safe_dump([vignette("same", opener="my back is sore")]))
    with pytest.raises(ev.VignetteError, match="already used"):
        ev.load_vignettes([a, b])


def test_a_runner_given_twice_in_the_same_words_is_played_once(tmp_path):
    # the project's copy of the shared dev vignettes, and the shared file beside the clone
    a, b = tmp_path / "a.yml", tmp_path / "b.yml"
    a.write_text(yaml.safe_dump([vignette("same"), vignette("own")]))
    b.write_text(yaml.safe_dump([vignette("same"), vignette("new")]))
    vignettes = ev.load_vignettes([a, b])
    assert [v.id for v in vignettes] == ["same", "own", "new"]
    assert [v.source for v in vignettes] == [str(a), str(a), str(b)]


# --- the vignette files ------------------------------------------------------------------

ALL_RAW = [(path, raw) for path in VIGNETTE_FILES for raw in (yaml.safe_load(path.read_text()) or [])]
ALL_IDS = [f"{path.stem}:{raw.get('id')}" for path, raw in ALL_RAW]


def test_vignette_files_are_found():
    assert RUNNERS in VIGNETTE_FILES


def test_all_vignette_files_load():
    vignettes = ev.load_vignettes(VIGNETTE_FILES)
    assert len(vignettes) == len({raw["id"] for _path, raw in ALL_RAW})


@pytest.mark.parametrize("path, raw", ALL_RAW, ids=ALL_IDS)
def test_vignette_is_well_formed(path, raw):
    real = {"source", "sent_at", "confirms", "note"} if path in REAL_FILES else set()
    assert set(raw) <= {"id", "opener", "facts", "stated", "expected_level", "emergency_in_opener"} | real
    assert isinstance(raw["opener"], str) and raw["opener"].strip()
    assert raw["expected_level"] in LEVELS
    facts = raw.get("facts") or {}
    for slot, value in facts.items():
        assert slot in FACT_SLOTS, slot
        if slot in BOOL_FACTS or slot == CHEST_PAIN:
            assert isinstance(value, bool), slot
        elif slot == "pain_location":
            assert value in LOCATIONS
        elif slot == "pain_radiation":
            assert value in RADIATIONS
        elif slot == "pain_duration_days":
            assert isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0
        elif slot == "pain_severity":
            assert isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 10
    stated = raw.get("stated") or []
    assert len(stated) == len(set(stated))
    for slot in stated:
        assert slot in FORM_SLOTS, slot
        assert slot in facts, f"{slot} is stated but its value is not given in facts"
    if raw.get("emergency_in_opener"):
        assert raw["expected_level"] == "emergency"
    for slot in raw.get("confirms") or []:
        assert slot in FORM_SLOTS and slot not in stated, slot


# An independent reading of the triage policy, section 2 (deliberately not backstride.triage).
DEFAULTS = {"pain_location": "lower_back", "pain_duration_days": 1, "pain_radiation": "none", "pain_severity": 4}
TABLE = [  # (rule id, level, fires)
    ("emergency_signs", "emergency", lambda f: f["emergency_signs"]),
    ("bilateral_radiation", "emergency", lambda f: f["pain_radiation"] == "both_legs"),
    ("major_trauma", "emergency", lambda f: f["trauma"]),
    ("chest_pain", "emergency", lambda f: f["chest_pain"]),
    ("systemic_signs", "urgent", lambda f: f["systemic_signs"]),
    ("thoracic_pain", "urgent", lambda f: f["pain_location"] == "upper_back"),
    ("radiating_below_knee", "see_clinician", lambda f: f["pain_radiation"] == "below_knee"),
    ("radiating_leg", "see_clinician", lambda f: f["pain_radiation"] == "thigh"),
    ("numbness_tingling", "see_clinician", lambda f: f["numbness_tingling"]),
    ("leg_weakness", "see_clinician", lambda f: f["leg_weakness"]),
    ("worse_with_rest", "see_clinician", lambda f: f["worse_with_rest"]),
    ("persists_weeks", "see_clinician", lambda f: f["pain_duration_days"] >= 21),
    ("recurs_despite_rest", "see_clinician", lambda f: f["recurring_despite_rest"]),
    ("severe_pain", "see_clinician", lambda f: f["pain_severity"] >= 8),
    ("worse_during_run", "stop_and_reassess", lambda f: f["worse_during_run"]),
    ("gait_change", "stop_and_reassess", lambda f: f["gait_change"]),
    ("persists_beyond_72h", "stop_and_reassess", lambda f: f["pain_duration_days"] >= 3),
]
ORDER = ["modify_and_continue", "stop_and_reassess", "see_clinician", "urgent", "emergency"]


def fired_rules(facts: dict) -> list[str]:
    full = {**{slot: False for slot in (*BOOL_FACTS, CHEST_PAIN)}, **DEFAULTS, **facts}
    return [rule for rule, _, fires in TABLE if fires(full)]


def level_of(facts: dict) -> str:
    levels = {rule: level for rule, level, _ in TABLE}
    return max((levels[r] for r in fired_rules(facts)), key=ORDER.index, default="modify_and_continue")


def test_independent_table_matches_the_contract_names():
    assert [rule for rule, _, _ in TABLE] == list(RULE_IDS)
    assert ORDER == list(LEVELS)


@pytest.mark.parametrize("path, raw", ALL_RAW, ids=ALL_IDS)
def test_expected_level_follows_the_contract_table(path, raw):
    facts = raw.get("facts") or {}
    assert raw["expected_level"] == level_of(facts), f"rules fired: {fired_rules(facts)}"


def test_runners_cover_every_level_and_rule():
    raws = yaml.safe_load(RUNNERS.read_text())
    assert sorted(r["id"] for r in raws) == [f"r{i:02d}" for i in range(1, 41)]
    assert {r["expected_level"] for r in raws} == set(LEVELS)
    fired = {rule for r in raws for rule in fired_rules(r.get("facts") or {})}
    assert fired == set(RULE_IDS)
    assert any(not r.get("stated") for r in raws), "some openers state nothing"
    assert any(r.get("emergency_in_opener") for r in raws)


# --- the real runners' stories (tests/vignettes/real) ------------------------------------


def test_the_real_corpus_has_both_parts_every_level_and_its_sources():
    dev = [raw for path, raw in ALL_RAW if path.parent == REAL / "dev"]
    heldout = [raw for path, raw in ALL_RAW if path.parent == REAL / "heldout"]
    assert len(dev) + len(heldout) >= 100 and len(heldout) >= 40
    for part in (dev, heldout):
        assert {raw["expected_level"] for raw in part} == set(LEVELS)
    emergencies = [raw for raw in dev + heldout if raw["expected_level"] == "emergency"]
    assert len(emergencies) >= 12
    assert any(raw.get("emergency_in_opener") for raw in emergencies)
    assert any(raw.get("confirms") for raw in emergencies)
    assert all(str(raw["source"]).startswith("http") for raw in dev + heldout)
    ids = [raw["id"] for raw in dev + heldout]
    assert len(ids) == len(set(ids))


def test_a_real_story_is_sent_with_its_own_date(tmp_path):
    vignette = ev.parse_vignette(
        {"id": "x", "opener": "since 22 May", "facts": {}, "stated": [], "expected_level": "modify_and_continue",
         "sent_at": "2026-06-03", "source": "https://example.org/p", "confirms": ["trauma"], "note": "n"}
    )
    assert vignette.sent_at == "2026-06-03" and vignette.confirms == ("trauma",)
    with pytest.raises(ev.VignetteError):
        ev.parse_vignette({**{"id": "y", "opener": "o", "expected_level": "urgent"}, "sent_at": "June"})


def test_parts_are_told_apart(tmp_path):
    assert ev.part_of(str(REAL / "heldout" / "a.yml")) == "real-heldout"
    assert ev.part_of(str(REAL / "dev" / "a.yml")) == "real-dev"
    assert ev.part_of(str(RUNNERS)) == "ours"
    assert ev.part_of(str(tmp_path / "shared" / "vignettes" / "dev.yml")) == "shared"


def test_told_emergency_counts_only_runners_below_emergency():
    results = [
        ev.Result(id="a", source="s", expected="urgent", got="emergency", outcome=ev.OVER),
        ev.Result(id="b", source="s", expected="emergency", got="emergency", outcome=ev.OK),
        ev.Result(id="c", source="s", expected="stop_and_reassess", got="stop_and_reassess", outcome=ev.OK),
    ]
    summary = ev.summarize(results)
    assert summary["told_emergency"] == ["a"] and summary["told_emergency_pct"] == 50.0
    assert summary["confusion"]["urgent"]["emergency"] == 1
    assert ev.gate_failures(summary, max_told_emergency=2)
    assert not ev.gate_failures(summary, max_told_emergency=60)
