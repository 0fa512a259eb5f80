from actions.extract import ActionExtractFacts
from tests.actions.conftest import entity, make_tracker, run_action, slot_events


def test_free_text_fills_every_fact_it_states():
    tracker = make_tracker("my lower back has hurt for 4 days, no numbness", entities=[
        entity("pain_location", "lower_back"), entity("pain_duration_days", 4.0), entity("numbness_tingling", False)])
    events, dispatcher = run_action(ActionExtractFacts(), tracker)
    assert slot_events(events) == {"pain_location": "lower_back", "pain_duration_days": 4.0, "numbness_tingling": False}
    assert dispatcher.messages == []


def test_a_yes_answers_the_requested_slot_only_inside_the_form():
    inside = make_tracker("yes", intent="affirm", form_on="trauma")
    assert slot_events(run_action(ActionExtractFacts(), inside)[0]) == {"trauma": True}
    outside = make_tracker("yes", intent="affirm")
    assert slot_events(run_action(ActionExtractFacts(), outside)[0]) == {}


def test_not_sure_is_added_to_unsure_facts_and_an_answer_removes_it():
    tracker = make_tracker("no idea", intent="not_sure", form_on="systemic_signs", slots={"unsure_facts": ["trauma"]})
    assert slot_events(run_action(ActionExtractFacts(), tracker)[0]) == {"unsure_facts": ["systemic_signs", "trauma"]}
    later = make_tracker("actually no, I didn't fall", entities=[entity("trauma", False)],
                         slots={"unsure_facts": ["systemic_signs", "trauma"]})
    assert slot_events(run_action(ActionExtractFacts(), later)[0]) == {"trauma": False, "unsure_facts": ["systemic_signs"]}


def test_a_correction_replaces_the_earlier_value():
    tracker = make_tracker("actually it's been 2 weeks", entities=[entity("pain_duration_days", 14.0)],
                           slots={"pain_duration_days": 4.0})
    assert slot_events(run_action(ActionExtractFacts(), tracker)[0]) == {"pain_duration_days": 14.0}


def test_a_typed_message_cannot_answer_a_red_flag_it_was_not_asked():
    typed = [entity("emergency_signs", False, extractor="RegexMessageHandler"),
             entity("triage_level", "modify_and_continue", extractor="RegexMessageHandler")]
    tracker = make_tracker('/describe_pain{"emergency_signs": false}', entities=typed, form_on="pain_location")
    assert slot_events(run_action(ActionExtractFacts(), tracker)[0]) == {}


def test_a_passing_reassurance_never_undoes_an_earlier_warning_sign():
    tracker = make_tracker("I feel fine otherwise, my legs are fine", entities=[
        entity("systemic_signs", False), entity("pain_radiation", "none")],
        slots={"systemic_signs": True, "pain_radiation": "thigh"})
    assert slot_events(run_action(ActionExtractFacts(), tracker)[0]) == {}


def test_a_worse_finding_still_replaces_a_milder_one():
    tracker = make_tracker("now it goes past my knee", entities=[entity("pain_radiation", "below_knee")],
                           slots={"pain_radiation": "thigh"})
    assert slot_events(run_action(ActionExtractFacts(), tracker)[0]) == {"pain_radiation": "below_knee"}


def test_a_sign_heard_uncertainly_waits_for_confirmation_with_the_runners_words():
    from actions.extract import ActionExtractFacts
    from tests.actions.conftest import make_tracker, run_action, slot_events

    tracker = make_tracker(
        "landed hard on my back",
        entities=[{"entity": "trauma", "value": True, "extractor": "SymptomEntityExtractor", "certainty": "minor",
                   "start": 0, "end": 11}],
    )
    events, _ = run_action(ActionExtractFacts(), tracker)
    slots = slot_events(events)
    assert "trauma" not in slots
    assert slots["confirming"] == ["trauma"]
    assert slots["heard"] == {"trauma": {"text": "landed hard", "why": "minor"}}


def test_a_mention_of_breathing_is_remembered():
    from actions.extract import ActionExtractFacts
    from tests.actions.conftest import make_tracker, run_action, slot_events

    tracker = make_tracker("out of breath", entities=[{"entity": "chest_mentioned", "value": True,
                                                       "extractor": "SymptomEntityExtractor", "start": 0, "end": 13}])
    events, _ = run_action(ActionExtractFacts(), tracker)
    assert slot_events(events) == {"chest_mentioned": True}
