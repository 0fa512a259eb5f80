"""The form's question order and which questions it leaves out."""

from backstride import contract as c
from backstride.questions import QUESTION_ORDER, next_question, still_needed
from backstride.triage import Facts


def test_emergency_questions_come_first():
    assert QUESTION_ORDER[0] == c.EMERGENCY_SIGNS
    assert next_question(Facts()) == c.EMERGENCY_SIGNS


def test_known_and_unsure_slots_are_never_asked():
    facts = Facts(emergency_signs=False, pain_location="lower_back", unsure=frozenset({c.TRAUMA}))
    needed = still_needed(facts)
    assert c.EMERGENCY_SIGNS not in needed
    assert c.PAIN_LOCATION not in needed
    assert c.TRAUMA not in needed
    assert needed[0] == c.PAIN_RADIATION


def test_an_emergency_ends_the_questions():
    assert still_needed(Facts(emergency_signs=True)) == []
    assert still_needed(Facts(pain_radiation="both_legs")) == []
    assert still_needed(Facts(chest_pain=True)) == []


def test_once_see_clinician_only_more_urgent_questions_remain():
    needed = still_needed(Facts(pain_radiation="below_knee"))
    assert needed == [c.EMERGENCY_SIGNS, c.TRAUMA, c.SYSTEMIC_SIGNS, c.PAIN_LOCATION]


def test_once_urgent_only_emergency_questions_remain():
    needed = still_needed(Facts(systemic_signs=True, pain_location="lower_back"))
    assert needed == [c.EMERGENCY_SIGNS, c.PAIN_RADIATION, c.TRAUMA]


def test_a_mild_runner_is_asked_everything_once():
    assert still_needed(Facts()) == list(QUESTION_ORDER)
