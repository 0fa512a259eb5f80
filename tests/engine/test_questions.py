"""The form's question order and which questions it leaves out."""

import pytest

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


def test_a_mild_runner_is_asked_everything_once_but_chest_pain():
    assert still_needed(Facts()) == [slot for slot in QUESTION_ORDER if slot != c.CHEST_PAIN]


@pytest.mark.parametrize("location", ["upper_back", "mid_back"])
def test_chest_pain_is_asked_in_the_safety_check_for_upper_and_mid_back(location: str):
    needed = still_needed(Facts(pain_location=location))
    assert c.CHEST_PAIN in needed
    assert needed.index(c.CHEST_PAIN) < needed.index(c.PAIN_DURATION_DAYS) if c.PAIN_DURATION_DAYS in needed else True


def test_chest_pain_is_asked_when_the_runner_mentions_the_chest_or_breathing():
    assert c.CHEST_PAIN in still_needed(Facts(pain_location="lower_back", chest_mentioned=True))
    assert c.CHEST_PAIN not in still_needed(Facts(pain_location="lower_back"))


def test_a_sign_heard_uncertainly_is_confirmed_before_anything_else():
    facts = Facts(pain_location="lower_back", confirming=(c.TRAUMA,))
    assert still_needed(facts)[0] == c.TRAUMA
    assert next_question(Facts(pain_location="lower_back", trauma=False, confirming=(c.TRAUMA,))) == c.EMERGENCY_SIGNS


def test_a_confirmed_sign_ends_the_questions():
    assert still_needed(Facts(trauma=True, confirming=(c.TRAUMA,))) == []
