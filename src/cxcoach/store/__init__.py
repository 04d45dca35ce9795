"""One store for drill history and complaint cases, on SQLite (embedded default) or PostgreSQL.

Modules, one job each: `paths` (where the database lives), `errors`
(StoreError and driver errors explained), `engine` (connections and
transactions per backend), `tables` (the schema), `migrate` (Alembic on
open), `history` (drill history), `cases` (case event logs and their
current-state rows). The case *rules* live in `cxcoach.desk`.

This package imports SQLAlchemy: keep it off `cxcoach recommend`'s path.
"""

from __future__ import annotations

from .engine import Clock, Database, utc_now
from .errors import CaseExists, ConflictError, StoreError
from .history import (
    CSV_COLUMNS,
    BadRow,
    CriterionScore,
    RecordedDrill,
    SessionRow,
    Store,
    Trainee,
    TurnRow,
    criterion_scores,
    csv_cell,
)
from .migrate import SCHEMA_VERSION
from .paths import DB_NAME, ENV_DB, resolve_db, resolve_db_path, user_data_dir

__all__ = [
    "CSV_COLUMNS", "DB_NAME", "ENV_DB", "SCHEMA_VERSION", "BadRow", "CaseExists", "Clock", "ConflictError",
    "CriterionScore", "Database", "RecordedDrill", "SessionRow", "Store", "StoreError", "Trainee", "TurnRow",
    "criterion_scores", "csv_cell", "resolve_db", "resolve_db_path", "user_data_dir", "utc_now",
]
