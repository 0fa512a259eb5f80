"""How one message becomes fact updates.

Inputs are plain data (the entities the NLU found, the intent, the text and the
question the form is on), so this is tested without Rasa. Two sources count:

* findings of our own symptom reader, anywhere in the text, for any fact, at
  any turn ("my lower back has hurt for 4 days, no numbness" fills three);
* a short answer to the question just asked: yes / no / not sure, a bare
  number for severity or duration, or a button's typed value for that slot.

Entities from anywhere else (a typed ``/intent{"slot": value}`` message) are
trusted only for the question that was asked: nobody can type themselves past
a red-flag question they were not asked (PITFALLS.md, item 6).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Optional

from backstride import contract as c

#: The ``extractor`` name our spaCy component puts on its entities.
TRUSTED_EXTRACTOR = "SymptomEntityExtractor"

AFFIRM, DENY, NOT_SURE = "affirm", "deny", "not_sure"

# A location heard twice in one message: the one that matters most clinically wins.
_LOCATION_PRIORITY = ("upper_back", "lower_back", "mid_back", "neck", "buttock_hip", "other")
_RADIATION_ORDER = ("none", "buttock", "thigh", "below_knee", "both_legs")

_YES_WORDS = (
    r"y|yes+|yeah|yea|yep|yup|ya|aye|sure|correct|right|true|i do|it does|i have|i am|"
    r"definitely|absolutely|indeed|affirmative"
)
_NO_WORDS = (
    r"n|no+|nope|nah|naw|not really|not at all|never|none|nothing|negative|false|"
    r"i don'?t|it doesn'?t|i haven'?t|haven'?t|i'?m not|don'?t think so"
)
_YES = re.compile(rf"^\s*({_YES_WORDS}|👍)(?!\w)", re.IGNORECASE)
_NO = re.compile(rf"^\s*({_NO_WORDS}|👎)(?!\w)", re.IGNORECASE)
# "no, it doesn't" is an answer; "no numbness" is a finding about numbness.
_STANDALONE_TAIL = re.compile(
    r"^\s*($|[,.!;:\-]|(it|i|i'm|not|nothing|none|that|that's|thats|there|really|"
    r"thanks|thank|but|and|at all|definitely|never|sadly)\b)",
    re.IGNORECASE,
)
_UNSURE = re.compile(
    r"\b(not sure|unsure|dunno|don'?t know|no idea|idk|can'?t (really )?(tell|say)|"
    r"hard to (say|tell)|no clue|not certain|maybe|perhaps|possibly)\b",
    re.IGNORECASE,
)


@dataclass
class Update:
    """What one message told us."""

    values: dict[str, Any] = field(default_factory=dict)
    #: Slots answered "not sure" in this message.
    unsure: set[str] = field(default_factory=set)

    @property
    def answered(self) -> set[str]:
        return set(self.values) | self.unsure


def yes_no_unsure(intent: Optional[str], text: str) -> Optional[str]:
    """Read a short reply as affirm / deny / not_sure, the words first, then the intent."""
    text = text or ""
    if _UNSURE.search(text):
        return NOT_SURE
    if _NO.match(text):
        return DENY
    if _YES.match(text):
        return AFFIRM
    if intent in (AFFIRM, DENY, NOT_SURE):
        return intent
    return None


def _coerce(slot: str, value: Any) -> Any:
    """A value in the contract's type for ``slot``, or None where it has none."""
    if slot in c.BOOL_FACTS or slot == c.CHEST_PAIN:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        return None
    if slot in c.FLOAT_FACTS:
        try:
            number = float(value)
        except (TypeError, ValueError):
            return None
        if number != number or number < 0:  # NaN or negative
            return None
        if slot == c.PAIN_SEVERITY and number > 10:
            return None
        return number
    if slot in c.CATEGORICAL_FACTS:
        return value if value in c.CATEGORICAL_FACTS[slot] else None
    return None


def _merge(slot: str, values: list[Any]) -> Any:
    """One value from several findings of the same fact in one message."""
    if slot in c.BOOL_FACTS or slot == c.CHEST_PAIN:
        return any(values)  # one positive mention outweighs a negated one: safer
    if slot == c.PAIN_LOCATION:
        return min(values, key=_LOCATION_PRIORITY.index)
    if slot == c.PAIN_RADIATION:
        return max(values, key=_RADIATION_ORDER.index)
    return max(values)  # duration and severity: the larger figure is the safer one


def interpret(
    entities: Iterable[Mapping[str, Any]],
    intent: Optional[str],
    text: str,
    requested_slot: Optional[str],
) -> Update:
    """Turn one parsed message into fact updates (see the module docstring)."""
    heard: dict[str, list[Any]] = {}
    numbers: list[float] = []
    for entity in entities:
        slot = entity.get("entity")
        trusted = entity.get("extractor") == TRUSTED_EXTRACTOR
        if slot == "number" and trusted:
            number = _coerce(c.PAIN_DURATION_DAYS, entity.get("value"))
            if number is not None:
                numbers.append(number)
            continue
        if slot not in c.FACT_SLOTS or not (trusted or slot == requested_slot):
            continue
        value = _coerce(slot, entity.get("value"))
        if value is not None:
            heard.setdefault(slot, []).append(value)

    update = Update({slot: _merge(slot, values) for slot, values in heard.items()})
    if requested_slot is None or requested_slot in update.values:
        return update

    reply = yes_no_unsure(intent, text)
    if reply == NOT_SURE:
        update.unsure.add(requested_slot)
    elif requested_slot in c.BOOL_FACTS:
        # A yes/no counts for the question asked unless the message is really
        # about something else ("no numbness" when asked about weakness).
        if reply is not None and (not update.values or _starts_with_yes_no(text)):
            update.values[requested_slot] = reply == AFFIRM
    elif requested_slot == c.PAIN_RADIATION:
        if reply == DENY:
            update.values[requested_slot] = "none"
    elif requested_slot in c.FLOAT_FACTS and len(numbers) == 1:
        value = _coerce(requested_slot, numbers[0])
        if value is not None:
            update.values[requested_slot] = value
    return update


def _starts_with_yes_no(text: str) -> bool:
    """True when the message opens with a yes or no that stands on its own."""
    match = _YES.match(text or "") or _NO.match(text or "")
    return bool(match and _STANDALONE_TAIL.match(text[match.end():]))
