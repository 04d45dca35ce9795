"""Complaint cases: the event log and one current-state row per case.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cxcoach.store.tables import JSON, UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("uid", sa.String(32), nullable=False, unique=True),
        sa.Column("external_id", sa.String(200), unique=True),
        sa.Column("playbook", sa.String(200), nullable=False),
        sa.Column("received_at", UTCDateTime, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("stage", sa.String(64)),
        sa.Column("is_open", sa.Boolean, nullable=False),
        sa.Column("facts", JSON, nullable=False),
        sa.Column("paused_since", UTCDateTime),
        sa.Column("respond_due", UTCDateTime),
        sa.Column("resolve_due", UTCDateTime),
        sa.Column("next_due", UTCDateTime),
        sa.Column("responded_at", UTCDateTime),
        sa.Column("resolved_at", UTCDateTime),
        sa.Column("closed_at", UTCDateTime),
        sa.Column("satisfaction", sa.String(64)),
    )
    op.create_index("cases_open_due", "cases", ["is_open", "next_due"])
    op.create_index("cases_received", "cases", ["received_at"])
    op.create_index("cases_closed", "cases", ["closed_at"])
    op.create_table(
        "case_events",
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("by_role", sa.String(64)),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("stage", sa.String(64)),
        sa.Column("facts", JSON, nullable=False),
        sa.Column("data", JSON),
        sa.Column("recorded_at", UTCDateTime, nullable=False),
    )
    op.create_index("case_events_at", "case_events", ["at"])


def downgrade() -> None:
    op.drop_table("case_events")
    op.drop_table("cases")
