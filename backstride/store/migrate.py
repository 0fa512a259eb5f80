"""Bring the database schema up to date: ``python -m backstride.store.migrate [URL]``.

The only thing that creates or changes our tables (``AssessmentStore`` never
does). Safe to run at every start: an up-to-date database is left alone. The
URL defaults to ``DATABASE_URL`` like Rasa's tracker store; ``--sql`` prints
the SQL instead of running it, for a DBA to review.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Optional

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import OperationalError

from backstride.store.engine import database_url, describe_database, driver_message, make_engine

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
#: Our own name: the database is shared with Rasa (and maybe others using Alembic).
VERSION_TABLE = "backstride_alembic_version"
#: Tables the migrations own; everything else in the database is left alone.
OWN_TABLES = frozenset({"assessments"})


class SchemaNotCurrent(RuntimeError):
    """The database is not at the latest migration; the message says how to fix it."""


def include_name(name: Optional[str], type_: str, parent_names: dict) -> bool:
    """For autogenerate and comparisons: look only at our tables."""
    return type_ != "table" or name in OWN_TABLES


def alembic_config(url: Optional[str] = None, connection: Optional[Connection] = None) -> Config:
    # The URL goes through ``attributes``, not ``set_main_option``: configparser
    # would choke on the ``%`` of an escaped password.
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["url"] = database_url(url)
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "no migrations found"
    return head


def current_revision(engine: Engine) -> Optional[str]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
        return context.get_current_revision()


def upgrade(url: Optional[str] = None, revision: str = "head") -> str:
    """Migrate the database at ``url`` (default ``DATABASE_URL``); return the revision it is at."""
    engine = make_engine(url, create_sqlite_dir=True)
    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(url, connection), revision)
        return current_revision(engine) or "base"
    finally:
        engine.dispose()


def downgrade(url: Optional[str] = None, revision: str = "base") -> None:
    """For tests and emergencies: ``base`` drops every table the migrations made."""
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            command.downgrade(alembic_config(url, connection), revision)
    finally:
        engine.dispose()


def check_current(engine: Engine) -> None:
    """Raise :class:`SchemaNotCurrent` unless the database is at the latest migration."""
    head = head_revision()
    try:
        current = current_revision(engine)
    except OperationalError as error:  # no such file, server down, wrong password...
        raise SchemaNotCurrent(
            f"Could not read the Backstride schema version at {engine.url!r} ({error.orig}). "
            f"Is the database reachable, and has `python -m backstride.store.migrate` been run?"
        ) from error
    if current != head:
        raise SchemaNotCurrent(
            f"The Backstride tables at {engine.url!r} are at revision {current or 'none'}, "
            f"the code expects {head}. Run: python -m backstride.store.migrate"
        )


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m backstride.store.migrate", description=__doc__.split("\n")[0])
    parser.add_argument("url", nargs="?", help="SQLAlchemy URL (default: $DATABASE_URL, else sqlite:///var/backstride.db)")
    parser.add_argument("--sql", action="store_true", help="print the SQL instead of running it")
    args = parser.parse_args(argv)
    url = database_url(args.url)
    safe_url = make_url(url).render_as_string(hide_password=True)
    if args.sql:
        command.upgrade(alembic_config(url), "head", sql=True)
        return 0
    try:
        revision = upgrade(url)
    except OperationalError as error:  # unreachable: one clear line, not a traceback
        print(f"Cannot reach the database, {describe_database(url)}: {driver_message(error, url)}",
              file=sys.stderr)
        return 1
    print(f"Backstride schema at {safe_url}: revision {revision}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
