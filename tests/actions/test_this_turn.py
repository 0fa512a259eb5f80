"""The actions Rasa posts only the current turn (channels.action_calls.THIS_TURN_ACTIONS)
answer the same with and without the conversation before the runner's latest message."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher

from backstride import contract as c
from channels.action_calls import THIS_TURN_ACTIONS
from tests.actions.conftest import entity

executor = ActionExecutor()
executor.register_package("actions")

#: A long earlier conversation: messages both ways, a finished check, a check-in offered,
#: FAQ detours, a restart, the form's own events.
HISTORY: list[dict[str, Any]] = [
    {"event": "action", "name": "action_session_start"},
    {"event": "session_started"},
    {"event": "action", "name": "action_listen"},
    {"event": "user", "text": "my lower back hurts since May", "input_channel": "telegram",
     "parse_data": {"intent": {"name": "describe_pain", "confidence": 0.9}, "entities": []}},
    {"event": "bot", "text": "I'm Backstride."},
    {"event": "active_loop", "name": "back_pain_form"},
    {"event": "slot", "name": "pain_location", "value": "lower_back"},
    {"event": "slot", "name": "trauma", "value": True},
    {"event": "slot", "name": "requested_slot", "value": "pain_radiation"},
    {"event": "bot", "text": "Does it spread?"},
    {"event": "action", "name": "action_listen"},
    {"event": "user", "text": "is running bad for me?", "input_channel": "telegram",
     "parse_data": {"intent": {"name": "faq", "confidence": 0.9}, "entities": []}},
    {"event": "bot", "text": "Not in general."},
    {"event": "active_loop", "name": None},
    {"event": "slot", "name": "triage_level", "value": "stop_and_reassess"},
    {"event": "slot", "name": "checkin_offered", "value": True},
    {"event": "reminder", "intent": "EXTERNAL_check_in", "name": "backstride_check_in-0",
     "date_time": "2030-01-01T00:00:00", "kill_on_user_msg": False},
    {"event": "restart"},
    {"event": "bot", "text": "Let's start again."},
]


def tracker(text: str, intent: str, slots: dict, turn: list[dict], loop: Optional[str],
            history: bool, channel: str = "rest", entities: Optional[list] = None) -> Tracker:
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": entities or []}
    user = {"event": "user", "text": text, "parse_data": latest, "input_channel": channel}
    earlier = [*HISTORY, {"event": "action", "name": "action_listen"}] if history else []
    return Tracker.from_dict({
        "sender_id": "runner-this-turn", "slots": slots, "latest_message": latest,
        "events": [*earlier, user, *turn], "paused": False, "followup_action": None,
        "active_loop": {"name": loop} if loop else {}, "latest_action_name": "action_listen",
    })


def answer(name: str, t: Tracker) -> tuple[list, list]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(executor.actions[name](dispatcher, t, {}))
    return events, dispatcher.messages


ANSWERS = [("no", "deny", []), ("yes", "affirm", []), ("not sure", "not_sure", []),
           ("what's the weather", "out_of_scope", []), ("is it ok to run?", "faq", []),
           ("it goes below my knee", "describe_pain", [entity("pain_radiation", "below_knee")]),
           ("asdfgh", "nlu_fallback", [])]


def form_cases():
    for slot, (text, intent, entities), spoke in itertools.product(c.FORM_SLOTS, ANSWERS, (False, True)):
        heard = [{"event": "slot", "name": e["entity"], "value": e["value"]} for e in entities]
        turn = heard + ([{"event": "bot", "text": "an answer"}] if spoke else [])
        slots = {"requested_slot": slot, "pain_location": "lower_back", **{e["entity"]: e["value"] for e in entities}}
        yield "validate_back_pain_form", text, intent, slots, turn, "back_pain_form", entities


def progress_cases():
    for text, intent in (("much better", "describe_pain"), ("worse", "describe_pain"), ("the same", "describe_pain"),
                         ("hmm", "nlu_fallback"), ("is it ok to run?", "faq")):
        for misses in (0, 1):
            slots = {"requested_slot": "progress", "unclear_answers": misses}
            yield "validate_progress_form", text, intent, slots, [], "progress_form", []


def result_cases():
    facts = [
        {"pain_location": "lower_back", "pain_duration_days": 1, "pain_severity": 3},
        {"pain_location": "lower_back", "pain_duration_days": 5, "pain_severity": 4},
        {"pain_location": "lower_back", "pain_radiation": "both_legs"},
        {"pain_location": "upper_back", "chest_pain": True},
    ]
    for slots in facts:
        yield "action_recommend", "no", "deny", {**{s: False for s in c.FORM_SLOTS if s not in slots}, **slots}, [], None, []
    for progress in ("better", "same", "worse", "unclear"):
        yield "action_follow_up", "fine", "describe_pain", {"progress": progress}, [], None, []
    yield "action_check_in", "EXTERNAL: EXTERNAL_check_in", "EXTERNAL_check_in", {}, [], None, []


CASES = [*form_cases(), *progress_cases(), *result_cases()]


def test_the_cases_cover_every_action_posted_only_the_current_turn():
    assert {case[0] for case in CASES} == THIS_TURN_ACTIONS


@pytest.mark.parametrize("channel", ["rest", "telegram"])
@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case[0]}:{case[1][:12]}:{case[3].get('requested_slot')}")
def test_an_action_posted_only_the_current_turn_answers_the_same_as_with_the_whole_history(
        case, channel, recording_url):
    name, text, intent, slots, turn, loop, entities = case
    with_history = answer(name, tracker(text, intent, slots, turn, loop, True, channel, entities))
    this_turn_only = answer(name, tracker(text, intent, slots, turn, loop, False, channel, entities))
    assert this_turn_only == with_history


def test_an_action_that_reads_history_is_told_apart(recording_url):
    """The comparison can fail: the greeting of a new check looks for any earlier bot message."""
    assert "action_start_assessment" not in THIS_TURN_ACTIONS
    args = ("my back hurts", "describe_pain", {"pain_location": "lower_back"}, [], None)
    assert answer("action_start_assessment", tracker(*args, True)) != answer("action_start_assessment", tracker(*args, False))
