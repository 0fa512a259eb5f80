"""``AssessmentStore``: record, read and forget a runner's finished assessments.

Only pseudonymous keys go in (:func:`backstride.store.keys.user_key`); a raw
sender id is refused. The tables come from the migrations
(``python -m backstride.store.migrate``), never from this class.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import datetime, timezone
from typing import Optional

from sqlalchemy import delete, select
from sqlalchemy.orm import sessionmaker

from backstride.contract import Level
from backstride.store import migrate
from backstride.store.engine import make_engine
from backstride.store.models import Assessment
from backstride.store.summary import describe_assessments
from backstride.triage import Decision, Facts

_USER_KEY = re.compile(r"[0-9a-f]{64}")
_CHANNEL = re.compile(r"[A-Za-z0-9_.-]{1,64}")
_FACT_NAMES = frozenset(f.name for f in fields(Facts)) - {"unsure"}


@dataclass(frozen=True)
class StoredAssessment:
    """A finished assessment as read back; plain data, no database session attached."""

    id: int
    channel: str
    created_at: datetime  # aware, UTC
    facts: Facts
    level: Level
    reasons: tuple[str, ...]


class AssessmentStore:
    """Finished assessments at a SQLAlchemy URL (default: ``DATABASE_URL``, like Rasa)."""

    def __init__(self, url: Optional[str] = None) -> None:
        self.engine = make_engine(url)
        self._session = sessionmaker(self.engine, future=True, expire_on_commit=False)

    def verify_schema(self) -> None:
        """Fail early with a clear message when the migrations have not been run."""
        migrate.check_current(self.engine)

    def record(
        self, user_key: str, channel: str, facts: Facts, decision: Decision, at: Optional[datetime] = None
    ) -> StoredAssessment:
        """Store one finished assessment; ``at`` (aware) defaults to now, kept in UTC."""
        _check_user_key(user_key)
        if not _CHANNEL.fullmatch(channel or ""):
            raise ValueError(f"channel must be a short channel name such as 'rest', got {channel!r}")
        at = at or datetime.now(timezone.utc)
        if at.tzinfo is None:
            raise ValueError("at must be timezone-aware (use datetime.now(timezone.utc))")
        row = Assessment(
            user_key=user_key,
            channel=channel,
            created_at=at.astimezone(timezone.utc),
            facts=facts.as_dict(),
            unsure=sorted(facts.unsure),
            level=Level(decision.level).slot_value,
            reasons=list(decision.reasons),
        )
        with self._session.begin() as session:
            session.add(row)
        return _stored(row)

    def last(self, user_key: str) -> Optional[StoredAssessment]:
        """The runner's most recent assessment, or ``None`` for a first visit."""
        _check_user_key(user_key)
        query = (
            select(Assessment)
            .where(Assessment.user_key == user_key)
            .order_by(Assessment.created_at.desc(), Assessment.id.desc())
            .limit(1)
        )
        with self._session() as session:
            row = session.execute(query).scalars().first()
            return _stored(row) if row else None

    def history(self, user_key: str) -> list[StoredAssessment]:
        """All of the runner's assessments, oldest first."""
        _check_user_key(user_key)
        query = (
            select(Assessment)
            .where(Assessment.user_key == user_key)
            .order_by(Assessment.created_at, Assessment.id)
        )
        with self._session() as session:
            return [_stored(row) for row in session.execute(query).scalars()]

    def forget(self, user_key: str) -> int:
        """Delete every assessment of the runner; return how many were deleted."""
        _check_user_key(user_key)
        statement = (
            delete(Assessment)
            .where(Assessment.user_key == user_key)
            .execution_options(synchronize_session=False)
        )
        with self._session.begin() as session:
            return session.execute(statement).rowcount

    def describe(self, user_key: str) -> str:
        """What is stored about the runner, in plain words ("what do you know about me")."""
        return describe_assessments(self.history(user_key))

    def dispose(self) -> None:
        self.engine.dispose()


def _check_user_key(user_key: str) -> None:
    if not isinstance(user_key, str) or not _USER_KEY.fullmatch(user_key):
        raise ValueError(
            "user_key must be a keyed hash from backstride.store.keys.user_key(), never a raw sender id"
        )


def _stored(row: Assessment) -> StoredAssessment:
    known = {name: value for name, value in (row.facts or {}).items() if name in _FACT_NAMES}
    return StoredAssessment(
        id=row.id,
        channel=row.channel,
        created_at=row.created_at,
        facts=Facts(**known, unsure=frozenset(row.unsure or ())),
        level=Level.from_slot_value(row.level),
        reasons=tuple(row.reasons or ()),
    )
