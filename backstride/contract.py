"""The names fixed by ``docs/triage-policy.md``: levels, slots, slot values and rule ids.

Everything else imports these; ``tests/test_contract.py`` checks that
``domain.yml`` agrees with them, so they are never kept in sync by hand.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Final


class Level(IntEnum):
    """Triage levels, ordered so that ``max()`` picks the most urgent one."""

    MODIFY_AND_CONTINUE = 0
    STOP_AND_REASSESS = 1
    SEE_CLINICIAN = 2
    URGENT = 3
    EMERGENCY = 4

    @property
    def slot_value(self) -> str:
        return self.name.lower()

    @classmethod
    def from_slot_value(cls, value: str) -> "Level":
        return cls[value.upper()]


# --- slots (the triage policy, section 3) -------------------------------------------

PAIN_LOCATION: Final = "pain_location"
PAIN_DURATION_DAYS: Final = "pain_duration_days"
PAIN_RADIATION: Final = "pain_radiation"
EMERGENCY_SIGNS: Final = "emergency_signs"
TRAUMA: Final = "trauma"
SYSTEMIC_SIGNS: Final = "systemic_signs"
NUMBNESS_TINGLING: Final = "numbness_tingling"
LEG_WEAKNESS: Final = "leg_weakness"
WORSE_DURING_RUN: Final = "worse_during_run"
GAIT_CHANGE: Final = "gait_change"
WORSE_WITH_REST: Final = "worse_with_rest"
RECURRING_DESPITE_REST: Final = "recurring_despite_rest"
PAIN_SEVERITY: Final = "pain_severity"
TRIAGE_LEVEL: Final = "triage_level"
TRIAGE_REASONS: Final = "triage_reasons"
# Asked in the safety check when the pain is in the upper or mid back, or the runner
# mentions the chest or breathing (the triage policy, section 3); heard at any point.
CHEST_PAIN: Final = "chest_pain"

LOCATIONS: Final = ("lower_back", "mid_back", "upper_back", "buttock_hip", "neck", "other")
RADIATIONS: Final = ("none", "buttock", "thigh", "below_knee", "both_legs")

BOOL_FACTS: Final = (
    EMERGENCY_SIGNS,
    TRAUMA,
    SYSTEMIC_SIGNS,
    NUMBNESS_TINGLING,
    LEG_WEAKNESS,
    WORSE_DURING_RUN,
    GAIT_CHANGE,
    WORSE_WITH_REST,
    RECURRING_DESPITE_REST,
    CHEST_PAIN,
)
FLOAT_FACTS: Final = (PAIN_DURATION_DAYS, PAIN_SEVERITY)
CATEGORICAL_FACTS: Final = {PAIN_LOCATION: LOCATIONS, PAIN_RADIATION: RADIATIONS}

#: Every fact the form may ask for (the contract's table less the two outputs).
FORM_SLOTS: Final = (PAIN_LOCATION, PAIN_DURATION_DAYS, PAIN_RADIATION, *BOOL_FACTS, PAIN_SEVERITY)

#: Every fact the assistant can learn from what a runner writes.
FACT_SLOTS: Final = FORM_SLOTS

#: Emergency-level facts and the value that fires their rule (the triage policy, sections 2 and 6.2).
EMERGENCY_VALUES: Final = {EMERGENCY_SIGNS: True, TRAUMA: True, CHEST_PAIN: True, PAIN_RADIATION: "both_legs"}

# --- rule ids (the triage policy, section 2) ----------------------------------------

RULE_IDS: Final = (
    "emergency_signs",
    "bilateral_radiation",
    "major_trauma",
    "chest_pain",
    "systemic_signs",
    "thoracic_pain",
    "radiating_below_knee",
    "radiating_leg",
    "numbness_tingling",
    "leg_weakness",
    "worse_with_rest",
    "persists_weeks",
    "recurs_despite_rest",
    "severe_pain",
    "worse_during_run",
    "gait_change",
    "persists_beyond_72h",
)

#: The project's one addition to the rule ids: a question answered "not sure"
#: whose rule would have raised the level (the triage policy, section 2, last paragraph).
UNSURE_ANSWER: Final = "unsure_answer"

#: Not a contract slot: the facts a runner answered "not sure" to.
UNSURE_FACTS: Final = "unsure_facts"

#: Not a contract slot: the runner mentioned the chest or breathing, so chest pain is asked.
CHEST_MENTIONED: Final = "chest_mentioned"

#: Not a contract slot: emergency signs heard uncertainly (a hedge, a past event, a fall that
#: may have been minor), to be confirmed before anything else (the triage policy, section 6.2).
CONFIRMING: Final = "confirming"

#: Not a contract slot: where a fact came from, for the explanation: slot -> the runner's
#: words and why they were not taken at face value ({"text": ..., "why": "minor"}).
HEARD: Final = "heard"
