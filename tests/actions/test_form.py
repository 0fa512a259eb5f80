from actions.form import ValidateBackPainForm
from tests.actions.conftest import make_tracker, run_action, slot_events

KNOWN = {"emergency_signs": False, "pain_radiation": "none", "trauma": False, "systemic_signs": False}


def test_the_form_skips_every_slot_already_known():
    tracker = make_tracker("no", intent="deny", form_on="systemic_signs", slots=KNOWN, heard={"systemic_signs": False})
    events, dispatcher = run_action(ValidateBackPainForm(), tracker)
    assert slot_events(events)["requested_slot"] == "pain_location"
    assert [m["text"] for m in dispatcher.messages] == ["Where exactly is the pain?"]
    assert dispatcher.messages[0]["buttons"][0] == {"title": "Lower back", "payload": '/describe_pain{"pain_location": "lower_back"}'}


def test_an_emergency_sign_ends_the_form_at_once():
    tracker = make_tracker("i wet myself", form_on="pain_location", slots=KNOWN, heard={"emergency_signs": True})
    events, dispatcher = run_action(ValidateBackPainForm(), tracker)
    assert slot_events(events)["requested_slot"] is None
    assert dispatcher.messages == []


def test_an_unclear_answer_gets_an_explanation_and_the_same_question():
    tracker = make_tracker("banana", intent="nlu_fallback", form_on="pain_location", slots=KNOWN)
    events, dispatcher = run_action(ValidateBackPainForm(), tracker)
    assert slot_events(events) == {"unclear_answers": 1, "requested_slot": "pain_location"}
    texts = [m["text"] for m in dispatcher.messages]
    assert texts[0].startswith("Sorry, I didn't catch where it hurts")
    assert texts[1] == "Where exactly is the pain?"


def test_yes_no_questions_explain_yes_no():
    tracker = make_tracker("hmm", intent="nlu_fallback", form_on="trauma", slots={"emergency_signs": False, "pain_radiation": "none"})
    _, dispatcher = run_action(ValidateBackPainForm(), tracker)
    assert "yes" in dispatcher.messages[0]["text"] and "not sure" in dispatcher.messages[0]["text"]
    assert [b["payload"] for b in dispatcher.messages[1]["buttons"]] == ["/affirm", "/deny", "/not_sure"]


def test_a_third_miss_counts_as_not_sure_and_moves_on():
    tracker = make_tracker("🤷", intent="nlu_fallback", form_on="trauma",
                           slots={"emergency_signs": False, "pain_radiation": "none", "unclear_answers": 2})
    events, dispatcher = run_action(ValidateBackPainForm(), tracker)
    slots = slot_events(events)
    assert slots["unsure_facts"] == ["trauma"]
    assert slots["requested_slot"] == "systemic_signs"
    assert "not sure" in dispatcher.messages[0]["text"]
    assert dispatcher.messages[1]["text"].startswith("Do you have a fever")


def test_a_fact_about_something_else_is_no_reason_to_apologise():
    tracker = make_tracker("it's been about 4 days", form_on="pain_location", slots=KNOWN, heard={"pain_duration_days": 4.0})
    events, dispatcher = run_action(ValidateBackPainForm(), tracker)
    assert slot_events(events)["requested_slot"] == "pain_location"
    assert [m["text"] for m in dispatcher.messages] == ["Where exactly is the pain?"]


def test_a_question_mid_form_rejects_the_turn_so_the_rules_answer_it():
    tracker = make_tracker("how fast can I build mileage", intent="faq", form_on="trauma", slots=KNOWN)
    events, _ = run_action(ValidateBackPainForm(), tracker)
    assert [(e["event"], e["name"]) for e in events] == [("action_execution_rejected", "back_pain_form")]


def test_after_the_answer_to_a_question_the_form_asks_again_without_complaint():
    tracker = make_tracker("how fast can I build mileage", intent="faq", form_on="pain_location", slots=KNOWN,
                           bot_spoke_after_user=True)
    events, dispatcher = run_action(ValidateBackPainForm(), tracker)
    assert slot_events(events) == {"requested_slot": "pain_location"}
    assert [m["text"] for m in dispatcher.messages] == ["Where exactly is the pain?"]


def test_an_answer_to_the_question_is_an_answer_whatever_the_intent():
    tracker = make_tracker("for 1 day now", intent="goodbye", form_on="pain_duration_days", slots=KNOWN,
                           heard={"pain_duration_days": 1.0})
    events, _ = run_action(ValidateBackPainForm(), tracker)
    assert not [e for e in events if e["event"] == "action_execution_rejected"]
    assert slot_events(events)["requested_slot"] == "pain_location"


def test_a_sign_to_confirm_is_asked_first_with_its_emergency_advice_and_the_runners_words():
    slots = {**KNOWN, "trauma": None, "confirming": ["trauma"], "heard": {"trauma": {"text": "landed hard", "why": "minor"}}}
    tracker = make_tracker("landed hard on the trail yesterday", form_on=None, slots=slots)
    events, dispatcher = run_action(ValidateBackPainForm(), tracker)
    assert slot_events(events)["requested_slot"] == "trauma"
    text = dispatcher.messages[-1]["text"]
    assert '"landed hard"' in text and "emergency" in text and "To be sure I understood" in text
    assert [b["payload"] for b in dispatcher.messages[-1]["buttons"]] == ["/affirm", "/deny", "/not_sure"]


def test_a_sign_to_confirm_is_not_asked_once_the_level_is_already_emergency():
    slots = {**KNOWN, "emergency_signs": True, "trauma": None, "confirming": ["trauma"]}
    tracker = make_tracker("I can't pee, and I landed hard", form_on="pain_location", slots=slots)
    events, _ = run_action(ValidateBackPainForm(), tracker)
    assert slot_events(events)["requested_slot"] is None


def test_chest_pain_is_asked_for_mid_back_pain():
    slots = {**KNOWN, "pain_location": "mid_back"}
    tracker = make_tracker("mid back", form_on="pain_location", slots=slots, heard={"pain_location": "mid_back"})
    events, dispatcher = run_action(ValidateBackPainForm(), tracker)
    assert slot_events(events)["requested_slot"] == "chest_pain"
    assert "chest" in dispatcher.messages[-1]["text"]
