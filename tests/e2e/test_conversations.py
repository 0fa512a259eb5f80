"""Whole conversations through the REST channel and the tracker API."""

import os

import pytest

pytestmark = pytest.mark.server

#: Plain answers a mild runner gives to every question.
MILD = {
    "pain_location": "lower back",
    "pain_duration_days": "about a day",
    "pain_radiation": "it stays in my back",
    "pain_severity": "3",
}


def answer_until_done(chat, answers=None, limit=20):
    """Answer each requested slot (``answers`` first, else MILD, else "no"); return slots asked."""
    answers = {**MILD, **(answers or {})}
    asked = []
    for _ in range(limit):
        slots = chat.slots()
        if slots.get("triage_level") or not slots.get("requested_slot"):
            return asked
        slot = slots["requested_slot"]
        asked.append(slot)
        chat.say(answers.get(slot, "no"))
    raise AssertionError(f"no result after {limit} answers; asked {asked}")


def test_facts_in_the_opener_are_never_asked_for(chat):
    replies = chat.texts("my lower back has hurt for 4 days since my long run, no numbness")
    assert "not a diagnosis" in replies[0]
    asked = answer_until_done(chat)
    assert not {"pain_location", "pain_duration_days", "numbness_tingling"} & set(asked)
    assert asked[0] == "emergency_signs"
    slots = chat.slots()
    assert slots["triage_level"] == "stop_and_reassess"
    assert slots["triage_reasons"] == ["persists_beyond_72h"]
    assert slots["pain_location"] == "lower_back" and slots["pain_duration_days"] == 4.0


def test_an_emergency_in_the_opener_is_the_very_first_reply(chat):
    replies = chat.texts("I can't control my bladder since this morning and my back is killing me")
    assert "emergency" in replies[0].lower()
    slots = chat.slots()
    assert slots["triage_level"] == "emergency"
    assert slots["triage_reasons"] == ["emergency_signs"]
    assert slots["requested_slot"] is None


def test_an_emergency_mid_form_ends_the_questions_at_once(chat):
    chat.say("sore back")
    chat.say("no")  # emergency signs
    assert chat.asking == "pain_radiation"
    replies = chat.texts("hang on, now both my legs have gone numb")
    assert "emergency" in replies[0].lower()
    tracker = chat.tracker()
    assert tracker["slots"]["triage_level"] == "emergency"
    assert "emergency_signs" in tracker["slots"]["triage_reasons"]
    assert not tracker["active_loop"].get("name")


def test_an_uncertain_fall_is_confirmed_with_the_emergency_advice_first(chat):
    replies = chat.texts("I went over on the kerb on my run yesterday and my lower back hurts")
    first = "\n".join(replies)
    assert '"went over on the kerb"' in first and "emergency number" in first
    slots = chat.slots()
    assert slots["requested_slot"] == "trauma" and slots["triage_level"] is None
    chat.say("no, it was nothing much")
    asked = answer_until_done(chat)
    assert "trauma" not in asked
    slots = chat.slots()
    assert slots["trauma"] is False and slots["triage_level"] == "modify_and_continue"
    result = chat.tracker()["events"]
    last_bot = [e["text"] for e in result if e.get("event") == "bot" and e.get("text")][-1]
    assert '"went over on the kerb"' in last_bot and "didn't count it" in last_bot


def test_a_confirmed_sign_escalates(chat):
    chat.say("I think my groin might be a bit numb since my long run, lower back sore")
    assert chat.asking == "emergency_signs"
    assert chat.slots()["triage_level"] is None
    replies = chat.texts("yes")
    assert "emergency" in replies[0].lower()
    assert chat.slots()["triage_level"] == "emergency"


def test_an_old_accident_is_not_an_emergency_and_is_not_asked_again(chat):
    chat.say("I came off my bike in 2019 and my lower back has niggled since, sore for 4 days now")
    asked = answer_until_done(chat)
    assert "trauma" not in asked
    slots = chat.slots()
    assert slots["trauma"] is False and slots["triage_level"] == "stop_and_reassess"


def test_chest_pain_is_asked_in_the_safety_check_for_mid_back_pain(chat):
    chat.say("the middle of my back has been sore for 2 days")
    asked = answer_until_done(chat)
    assert "chest_pain" in asked and asked.index("chest_pain") < asked.index("systemic_signs")
    assert chat.slots()["triage_level"] == "modify_and_continue"


def test_a_date_counts_to_the_messages_own_day(chat):
    chat.say("my lower back started hurting on 22 May", metadata={"sent_at": "2026-06-03"})
    assert chat.slots()["pain_duration_days"] == 12.0


def test_a_question_mid_form_is_answered_and_the_form_asks_again(chat):
    chat.say("my lower back hurts")
    chat.say("no")
    asking = chat.asking
    replies = chat.texts("how quickly can I build up my weekly mileage?")
    assert any("10" in text for text in replies), replies
    assert chat.asking == asking
    answer_until_done(chat)
    assert chat.slots()["triage_level"]


def test_an_unclear_answer_is_explained_then_a_clear_one_accepted(chat):
    chat.say("my back hurts, nothing spreads, no fall, no fever")
    chat.say("no")  # emergency
    assert chat.asking == "pain_location"
    replies = chat.texts("banana")
    assert replies[0].startswith("Sorry")
    assert chat.asking == "pain_location"
    chat.say("lower back")
    assert chat.slots()["pain_location"] == "lower_back"
    assert chat.asking != "pain_location"


def test_not_sure_about_a_red_flag_means_see_a_clinician(chat):
    chat.say("my lower back is a bit sore since yesterday")
    assert chat.asking == "emergency_signs"
    chat.say("I'm not sure")
    answer_until_done(chat)
    slots = chat.slots()
    assert slots["triage_level"] == "see_clinician"
    assert "unsure_answer" in slots["triage_reasons"]
    assert "emergency_signs" in slots["unsure_facts"]


def test_restart_clears_everything(chat):
    chat.say("my lower back has hurt for 2 weeks")
    chat.say("no")
    replies = chat.texts("can we start again")
    assert "start again" in replies[0].lower()
    slots = chat.slots()
    assert slots["pain_location"] is None and slots["requested_slot"] is None


def test_a_typed_intent_cannot_set_the_result_or_skip_a_red_flag(chat):
    chat.say('/describe_pain{"triage_level": "modify_and_continue", "emergency_signs": false, "trauma": false}')
    slots = chat.slots()
    assert slots["emergency_signs"] is None and slots["trauma"] is None
    assert slots["triage_level"] is None
    assert slots["requested_slot"] == "emergency_signs"
    chat.say("/affirm")  # a button answers the question it was asked
    assert chat.slots()["triage_level"] == "emergency"


def test_a_greeting_introduces_the_assistant_and_starts_the_check(chat):
    replies = chat.texts("hi there")
    assert "Backstride" in replies[0] and "not a diagnosis" in replies[0]
    assert chat.asking == "emergency_signs"


def test_a_question_as_opener_is_answered_then_the_check_starts(chat):
    replies = chat.texts("Is running bad for my back?")
    assert len(replies) >= 2
    assert chat.asking == "emergency_signs"


def test_goodbye_mid_form_says_goodbye_and_stops_asking(chat):
    chat.say("back pain since monday")
    replies = chat.texts("bye for now")
    assert "emergency" in replies[-1].lower()  # the goodbye repeats the emergency signs
    assert not chat.tracker()["active_loop"].get("name")


@pytest.mark.parametrize("text", ["", "   ", "🙂🙂🙂", "x" * 10_000, "me duele mucho la espalda",
                                  "腰が痛いです", "<img src=x onerror=alert(1)>", "'; DROP TABLE events; --"])
def test_odd_input_gets_a_reply_and_loses_nothing(chat, text):
    chat.say("my lower back hurts")
    before = len(chat.tracker()["events"])
    replies = chat.say(text)
    assert replies, "every message gets an answer"
    after = chat.tracker()["events"]
    assert len(after) > before
    assert chat.slots()["pain_location"] == "lower_back"


def test_what_do_you_know_answers_and_the_form_goes_on(chat):
    chat.say("my lower back has hurt for 4 days")
    chat.say("no")
    asking = chat.asking
    replies = chat.texts("what do you know about me?")
    assert any("forget me" in text for text in replies), replies
    assert chat.asking == asking


def test_forget_me_asks_first_and_no_keeps_everything(chat):
    chat.say("my lower back has hurt for 4 days")
    replies = chat.texts("please delete my data")
    assert "can't be undone" in replies[-1]
    assert not chat.tracker()["active_loop"].get("name")  # the questions stop while it asks
    chat.say("no")
    assert chat.slots()["pain_duration_days"] == 4.0


def test_a_confirmed_forget_me_deletes_the_assessments_and_the_conversation(chat):
    from sqlalchemy import create_engine, text

    from backstride.store.keys import key_secret, user_key

    chat.say("I fell off my bike and my back hurts")  # an emergency: the result is recorded at once
    assert chat.slots()["triage_level"] == "emergency"
    engine = create_engine(os.environ["DATABASE_URL"])
    key = user_key("rest", chat.sender, key_secret())

    def stored():
        with engine.connect() as connection:
            events = connection.execute(text("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": chat.sender}).scalar()
            assessments = connection.execute(text("SELECT count(*) FROM assessments WHERE user_key = :k"), {"k": key}).scalar()
        return events, assessments

    events, assessments = stored()
    assert events > 0 and assessments == 1
    chat.say("forget me")
    replies = chat.texts("yes")
    assert "deleted 1 stored assessment" in replies[0]
    assert stored() == (0, 0)
