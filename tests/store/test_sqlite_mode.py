"""A SQLite file is written in WAL mode by both writers: our store and Rasa's tracker store."""

from __future__ import annotations

import asyncio

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import text

from backstride.store.engine import make_engine
from backstride.store.forgetful import ForgetfulSQLTrackerStore


def modes(engine) -> tuple[str, int]:
    with engine.connect() as connection:
        journal = connection.execute(text("PRAGMA journal_mode")).scalar_one()
        synchronous = connection.execute(text("PRAGMA synchronous")).scalar_one()
    return journal, synchronous


def test_our_store_writes_a_sqlite_file_in_wal_mode(tmp_path):
    assert modes(make_engine(f"sqlite:///{tmp_path / 'b.db'}")) == ("wal", 1)  # 1 = NORMAL


def test_rasas_tracker_store_writes_the_same_file_in_wal_mode_and_still_stores_turns(tmp_path):
    store = ForgetfulSQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "t.db"))
    assert modes(store.engine) == ("wal", 1)
    tracker = DialogueStateTracker("runner-1", [])
    tracker.update(UserUttered("my back hurts"))
    asyncio.run(store.save(tracker))
    stored = asyncio.run(store.retrieve("runner-1"))
    assert [e.text for e in stored.events if isinstance(e, UserUttered)] == ["my back hurts"]


def test_an_in_memory_database_is_left_as_it_is():
    assert modes(make_engine("sqlite://"))[0] == "memory"
