"""The plain-words answer to "what do you know about me?".

Pure text from stored assessments (no database here), in the words of
``backstride.messages`` where they exist, so the runner recognises them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from backstride import contract as c
from backstride.contract import Level
from backstride.messages import HEADLINE, QUESTION_TOPIC, REASON

if TYPE_CHECKING:
    from backstride.store.repository import StoredAssessment

NOTHING_STORED = (
    "I don't have any past assessments stored for you. If you finish a check-up, I keep its "
    "result so I can ask how you are doing next time; you can ask me to forget it at any time."
)

WHAT_IS_KEPT = (
    "I keep {them} under a code made from your chat channel and account id, not the id itself; "
    "these records hold no name and none of the messages you typed, only what each check-up concluded."
)

LOCATION_WORDS = {
    "lower_back": "lower back",
    "mid_back": "middle of the back",
    "upper_back": "upper back",
    "buttock_hip": "buttock or hip",
    "neck": "neck",
    "other": "somewhere else",
}
RADIATION_WORDS = {
    "none": "stays in the back",
    "buttock": "spreads into the buttock",
    "thigh": "spreads into the thigh",
    "below_knee": "spreads below the knee",
    "both_legs": "spreads down both legs",
}


def level_name(level: Level) -> str:
    """"Stop and reassess" from the recommendation's headline, without its emoji."""
    head = HEADLINE[level].split(":", 1)[0]
    words = head.split(" ", 1)[-1] if not head[:1].isalnum() else head
    return words.strip() or level.slot_value.replace("_", " ")


def _days(days: float) -> str:
    if days < 1:
        hours = round(days * 24)
        return f"{hours} hour{'s' * (hours != 1)}"
    whole = round(days, 1)
    text = f"{whole:g}"
    return f"{text} day{'s' * (whole != 1)}"


def facts_text(facts: "object") -> str:
    """``where: lower back; for: 4 days; numbness or tingling: no; ...`` (known facts only)."""
    parts: list[str] = []
    location = getattr(facts, c.PAIN_LOCATION)
    if location:
        parts.append("where: " + LOCATION_WORDS.get(location, location))
    duration = getattr(facts, c.PAIN_DURATION_DAYS)
    if duration is not None:
        parts.append("for: " + _days(float(duration)))
    radiation = getattr(facts, c.PAIN_RADIATION)
    if radiation:
        parts.append("the pain " + RADIATION_WORDS.get(radiation, radiation))
    severity = getattr(facts, c.PAIN_SEVERITY)
    if severity is not None:
        parts.append(f"strength: {float(severity):g}/10")
    for slot in c.BOOL_FACTS:
        value = getattr(facts, slot)
        if value is not None:
            parts.append(f"{QUESTION_TOPIC.get(slot, slot.replace('_', ' '))}: {'yes' if value else 'no'}")
    if getattr(facts, c.CHEST_PAIN):
        parts.append("chest pain: yes")
    unsure = [QUESTION_TOPIC.get(slot, slot.replace("_", " ")) for slot in sorted(facts.unsure)]  # type: ignore[attr-defined]
    if unsure:
        parts.append("not sure about: " + ", ".join(unsure))
    return "; ".join(parts) if parts else "no details"


def reasons_text(reasons: Sequence[str]) -> str:
    words = [REASON[rule_id] for rule_id in reasons if rule_id in REASON]
    if c.UNSURE_ANSWER in reasons:
        words.append("you weren't sure about a warning sign")
    return ("because " + "; ".join(words)) if words else "no warning sign applied"


def describe_assessments(assessments: Sequence["StoredAssessment"]) -> str:
    """Everything stored, newest first, in plain words."""
    if not assessments:
        return NOTHING_STORED
    count = len(assessments)
    lines = [
        f"I have {count} past assessment{'s' * (count != 1)} stored for you. "
        + WHAT_IS_KEPT.format(them="them" if count != 1 else "it"),
    ]
    for item in sorted(assessments, key=lambda a: (a.created_at, a.id), reverse=True):
        when = f"{item.created_at:%d %b %Y, %H:%M} UTC"
        lines.append(
            f"- {when}: {level_name(item.level)} ({reasons_text(item.reasons)}). "
            f"What you told me: {facts_text(item.facts)}."
        )
    return "\n".join(lines)
