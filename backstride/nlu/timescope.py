"""When a finding happened: this episode, an earlier one, or long ago.

Runners tell stories: "I came off my bike in 2019 and it has niggled since",
"last spring it lasted six weeks", "I had the same a few weeks ago". A fact
from the past is not a fact about the current episode, so every clause of a
message gets a scope:

- ``current``: no marker, or days and hours ("since Monday", "yesterday");
- ``recent``: an event weeks back ("a fall 3 weeks ago", "last month");
- ``earlier``: an earlier episode that cleared ("had the same before",
  "it lasted six weeks", "last spring");
- ``long_ago``: months or years back ("in 2019", "years ago", "as a teen",
  "an old injury").

The markers are data (``lexicon/time.json``); years and month names are
compared with the message's own time here. A clause without a marker of its
own takes the scope of the clause before it in the same sentence ("Back in
2019 I came off my bike, and I hurt my back"), unless it opens with a
contrast ("but", "now", "this time") or speaks in the present ("it is",
"still"). The reader decides what a scope means for each fact.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import List, Optional, Sequence

__all__ = ["CURRENT", "RECENT", "EARLIER", "LONG_AGO", "PAST", "TimeCues", "clause_scopes"]

CURRENT, RECENT, EARLIER, LONG_AGO = "current", "recent", "earlier", "long_ago"
#: Scopes that are not the current episode at all.
PAST = frozenset({EARLIER, LONG_AGO})

_YEAR = re.compile(r"\b(?P<pre>since|from|in|back\s+in|during|around|circa|of|summer|spring|winter|autumn|fall)?\s*(?P<year>(?:19|20)\d\d)\b", re.I)
_MONTH_EVENT = re.compile(
    r"\b(?P<pre>since|from|started|starting|began|in|back\s+in|on|during|around|early|mid|late|end\s+of)[\s-]+"
    r"(?:(?:early|mid|late|the\s+end\s+of|the\s+start\s+of)[\s-]+)?"
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|march|apr(?:il)?|may|june|july|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b",
    re.I,
)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_ONSET = {"since", "from", "started", "starting", "began"}


@dataclass(frozen=True)
class TimeCues:
    long_ago: Sequence[re.Pattern]
    earlier: Sequence[re.Pattern]
    recent: Sequence[re.Pattern]
    present: Sequence[re.Pattern]
    contrast_openers: frozenset

    @classmethod
    def load(cls, path: Path) -> "TimeCues":
        data = json.loads(path.read_text(encoding="utf-8"))
        # one alternation per scope: a clause is searched four times, not once per marker
        compiled = {
            key: [re.compile("|".join(f"(?:{p})" for p in data[key]), re.I)]
            for key in ("long_ago", "earlier", "recent", "present")
        }
        return cls(**compiled, contrast_openers=frozenset(data["contrast_openers"]))


def _dated_scope(text: str, now: datetime) -> Optional[str]:
    """The scope a year or month in ``text`` gives ("in 2019": long ago; "since 2019": none)."""
    for m in _YEAR.finditer(text):
        pre = (m.group("pre") or "").lower()
        year = int(m.group("year"))
        if pre in _ONSET or year > now.year:
            continue  # "since 2019" is this pain's age, not a past event
        if year < now.year:
            return LONG_AGO
    for m in _MONTH_EVENT.finditer(text):
        pre = m.group("pre").lower()
        if pre in _ONSET or (m.group("month").lower() == "may" and m.group("month") != "May"):
            continue  # "it may get worse": only a capital M makes "May" the month
        month = _MONTHS.index(m.group("month").lower()[:3]) + 1
        try:
            when = date(now.year, month, 15)
        except ValueError:  # pragma: no cover - the 15th exists in every month
            continue
        if when > now.date():
            when = date(now.year - 1, month, 15)
        days = (now.date() - when).days
        if days > 75:
            return LONG_AGO
        if days > 10:
            return RECENT
    return None


def own_scope(text: str, cues: TimeCues, now: datetime) -> Optional[str]:
    """The scope a clause's own words give it, or None when it names no time of its own."""
    if any(p.search(text) for p in cues.earlier):
        return EARLIER
    if any(p.search(text) for p in cues.long_ago):
        return LONG_AGO
    dated = _dated_scope(text, now)
    if dated is not None:
        return dated
    if any(p.search(text) for p in cues.recent):
        return RECENT
    return None


def clause_scopes(
    clause_texts: Sequence[str], sentence_of_clause: Sequence[int], cues: TimeCues, now: datetime
) -> List[str]:
    """The scope of each clause (see the module docstring)."""
    scopes: List[str] = []
    for i, text in enumerate(clause_texts):
        scope = own_scope(text, cues, now)
        if scope is None:
            scope = CURRENT
            same_sentence = i > 0 and sentence_of_clause[i - 1] == sentence_of_clause[i]
            words = text.lower().split()
            opener = words[0].strip(",;:-") if words else ""
            opener2 = " ".join(words[:2])
            if (
                same_sentence
                and opener not in cues.contrast_openers
                and opener2 not in cues.contrast_openers
                and not any(p.search(text) for p in cues.present)
            ):
                scope = scopes[i - 1]
        scopes.append(scope)
    return scopes
