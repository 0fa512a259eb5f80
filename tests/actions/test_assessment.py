import pytest

from actions.assessment import ActionRecommend, ActionStartAssessment
from tests.actions.conftest import make_tracker, run_action, slot_events


@pytest.fixture(autouse=True)
def no_recording(tmp_path, monkeypatch):
    """Keep a developer's database out of these tests (recording: test_recording.py)."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'unused.db'}")
    monkeypatch.delenv("BACKSTRIDE_KEY_SECRET", raising=False)
    monkeypatch.delenv("BACKSTRIDE_ENV", raising=False)


def test_the_recommendation_sets_level_and_reasons_and_explains_them():
    tracker = make_tracker(slots={"pain_location": "lower_back", "pain_radiation": "below_knee",
                                  "pain_duration_days": 4.0, "emergency_signs": False})
    events, dispatcher = run_action(ActionRecommend(), tracker)
    slots = slot_events(events)
    assert slots["triage_level"] == "see_clinician"
    assert slots["triage_reasons"] == ["radiating_below_knee", "persists_beyond_72h"]
    assert slots["assessment_done"] is True
    assert len(dispatcher.messages) == 1
    text = dispatcher.messages[0]["text"]
    assert "past your knee" in text and "three days" in text
    assert "not a diagnosis" in text
    assert "physiotherapist" in text


def test_an_emergency_recommendation_says_call_an_emergency_number():
    tracker = make_tracker(slots={"emergency_signs": True})
    events, dispatcher = run_action(ActionRecommend(), tracker)
    assert slot_events(events)["triage_level"] == "emergency"
    assert "emergency number" in dispatcher.messages[0]["text"]


def test_the_intro_comes_once_and_never_before_an_emergency():
    first = make_tracker("my back hurts", earlier_bot_messages=0)
    assert [m["response"] for m in run_action(ActionStartAssessment(), first)[1].messages] == ["utter_intro"]
    again = make_tracker("my back hurts", earlier_bot_messages=1)
    assert run_action(ActionStartAssessment(), again)[1].messages == []
    emergency = make_tracker("I can't feel my groin", earlier_bot_messages=0, slots={"emergency_signs": True})
    assert run_action(ActionStartAssessment(), emergency)[1].messages == []


def test_starting_again_clears_the_previous_result():
    tracker = make_tracker(slots={"triage_level": "urgent", "triage_reasons": ["systemic_signs"]})
    slots = slot_events(run_action(ActionStartAssessment(), tracker)[0])
    assert slots == {"triage_level": None, "triage_reasons": None}

