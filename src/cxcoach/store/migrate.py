"""Create and upgrade the schema with Alembic, automatically and safely, when a store opens.

* The revision a database is at is read first, without importing Alembic: an
  up-to-date database opens at the cost of one query.
* A history file from before Alembic (SQLite `PRAGMA user_version = 1`, no
  `alembic_version` table) already has revision 0001's tables; 0001 creates
  only what is missing, so the same upgrade path serves old and new files.
* The upgrade runs inside one write transaction (SQLite: `BEGIN IMMEDIATE`;
  PostgreSQL: plus a transaction-scoped advisory lock) and re-reads the
  revision under that lock, so two processes opening a fresh database at
  once migrate it exactly once. DDL is transactional on both backends: a
  failed upgrade leaves the database as it was.
* A revision this cxcoach does not know means a newer cxcoach wrote the
  database: refused with a message instead of guessed at.
* SQLite's `user_version` is kept equal to the number of revisions applied,
  so older tools (and people) can still read the version with one PRAGMA.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .engine import Database
from .errors import StoreError

REVISIONS = ("0001", "0002", "0003", "0004")  # in order; keep in step with migrations/versions
HEAD = REVISIONS[-1]
SCHEMA_VERSION = len(REVISIONS)
_LOCK_KEY = 0x63786364  # "cxcd": the advisory lock that serialises migrations on PostgreSQL
_SCRIPTS = Path(__file__).parent / "migrations"


def current_revision(conn: Connection) -> str | None:
    """The revision the database is at; None for an empty database."""
    inspector = sa.inspect(conn)
    if inspector.has_table("alembic_version"):
        row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
        if row is not None:
            return str(row[0])
    if conn.dialect.name == "sqlite":
        legacy = int(conn.exec_driver_sql("PRAGMA user_version").scalar() or 0)
        if legacy == 1:
            return "legacy"
        if legacy > 1:
            return f"user_version {legacy}"
    return None


def _check_known(db: Database, revision: str | None) -> None:
    if revision is not None and revision != "legacy" and revision not in REVISIONS:
        raise StoreError(f"{db.where} was written by a newer cxcoach (schema {revision}, this version knows up to "
                         f"{HEAD}); upgrade cxcoach or use --db PATH")


def ensure_schema(db: Database) -> None:
    """Bring the database to the head revision (no-op when it is there)."""
    with db.read() as conn:
        revision = current_revision(conn)
    _check_known(db, revision)
    if revision == HEAD:
        return
    if db.read_only:
        raise StoreError(f"{db.where} needs a schema upgrade but is read-only here; open it once with write access")
    with db.write() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_LOCK_KEY})")
        revision = current_revision(conn)  # again, under the lock
        _check_known(db, revision)
        if revision != HEAD:
            _upgrade(conn)
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _upgrade(conn: Connection) -> None:
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(_SCRIPTS))
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, "head")
