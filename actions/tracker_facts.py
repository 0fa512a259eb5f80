"""Reading facts out of a tracker, and the small tracker questions actions ask."""

from __future__ import annotations

from typing import Any, Optional

from rasa_sdk import Tracker

from backstride import contract as c
from backstride.triage import Facts

FORM_NAME = "back_pain_form"
#: The channel recorded when Rasa did not say which one a message came in on.
UNKNOWN_CHANNEL = "unknown"


def facts_from(tracker: Tracker, overrides: Optional[dict[str, Any]] = None) -> Facts:
    slots = dict(tracker.slots)
    slots.update(overrides or {})
    return Facts.from_slots(slots)


def input_channel(tracker: Tracker) -> str:
    """The channel of the runner's latest message ("rest", "socketio", ...), or "unknown"."""
    return tracker.get_latest_input_channel() or UNKNOWN_CHANNEL


def requested_slot(tracker: Tracker) -> Optional[str]:
    """The question the form is waiting on, if the form is running."""
    if tracker.active_loop_name != FORM_NAME:
        return None
    slot = tracker.get_slot("requested_slot")
    return slot if slot in c.FORM_SLOTS else None


def bot_spoke_since_user(tracker: Tracker) -> bool:
    """True when the bot has said something after the runner's last message."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "bot":
            return True
    return False


def facts_heard_this_turn(tracker: Tracker) -> set[str]:
    """The fact slots set since the runner's last message."""
    heard: set[str] = set()
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            break
        if event.get("event") == "slot" and event.get("name") in (*c.FACT_SLOTS, c.UNSURE_FACTS, c.CONFIRMING):
            heard.add(event["name"])
    return heard
