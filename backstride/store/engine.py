"""One way to reach the database, shared with Rasa's SQL tracker store.

Our tables live beside Rasa's ``events`` table, at the same ``DATABASE_URL``,
so that one backup, one retention policy and one "forget me" cover both.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Optional

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Engine, make_url

#: Rasa's and ours; the Makefile sets the same default (README "Configuration").
DEFAULT_DATABASE_URL = "sqlite:///var/backstride.db"

#: Rasa's tracker store reads this to pick a PostgreSQL schema; we follow it so
#: that our tables and the erasure of ``events`` look in the same place.
POSTGRESQL_SCHEMA = "POSTGRESQL_SCHEMA"


def database_url(url: Optional[str] = None) -> str:
    """``url`` if given, else ``DATABASE_URL``, else the SQLite default."""
    return url or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL


def make_engine(url: Optional[str] = None, *, create_sqlite_dir: bool = False) -> Engine:
    """A 2.0-style engine for ``url`` (see :func:`database_url`)."""
    parsed = make_url(database_url(url))
    options: dict[str, Any] = {"future": True}
    if parsed.get_backend_name() == "sqlite":
        # Rasa and the action server write to one file: wait for a lock, don't fail.
        options["connect_args"] = {"timeout": 15}
        if create_sqlite_dir:
            _ensure_sqlite_dir(parsed)
    else:
        options["pool_pre_ping"] = True
        schema = os.environ.get(POSTGRESQL_SCHEMA)
        if schema and parsed.get_backend_name() == "postgresql":
            options["connect_args"] = {"options": f"-csearch_path={schema}"}
    return tune_sqlite(create_engine(parsed, **options))


def tune_sqlite(engine: Engine) -> Engine:
    """Write-ahead logging for a SQLite file, on every connection ``engine`` opens.

    Rasa's server and the action server write to the one file. In WAL mode a
    reader never waits for a writer, and with ``synchronous=NORMAL`` a commit
    no longer waits for the disk (a commit can be lost only to a power cut,
    never to a crash of either server). Other databases are left as they are.
    """
    if engine.dialect.name != "sqlite" or (engine.url.database or ":memory:") == ":memory:":
        return engine

    @event.listens_for(engine, "connect")
    def _pragmas(connection: Any, _record: Any) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine


def _ensure_sqlite_dir(url: URL) -> None:
    database = url.database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def describe_database(url: str) -> str:
    """Which database ``url`` names, for a person reading an error: never its password."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"SQLite file {parsed.database or ':memory:'!r}"
    place = f"{parsed.host or 'localhost'}:{parsed.port or 'default port'}"
    user = f" as user {parsed.username!r}" if parsed.username else ""
    return f"{parsed.get_backend_name()} database {parsed.database!r} on {place}{user}"


def driver_message(error: BaseException, url: str) -> str:
    """The database driver's first line, the password blanked should a driver ever echo it."""
    original = getattr(error, "orig", None) or error
    line = (str(original).strip().splitlines() or [type(original).__name__])[0]
    password = make_url(url).password
    return line.replace(str(password), "***") if password else line
