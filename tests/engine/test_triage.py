"""Every row of the triage policy, section 2, the level order, and "not sure"."""

import pytest

from backstride import contract as c
from backstride.contract import Level
from backstride.triage import RULES, Facts, decide, highest_level_from, unsure_level

# One runner per rule: facts that fire exactly that rule and nothing else.
ROWS = [
    ("emergency_signs", {"emergency_signs": True}, Level.EMERGENCY),
    ("bilateral_radiation", {"pain_radiation": "both_legs"}, Level.EMERGENCY),
    ("major_trauma", {"trauma": True}, Level.EMERGENCY),
    ("chest_pain", {"chest_pain": True}, Level.EMERGENCY),
    ("systemic_signs", {"systemic_signs": True}, Level.URGENT),
    ("thoracic_pain", {"pain_location": "upper_back"}, Level.URGENT),
    ("radiating_below_knee", {"pain_radiation": "below_knee"}, Level.SEE_CLINICIAN),
    ("radiating_leg", {"pain_radiation": "thigh"}, Level.SEE_CLINICIAN),
    ("numbness_tingling", {"numbness_tingling": True}, Level.SEE_CLINICIAN),
    ("leg_weakness", {"leg_weakness": True}, Level.SEE_CLINICIAN),
    ("worse_with_rest", {"worse_with_rest": True}, Level.SEE_CLINICIAN),
    ("recurs_despite_rest", {"recurring_despite_rest": True}, Level.SEE_CLINICIAN),
    ("severe_pain", {"pain_severity": 8}, Level.SEE_CLINICIAN),
    ("worse_during_run", {"worse_during_run": True}, Level.STOP_AND_REASSESS),
    ("gait_change", {"gait_change": True}, Level.STOP_AND_REASSESS),
    ("persists_beyond_72h", {"pain_duration_days": 3}, Level.STOP_AND_REASSESS),
]

BASELINE = dict(
    pain_location="lower_back", pain_duration_days=1, pain_radiation="none", pain_severity=4,
    emergency_signs=False, trauma=False, systemic_signs=False, numbness_tingling=False,
    leg_weakness=False, worse_during_run=False, gait_change=False, worse_with_rest=False,
    recurring_despite_rest=False, chest_pain=False,
)


def runner(**changes):
    return Facts(**{**BASELINE, **changes})


def test_the_table_has_every_contract_rule_once_in_level_order():
    assert [rule.id for rule in RULES] == list(c.RULE_IDS)
    levels = [rule.level for rule in RULES]
    assert levels == sorted(levels, reverse=True)


@pytest.mark.parametrize("rule_id,changes,level", ROWS, ids=[row[0] for row in ROWS])
def test_each_rule_fires_alone_at_its_level(rule_id, changes, level):
    decision = decide(runner(**changes))
    assert decision.level == level
    assert decision.reasons == (rule_id,)


def test_nothing_fired_means_modify_and_continue():
    decision = decide(runner())
    assert decision.level == Level.MODIFY_AND_CONTINUE
    assert decision.reasons == ()


def test_persists_weeks_also_fires_the_72_hour_rule():
    decision = decide(runner(pain_duration_days=21))
    assert decision.level == Level.SEE_CLINICIAN
    assert decision.reasons == ("persists_weeks", "persists_beyond_72h")


@pytest.mark.parametrize("days,level", [(2.9, Level.MODIFY_AND_CONTINUE), (3, Level.STOP_AND_REASSESS),
                                        (20.9, Level.STOP_AND_REASSESS), (21, Level.SEE_CLINICIAN)])
def test_duration_thresholds(days, level):
    assert decide(runner(pain_duration_days=days)).level == level


@pytest.mark.parametrize("severity,level", [(7.9, Level.MODIFY_AND_CONTINUE), (8, Level.SEE_CLINICIAN), (10, Level.SEE_CLINICIAN)])
def test_severity_threshold(severity, level):
    assert decide(runner(pain_severity=severity)).level == level


def test_the_highest_level_wins_and_reasons_come_in_level_order():
    decision = decide(runner(gait_change=True, numbness_tingling=True, trauma=True, systemic_signs=True))
    assert decision.level == Level.EMERGENCY
    assert decision.reasons == ("major_trauma", "systemic_signs", "numbness_tingling", "gait_change")


def test_buttock_radiation_and_neck_fire_nothing():
    assert decide(runner(pain_radiation="buttock", pain_location="neck")).reasons == ()


def test_unknown_facts_fire_nothing():
    assert decide(Facts()).level == Level.MODIFY_AND_CONTINUE


@pytest.mark.parametrize("slot", [c.EMERGENCY_SIGNS, c.TRAUMA, c.SYSTEMIC_SIGNS, c.PAIN_RADIATION, c.PAIN_LOCATION])
def test_unsure_about_an_emergency_or_urgent_question_means_see_a_clinician(slot):
    facts = runner(**{slot: None})
    facts = Facts(**{**facts.as_dict(), "unsure": frozenset({slot})})
    decision = decide(facts)
    assert decision.level == Level.SEE_CLINICIAN
    assert c.UNSURE_ANSWER in decision.reasons
    assert decision.unsure == (slot,)


def test_unsure_never_lowers_a_level_that_fired():
    facts = Facts(**{**runner(trauma=True).as_dict(), "emergency_signs": None, "unsure": frozenset({"emergency_signs"})})
    decision = decide(facts)
    assert decision.level == Level.EMERGENCY
    assert decision.reasons == ("major_trauma", c.UNSURE_ANSWER)


def test_unsure_about_a_stop_question_holds_the_stop_level():
    facts = Facts(**{**runner().as_dict(), "gait_change": None, "unsure": frozenset({"gait_change"})})
    assert decide(facts).level == Level.STOP_AND_REASSESS


def test_an_answer_given_later_replaces_not_sure():
    facts = Facts(**{**runner().as_dict(), "unsure": frozenset({"trauma"})})  # trauma is False (known)
    assert decide(facts).level == Level.MODIFY_AND_CONTINUE


def test_unsure_level_and_highest_level_per_slot():
    assert unsure_level(c.EMERGENCY_SIGNS) == Level.SEE_CLINICIAN
    assert unsure_level(c.WORSE_DURING_RUN) == Level.STOP_AND_REASSESS
    assert highest_level_from(c.PAIN_DURATION_DAYS) == Level.SEE_CLINICIAN
    assert highest_level_from(c.PAIN_RADIATION) == Level.EMERGENCY


def test_facts_from_slots_reads_strings_and_ignores_junk():
    facts = Facts.from_slots({"pain_duration_days": "4", "pain_severity": "high", "requested_slot": "x",
                              "unsure_facts": ["trauma"]})
    assert facts.pain_duration_days == 4.0
    assert facts.pain_severity is None
    assert facts.unsure == frozenset({"trauma"})
