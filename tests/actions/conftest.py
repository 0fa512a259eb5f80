"""Build rasa_sdk trackers from small dicts, in the manner of financial-demo."""

import asyncio
from typing import Any, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from backstride.answers import TRUSTED_EXTRACTOR
from backstride.store import migrate, recorder
from backstride.store.keys import ENVIRONMENT_ENV, SECRET_ENV

#: The key secret of the tests that record assessments (more than 32 characters, not the dev one).
RECORDING_SECRET = "a-test-secret-of-more-than-thirty-two-characters"


def entity(slot: str, value: Any, extractor: str = TRUSTED_EXTRACTOR) -> dict:
    return {"entity": slot, "value": value, "extractor": extractor, "start": 0, "end": 1}


def make_tracker(
    text: str = "",
    intent: str = "describe_pain",
    entities: Optional[list] = None,
    slots: Optional[dict] = None,
    form_on: Optional[str] = None,
    bot_spoke_after_user: bool = False,
    earlier_bot_messages: int = 1,
    heard: Optional[dict] = None,
) -> Tracker:
    """A tracker whose last user message is ``text``; ``form_on`` = the requested slot;
    ``heard`` = the facts extracted from that message."""
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": entities or []}
    all_slots = dict(slots or {})
    if form_on:
        all_slots["requested_slot"] = form_on
    events = [{"event": "action", "name": "action_listen"}]
    events += [{"event": "bot", "text": "earlier"}] * earlier_bot_messages
    events += [{"event": "user", "text": text, "parse_data": latest}]
    for name, value in (heard or {}).items():  # what action_extract_facts set this turn
        events.append({"event": "slot", "name": name, "value": value})
        all_slots[name] = value
    if bot_spoke_after_user:
        events.append({"event": "bot", "text": "an answer"})
    return Tracker.from_dict({
        "sender_id": "test",
        "slots": all_slots,
        "latest_message": latest,
        "events": events,
        "paused": False,
        "followup_action": None,
        "active_loop": {"name": "back_pain_form"} if form_on else {},
        "latest_action_name": "action_listen",
    })


def run_action(action, tracker: Tracker) -> tuple[list, CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return events, dispatcher


def slot_events(events: list) -> dict:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


@pytest.fixture
def tracker_factory():
    return make_tracker


@pytest.fixture(autouse=True)
def fresh_recorder():
    """No store or secret cached from one test into the next (the cache is per process)."""
    recorder.reset_recorder()
    yield
    recorder.reset_recorder()


@pytest.fixture
def recording_url(tmp_path, monkeypatch) -> str:
    """A migrated SQLite file as DATABASE_URL and a private key secret."""
    url = f"sqlite:///{tmp_path / 'backstride.db'}"
    migrate.upgrade(url)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv(SECRET_ENV, RECORDING_SECRET)
    monkeypatch.delenv(ENVIRONMENT_ENV, raising=False)
    return url
