"""One store and one key secret per process, for the actions that read or write history.

The action server is long-lived and its actions run in threads: the engine and
its pool are made once, at first use, and shared. A failure (no secret, no
database, migrations not run) is not cached: the next call tries again, so a
database that comes back is used without a restart.
"""

from __future__ import annotations

import threading
from typing import Optional

from backstride.store.engine import database_url
from backstride.store.keys import key_secret, user_key
from backstride.store.repository import AssessmentStore, StoredAssessment
from backstride.triage import Decision, Facts

_recorder: Optional[tuple[AssessmentStore, str]] = None
_recorder_lock = threading.Lock()


def store_and_secret() -> tuple[AssessmentStore, str]:
    """The cached store and secret, made on first use."""
    global _recorder
    with _recorder_lock:
        if _recorder is None:
            secret = key_secret()  # first: without a secret, never touch the database
            store = AssessmentStore(database_url())
            try:
                store.verify_schema()  # a clear message when the migrations were not run
            except Exception:
                store.dispose()
                raise
            _recorder = (store, secret)
        return _recorder


def reset_recorder() -> None:
    """Forget the cached store and secret (tests; a changed environment)."""
    global _recorder
    with _recorder_lock:
        if _recorder is not None:
            _recorder[0].dispose()
        _recorder = None


def record_assessment(channel: str, sender_id: str, facts: Facts, decision: Decision) -> StoredAssessment:
    """Store a finished assessment under the sender's pseudonymous key (blocking)."""
    store, secret = store_and_secret()
    return store.record(user_key(channel, sender_id, secret), channel, facts, decision)


def runner_history(channel: str, sender_id: str) -> list[StoredAssessment]:
    """The runner's assessments on this channel, oldest first (blocking)."""
    store, secret = store_and_secret()
    return store.history(user_key(channel, sender_id, secret))
