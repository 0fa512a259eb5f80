"""AssessmentStore, keys and migrations on a temporary SQLite file."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime

import pytest
from sqlalchemy import inspect

from backstride.contract import Level
from backstride.store import AssessmentStore, keys, migrate
from backstride.store.keys import DEV_KEY_SECRET, KeySecretError, key_secret, user_key
from backstride.store.summary import level_name
from backstride.triage import decide
from tests.store import scenarios as s


@pytest.fixture
def url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'backstride.db'}"


def test_record_last_history(url):
    s.check_record_last_history(url)


def test_forget(url):
    s.check_forget(url)


def test_describe(url):
    s.check_describe(url)


def test_no_raw_sender_id_in_any_column_of_any_row(url):
    s.check_no_raw_sender_id_stored(url)


def test_migrations_upgrade_an_empty_database_and_are_idempotent(url):
    s.check_migrations(url)


def test_migrate_creates_the_directory_of_a_sqlite_file(tmp_path):
    assert migrate.upgrade(f"sqlite:///{tmp_path / 'var' / 'backstride.db'}") == migrate.head_revision()
    assert (tmp_path / "var" / "backstride.db").is_file()


def test_naive_times_are_refused(url):
    store = s.migrated_store(url)
    with pytest.raises(ValueError, match="timezone-aware"):
        store.record(s.ANA_KEY, "rest", s.MILD, decide(s.MILD), at=datetime(2025, 5, 12, 14, 2))
    with pytest.raises(ValueError, match="channel"):
        store.record(s.ANA_KEY, "rest channel; drop", s.MILD, decide(s.MILD))
    store.dispose()


def test_store_fails_clearly_before_migrations(url):
    store = AssessmentStore(url)
    with pytest.raises(migrate.SchemaNotCurrent, match="backstride.store.migrate"):
        store.verify_schema()
    with pytest.raises(Exception):
        store.record(s.ANA_KEY, "rest", s.MILD, decide(s.MILD))
    assert "assessments" not in inspect(store.engine).get_table_names()
    store.dispose()


def test_migrate_cli_takes_the_url_or_database_url(url, tmp_path, monkeypatch):
    done = subprocess.run([sys.executable, "-m", "backstride.store.migrate", url], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert f"revision {migrate.head_revision()}" in done.stderr
    other = f"sqlite:///{tmp_path / 'other.db'}"
    env_run = subprocess.run(
        [sys.executable, "-m", "backstride.store.migrate"], capture_output=True, text=True,
        env={**os.environ, "DATABASE_URL": other},
    )
    assert env_run.returncode == 0, env_run.stderr
    store = AssessmentStore(other)
    assert "assessments" in inspect(store.engine).get_table_names()
    store.dispose()
    sql = subprocess.run([sys.executable, "-m", "backstride.store.migrate", "--sql", url], capture_output=True, text=True)
    assert sql.returncode == 0 and "CREATE TABLE assessments" in sql.stdout


# --- keys -----------------------------------------------------------------


def test_user_key_is_a_stable_hmac_hex():
    key = user_key("rest", "ana", s.SECRET)
    assert key == user_key("rest", "ana", s.SECRET) == user_key("rest", "ana", s.SECRET.encode())
    assert len(key) == 64 and int(key, 16) >= 0 and "ana" not in key


def test_user_keys_differ_per_channel_sender_and_secret():
    keys_ = {
        user_key("rest", "ana", s.SECRET),
        user_key("slack", "ana", s.SECRET),
        user_key("rest", "ben", s.SECRET),
        user_key("rest", "ana", s.SECRET + "2"),
        # length-prefixed channel: no ambiguity between ("ab", "c") and ("a", "bc")
        user_key("ab", "c", s.SECRET),
        user_key("a", "bc", s.SECRET),
    }
    assert len(keys_) == 6


@pytest.mark.parametrize("channel, sender, secret", [("", "ana", "k"), ("rest", "", "k"), ("rest", "ana", "")])
def test_user_key_refuses_empty_parts(channel, sender, secret):
    with pytest.raises(ValueError):
        user_key(channel, sender, secret)


def test_secret_is_required_outside_dev_and_test():
    with pytest.raises(KeySecretError, match="BACKSTRIDE_KEY_SECRET is not set"):
        key_secret({})
    with pytest.raises(KeySecretError):
        key_secret({"BACKSTRIDE_ENV": "production"})


def test_dev_and_test_fall_back_to_the_public_secret():
    assert key_secret({"BACKSTRIDE_ENV": "dev"}) == DEV_KEY_SECRET
    assert key_secret({"BACKSTRIDE_ENV": "test"}) == DEV_KEY_SECRET


def test_weak_or_public_secrets_are_refused():
    with pytest.raises(KeySecretError, match="at least"):
        key_secret({"BACKSTRIDE_KEY_SECRET": "short"})
    with pytest.raises(KeySecretError, match="public development secret"):
        key_secret({"BACKSTRIDE_KEY_SECRET": DEV_KEY_SECRET})
    strong = keys.new_secret()
    assert key_secret({"BACKSTRIDE_KEY_SECRET": strong}) == strong


def test_level_names_come_from_the_recommendation_headlines():
    assert level_name(Level.STOP_AND_REASSESS) == "Stop and reassess"
    assert level_name(Level.MODIFY_AND_CONTINUE) == "Keep running, with changes"
    assert all(level_name(level) for level in Level)
