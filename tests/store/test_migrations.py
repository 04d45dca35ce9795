"""Alembic migrations: fresh databases, a history file from the hand-written store, newer schemas,
two processes migrating at once."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa

from cxcoach.store import SCHEMA_VERSION, Store, StoreError
from cxcoach.store.migrate import HEAD

# The schema `store.py` created before Alembic (its MIGRATIONS[0]), with user_version 1.
LEGACY = """
CREATE TABLE trainees (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL);
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY, trainee_id INTEGER NOT NULL REFERENCES trainees(id), playbook TEXT NOT NULL,
    drill TEXT NOT NULL, drill_title TEXT NOT NULL DEFAULT '', seed INTEGER NOT NULL, mode TEXT NOT NULL,
    lang TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT, abandoned INTEGER NOT NULL DEFAULT 0,
    score INTEGER, passed INTEGER, ending TEXT, satisfaction REAL, criteria TEXT);
CREATE INDEX sessions_by_trainee ON sessions(trainee_id, started_at);
CREATE TABLE turns (
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE, seq INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('reply', 'hint')), text TEXT NOT NULL DEFAULT '',
    customer TEXT NOT NULL DEFAULT '', node TEXT NOT NULL DEFAULT '', detail TEXT NOT NULL DEFAULT '{}',
    at TEXT NOT NULL, PRIMARY KEY (session_id, seq));
INSERT INTO trainees VALUES (1, 'Ann', '2026-01-05T09:00:00+08:00');
INSERT INTO settings VALUES ('trainee', 'Ann');
INSERT INTO sessions VALUES (1, 1, 'default', 'late_parcel', '快递晚到', 7, 'practice', 'zh',
    '2026-01-05T09:01:00+08:00', '2026-01-05T09:09:00+08:00', 0, 80, 1, 'resolved', 1.1,
    '[{"id": "cv_apology", "title": "道歉", "status": "met", "points": 20, "value": 20}]');
INSERT INTO turns VALUES (1, 1, 'reply', '对不起', '我的快递晚了', 'open', '{}', '2026-01-05T09:02:00+08:00');
PRAGMA user_version = 1;
"""


def test_old_history_file_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    conn = sqlite3.connect(path)
    conn.executescript(LEGACY)
    conn.close()
    with Store.open(path) as s:
        assert s.schema_version == SCHEMA_VERSION
        ann = s.current_trainee()
        assert ann is not None and ann.name == "Ann"
        (row,) = s.sessions(ann)
        assert row.score == 80 and row.criteria[0].title == "道歉" and row.turns == 1
        assert s.cases.count() == 0  # the case tables were added
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == HEAD
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_fresh_database_on_each_backend(db_target: str) -> None:
    with Store.open(db_target) as s:
        assert s.schema_version == SCHEMA_VERSION
        names = set(sa.inspect(s.db.engine).get_table_names())
    assert {"trainees", "sessions", "turns", "settings", "cases", "case_events", "alembic_version"} <= names
    with Store.open(db_target) as s:  # opening again migrates nothing
        assert s.schema_version == SCHEMA_VERSION


def test_unknown_revision_means_a_newer_cxcoach(db_target: str) -> None:
    with Store.open(db_target) as s, s.db.write() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(StoreError, match="newer cxcoach"):
        Store.open(db_target)


def test_two_processes_create_one_schema_once(db_target: str) -> None:
    code = textwrap.dedent(f"""
        from cxcoach.store import Store
        with Store.open({db_target!r}) as s:
            s.trainee("x")
    """)
    procs = [subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE) for _ in range(3)]
    for p in procs:
        assert p.wait(timeout=120) == 0, p.stderr.read().decode() if p.stderr else ""
    with Store.open(db_target) as s:
        assert [t.name for t in s.trainees()] == ["x"]
