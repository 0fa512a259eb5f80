"""Which question the form asks next, and which it may leave out.

Emergency questions come first (the safe order), then urgent, then the rest;
before all of them, an emergency sign heard uncertainly is confirmed (CONTRACT
section 4.1). A question is left out when it is answered already (in any
message, in any words), when the runner said "not sure", or when no answer to
it could raise the level any more: once the facts say "see a clinician",
asking whether the pain gets worse during a run changes nothing the runner
must do. Chest pain is asked only when the pain is in the upper or mid back or
the runner mentioned the chest or breathing (the triage policy, section 3).
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
    c.CHEST_PAIN,
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


#: Where back pain comes with a chest pain question.
CHEST_LOCATIONS = frozenset({"upper_back", "mid_back"})


def asks_chest_pain(facts: Facts) -> bool:
    """Chest pain belongs in the safety check for this runner."""
    return facts.chest_mentioned or facts.pain_location in CHEST_LOCATIONS


def still_needed(facts: Facts) -> list[str]:
    """The questions whose answers could still change the recommendation, in order."""
    level = decide(facts).level
    open_ = [
        slot for slot in facts.confirming
        if not facts.known(slot) and slot not in facts.unsure and highest_level_from(slot) > level
    ]
    return open_ + [
        slot
        for slot in QUESTION_ORDER
        if slot not in open_
        and not facts.known(slot)
        and slot not in facts.unsure
        and highest_level_from(slot) > level
        and (slot != c.CHEST_PAIN or asks_chest_pain(facts))
    ]



def next_question(facts: Facts) -> Optional[str]:
    needed = still_needed(facts)
    return needed[0] if needed else None
