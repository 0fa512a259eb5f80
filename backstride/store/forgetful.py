"""Rasa's SQL tracker store, which erases a conversation once the runner confirmed "forget me".

The erasure cannot happen inside the custom action: Rasa saves a turn by
appending the events it holds in memory beyond those stored, so a conversation
erased mid-turn is written back when the turn ends (``tests/store`` pins this).
This store erases right after saving the turn in which ``action_forget_me`` ran.
Referenced from ``endpoints.yml`` as
``backstride.store.forgetful.ForgetfulSQLTrackerStore``.

A SQLite file is written in WAL mode, as by our own store (``engine.tune_sqlite``).

It also bounds the wait for the database at start. Rasa's SQL store retries
an unreachable database every 5 s for ever, blocking the server's start with
no end and only the driver's message in the log; this store waits up to
``BACKSTRIDE_DB_WAIT_SECONDS`` (default 30) and then stops the server with an
error naming the database (dialect, host, port, name, user; never the
password).
"""

from __future__ import annotations

import logging
import os
import time
from typing import Any, Dict, Optional, Text

import sqlalchemy as sa
import sqlalchemy.exc
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs, validate_port
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import ConnectionException

from backstride.store.engine import describe_database, driver_message, tune_sqlite
from backstride.store.tracker_erasure import erase_conversation

logger = logging.getLogger(__name__)

FORGET_ACTION = "action_forget_me"
DB_WAIT_ENV = "BACKSTRIDE_DB_WAIT_SECONDS"
DEFAULT_DB_WAIT_SECONDS = 30.0


class DatabaseUnreachable(ConnectionException):
    """The tracker store's database did not answer within the allowed wait."""


def wait_seconds() -> float:
    try:
        return max(0.0, float(os.environ.get(DB_WAIT_ENV, DEFAULT_DB_WAIT_SECONDS)))
    except ValueError:
        return DEFAULT_DB_WAIT_SECONDS


def wait_for_database(url: Text, seconds: float, every: float = 2.0) -> None:
    """Return once ``url`` accepts a connection; raise :class:`DatabaseUnreachable` after ``seconds``."""
    engine = sa.create_engine(url, **create_engine_kwargs(url))
    deadline = time.monotonic() + seconds
    try:
        while True:
            try:
                with engine.connect():
                    return
            except sqlalchemy.exc.DBAPIError as error:
                if time.monotonic() >= deadline:
                    raise DatabaseUnreachable(
                        f"Cannot reach the tracker store's database, {describe_database(url)}, "
                        f"after {seconds:g} s: {driver_message(error, url)}. Is it running, and "
                        f"is DATABASE_URL right? (wait longer with {DB_WAIT_ENV})"
                    ) from None
                logger.warning("Waiting for the database, %s: %s",
                               describe_database(url), driver_message(error, url))
                time.sleep(min(every, max(0.0, deadline - time.monotonic())))
    finally:
        engine.dispose()


def forget_confirmed_this_turn(tracker: DialogueStateTracker) -> bool:
    """True when ``action_forget_me`` ran after the runner's last message."""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, ActionExecuted) and event.action_name == FORGET_ACTION:
            return True
    return False


class ForgetfulSQLTrackerStore(SQLTrackerStore):
    def __init__(
        self,
        domain: Optional[Domain] = None,
        dialect: Text = "sqlite",
        host: Optional[Text] = None,
        port: Optional[int] = None,
        db: Text = "rasa.db",
        username: Optional[Text] = None,
        password: Optional[Text] = None,
        event_broker: Any = None,
        login_db: Optional[Text] = None,
        query: Optional[Dict] = None,
        **kwargs: Any,
    ) -> None:
        url = self.get_db_url(dialect, host, validate_port(port), db, username, password,
                              login_db, query)
        try:
            wait_for_database(url, wait_seconds())
        except DatabaseUnreachable as error:
            # Rasa logs a start-up failure only as a traceback; say it plainly first.
            logger.error("%s", error)
            raise
        super().__init__(domain, dialect, host, port, db, username, password, event_broker,
                         login_db, query, **kwargs)
        # WAL for a SQLite file (backstride/store/engine.py); connections opened
        # from now on get it, and the journal mode stays with the file.
        tune_sqlite(self.engine)
        self.engine.dispose()

    async def save(self, tracker: DialogueStateTracker, *args: Any, **kwargs: Any) -> None:
        await super().save(tracker, *args, **kwargs)
        if forget_confirmed_this_turn(tracker):
            erase_conversation(None, tracker.sender_id, engine=self.engine)
