#!/usr/bin/env python
"""Play simulated runners (vignettes) against a running Backstride server and score its triage.

Each vignette is one runner: an opener, the whole truth about their pain (``facts``),
the slots the opener already answers (``stated``) and the level that docs/triage-policy.md
section 2 gives (``expected_level``). The evaluator talks to the server only through
the interface of the triage policy, section 7, so it measures exactly what an outside
evaluator would: the REST webhook to speak, the tracker to read ``requested_slot``
and ``triage_level``. The simulated runner answers every question in plain words,
never in slot values, so the NLU is measured along with the policy.

Usage::

    python scripts/eval_vignettes.py --url http://127.0.0.1:5005 --token TOKEN \
        [--files a.yml ...] [--report out.json] [--jobs 4] \
        [--min-exact 90] [--max-redundant 5] [--wait 60]

Exit codes: 0 all gates passed; 1 a gate failed (an under-triaged vignette, one
without a level, one that errored, an emergency opener not escalated at once,
``--min-exact`` / ``--max-redundant``); 2 bad arguments or vignette files;
3 the server cannot be reached or rejects the token.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import threading
import time
import uuid
from collections import Counter
from datetime import date
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

import requests
import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:  # run as a script: make the package importable
    sys.path.insert(0, str(REPO_ROOT))

from backstride.contract import (  # noqa: E402  (after the sys.path fix above)
    BOOL_FACTS,
    CHEST_PAIN,
    FACT_SLOTS,
    FORM_SLOTS,
    LOCATIONS,
    PAIN_DURATION_DAYS,
    PAIN_LOCATION,
    PAIN_RADIATION,
    PAIN_SEVERITY,
    RADIATIONS,
    TRIAGE_LEVEL,
    TRIAGE_REASONS,
    Level,
)

REQUESTED_SLOT = "requested_slot"
#: Words every confirming question carries (backstride/prompts.yml, confirm): emergency advice
#: for a sign heard uncertainly, given before the runner confirms it or not.
CONFIRMING_QUESTION = "To be sure I understood"
LEVEL_NAMES = tuple(level.slot_value for level in Level)

#: What a slot left out of ``facts`` means (header of tests/vignettes/dev.yml).
FACT_DEFAULTS: dict[str, Any] = {
    **{slot: False for slot in BOOL_FACTS},
    CHEST_PAIN: False,
    PAIN_LOCATION: "lower_back",
    PAIN_DURATION_DAYS: 1,
    PAIN_RADIATION: "none",
    PAIN_SEVERITY: 4,
}

DEFAULT_MAX_TURNS = 25

# Outcomes of one vignette.
OK, UNDER, OVER, NO_LEVEL, ERROR = "OK", "UNDER", "OVER", "NO-LEVEL", "ERROR"

EXIT_OK, EXIT_GATE, EXIT_USAGE, EXIT_SERVER = 0, 1, 2, 3


class VignetteError(ValueError):
    """A vignette file that does not follow the format."""


class ServerError(RuntimeError):
    """The server cannot be reached or refuses us; no vignette can be scored."""


# --- vignettes -------------------------------------------------------------


@dataclass(frozen=True)
class Vignette:
    id: str
    opener: str
    facts: dict
    stated: tuple
    expected_level: str
    emergency_in_opener: bool = False
    source: str = ""
    #: emergency signs the opener mentions uncertainly: the first question must confirm one
    confirms: tuple = ()
    #: the day the runner wrote the opener ("since 22 May" counts from it), ISO date
    sent_at: str = ""
    #: the page a real runner's account was rewritten from
    url: str = ""

    def fact(self, slot: str) -> Any:
        """The runner's truth for ``slot``, with the format's defaults."""
        return self.facts.get(slot, FACT_DEFAULTS.get(slot))


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_fact(slot: str, value: Any) -> str | None:
    if slot in BOOL_FACTS:
        return None if isinstance(value, bool) else "must be true or false"
    if slot == PAIN_LOCATION:
        return None if value in LOCATIONS else f"must be one of {', '.join(LOCATIONS)}"
    if slot == PAIN_RADIATION:
        return None if value in RADIATIONS else f"must be one of {', '.join(RADIATIONS)}"
    if slot == PAIN_DURATION_DAYS:
        return None if _is_number(value) and value >= 0 else "must be a number of days >= 0"
    if slot == PAIN_SEVERITY:
        return None if _is_number(value) and 0 <= value <= 10 else "must be a number 0-10"
    return "is not a contract slot"


def parse_vignette(raw: Any, source: str = "") -> Vignette:
    """Check one vignette mapping against the format and return it; raise VignetteError."""
    where = f"{source}: " if source else ""
    if not isinstance(raw, dict):
        raise VignetteError(f"{where}a vignette must be a mapping, got {raw!r}")
    vid = raw.get("id")
    if not isinstance(vid, str) or not vid:
        raise VignetteError(f"{where}vignette without an id: {raw!r}")
    where = f"{where}{vid}: "
    unknown = set(raw) - {
        "id", "opener", "facts", "stated", "expected_level", "emergency_in_opener", "confirms", "sent_at", "source", "note",
    }
    if unknown:
        raise VignetteError(f"{where}unknown keys {sorted(unknown)}")
    opener = raw.get("opener")
    if not isinstance(opener, str) or not opener.strip():
        raise VignetteError(f"{where}opener must be a non-empty string")
    facts = raw.get("facts") or {}
    if not isinstance(facts, dict):
        raise VignetteError(f"{where}facts must be a mapping")
    for slot, value in facts.items():
        problem = _check_fact(slot, value)
        if problem:
            raise VignetteError(f"{where}fact {slot}={value!r} {problem}")
    stated = raw.get("stated") or []
    if not isinstance(stated, list) or any(slot not in FORM_SLOTS for slot in stated):
        raise VignetteError(f"{where}stated must list form slots, got {stated!r}")
    level = raw.get("expected_level")
    if level not in LEVEL_NAMES:
        raise VignetteError(f"{where}expected_level must be one of {', '.join(LEVEL_NAMES)}")
    emergency = raw.get("emergency_in_opener", False)
    if not isinstance(emergency, bool):
        raise VignetteError(f"{where}emergency_in_opener must be true or false")
    confirms = raw.get("confirms") or []
    if not isinstance(confirms, list) or any(slot not in FORM_SLOTS for slot in confirms):
        raise VignetteError(f"{where}confirms must list form slots, got {confirms!r}")
    sent_at = raw.get("sent_at") or ""
    if sent_at:
        try:
            sent_at = date.fromisoformat(str(sent_at)).isoformat()
        except ValueError as exc:
            raise VignetteError(f"{where}sent_at must be a date (YYYY-MM-DD), got {sent_at!r}") from exc
    url = raw.get("source") or ""
    if not isinstance(url, str):
        raise VignetteError(f"{where}source must be the address of a page")
    return Vignette(vid, opener, dict(facts), tuple(stated), level, emergency, source, tuple(confirms), sent_at, url)


def load_vignettes(paths: Iterable[Path | str]) -> list[Vignette]:
    """Read and check vignette files; ids must be unique across all of them.

    A runner given twice in the very same words (the project's copy of the shared dev
    vignettes, and the shared file beside the clone) is played once; the same id with
    other words is an error.
    """
    vignettes: list[Vignette] = []
    seen: dict[str, str] = {}
    raws: dict[str, object] = {}
    for path in paths:
        path = Path(path)
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise VignetteError(f"{path}: cannot read: {exc}") from exc
        if data is None:
            continue
        if not isinstance(data, list):
            raise VignetteError(f"{path}: expected a list of vignettes")
        for raw in data:
            vignette = parse_vignette(raw, str(path))
            if vignette.id in seen:
                if raws[vignette.id] == raw:
                    continue
                raise VignetteError(f"{path}: id {vignette.id} already used in {seen[vignette.id]}")
            seen[vignette.id] = str(path)
            raws[vignette.id] = raw
            vignettes.append(vignette)
    return vignettes


def default_files(repo_root: Path = REPO_ROOT) -> list[Path]:
    """The project's own vignettes (real runners' stories in both parts included) plus, when
    a ``../shared/vignettes`` folder is beside the clone, the ones in it."""
    files = sorted((repo_root / "tests" / "vignettes").glob("*.yml"))
    files += sorted((repo_root / "tests" / "vignettes" / "real").glob("*/*.yml"))
    shared = repo_root.parent / "shared" / "vignettes"
    if shared.is_dir():
        files += sorted(shared.glob("*.yml"))
    return files


# --- the simulated runner's answers ----------------------------------------

# Yes / no phrasings per boolean slot; each stays on its own topic so an answer
# never states another slot by accident.
_YES_NO: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "emergency_signs": (
        ("yes, I have", "yes, that is happening to me", "yeah, I do"),
        ("no, nothing like that", "no, none of those", "nope"),
    ),
    "trauma": (
        ("yes, it started after that", "yes, I was in an accident", "yeah, it did"),
        ("no, nothing like that", "no, there was no accident", "nope"),
    ),
    "systemic_signs": (
        ("yes, I have", "yes, that's right", "yeah"),
        ("no, nothing like that", "no, I feel fine otherwise", "nope"),
    ),
    "numbness_tingling": (
        ("yes, I have", "yes, it tingles", "yeah"),
        ("no, nothing like that", "no, I don't", "nope"),
    ),
    "leg_weakness": (
        ("yes, one leg feels weak", "yes, I have", "yeah"),
        ("no, nothing like that", "no, my legs feel strong", "nope"),
    ),
    "worse_during_run": (
        ("yes, it gets worse the longer I run", "yes, it does", "yeah"),
        ("no, it stays about the same", "no, it doesn't", "nope"),
    ),
    "gait_change": (
        ("yes, I'm limping a bit", "yes, I am", "yeah"),
        ("no, I run normally", "no, I'm not", "nope"),
    ),
    "worse_with_rest": (
        ("yes, it's worse at night", "yes, it does", "yeah"),
        ("no, rest makes it better", "no, it doesn't", "nope"),
    ),
    "recurring_despite_rest": (
        ("yes, it keeps coming back", "yes, it does", "yeah"),
        ("no, this is the first time", "no, it doesn't", "nope"),
    ),
    CHEST_PAIN: (
        ("yes, my chest hurts too", "yes, I have", "yeah"),
        ("no, my chest is fine", "no, nothing like that", "nope"),
    ),
}
_GENERIC_YES_NO = (("yes, I have", "yes, that's right", "yeah"), ("no, nothing like that", "no, I haven't", "nope"))

_LOCATION_WORDS = {
    "lower_back": ("lower back", "my lower back", "low back"),
    "mid_back": ("in the middle of my back", "the middle of my back", "mid back"),
    "upper_back": ("between my shoulder blades", "upper back, between my shoulder blades"),
    "neck": ("my neck", "in my neck"),
    "buttock_hip": ("my buttock and hip", "my hip and buttock"),
    "other": ("somewhere else", "somewhere else, really"),
}

_RADIATION_WORDS = {
    "none": ("it doesn't spread anywhere, just my back", "it stays in my back", "nowhere, it's only my back"),
    "buttock": ("it goes into my buttock", "it spreads into my buttock, no further"),
    "thigh": ("down the back of my thigh, stops above the knee", "into my thigh but not past the knee"),
    "below_knee": ("down my leg past the knee", "all the way down my leg, below the knee"),
    "both_legs": ("down both legs", "it goes down both my legs"),
}

UNSURE = "I'm not sure"


def _pick(vignette_id: str, slot: str, options: Sequence[str], attempt: int = 0) -> str:
    """A phrasing fixed by the vignette and slot (reproducible), rotated on a re-ask."""
    digest = hashlib.sha256(f"{vignette_id}/{slot}".encode()).digest()
    return options[(int.from_bytes(digest[:4], "big") + attempt) % len(options)]


def _number(value: float) -> str:
    return f"{value:g}"


def duration_words(days: float, vignette_id: str = "", attempt: int = 0) -> str:
    """Days in the words a runner would use: hours, days, whole weeks, months."""
    if days < 1:
        hours = max(1, round(days * 24))
        unit = "hour" if hours == 1 else "hours"
        options = (f"about {hours} {unit}", f"{hours} {unit} or so", f"for about {hours} {unit}")
    elif days >= 14 and float(days).is_integer() and int(days) % 7 == 0:
        weeks = int(days) // 7
        options = (f"{weeks} weeks", f"about {weeks} weeks", f"{weeks} weeks now")
    elif days >= 60 and float(days).is_integer() and int(days) % 30 == 0:
        months = int(days) // 30
        options = (f"about {months} months", f"{months} months or so")
    else:
        n = _number(days)
        unit = "day" if days == 1 else "days"
        options = (f"about {n} {unit}", f"{n} {unit}", f"for {n} {unit} now")
    return _pick(vignette_id, PAIN_DURATION_DAYS, options, attempt)


def severity_words(severity: float, vignette_id: str = "", attempt: int = 0) -> str:
    n = _number(severity)
    article = "an" if n.startswith("8") or n in ("11", "18") else "a"
    options = (f"about {article} {n} out of 10", n, f"{n}/10")
    return _pick(vignette_id, PAIN_SEVERITY, options, attempt)


def answer_for(vignette: Vignette, slot: str, attempt: int = 0) -> str:
    """What the simulated runner types when asked for ``slot`` (``attempt`` > 0 on a re-ask)."""
    vid = vignette.id
    if slot not in FACT_SLOTS:
        return UNSURE
    value = vignette.fact(slot)
    if slot == PAIN_LOCATION:
        return _pick(vid, slot, _LOCATION_WORDS[value], attempt)
    if slot == PAIN_RADIATION:
        return _pick(vid, slot, _RADIATION_WORDS[value], attempt)
    if slot == PAIN_DURATION_DAYS:
        return duration_words(float(value), vid, attempt)
    if slot == PAIN_SEVERITY:
        return severity_words(float(value), vid, attempt)
    yes, no = _YES_NO.get(slot, _GENERIC_YES_NO)
    return _pick(vid, slot, yes if value else no, attempt)


# --- talking to the server -------------------------------------------------


class BotClient:
    """The two endpoints of the triage policy, section 7; one requests.Session per thread."""

    def __init__(self, url: str, token: str, timeout: float = 60.0):
        self.url = url.rstrip("/")
        self.token = token
        self.timeout = (5.0, timeout)
        self._local = threading.local()

    @property
    def session(self) -> requests.Session:
        if not hasattr(self._local, "session"):
            self._local.session = requests.Session()
        return self._local.session

    def wait_until_up(self, seconds: float) -> None:
        """Poll ``GET /`` until the server answers at all; raise ServerError at the deadline."""
        deadline = time.monotonic() + max(0.0, seconds)
        while True:
            try:
                self.session.get(self.url + "/", timeout=(2.0, 10.0))
                return
            except (requests.ConnectionError, requests.Timeout) as exc:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise ServerError(
                        f"cannot reach the server at {self.url} (waited {seconds:g} s): {exc.__class__.__name__}"
                    ) from exc
                time.sleep(min(1.0, left))

    def send(self, sender: str, text: str, sent_at: str = "") -> list[dict]:
        body: dict[str, Any] = {"sender": sender, "message": text}
        if sent_at:
            body["metadata"] = {"sent_at": sent_at}  # the message's own time, for its dates
        response = self.session.post(f"{self.url}/webhooks/rest/webhook", json=body, timeout=self.timeout)
        response.raise_for_status()
        replies = response.json() or []
        return [{k: r[k] for k in ("text", "buttons") if k in r} for r in replies]

    def slots(self, sender: str) -> dict:
        response = self.session.get(
            f"{self.url}/conversations/{sender}/tracker",
            params={"token": self.token, "include_events": "NONE"},
            timeout=self.timeout,
        )
        if response.status_code in (401, 403):
            raise ServerError(
                f"the server rejected the token (HTTP {response.status_code}); set --token or RASA_AUTH_TOKEN"
            )
        response.raise_for_status()
        return response.json().get("slots") or {}


# --- playing and scoring -----------------------------------------------------


@dataclass
class Result:
    id: str
    source: str
    expected: str
    got: str | None = None
    outcome: str = ERROR
    turns: int = 0
    asked: list = field(default_factory=list)
    redundant: list = field(default_factory=list)
    reasked: list = field(default_factory=list)
    emergency_in_opener: bool = False
    escalated_in_first_reply: bool | None = None
    #: the opener mentions a sign uncertainly: was the first question its confirmation?
    confirms: list = field(default_factory=list)
    confirmed_first: bool | None = None
    #: a confirming question (with the emergency advice for its sign) was asked
    confirming_asked: bool = False
    reasons: list = field(default_factory=list)
    note: str = ""
    transcript: list = field(default_factory=list)


def compare(expected: str, got: str | None) -> str:
    """OK / UNDER / OVER against the contract's level order; NO-LEVEL when empty; ERROR if unknown."""
    if not got:
        return NO_LEVEL
    if got not in LEVEL_NAMES:
        return ERROR
    diff = Level.from_slot_value(got) - Level.from_slot_value(expected)
    return OK if diff == 0 else (UNDER if diff < 0 else OVER)


def play(vignette: Vignette, client: BotClient, max_turns: int = DEFAULT_MAX_TURNS) -> Result:
    """One conversation: the opener, then an answer to each requested slot until a level is set."""
    result = Result(
        id=vignette.id,
        source=vignette.source,
        expected=vignette.expected_level,
        emergency_in_opener=vignette.emergency_in_opener,
        confirms=list(vignette.confirms),
    )
    sender = f"eval-{vignette.id}-{uuid.uuid4().hex[:8]}"
    attempts: Counter = Counter()

    def say(text: str) -> dict:
        replies = client.send(sender, text, vignette.sent_at)
        if any(CONFIRMING_QUESTION in (r.get("text") or "") for r in replies):
            result.confirming_asked = True
        result.turns += 1
        slots = client.slots(sender)
        result.transcript.append(
            {
                "user": text,
                "bot": replies,
                REQUESTED_SLOT: slots.get(REQUESTED_SLOT),
                TRIAGE_LEVEL: slots.get(TRIAGE_LEVEL),
            }
        )
        return slots

    try:
        slots = say(vignette.opener)
        if vignette.emergency_in_opener:
            result.escalated_in_first_reply = slots.get(TRIAGE_LEVEL) == Level.EMERGENCY.slot_value
        if vignette.confirms:
            result.confirmed_first = slots.get(REQUESTED_SLOT) in vignette.confirms
        while not slots.get(TRIAGE_LEVEL) and slots.get(REQUESTED_SLOT):
            if result.turns >= max_turns:
                result.note = f"no level after {max_turns} turns"
                break
            slot = slots[REQUESTED_SLOT]
            result.asked.append(slot)
            if slot in vignette.stated:
                result.redundant.append(slot)
            if attempts[slot]:
                result.reasked.append(slot)
            answer = answer_for(vignette, slot, attempts[slot])
            attempts[slot] += 1
            slots = say(answer)
    except ServerError:
        raise
    except (requests.RequestException, ValueError) as exc:
        result.note = f"{exc.__class__.__name__}: {exc}"
        result.outcome = ERROR
        return result

    result.got = slots.get(TRIAGE_LEVEL) or None
    result.reasons = list(slots.get(TRIAGE_REASONS) or [])
    result.outcome = compare(vignette.expected_level, result.got)
    if result.outcome == ERROR:
        result.note = f"unknown level {result.got!r}"
    elif result.outcome == NO_LEVEL and not result.note:
        result.note = "the form ended without a level"
    return result


def evaluate(
    vignettes: Sequence[Vignette],
    client: BotClient,
    jobs: int = 1,
    max_turns: int = DEFAULT_MAX_TURNS,
    on_result=None,
) -> list[Result]:
    """Play every vignette (``jobs`` at a time); results come back in vignette order."""
    results: list[Result] = []
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [pool.submit(play, v, client, max_turns) for v in vignettes]
        try:
            for future in futures:
                result = future.result()
                results.append(result)
                if on_result:
                    on_result(result)
        except BaseException:
            for future in futures:
                future.cancel()
            raise
    return results


def summarize(results: Sequence[Result]) -> dict:
    total = len(results)
    by = lambda outcome: [r.id for r in results if r.outcome == outcome]  # noqa: E731
    asked = sum(len(r.asked) for r in results)
    redundant = sum(len(r.redundant) for r in results)
    emergency = [r for r in results if r.emergency_in_opener]
    to_confirm = [r for r in results if r.confirms]
    below = [r for r in results if r.expected != Level.EMERGENCY.slot_value]
    told_emergency = [r.id for r in below if r.got == Level.EMERGENCY.slot_value]
    per_level = Counter(r.expected for r in results)
    confusion = {
        expected: {got: sum(1 for r in results if r.expected == expected and (r.got or "-") == got)
                   for got in (*LEVEL_NAMES, "-")}
        for expected in LEVEL_NAMES
    }
    return {
        "vignettes": total,
        "exact": len(by(OK)),
        "exact_pct": round(100.0 * len(by(OK)) / total, 1) if total else 0.0,
        "under": by(UNDER),
        "over": by(OVER),
        "no_level": by(NO_LEVEL),
        "errors": by(ERROR),
        "questions_asked": asked,
        "redundant_questions": redundant,
        "redundant_pct": round(100.0 * redundant / asked, 1) if asked else 0.0,
        "reasked_questions": sum(len(r.reasked) for r in results),
        "mean_turns": round(sum(r.turns for r in results) / total, 2) if total else 0.0,
        "emergency_in_opener": len(emergency),
        "escalated_in_first_reply": sum(1 for r in emergency if r.escalated_in_first_reply),
        "not_escalated": [r.id for r in emergency if not r.escalated_in_first_reply],
        "to_confirm": len(to_confirm),
        "confirmed_first": sum(1 for r in to_confirm if r.confirmed_first),
        "not_confirmed_first": [r.id for r in to_confirm if not r.confirmed_first],
        # below emergency, yet told to call an emergency number as the result
        "below_emergency": len(below),
        "told_emergency": told_emergency,
        "told_emergency_pct": round(100.0 * len(told_emergency) / len(below), 1) if below else 0.0,
        # below emergency, shown the emergency advice on the way (a confirming question)
        "advice_on_the_way": [r.id for r in below if r.confirming_asked],
        "expected_per_level": {name: per_level.get(name, 0) for name in LEVEL_NAMES},
        "confusion": confusion,
    }


def gate_failures(
    summary: dict,
    min_exact: float | None = None,
    max_redundant: float | None = None,
    max_told_emergency: float | None = None,
    max_mean_turns: float | None = None,
) -> list[str]:
    """Why the run fails, in words; empty when every gate holds."""
    failures = []
    if summary["under"]:
        failures.append(f"under-triaged: {', '.join(summary['under'])}")
    if summary["no_level"]:
        failures.append(f"no level: {', '.join(summary['no_level'])}")
    if summary["errors"]:
        failures.append(f"errors: {', '.join(summary['errors'])}")
    if summary["not_escalated"]:
        failures.append(f"emergency opener not escalated at once: {', '.join(summary['not_escalated'])}")
    if min_exact is not None and summary["exact_pct"] < min_exact:
        failures.append(f"exact {summary['exact_pct']}% < --min-exact {min_exact:g}%")
    if max_redundant is not None and summary["redundant_pct"] > max_redundant:
        failures.append(f"redundant questions {summary['redundant_pct']}% > --max-redundant {max_redundant:g}%")
    if max_told_emergency is not None and summary["told_emergency_pct"] > max_told_emergency:
        failures.append(
            f"told to call an emergency number below emergency {summary['told_emergency_pct']}% "
            f"> --max-told-emergency {max_told_emergency:g}%: {', '.join(summary['told_emergency'])}"
        )
    if max_mean_turns is not None and summary["mean_turns"] > max_mean_turns:
        failures.append(f"mean turns {summary['mean_turns']} > --max-mean-turns {max_mean_turns:g}")
    return failures


def format_result(r: Result) -> str:
    line = (
        f"{r.id:<8} expected={r.expected:<19} got={(r.got or '-'):<19} {r.outcome:<8} "
        f"turns={r.turns:>2} redundant={','.join(r.redundant) or '-'}"
    )
    if r.emergency_in_opener and not r.escalated_in_first_reply:
        line += " NOT-ESCALATED-AT-ONCE"
    if r.note and r.outcome != OK:
        line += f"  ({r.note})"
    return line


def format_summary(s: dict) -> str:
    ids = lambda xs: ", ".join(xs) or "-"  # noqa: E731
    return "\n".join(
        [
            "--- summary ---",
            f"exact: {s['exact']}/{s['vignettes']} ({s['exact_pct']}%)",
            f"under-triaged ({len(s['under'])}): {ids(s['under'])}",
            f"over-triaged ({len(s['over'])}): {ids(s['over'])}",
            f"no level ({len(s['no_level'])}): {ids(s['no_level'])}",
            f"errors ({len(s['errors'])}): {ids(s['errors'])}",
            f"redundant questions: {s['redundant_questions']}/{s['questions_asked']} ({s['redundant_pct']}%)"
            f"; re-asked: {s['reasked_questions']}",
            f"mean turns: {s['mean_turns']}",
            f"emergency in opener escalated in first reply: {s['escalated_in_first_reply']}/{s['emergency_in_opener']}",
            f"uncertain sign confirmed by the first question: {s['confirmed_first']}/{s['to_confirm']}"
            f" (not: {ids(s['not_confirmed_first'])})",
            f"below emergency but told to call an emergency number: {len(s['told_emergency'])}/{s['below_emergency']}"
            f" ({s['told_emergency_pct']}%); shown the advice in a confirming question: {len(s['advice_on_the_way'])}",
            "confusion (rows expected, columns got): " + format_confusion(s["confusion"]),
        ]
    )


def format_confusion(confusion: dict) -> str:
    short = {"emergency": "E", "urgent": "U", "see_clinician": "S", "stop_and_reassess": "R", "modify_and_continue": "M", "-": "-"}
    rows = []
    for expected, row in confusion.items():
        cells = " ".join(f"{short[got]}{n}" for got, n in row.items() if n)
        rows.append(f"{short[expected]}: {cells or '-'}")
    return " | ".join(rows)


# --- command line -------------------------------------------------------------

#: The parts a run is reported in with --by-part.
PARTS = ("ours", "shared", "real-dev", "real-heldout")


def part_of(source: str) -> str:
    """Which part a vignette file belongs to: ours, shared, real-dev or real-heldout."""
    path = Path(source).resolve()
    if "real" in path.parts:
        return "real-heldout" if path.parent.name == "heldout" else "real-dev"
    return "ours" if REPO_ROOT in path.parents else "shared"


def _part_threshold(item: str) -> tuple[str, float]:
    part, _, pct = item.partition("=")
    if part not in PARTS:
        raise ValueError(f"--min-exact-for: unknown part {part!r} (one of {', '.join(PARTS)})")
    return part, float(pct)



def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Play simulated runners against a Backstride server and score the triage.",
        epilog="Exit codes: 0 pass, 1 a gate failed, 2 bad arguments or vignettes, 3 server unreachable.",
    )
    add = parser.add_argument
    add("--url", default=os.environ.get("RASA_URL", "http://127.0.0.1:5005"), help="server base URL (default: env RASA_URL, else %(default)s)")
    add("--token", default=None, help="auth token (default: env RASA_AUTH_TOKEN)")
    add("--files", nargs="+", type=Path,
        help="vignette files (default: tests/vignettes/*.yml + ../shared/vignettes/*.yml)")
    add("--ids", nargs="+", help="play only these vignette ids")
    add("--report", type=Path, help="write a JSON report (summary and transcripts) here")
    add("--jobs", type=int, default=1, help="vignettes played at once (default: %(default)s)")
    add("--wait", type=float, default=60.0,
        help="seconds to wait for the server to answer GET / (default: %(default)s)")
    add("--timeout", type=float, default=60.0, help="read timeout per request in seconds (default: %(default)s)")
    add("--max-turns", type=int, default=DEFAULT_MAX_TURNS,
        help="user messages per vignette before giving up (default: %(default)s)")
    add("--min-exact", type=float, metavar="PCT", help="fail if fewer than PCT %% of vignettes get the exact level")
    add("--max-redundant", type=float, metavar="PCT", help="fail if more than PCT %% of questions ask a stated slot")
    add("--max-told-emergency", type=float, metavar="PCT",
        help="fail if more than PCT %% of runners below emergency end with the emergency level")
    add("--max-mean-turns", type=float, metavar="N", help="fail if the mean number of turns is above N")
    add("--by-part", action="store_true",
        help="report and gate each part on its own: ours, shared, real-dev, real-heldout")
    add("--min-exact-for", action="append", default=[], metavar="PART=PCT",
        help="with --by-part, a part's own --min-exact (e.g. real-heldout=90); repeatable")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    token = args.token if args.token is not None else os.environ.get("RASA_AUTH_TOKEN", "")
    if args.jobs < 1 or args.max_turns < 1:
        parser.error("--jobs and --max-turns must be at least 1")

    files = args.files or default_files()
    if not files:
        print("error: no vignette files found", file=sys.stderr)
        return EXIT_USAGE
    try:
        vignettes = load_vignettes(files)
    except VignetteError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.ids:
        missing = set(args.ids) - {v.id for v in vignettes}
        if missing:
            print(f"error: unknown vignette ids: {', '.join(sorted(missing))}", file=sys.stderr)
            return EXIT_USAGE
        vignettes = [v for v in vignettes if v.id in args.ids]
    if not vignettes:
        print("error: no vignettes in " + ", ".join(map(str, files)), file=sys.stderr)
        return EXIT_USAGE

    client = BotClient(args.url, token, args.timeout)
    try:
        client.wait_until_up(args.wait)
        results = evaluate(
            vignettes, client, args.jobs, args.max_turns, on_result=lambda r: print(format_result(r), flush=True)
        )
    except ServerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_SERVER

    summary = summarize(results)
    gates = dict(max_redundant=args.max_redundant, max_told_emergency=args.max_told_emergency,
                 max_mean_turns=args.max_mean_turns)
    try:
        own_exact = dict(_part_threshold(item) for item in args.min_exact_for)
    except ValueError as exc:
        parser.error(str(exc))
    parts: dict[str, dict] = {}
    failures: list[str] = []
    if args.by_part:
        for part in PARTS:
            group = [r for r in results if part_of(r.source) == part]
            if not group:
                continue
            parts[part] = summarize(group)
            print(f"=== {part} ({len(group)} runners) ===")
            print(format_summary(parts[part]))
            failures += [f"{part}: {f}" for f in gate_failures(parts[part], own_exact.get(part, args.min_exact), **gates)]
        print(f"=== all ({len(results)} runners) ===")
        print(format_summary(summary))
    else:
        failures = gate_failures(summary, args.min_exact, **gates)
        print(format_summary(summary))
    print("FAIL: " + "; ".join(failures) if failures else "PASS")
    if args.report:
        report = {
            "url": args.url,
            "files": [str(f) for f in files],
            "summary": summary,
            "parts": parts,
            "failures": failures,
            "results": [asdict(r) for r in results],
        }
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return EXIT_GATE if failures else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
