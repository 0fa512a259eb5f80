"""Erasing one sender's conversation from Rasa's SQL tracker store (SQLite)."""

from __future__ import annotations

import asyncio

import pytest

from backstride.store.tracker_erasure import conversation_event_count, erase_conversation
from tests.store import scenarios as s


@pytest.fixture
def url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'tracker.db'}"


def test_erasing_one_sender_keeps_the_others(url):
    s.check_erasure(url)


def test_nothing_to_erase_before_rasa_made_its_table(url):
    s.check_erasure_without_events_table(url)


def test_erasure_needs_a_sender_id(url):
    with pytest.raises(ValueError):
        erase_conversation(url, "")


def test_rasa_writes_back_a_conversation_erased_during_its_turn(url):
    """Pins down the caveat in tracker_erasure's docstring for whoever wires "forget me".

    Rasa saves by appending the in-memory events past the stored count; after an
    erasure that count is 0, so a tracker still held in memory comes back whole.
    """
    from rasa.shared.core.events import ActionExecuted

    tracker_store = s._rasa_tracker_store(url)
    tracker = s._conversation(s.ANA, "my lower back hurts")
    asyncio.run(tracker_store.save(tracker))
    stored = conversation_event_count(url, s.ANA)
    assert erase_conversation(url, s.ANA) == stored

    tracker.update(ActionExecuted("action_forget_me"))  # the turn goes on in memory...
    asyncio.run(tracker_store.save(tracker))  # ...and Rasa saves it when the turn ends
    assert conversation_event_count(url, s.ANA) == len(tracker.events)
    tracker_store.engine.dispose()
