"""action_recommend records each finished assessment, and never loses the message when it cannot."""

from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import create_engine, text

from backstride.store import recorder
from actions.assessment import ActionRecommend
from backstride.store.keys import DEV_KEY_SECRET, ENVIRONMENT_ENV, SECRET_ENV, user_key
from tests.actions.conftest import RECORDING_SECRET, make_tracker, run_action, slot_events

SENDER = "test"  # make_tracker's sender id
SECRET = RECORDING_SECRET
SLOTS = {"pain_location": "lower_back", "pain_radiation": "below_knee",
         "pain_duration_days": 4.0, "emergency_signs": False}


@pytest.fixture
def url(recording_url) -> str:
    return recording_url


def tracker_on(channel=None, slots=SLOTS):
    tracker = make_tracker(slots=slots)
    if channel:
        next(e for e in tracker.events if e["event"] == "user")["input_channel"] = channel
    return tracker


def rows(url: str) -> list[dict]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return [dict(r._mapping) for r in connection.execute(text("SELECT * FROM assessments ORDER BY id"))]
    finally:
        engine.dispose()


def assert_recommended(events, dispatcher, level="see_clinician"):
    slots = slot_events(events)
    assert slots["triage_level"] == level
    assert slots["assessment_done"] is True
    assert len(dispatcher.messages) == 1
    assert "not a diagnosis" in dispatcher.messages[0]["text"]


def test_a_finished_assessment_is_stored_under_the_keyed_hash(url):
    events, dispatcher = run_action(ActionRecommend(), tracker_on("rest"))
    assert_recommended(events, dispatcher)
    [row] = rows(url)
    assert row["user_key"] == user_key("rest", SENDER, SECRET)
    assert row["channel"] == "rest"
    assert row["level"] == "see_clinician"
    assert json.loads(row["reasons"]) == ["radiating_below_knee", "persists_beyond_72h"]
    assert json.loads(row["facts"])["pain_location"] == "lower_back"


def test_no_raw_sender_id_anywhere_in_the_row(url):
    sender = "runner-4f9c2e-ana@example.org"
    tracker = tracker_on("rest")
    tracker.sender_id = sender
    run_action(ActionRecommend(), tracker)
    [row] = rows(url)
    assert row["user_key"] == user_key("rest", sender, SECRET)
    assert all(sender not in str(value) and "ana" not in str(value) for value in row.values())


def test_a_second_assessment_is_appended_and_the_channel_defaults_to_unknown(url):
    run_action(ActionRecommend(), tracker_on())
    run_action(ActionRecommend(), tracker_on(slots={"emergency_signs": True}))
    first, second = rows(url)
    assert first["user_key"] == second["user_key"] == user_key("unknown", SENDER, SECRET)
    assert (first["level"], second["level"]) == ("see_clinician", "emergency")


def test_the_dev_secret_is_used_only_where_the_environment_allows_it(url, monkeypatch):
    monkeypatch.delenv(SECRET_ENV)
    monkeypatch.setenv(ENVIRONMENT_ENV, "test")
    run_action(ActionRecommend(), tracker_on("rest"))
    assert rows(url)[0]["user_key"] == user_key("rest", SENDER, DEV_KEY_SECRET)


@pytest.mark.parametrize("broken", ["unreachable database", "unmigrated database", "no secret"])
def test_when_recording_fails_the_runner_still_gets_the_message_and_slots(
    broken, url, tmp_path, monkeypatch, caplog
):
    if broken == "unreachable database":
        monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'missing-dir' / 'x.db'}")
    elif broken == "unmigrated database":
        monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    else:
        monkeypatch.delenv(SECRET_ENV)
    with caplog.at_level(logging.ERROR, logger="actions.assessment"):
        events, dispatcher = run_action(ActionRecommend(), tracker_on("rest", {"emergency_signs": True}))
    assert_recommended(events, dispatcher, level="emergency")
    assert "emergency number" in dispatcher.messages[0]["text"]
    assert "not recorded" in caplog.text
    if broken == "no secret":
        assert rows(url) == []  # nothing stored without the secret


def test_a_failure_is_not_cached_the_next_assessment_is_recorded(url, monkeypatch):
    monkeypatch.delenv(SECRET_ENV)
    run_action(ActionRecommend(), tracker_on("rest"))
    monkeypatch.setenv(SECRET_ENV, SECRET)
    run_action(ActionRecommend(), tracker_on("rest"))
    assert len(rows(url)) == 1


def test_the_store_is_made_once_per_process(url, monkeypatch):
    made = []
    real = recorder.AssessmentStore
    monkeypatch.setattr(recorder, "AssessmentStore", lambda *a: made.append(a) or real(*a))
    run_action(ActionRecommend(), tracker_on("rest"))
    run_action(ActionRecommend(), tracker_on("socketio"))
    assert made == [(url,)] and len(rows(url)) == 2
