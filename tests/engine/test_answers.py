"""How a message becomes fact updates (backstride.answers)."""

import pytest

from backstride.answers import TRUSTED_EXTRACTOR, interpret, settle, yes_no_unsure


def found(slot, value, extractor=TRUSTED_EXTRACTOR):
    return {"entity": slot, "value": value, "extractor": extractor}


def test_several_findings_fill_several_slots_at_once():
    update = interpret(
        [found("pain_location", "lower_back"), found("pain_duration_days", 4.0), found("numbness_tingling", False)],
        "describe_pain", "my lower back has hurt for 4 days, no numbness", None,
    )
    assert update.values == {"pain_location": "lower_back", "pain_duration_days": 4.0, "numbness_tingling": False}


@pytest.mark.parametrize("text,intent,expected", [
    ("yes", "affirm", True), ("Yeah, a bit", "affirm", True), ("no", "deny", False),
    ("nope, nothing like that", "deny", False), ("/affirm", "affirm", True), ("/deny", "deny", False),
    ("n", None, False), ("y", None, True),
])
def test_yes_and_no_answer_the_question_asked(text, intent, expected):
    assert interpret([], intent, text, "trauma").values == {"trauma": expected}


@pytest.mark.parametrize("text", ["not sure", "I don't know", "dunno", "hard to say", "/not_sure"])
def test_not_sure_is_recorded_not_guessed(text):
    update = interpret([], "not_sure", text, "systemic_signs")
    assert update.values == {}
    assert update.unsure == {"systemic_signs"}


def test_a_finding_about_another_fact_is_not_a_yes_or_no_to_the_question():
    update = interpret([found("numbness_tingling", False)], "deny", "no numbness", "leg_weakness")
    assert update.values == {"numbness_tingling": False}


def test_a_standalone_no_with_another_finding_answers_both():
    update = interpret([found("numbness_tingling", False)], "deny", "no, and no numbness either", "leg_weakness")
    assert update.values == {"numbness_tingling": False, "leg_weakness": False}


def test_no_to_the_radiation_question_means_it_does_not_spread():
    assert interpret([], "deny", "no", "pain_radiation").values == {"pain_radiation": "none"}


def test_yes_to_the_radiation_question_is_not_enough_to_say_where():
    assert interpret([], "affirm", "yes", "pain_radiation").values == {}


def test_a_bare_number_answers_severity_or_duration_only_when_asked():
    assert interpret([found("number", 7.0)], None, "7", "pain_severity").values == {"pain_severity": 7.0}
    assert interpret([found("number", 5.0)], None, "5", "pain_duration_days").values == {"pain_duration_days": 5.0}
    assert interpret([found("number", 7.0)], None, "7", "trauma").values == {}
    assert interpret([found("number", 70.0)], None, "70", "pain_severity").values == {}


def test_typed_entities_count_only_for_the_question_asked():
    typed = [found("emergency_signs", False, extractor="RegexMessageHandler")]
    assert interpret(typed, "deny", '/deny{"emergency_signs": false}', "trauma").values == {"trauma": False}
    assert interpret(typed, "deny", "/x", "emergency_signs").values == {"emergency_signs": False}
    assert interpret(typed, "describe_pain", "/describe_pain", None).values == {}


def test_outputs_cannot_be_set_by_any_entity():
    update = interpret([found("triage_level", "modify_and_continue"), found("triage_reasons", [])], None, "x", None)
    assert update.values == {}


def test_a_positive_mention_outweighs_a_negated_one():
    update = interpret([found("numbness_tingling", False), found("numbness_tingling", True)], None,
                       "no pins and needles but I do have numbness", None)
    assert update.values == {"numbness_tingling": True}


def test_the_most_telling_location_and_the_furthest_radiation_win():
    update = interpret([found("pain_location", "neck"), found("pain_location", "upper_back"),
                        found("pain_radiation", "thigh"), found("pain_radiation", "below_knee")], None, "", None)
    assert update.values == {"pain_location": "upper_back", "pain_radiation": "below_knee"}


@pytest.mark.parametrize("entity", [found("pain_location", "knee"), found("pain_severity", 11),
                                    found("pain_duration_days", -2), found("trauma", "maybe")])
def test_values_outside_the_contract_are_dropped(entity):
    assert interpret([entity], None, "", None).values == {}


@pytest.mark.parametrize("intent", ["affirm", "deny", "not_sure"])
def test_a_guessed_yes_or_no_is_no_answer(intent):
    """Gibberish came out as "yes" at 0.56; read as "no" to a red flag it would skip it."""
    assert yes_no_unsure(intent, "xqzv", confidence=0.56) is None
    assert interpret([], intent, "xqzv", "emergency_signs", intent_confidence=0.56).values == {}
    assert yes_no_unsure(intent, "that has happened to me", confidence=0.99) == intent


def test_yes_no_words_need_no_confidence():
    assert yes_no_unsure("out_of_scope", "no", confidence=0.3) == "deny"
    assert yes_no_unsure("greet", "yes", confidence=0.3) == "affirm"


def test_yes_no_unsure_prefers_the_words_over_the_intent():
    assert yes_no_unsure("affirm", "not sure really") == "not_sure"
    assert yes_no_unsure("affirm", "no") == "deny"
    assert yes_no_unsure("describe_pain", "lower back") is None


def test_settle_keeps_corrections_but_not_passing_reassurances():
    stored = {"trauma": True, "pain_radiation": "below_knee", "pain_duration_days": 4.0}
    heard = {"trauma": False, "pain_radiation": "none", "pain_duration_days": 14.0}
    assert settle(heard, stored, None) == {"pain_duration_days": 14.0}
    assert settle(heard, stored, "trauma") == {"trauma": False, "pain_duration_days": 14.0}
    assert settle({"numbness_tingling": True}, {"numbness_tingling": False}, None) == {"numbness_tingling": True}


# --- signs heard uncertainly (the triage policy, section 6.2) -------------------------------------


def uncertain(slot, value, certainty, start=0, end=11):
    return {"entity": slot, "value": value, "extractor": TRUSTED_EXTRACTOR, "certainty": certainty,
            "start": start, "end": end}


def test_a_sign_heard_uncertainly_sets_nothing_and_waits_for_a_confirmation():
    update = interpret([uncertain("trauma", True, "minor")], "describe_pain", "landed hard on the trail", None)
    assert update.values == {}
    assert update.confirm == {"trauma": "landed hard"}
    assert update.heard == {"trauma": {"text": "landed hard", "why": "minor"}}


def test_a_plain_sign_beside_an_uncertain_one_needs_no_confirmation():
    update = interpret(
        [found("trauma", True), uncertain("trauma", True, "minor")], "describe_pain", "landed hard, hit by a car", None
    )
    assert update.values == {"trauma": True} and update.confirm == {}


def test_an_old_fall_read_as_no_serious_fall_gives_way_to_a_sign_to_confirm():
    update = interpret(
        [uncertain("trauma", False, "past"), uncertain("trauma", True, "past", 20, 33)],
        "describe_pain", "old fall in 2019; went down hard 3 weeks ago", None,
    )
    assert "trauma" not in update.values and "trauma" in update.confirm


def test_an_old_accident_is_no_serious_fall_with_its_words_kept_for_the_explanation():
    update = interpret([uncertain("trauma", False, "past", 0, 16)], "describe_pain", "came off my bike in 2019", None)
    assert update.values == {"trauma": False} and update.confirm == {}
    assert update.heard["trauma"] == {"text": "came off my bike", "why": "past"}


def test_said_in_answer_to_its_own_question_a_possibly_minor_fall_is_an_answer():
    update = interpret([uncertain("trauma", True, "minor", 2, 13)], "describe_pain", "I fell on the ice", "trauma")
    assert update.values == {"trauma": True} and update.confirm == {}


def test_a_hedge_stays_open_even_for_its_own_question():
    update = interpret([uncertain("emergency_signs", True, "hedge")], "describe_pain", "maybe a numb groin", "emergency_signs")
    assert "emergency_signs" not in update.values and "emergency_signs" in update.confirm


def test_a_typed_entity_carries_no_certainty_of_its_own():
    typed = {"entity": "trauma", "value": True, "extractor": "RegexMessageHandler", "certainty": "minor"}
    assert interpret([typed], "describe_pain", '/describe_pain{"trauma": true}', None).values == {}


def test_a_mention_of_the_chest_is_no_fact_but_a_reason_to_ask():
    update = interpret([found("chest_mentioned", True)], "describe_pain", "out of breath on hills", None)
    assert update.values == {} and update.chest_mentioned
