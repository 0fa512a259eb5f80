"""The clinical rule table of the triage policy, section 2, as data, and the decision.

``decide(facts)`` is a pure function: facts in, level and reasons out. No Rasa
here, so a clinician can read the table and a test can cover every row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping, Optional

from backstride import contract as c
from backstride.contract import Level


@dataclass(frozen=True)
class Facts:
    """What is known about one runner's pain; ``None`` means not known yet."""

    pain_location: Optional[str] = None
    pain_duration_days: Optional[float] = None
    pain_radiation: Optional[str] = None
    emergency_signs: Optional[bool] = None
    trauma: Optional[bool] = None
    systemic_signs: Optional[bool] = None
    numbness_tingling: Optional[bool] = None
    leg_weakness: Optional[bool] = None
    worse_during_run: Optional[bool] = None
    gait_change: Optional[bool] = None
    worse_with_rest: Optional[bool] = None
    recurring_despite_rest: Optional[bool] = None
    pain_severity: Optional[float] = None
    chest_pain: Optional[bool] = None
    #: Slots the runner answered "not sure" to.
    unsure: frozenset[str] = field(default_factory=frozenset)
    #: The runner mentioned the chest or breathing (chest pain is then asked).
    chest_mentioned: bool = False
    #: Emergency signs heard uncertainly, waiting for a yes or no, in the order heard.
    confirming: tuple[str, ...] = ()

    @classmethod
    def from_slots(cls, slots: Mapping[str, object]) -> "Facts":
        """Build from tracker slots (or any mapping); unknown keys are ignored."""
        values = {name: slots.get(name) for name in c.FACT_SLOTS}
        for name in c.FLOAT_FACTS:
            if values[name] is not None:
                try:
                    values[name] = float(values[name])  # type: ignore[arg-type]
                except (TypeError, ValueError):
                    values[name] = None
        unsure = frozenset(slots.get(c.UNSURE_FACTS) or ())
        confirming = tuple(s for s in (slots.get(c.CONFIRMING) or ()) if s in c.FACT_SLOTS)
        return cls(  # type: ignore[arg-type]
            **values, unsure=unsure, chest_mentioned=bool(slots.get(c.CHEST_MENTIONED)), confirming=confirming
        )

    def known(self, slot: str) -> bool:
        return getattr(self, slot) is not None

    def as_dict(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in c.FACT_SLOTS}


def _is(slot: str, value: object) -> Callable[[Facts], bool]:
    return lambda facts: getattr(facts, slot) == value


def _at_least(slot: str, threshold: float) -> Callable[[Facts], bool]:
    return lambda facts: (getattr(facts, slot) or 0) >= threshold


@dataclass(frozen=True)
class Rule:
    """One row of the table: its id, its level, when it fires, which facts it reads."""

    id: str
    level: Level
    fires: Callable[[Facts], bool]
    reads: tuple[str, ...]


E, U, S, R = Level.EMERGENCY, Level.URGENT, Level.SEE_CLINICIAN, Level.STOP_AND_REASSESS

#: the triage policy, section 2, row for row and in level order.
RULES: tuple[Rule, ...] = (
    Rule("emergency_signs", E, _is(c.EMERGENCY_SIGNS, True), (c.EMERGENCY_SIGNS,)),
    Rule("bilateral_radiation", E, _is(c.PAIN_RADIATION, "both_legs"), (c.PAIN_RADIATION,)),
    Rule("major_trauma", E, _is(c.TRAUMA, True), (c.TRAUMA,)),
    Rule("chest_pain", E, _is(c.CHEST_PAIN, True), (c.CHEST_PAIN,)),
    Rule("systemic_signs", U, _is(c.SYSTEMIC_SIGNS, True), (c.SYSTEMIC_SIGNS,)),
    Rule("thoracic_pain", U, _is(c.PAIN_LOCATION, "upper_back"), (c.PAIN_LOCATION,)),
    Rule("radiating_below_knee", S, _is(c.PAIN_RADIATION, "below_knee"), (c.PAIN_RADIATION,)),
    Rule("radiating_leg", S, _is(c.PAIN_RADIATION, "thigh"), (c.PAIN_RADIATION,)),
    Rule("numbness_tingling", S, _is(c.NUMBNESS_TINGLING, True), (c.NUMBNESS_TINGLING,)),
    Rule("leg_weakness", S, _is(c.LEG_WEAKNESS, True), (c.LEG_WEAKNESS,)),
    Rule("worse_with_rest", S, _is(c.WORSE_WITH_REST, True), (c.WORSE_WITH_REST,)),
    Rule("persists_weeks", S, _at_least(c.PAIN_DURATION_DAYS, 21), (c.PAIN_DURATION_DAYS,)),
    Rule("recurs_despite_rest", S, _is(c.RECURRING_DESPITE_REST, True), (c.RECURRING_DESPITE_REST,)),
    Rule("severe_pain", S, _at_least(c.PAIN_SEVERITY, 8), (c.PAIN_SEVERITY,)),
    Rule("worse_during_run", R, _is(c.WORSE_DURING_RUN, True), (c.WORSE_DURING_RUN,)),
    Rule("gait_change", R, _is(c.GAIT_CHANGE, True), (c.GAIT_CHANGE,)),
    Rule("persists_beyond_72h", R, _at_least(c.PAIN_DURATION_DAYS, 3), (c.PAIN_DURATION_DAYS,)),
)

#: An unsure answer counts as a reason, but never above this level: "not sure"
#: about a red flag means "have a clinician check", not "call an ambulance".
UNSURE_CEILING = Level.SEE_CLINICIAN


@dataclass(frozen=True)
class Decision:
    level: Level
    #: Ids of the rules that fired, in level order (``unsure_answer`` among them).
    reasons: tuple[str, ...]
    #: The unsure slots that raised or held the level, for the explanation.
    unsure: tuple[str, ...] = ()


def unsure_level(slot: str) -> Optional[Level]:
    """The level a "not sure" answer for ``slot`` stands for, if any rule reads it."""
    levels = [rule.level for rule in RULES if slot in rule.reads]
    return min(max(levels), UNSURE_CEILING) if levels else None


def decide(facts: Facts) -> Decision:
    """Apply the table: the highest level whose rule fires wins."""
    ranked: list[tuple[Level, int, str]] = [
        (rule.level, index, rule.id) for index, rule in enumerate(RULES) if rule.fires(facts)
    ]
    unsure = tuple(
        slot for slot in c.FACT_SLOTS
        if slot in facts.unsure and not facts.known(slot) and unsure_level(slot) is not None
    )
    if unsure:
        level = max(unsure_level(slot) for slot in unsure)  # type: ignore[type-var]
        ranked.append((level, len(RULES), c.UNSURE_ANSWER))
    ranked.sort(key=lambda item: (-item[0], item[1]))
    level = ranked[0][0] if ranked else Level.MODIFY_AND_CONTINUE
    return Decision(Level(level), tuple(rule_id for _, _, rule_id in ranked), unsure)


def highest_level_from(slot: str) -> Level:
    """The most urgent level any rule reading ``slot`` could give."""
    return max((rule.level for rule in RULES if slot in rule.reads), default=Level.MODIFY_AND_CONTINUE)
