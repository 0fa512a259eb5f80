"""Our own tables. Only what an assessment concluded, under a pseudonymous key.

No sender id, no name, no message text: ``user_key`` is a keyed hash
(:mod:`backstride.store.keys`) and ``facts`` holds the structured contract
facts (``pain_location: "lower_back"``), never what the runner typed.

The schema is created and changed only by the Alembic migrations in
``migrations/versions``; ``tests/store`` checks that they match these models.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Optional

from sqlalchemy import JSON, CheckConstraint, Column, DateTime, Index, Integer, MetaData, String
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, declarative_base
from sqlalchemy.types import TypeDecorator

from backstride.contract import Level

#: Stable constraint names, so that later migrations can refer to them on any database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Base = declarative_base(metadata=MetaData(naming_convention=NAMING_CONVENTION))

LEVEL_VALUES = tuple(level.slot_value for level in sorted(Level, reverse=True))
USER_KEY_LENGTH = 64  # hex digits of HMAC-SHA256


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out, on SQLite (naive UTC text) and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Optional[datetime], dialect: Dialect) -> Optional[datetime]:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("created_at must be timezone-aware (use datetime.now(timezone.utc))")
        value = value.astimezone(timezone.utc)
        return value if dialect.name == "postgresql" else value.replace(tzinfo=None)

    def process_result_value(self, value: Optional[datetime], dialect: Dialect) -> Optional[datetime]:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class Assessment(Base):
    """One finished assessment: when, on which channel, the facts, the level and why."""

    __tablename__ = "assessments"

    id: Mapped[int] = Column(Integer, primary_key=True)
    user_key: Mapped[str] = Column(String(USER_KEY_LENGTH), nullable=False)
    #: The Rasa input channel ("rest", "socketio", "slack", ...): keys are per channel.
    channel: Mapped[str] = Column(String(64), nullable=False)
    created_at: Mapped[datetime] = Column(UTCDateTime(), nullable=False)
    #: ``Facts.as_dict()``: every contract fact, ``null`` where unknown.
    facts: Mapped[dict[str, Any]] = Column(JSON, nullable=False)
    #: Facts the runner answered "not sure" to, sorted.
    unsure: Mapped[list[str]] = Column(JSON, nullable=False)
    level: Mapped[str] = Column(String(32), nullable=False)
    #: Rule ids in level order, as in the ``triage_reasons`` slot.
    reasons: Mapped[list[str]] = Column(JSON, nullable=False)

    __table_args__ = (
        # Serves "this runner's assessments, newest first" (last, history, forget).
        Index("ix_assessments_user_key_created_at", "user_key", "created_at"),
        CheckConstraint(f"length(user_key) = {USER_KEY_LENGTH}", name="user_key_is_hash"),
        CheckConstraint(
            "level IN (" + ", ".join(f"'{value}'" for value in LEVEL_VALUES) + ")", name="level_known"
        ),
    )

    def __repr__(self) -> str:  # no facts in logs
        return f"<Assessment id={self.id} level={self.level} at={self.created_at:%Y-%m-%dT%H:%MZ}>"
