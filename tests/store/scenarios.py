"""Checks shared by the SQLite tests and the PostgreSQL ones: each takes a database URL.

Each check expects a database with none of our tables and no Rasa ``events``
(a fresh SQLite file, or a PostgreSQL database after :func:`reset`).
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from backstride.contract import Level
from backstride.store import AssessmentStore, migrate, user_key
from backstride.store.engine import make_engine
from backstride.store.migrate import VERSION_TABLE
from backstride.store.models import Base
from backstride.store.tracker_erasure import conversation_event_count, erase_conversation
from backstride.triage import Facts, decide

SECRET = "test-secret-" + "x" * 40
#: Raw sender ids that must never reach our tables (distinctive, easy to grep for).
ANA = "ana-sender-7f3c91"
BEN = "ben-sender-52e0aa"
ANA_KEY = user_key("rest", ANA, SECRET)
BEN_KEY = user_key("rest", BEN, SECRET)
T0 = datetime(2025, 5, 12, 14, 2, tzinfo=timezone.utc)

LOWER_BACK_4_DAYS = Facts(
    pain_location="lower_back", pain_duration_days=4.0, numbness_tingling=False,
    unsure=frozenset({"leg_weakness"}),
)
BELOW_KNEE = Facts(pain_location="lower_back", pain_radiation="below_knee", pain_severity=6.0)
MILD = Facts(pain_location="lower_back", pain_duration_days=1.0, worse_during_run=False)


def reset(url: str) -> None:
    """Drop our tables, our version table and Rasa's ``events`` (PostgreSQL reuse)."""
    engine = make_engine(url)
    with engine.begin() as connection:
        for table in ("assessments", VERSION_TABLE, "events"):
            connection.execute(text(f"DROP TABLE IF EXISTS {table}"))
    engine.dispose()


def migrated_store(url: str) -> AssessmentStore:
    migrate.upgrade(url)
    store = AssessmentStore(url)
    store.verify_schema()
    return store


def check_record_last_history(url: str) -> None:
    store = migrated_store(url)
    try:
        assert store.last(ANA_KEY) is None and store.history(ANA_KEY) == []
        first = store.record(ANA_KEY, "rest", LOWER_BACK_4_DAYS, decide(LOWER_BACK_4_DAYS), at=T0)
        # A non-UTC time is stored as the same instant in UTC.
        later = T0.astimezone(timezone(timedelta(hours=2))) + timedelta(days=3)
        second = store.record(ANA_KEY, "rest", BELOW_KNEE, decide(BELOW_KNEE), at=later)
        store.record(BEN_KEY, "rest", MILD, decide(MILD), at=T0 + timedelta(days=9))

        last = store.last(ANA_KEY)
        assert last == second
        assert last.created_at == T0 + timedelta(days=3) and last.created_at.tzinfo == timezone.utc
        assert last.level is Level.SEE_CLINICIAN and last.reasons == ("radiating_below_knee",)
        assert last.facts == BELOW_KNEE and last.channel == "rest"

        history = store.history(ANA_KEY)
        assert [item.id for item in history] == [first.id, second.id]
        assert history[0].facts == LOWER_BACK_4_DAYS  # unsure facts survive the round trip
        assert history[0].reasons == decide(LOWER_BACK_4_DAYS).reasons
        assert store.last(BEN_KEY).level is Level.MODIFY_AND_CONTINUE
    finally:
        store.dispose()


def check_forget(url: str) -> None:
    store = migrated_store(url)
    try:
        for days in range(3):
            store.record(ANA_KEY, "rest", MILD, decide(MILD), at=T0 + timedelta(days=days))
        store.record(BEN_KEY, "rest", MILD, decide(MILD), at=T0)
        assert store.forget(ANA_KEY) == 3
        assert store.last(ANA_KEY) is None and store.history(ANA_KEY) == []
        assert store.forget(ANA_KEY) == 0
        assert len(store.history(BEN_KEY)) == 1
    finally:
        store.dispose()


def check_describe(url: str) -> None:
    store = migrated_store(url)
    try:
        assert "don't have any" in store.describe(ANA_KEY)
        store.record(ANA_KEY, "rest", LOWER_BACK_4_DAYS, decide(LOWER_BACK_4_DAYS), at=T0)
        store.record(ANA_KEY, "rest", BELOW_KNEE, decide(BELOW_KNEE), at=T0 + timedelta(days=3))
        summary = store.describe(ANA_KEY)
        assert summary.startswith("I have 2 past assessments")
        assert "15 May 2025, 14:02 UTC" in summary and "12 May 2025, 14:02 UTC" in summary
        assert summary.index("15 May") < summary.index("12 May")  # newest first
        assert "See a clinician" in summary and "shoots down past your knee" in summary
        assert "lower back" in summary and "4 days" in summary and "not sure about: leg weakness" in summary
        assert ANA not in summary and ANA_KEY not in summary
    finally:
        store.dispose()


def check_no_raw_sender_id_stored(url: str) -> None:
    store = migrated_store(url)
    try:
        for facts in (LOWER_BACK_4_DAYS, BELOW_KNEE):
            store.record(ANA_KEY, "rest", facts, decide(facts))
        store.record(BEN_KEY, "rest", MILD, decide(MILD))
        engine = store.engine
        own_tables = [name for name in inspect(engine).get_table_names() if name != "events"]
        assert "assessments" in own_tables
        with engine.connect() as connection:
            for table in own_tables:
                for row in connection.execute(text(f"SELECT * FROM {table}")):
                    for value in row:
                        assert ANA not in str(value) and BEN not in str(value), (table, row)
        # and a raw id is refused outright
        for raw in (ANA, "rest:" + ANA, ANA_KEY.upper()):
            try:
                store.record(raw, "rest", MILD, decide(MILD))
            except ValueError:
                pass
            else:
                raise AssertionError(f"raw key {raw!r} was accepted")
        # the database itself refuses anything but a 64-character key, and unknown levels
        insert = text(
            "INSERT INTO assessments (user_key, channel, created_at, facts, unsure, level, reasons) "
            "VALUES (:key, 'rest', :at, '{}', '[]', :level, '[]')"
        )
        for key, level in ((ANA, "urgent"), (ANA_KEY, "panic")):
            try:
                with engine.begin() as connection:
                    connection.execute(insert, {"key": key, "at": T0.replace(tzinfo=None), "level": level})
            except IntegrityError:
                pass
            else:
                raise AssertionError(f"the database accepted user_key={key!r}, level={level!r}")
    finally:
        store.dispose()


def check_migrations(url: str) -> None:
    """An empty database is brought to head; a second run changes nothing; models == migrations."""
    engine = make_engine(url)
    try:
        assert not inspect(engine).has_table("assessments")
        store = AssessmentStore(url)
        try:
            store.verify_schema()
        except migrate.SchemaNotCurrent as error:
            assert "python -m backstride.store.migrate" in str(error)
        else:
            raise AssertionError("verify_schema passed on an empty database")
        store.dispose()
        assert not inspect(engine).has_table("assessments"), "AssessmentStore must not create tables"

        head = migrate.head_revision()
        assert migrate.upgrade(url) == head
        assert {"assessments", VERSION_TABLE} <= set(inspect(engine).get_table_names())
        checks = {check["name"] for check in inspect(engine).get_check_constraints("assessments")}
        assert checks == {"ck_assessments_user_key_is_hash", "ck_assessments_level_known"}
        store = migrated_store(url)
        store.record(ANA_KEY, "rest", MILD, decide(MILD), at=T0)
        assert migrate.upgrade(url) == head  # idempotent: nothing happens, nothing is lost
        assert len(store.history(ANA_KEY)) == 1
        store.dispose()

        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"include_name": migrate.include_name, "compare_type": True}
            )
            assert compare_metadata(context, Base.metadata) == []
            versions = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
            assert versions == [head]

        migrate.downgrade(url, "base")
        assert not inspect(engine).has_table("assessments")
        assert migrate.upgrade(url) == head
    finally:
        engine.dispose()


# --- Rasa's tracker store -------------------------------------------------


def _rasa_tracker_store(url: str):
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain

    # As endpoints.yml does it: the whole URL in `url`, which Rasa passes as `host`.
    return SQLTrackerStore(Domain.empty(), host=url)


def _conversation(sender_id: str, text_: str):
    from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    return DialogueStateTracker.from_events(
        sender_id,
        [
            ActionExecuted("action_session_start"),
            SessionStarted(),
            ActionExecuted("action_listen"),
            UserUttered(text_, intent={"name": "describe_pain", "confidence": 0.9}),
            SlotSet("pain_location", "lower_back"),
            BotUttered("How long has it hurt?"),
            ActionExecuted("action_listen"),
        ],
    )


def check_erasure(url: str) -> None:
    tracker_store = _rasa_tracker_store(url)
    try:
        asyncio.run(tracker_store.save(_conversation(ANA, "my lower back hurts, I'm Ana")))
        asyncio.run(tracker_store.save(_conversation(BEN, "back pain after my long run")))
        ana_events = conversation_event_count(url, ANA)
        ben_events = conversation_event_count(url, BEN)
        assert ana_events > 0 and ben_events > 0

        assert erase_conversation(url, ANA) == ana_events
        assert conversation_event_count(url, ANA) == 0
        assert asyncio.run(tracker_store.retrieve(ANA)) is None
        assert asyncio.run(tracker_store.retrieve_full_tracker(ANA)) is None
        assert erase_conversation(url, ANA) == 0

        assert conversation_event_count(url, BEN) == ben_events
        ben = asyncio.run(tracker_store.retrieve(BEN))
        assert ben is not None and ben.latest_message.text == "back pain after my long run"
        with tracker_store.engine.connect() as connection:
            rows = connection.execute(text("SELECT data FROM events")).scalars().all()
        assert rows and not any(ANA in row or "Ana" in row for row in rows)
    finally:
        tracker_store.engine.dispose()


def check_erasure_without_events_table(url: str) -> None:
    assert erase_conversation(url, ANA) == 0
    assert conversation_event_count(url, ANA) == 0


ALL_CHECKS = (
    check_record_last_history,
    check_forget,
    check_describe,
    check_no_raw_sender_id_stored,
    check_migrations,
    check_erasure,
    check_erasure_without_events_table,
)
