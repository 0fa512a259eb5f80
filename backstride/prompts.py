"""The form's questions and clarifications, read from ``prompts.yml``.

Kept as data beside the code so that a clinician can review the wording; the
form's validation action asks them (see ``actions/form.py``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from backstride import contract as c

PROMPTS_FILE = Path(__file__).with_name("prompts.yml")

YES_NO_BUTTONS = (
    {"title": "Yes", "payload": "/affirm"},
    {"title": "No", "payload": "/deny"},
    {"title": "Not sure", "payload": "/not_sure"},
)


@dataclass(frozen=True)
class Prompt:
    text: str
    buttons: tuple[dict[str, str], ...] = ()


@lru_cache(maxsize=1)
def _load() -> dict:
    return yaml.safe_load(PROMPTS_FILE.read_text(encoding="utf-8"))


def _buttons(slot: str, spec: object) -> tuple[dict[str, str], ...]:
    if spec == "yes_no":
        return YES_NO_BUTTONS
    if not spec:
        return ()
    return tuple(
        {"title": b["title"], "payload": "/describe_pain" + json.dumps({slot: b["value"]})}
        for b in spec  # type: ignore[union-attr]
    )


def question(slot: str) -> Prompt:
    entry = _load()["questions"][slot]
    return Prompt(entry["ask"], _buttons(slot, entry.get("buttons")))


def confirmation(slot: str, heard: str) -> Prompt:
    """The emergency advice for a sign heard uncertainly, then its question (the triage policy, section 6.2)."""
    entry = _load()["questions"][slot]
    words = " ".join((heard or "").split())[:120].replace('"', "'") or "something that may be a warning sign"
    return Prompt(_load()["confirm"][slot].format(heard=words), _buttons(slot, entry.get("buttons")))


def clarification(slot: str) -> Prompt:
    """What to say before asking ``slot`` again after an unclear answer."""
    data = _load()
    if slot in c.BOOL_FACTS:
        return Prompt(data["clarify_yes_no"])
    return Prompt(data["questions"][slot]["clarify"])


def noted_unsure() -> Prompt:
    return Prompt(_load()["noted_unsure"])


def no_reply() -> str:
    """What a channel sends when a turn ended without any reply (``channels/guard.py``)."""
    return _load()["no_reply"]


def unreadable_message() -> str:
    """What the web widget's channel answers to a message it cannot read (``channels/websocket.py``)."""
    return _load()["unreadable_message"]
