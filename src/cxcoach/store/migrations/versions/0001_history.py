"""Drill history: trainees, settings, sessions, turns (the schema of the hand-written store).

A history file written before Alembic already has these tables: only missing
ones are created, so the file is adopted as it is.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if "trainees" not in existing:
        op.create_table(
            "trainees",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("name", sa.Text, nullable=False, unique=True),
            sa.Column("created_at", sa.Text, nullable=False),
        )
    if "settings" not in existing:
        op.create_table(
            "settings",
            sa.Column("key", sa.Text, primary_key=True),
            sa.Column("value", sa.Text, nullable=False),
        )
    if "sessions" not in existing:
        op.create_table(
            "sessions",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("trainee_id", sa.Integer, sa.ForeignKey("trainees.id"), nullable=False),
            sa.Column("playbook", sa.Text, nullable=False),
            sa.Column("drill", sa.Text, nullable=False),
            sa.Column("drill_title", sa.Text, nullable=False, server_default=""),
            sa.Column("seed", sa.BigInteger, nullable=False),
            sa.Column("mode", sa.Text, nullable=False),
            sa.Column("lang", sa.Text, nullable=False),
            sa.Column("started_at", sa.Text, nullable=False),
            sa.Column("finished_at", sa.Text),
            sa.Column("abandoned", sa.Integer, nullable=False, server_default="0"),
            sa.Column("score", sa.Integer),
            sa.Column("passed", sa.Integer),
            sa.Column("ending", sa.Text),
            sa.Column("satisfaction", sa.Float),
            sa.Column("criteria", sa.Text),
        )
        op.create_index("sessions_by_trainee", "sessions", ["trainee_id", "started_at"])
    if "turns" not in existing:
        op.create_table(
            "turns",
            sa.Column("session_id", sa.Integer, sa.ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
            sa.Column("seq", sa.Integer, primary_key=True),
            sa.Column("kind", sa.Text, sa.CheckConstraint("kind IN ('reply', 'hint')"), nullable=False),
            sa.Column("text", sa.Text, nullable=False, server_default=""),
            sa.Column("customer", sa.Text, nullable=False, server_default=""),
            sa.Column("node", sa.Text, nullable=False, server_default=""),
            sa.Column("detail", sa.Text, nullable=False, server_default="{}"),
            sa.Column("at", sa.Text, nullable=False),
        )


def downgrade() -> None:
    for name in ("turns", "sessions", "settings", "trainees"):
        op.drop_table(name)
