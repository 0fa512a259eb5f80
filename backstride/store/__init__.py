"""Memory across visits: finished assessments under pseudonymous keys.

- :mod:`~backstride.store.keys`: the keyed hash that stands in for a sender id.
- :mod:`~backstride.store.models`: the ``assessments`` table.
- :mod:`~backstride.store.repository`: ``AssessmentStore`` (record, last, history, forget, describe).
- :mod:`~backstride.store.tracker_erasure`: deleting Rasa's stored conversation of a sender.
- :mod:`~backstride.store.migrate`: the Alembic migrations, the only way the tables are made.

Everything lives at ``DATABASE_URL`` beside Rasa's tracker store (SQLite by
default, PostgreSQL when the URL says so).
"""

from backstride.store.keys import KeySecretError, key_secret, user_key
from backstride.store.repository import AssessmentStore, StoredAssessment

__all__ = ["AssessmentStore", "KeySecretError", "StoredAssessment", "key_secret", "user_key"]
