"""Which question the form asks next, and which it may leave out.

Emergency questions come first (the safe order), then urgent, then the rest.
A question is left out when it is answered already (in any message, in any
words), when the runner said "not sure", or when no answer to it could raise
the level any more: once the facts say "see a clinician", asking whether the
pain gets worse during a run changes nothing the runner must do.
"""

from __future__ import annotations

from typing import Optional

from backstride import contract as c
from backstride.triage import Facts, decide, highest_level_from

#: The order of the form's questions (emergency, urgent, see-clinician, stop).
QUESTION_ORDER: tuple[str, ...] = (
    c.EMERGENCY_SIGNS,
    c.PAIN_RADIATION,
    c.TRAUMA,
    c.SYSTEMIC_SIGNS,
    c.PAIN_LOCATION,
    c.PAIN_DURATION_DAYS,
    c.NUMBNESS_TINGLING,
    c.LEG_WEAKNESS,
    c.WORSE_WITH_REST,
    c.RECURRING_DESPITE_REST,
    c.PAIN_SEVERITY,
    c.WORSE_DURING_RUN,
    c.GAIT_CHANGE,
)

assert sorted(QUESTION_ORDER) == sorted(c.FORM_SLOTS), "every form slot is asked in some order"


def still_needed(facts: Facts) -> list[str]:
    """The questions whose answers could still change the recommendation, in order."""
    level = decide(facts).level
    return [
        slot
        for slot in QUESTION_ORDER
        if not facts.known(slot)
        and slot not in facts.unsure
        and highest_level_from(slot) > level
    ]


def next_question(facts: Facts) -> Optional[str]:
    needed = still_needed(facts)
    return needed[0] if needed else None
