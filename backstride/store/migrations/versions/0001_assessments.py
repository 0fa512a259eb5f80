"""assessments: one row per finished assessment, under a pseudonymous user key

Revision ID: 0001
Revises:
Create Date: 2025-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# Frozen: a migration states the schema as it was, never imports today's models.
# Names are given in full (op.f), whatever naming convention env.py passes on.
revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

LEVELS = ("emergency", "urgent", "see_clinician", "stop_and_reassess", "modify_and_continue")


def upgrade() -> None:
    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_key", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("unsure", sa.JSON(), nullable=False),
        sa.Column("level", sa.String(length=32), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessments")),
        sa.CheckConstraint("length(user_key) = 64", name=op.f("ck_assessments_user_key_is_hash")),
        sa.CheckConstraint(
            "level IN (" + ", ".join(f"'{level}'" for level in LEVELS) + ")",
            name=op.f("ck_assessments_level_known"),
        ),
    )
    op.create_index(op.f("ix_assessments_user_key_created_at"), "assessments", ["user_key", "created_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_assessments_user_key_created_at"), table_name="assessments")
    op.drop_table("assessments")
