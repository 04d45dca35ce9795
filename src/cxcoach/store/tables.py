"""The schema, in SQLAlchemy Core: drill history and complaint cases.

Drill history keeps the columns of the original hand-written schema (times as
ISO-8601 text with their offset), so a history file from before Alembic is
upgraded in place. Cases store instants as UTC (`UTCDateTime`), so that SQL
comparisons and indexes mean the same on SQLite and PostgreSQL.

A case is its event log (`case_events`, one row per change, never updated)
plus one current-state row in `cases`, rewritten with each event in the same
transaction. The state row carries what queues and reports filter on (open,
stage, the next due instant, whether the clock is paused) so `case list
--overdue` is one indexed query instead of replaying every log; `version`
counts the events and is the optimistic-concurrency check; `snapshot` holds
the log folded up to `version`, so an append folds only its own event;
`figures` holds a closed case's report figures, so a monthly report reads
them instead of replaying its log.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

metadata = sa.MetaData()


class UTCDateTime(sa.types.TypeDecorator[dt.datetime]):
    """An aware datetime stored as UTC: TIMESTAMPTZ on PostgreSQL, sortable naive UTC text on SQLite."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        utc = value.astimezone(dt.UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        instant: dt.datetime = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
        return instant.replace(tzinfo=dt.UTC) if instant.tzinfo is None else instant.astimezone(dt.UTC)


class JSON(sa.types.TypeDecorator[Any]):
    """JSON; JSONB on PostgreSQL, whose dialect is imported only there (a SQLite command never loads it)."""

    impl = sa.JSON
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> sa.types.TypeEngine[Any]:
        if dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import JSONB

            return dialect.type_descriptor(JSONB())
        return dialect.type_descriptor(sa.JSON())


# --- drill history ------------------------------------------------------------------

trainees = sa.Table(
    "trainees", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.Text, nullable=False, unique=True),
    sa.Column("created_at", sa.Text, nullable=False),
)

settings = sa.Table(
    "settings", metadata,
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

sessions = sa.Table(
    "sessions", metadata,
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
    sa.Index("sessions_by_trainee", "trainee_id", "started_at"),
)

turns = sa.Table(
    "turns", metadata,
    sa.Column("session_id", sa.Integer, sa.ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True),
    sa.Column("kind", sa.Text, sa.CheckConstraint("kind IN ('reply', 'hint')"), nullable=False),
    sa.Column("text", sa.Text, nullable=False, server_default=""),
    sa.Column("customer", sa.Text, nullable=False, server_default=""),
    sa.Column("node", sa.Text, nullable=False, server_default=""),
    sa.Column("detail", sa.Text, nullable=False, server_default="{}"),
    sa.Column("at", sa.Text, nullable=False),
)

# --- complaint cases ----------------------------------------------------------------

cases = sa.Table(
    "cases", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("uid", sa.String(32), nullable=False, unique=True),  # stable across archive and restore
    sa.Column("external_id", sa.String(200), unique=True),  # the ticket system's id, if any
    sa.Column("playbook", sa.String(200), nullable=False),
    sa.Column("received_at", UTCDateTime, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),  # number of events; the optimistic lock
    sa.Column("updated_at", UTCDateTime, nullable=False),  # time of the last event
    sa.Column("stage", sa.String(64)),
    sa.Column("is_open", sa.Boolean, nullable=False),
    sa.Column("facts", JSON, nullable=False),
    sa.Column("paused_since", UTCDateTime),
    sa.Column("respond_due", UTCDateTime),  # NULL once met (or none)
    sa.Column("resolve_due", UTCDateTime),
    sa.Column("next_due", UTCDateTime),  # the earlier of the two: the queue's sort and overdue key
    sa.Column("responded_at", UTCDateTime),
    sa.Column("resolved_at", UTCDateTime),
    sa.Column("closed_at", UTCDateTime),
    sa.Column("satisfaction", sa.String(64)),
    sa.Column("snapshot", sa.LargeBinary),  # the folded state (desk/snapshot.py): a cache, rebuilt from the log
    sa.Column("figures", sa.LargeBinary),  # a closed case's lasting report figures (report/cases.py): a cache too
    sa.Index("cases_open_due", "is_open", "next_due"),
    sa.Index("cases_received", "received_at"),
    sa.Index("cases_closed", "closed_at"),
)

case_events = sa.Table(
    "case_events", metadata,
    sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True),  # 1, 2, ...: never two events with one number
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),  # open | update | follow_up
    sa.Column("by_role", sa.String(64)),
    sa.Column("note", sa.Text, nullable=False, server_default=""),
    sa.Column("stage", sa.String(64)),  # the stage this event moved to, if it moved
    sa.Column("facts", JSON, nullable=False),  # facts this event set (the open event: all given)
    sa.Column("data", JSON),  # kind-specific: follow-up satisfaction and scores
    sa.Column("recorded_at", UTCDateTime, nullable=False),
    sa.Index("case_events_at", "at"),
)
