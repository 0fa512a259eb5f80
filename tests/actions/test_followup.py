"""A returning runner, the progress question, the follow-up, and the check-in (actions/followup.py)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from rasa_sdk import Tracker

from actions import followup
from actions.assessment import ActionRecommend
from actions.followup import (
    CHECK_IN_INTENT,
    CHECK_IN_NAME,
    ActionCheckInReply,
    ActionFollowUp,
    ActionSessionStart,
    ValidateProgressForm,
    pending_check_in,
)
from backstride import contract as c
from backstride.contract import Level
from backstride.followup import PROGRESS_QUESTION
from backstride.store import AssessmentStore, user_key
from backstride.store.keys import SECRET_ENV
from backstride.triage import Facts, decide
from tests.actions.conftest import RECORDING_SECRET, make_tracker, run_action, slot_events

SENDER = "test"  # make_tracker's sender id
SECRET = RECORDING_SECRET
STOP = {"pain_location": "lower_back", "pain_duration_days": 1.0, "worse_during_run": True,
        "emergency_signs": False, "pain_radiation": "none"}


@pytest.fixture
def store(recording_url) -> AssessmentStore:
    store = AssessmentStore(recording_url)
    yield store
    store.dispose()


def remember(store: AssessmentStore, days_ago: float, facts: Facts, channel: str = "rest") -> None:
    store.record(user_key(channel, SENDER, SECRET), channel, facts, decide(facts),
                 at=datetime.now(timezone.utc) - timedelta(days=days_ago))


def on_channel(tracker: Tracker, channel: str) -> Tracker:
    next(e for e in tracker.events if e["event"] == "user")["input_channel"] = channel
    return tracker


def progress_tracker(text: str, intent: str = "greet", heard=None, slots=None) -> Tracker:
    tracker = make_tracker(text=text, intent=intent, heard=heard, slots={"requested_slot": "progress", **(slots or {})})
    tracker.active_loop = {"name": "progress_form"}
    return on_channel(tracker, "rest")


def reminder(name: str, due: datetime) -> dict:
    return {"event": "reminder", "intent": CHECK_IN_INTENT, "date_time": due.isoformat(), "name": name,
            "kill_on_user_msg": False, "entities": None}


# --- session start -------------------------------------------------------------------

def test_a_returning_runner_is_welcomed_with_the_last_check(store):
    remember(store, 3.2, Facts(**STOP))
    events, dispatcher = run_action(ActionSessionStart(), on_channel(make_tracker(), "rest"))
    assert events[0]["event"] == "session_started"
    assert (events[-1]["event"], events[-1]["name"]) == ("action", "action_listen")
    assert slot_events(events)["returning"] is True
    assert dispatcher.messages[0]["text"] == (
        "Welcome back. Your last check with me was 3 days ago: lower back, stop and reassess.")


def test_history_is_per_channel(store):
    remember(store, 3, Facts(**STOP), channel="slack")
    events, dispatcher = run_action(ActionSessionStart(), on_channel(make_tracker(), "rest"))
    assert "returning" not in slot_events(events) and dispatcher.messages == []


def test_a_sender_without_earlier_messages_is_not_looked_up(store):
    remember(store, 3, Facts(**STOP))
    events, dispatcher = run_action(ActionSessionStart(), make_tracker())  # no input channel: a new sender
    assert "returning" not in slot_events(events) and dispatcher.messages == []


def test_a_first_visit_starts_quietly(store):
    events, dispatcher = run_action(ActionSessionStart(), on_channel(make_tracker(), "rest"))
    assert [e["event"] for e in events] == ["session_started", "action"] and dispatcher.messages == []


def test_an_unreachable_database_does_not_stop_the_session(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody:x@127.0.0.1:9/none")
    monkeypatch.setenv(SECRET_ENV, SECRET)
    events, dispatcher = run_action(ActionSessionStart(), on_channel(make_tracker(), "rest"))
    assert events[0]["event"] == "session_started" and dispatcher.messages == []


def test_a_pending_check_in_is_rearmed_under_a_new_name_in_the_new_session(store):
    due = datetime.now(timezone.utc) + timedelta(hours=30)
    tracker = on_channel(make_tracker(), "rest")
    tracker.events.insert(0, reminder(f"{CHECK_IN_NAME}-0", due))
    events, dispatcher = run_action(ActionSessionStart(), tracker)
    again = [e for e in events if e["event"] == "reminder"]
    assert len(again) == 1 and again[0]["name"] == f"{CHECK_IN_NAME}-1"
    assert datetime.fromisoformat(again[0]["date_time"]) == due


def test_a_check_in_firing_now_gets_no_welcome_first(store):
    remember(store, 2, Facts(**STOP))
    tracker = on_channel(make_tracker(), "rest")
    tracker.events.insert(0, reminder(f"{CHECK_IN_NAME}-3", datetime.now(timezone.utc)))
    events, dispatcher = run_action(ActionSessionStart(), tracker)
    again = next(e for e in events if e["event"] == "reminder")
    assert again["name"] == f"{CHECK_IN_NAME}-4"
    assert datetime.fromisoformat(again["date_time"]) > datetime.now(timezone.utc)
    assert dispatcher.messages == []


def test_a_cancelled_or_answered_check_in_is_not_pending():
    due = datetime.now(timezone.utc)
    scheduled = reminder(f"{CHECK_IN_NAME}-0", due)
    cancelled = {"event": "cancel_reminder", "intent": CHECK_IN_INTENT, "name": None}
    fired = {"event": "user", "parse_data": {"intent": {"name": CHECK_IN_INTENT}}}
    assert pending_check_in([scheduled]) == scheduled
    assert pending_check_in([scheduled, cancelled]) is None
    assert pending_check_in([scheduled, fired]) is None
    other = {"event": "cancel_reminder", "intent": "EXTERNAL_something_else", "name": None}
    assert pending_check_in([scheduled, other]) == scheduled


# --- the progress question --------------------------------------------------------------

def test_the_form_asks_better_same_or_worse_first():
    tracker = make_tracker(text="hi", intent="greet")
    events, dispatcher = run_action(ValidateProgressForm(), tracker)
    assert dispatcher.messages[0]["text"] == PROGRESS_QUESTION
    assert len(dispatcher.messages[0]["buttons"]) == 4
    assert slot_events(events)["requested_slot"] == "progress"


@pytest.mark.parametrize("text, progress", [("Worse", "worse"), ("a bit better", "better"),
                                            ("it went away and came back", "returned"), ("the same", "same")])
def test_the_answer_is_read(text, progress):
    events, dispatcher = run_action(ValidateProgressForm(), progress_tracker(text, intent="affirm"))
    assert slot_events(events)["progress"] == progress and slot_events(events)["requested_slot"] is None
    assert dispatcher.messages == []


def test_new_symptoms_in_the_answer_count_as_worse_at_once():
    tracker = progress_tracker("I can't control my bladder", intent="describe_pain", heard={"emergency_signs": True})
    events, dispatcher = run_action(ValidateProgressForm(), tracker)
    assert slot_events(events)["progress"] == "worse" and dispatcher.messages == []


def test_a_question_instead_of_an_answer_is_left_to_the_rules():
    events, _ = run_action(ValidateProgressForm(), progress_tracker("is running bad for my back?", intent="faq"))
    assert [(e["event"], e["name"]) for e in events] == [("action_execution_rejected", "progress_form")]


def test_an_unclear_answer_is_asked_again_then_checked_afresh():
    events, dispatcher = run_action(ValidateProgressForm(), progress_tracker("hmm", intent="greet"))
    assert slot_events(events)["requested_slot"] == "progress" and "One word" in dispatcher.messages[0]["text"]
    events, _ = run_action(ValidateProgressForm(), progress_tracker("hmm", intent="greet", slots={"unclear_answers": 1}))
    assert slot_events(events)["progress"] == "unclear"


# --- the follow-up -------------------------------------------------------------------------

def follow_up_tracker(progress: str, heard=None, slots=None) -> Tracker:
    return on_channel(make_tracker(text="x", slots={"progress": progress, **(slots or {})}, heard=heard), "rest")


def test_worse_starts_a_fresh_check_with_the_duration_from_the_first_report(store):
    remember(store, 3, Facts(**STOP))
    old = {"numbness_tingling": False, "triage_level": "stop_and_reassess", "assessment_done": True}
    events, dispatcher = run_action(ActionFollowUp(), follow_up_tracker("worse", slots=old))
    slots = slot_events(events)
    assert slots[c.PAIN_DURATION_DAYS] == pytest.approx(4.0, abs=0.01)
    assert slots[c.PAIN_LOCATION] == "lower_back"
    assert slots["numbness_tingling"] is None and slots[c.TRIAGE_LEVEL] is None  # asked afresh
    assert slots["assessment_done"] is False and slots["returning"] is False
    assert slots["recheck"] is True
    assert any(e["event"] == "cancel_reminder" for e in events)
    assert "4 days" in dispatcher.messages[0]["text"]


def test_pain_back_after_a_rest_is_recorded_as_recurring(store):
    remember(store, 5, Facts(**STOP))
    events, _ = run_action(ActionFollowUp(), follow_up_tracker("returned"))
    assert slot_events(events)[c.RECURRING_DESPITE_REST] is True


def test_symptoms_said_in_the_answer_are_kept_and_an_emergency_goes_first(store):
    remember(store, 2, Facts(**STOP))
    events, dispatcher = run_action(ActionFollowUp(), follow_up_tracker("worse", heard={"emergency_signs": True}))
    assert slot_events(events)["emergency_signs"] is True
    assert dispatcher.messages == []  # the recommendation is the next message
    assert slot_events(events)["recheck"] is True


def test_better_ends_with_advice_and_no_new_check(store):
    remember(store, 3, Facts(**STOP))
    events, dispatcher = run_action(ActionFollowUp(), follow_up_tracker("better"))
    assert slot_events(events)["recheck"] is False
    assert "10%" in dispatcher.messages[0]["text"]


# --- the check-in ---------------------------------------------------------------------------

def test_a_stop_and_reassess_result_offers_a_check_in_where_the_bot_can_write_first(store):
    events, dispatcher = run_action(ActionRecommend(), on_channel(make_tracker(slots=STOP), "socketio"))
    assert slot_events(events)["triage_level"] == Level.STOP_AND_REASSESS.slot_value
    assert slot_events(events)["checkin_offered"] is True
    assert len(dispatcher.messages) == 2 and "check in" in dispatcher.messages[1]["text"]


@pytest.mark.parametrize("channel, slots", [("rest", STOP), ("socketio", {**STOP, "pain_radiation": "below_knee"})])
def test_no_offer_on_rest_or_for_other_levels(store, channel, slots):
    events, dispatcher = run_action(ActionRecommend(), on_channel(make_tracker(slots=slots), channel))
    assert "checkin_offered" not in slot_events(events) and len(dispatcher.messages) == 1


def test_yes_schedules_the_check_in_after_the_configured_delay(monkeypatch):
    monkeypatch.setenv("BACKSTRIDE_CHECKIN_DELAY_SECONDS", "7")
    before = datetime.now(timezone.utc)
    events, dispatcher = run_action(ActionCheckInReply(), make_tracker(text="/affirm", intent="affirm"))
    scheduled = [e for e in events if e["event"] == "reminder"]
    assert len(scheduled) == 1 and scheduled[0]["intent"] == CHECK_IN_INTENT
    due = datetime.fromisoformat(scheduled[0]["date_time"])
    assert timedelta(seconds=6) < due - before < timedelta(seconds=9)
    assert slot_events(events)["checkin_offered"] is False


def test_the_default_delay_is_48_hours(monkeypatch):
    monkeypatch.delenv("BACKSTRIDE_CHECKIN_DELAY_SECONDS", raising=False)
    assert followup.check_in_delay() == timedelta(hours=48)
    monkeypatch.setenv("BACKSTRIDE_CHECKIN_DELAY_SECONDS", "soon")
    assert followup.check_in_delay() == timedelta(hours=48)


def test_no_schedules_nothing():
    events, dispatcher = run_action(ActionCheckInReply(), make_tracker(text="/deny", intent="deny"))
    assert not any(e["event"] == "reminder" for e in events)
    assert "remember" in dispatcher.messages[0]["text"]
