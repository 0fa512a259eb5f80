"""Erasing a sender's stored conversation from Rasa's SQL tracker store.

Rasa keeps every event of a conversation (the runner's messages included) in
the table ``events`` (``rasa.core.tracker_store.SQLTrackerStore.SQLEvent``),
keyed by the raw ``sender_id``, across all sessions. Rasa has no API to delete
them, so we do it with SQLAlchemy Core on a declared copy of the columns we use.

Caution for callers: Rasa saves a tracker by appending the events it holds in
memory beyond the number already stored. Erasing while that sender's turn is
being processed (inside a custom action) makes Rasa write the whole in-memory
conversation back when the turn ends. Erase after the turn has been saved (or
from a tracker store that erases as it saves); ``tests/store`` pins this down.
"""

from __future__ import annotations

from typing import Optional

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, delete, func, inspect, select
from sqlalchemy.engine import Engine

from backstride.store.engine import make_engine

_metadata = MetaData()

#: The columns of Rasa 3.6's ``SQLEvent`` that erasure reads (the rest are left as they are).
events = Table(
    "events",
    _metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)


def _with_engine(url: Optional[str], engine: Optional[Engine]) -> tuple[Engine, bool]:
    return (engine, False) if engine is not None else (make_engine(url), True)


def erase_conversation(url: Optional[str], sender_id: str, *, engine: Optional[Engine] = None) -> int:
    """Delete every stored event of ``sender_id`` (all sessions); return how many.

    ``url`` defaults to ``DATABASE_URL``, the tracker store's. A database where
    Rasa has stored nothing yet has nothing to erase (0).
    """
    if not sender_id:
        raise ValueError("erase_conversation needs a sender id")
    engine, owned = _with_engine(url, engine)
    try:
        with engine.begin() as connection:
            if not inspect(connection).has_table(events.name):
                return 0
            return connection.execute(delete(events).where(events.c.sender_id == sender_id)).rowcount
    finally:
        if owned:
            engine.dispose()


def conversation_event_count(url: Optional[str], sender_id: str, *, engine: Optional[Engine] = None) -> int:
    """How many events Rasa keeps for ``sender_id`` (for "what do you know about me")."""
    engine, owned = _with_engine(url, engine)
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table(events.name):
                return 0
            query = select(func.count()).select_from(events).where(events.c.sender_id == sender_id)
            return int(connection.execute(query).scalar_one())
    finally:
        if owned:
            engine.dispose()
