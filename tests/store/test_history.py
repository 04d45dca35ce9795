"""Drill history: paths, migrations, crash safety, resume, concurrency, friendly errors, bad rows, CSV.

Tests taking `store` or `db_target` run on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cxcoach.playbook import load_playbook
from cxcoach.store import (
    SCHEMA_VERSION,
    CriterionScore,
    RecordedDrill,
    Store,
    StoreError,
    resolve_db_path,
    user_data_dir,
)

COACH = Path(__file__).parent.parent / "tui" / "fixtures" / "coach"
T0 = dt.datetime(2026, 3, 6, 9, 0, tzinfo=dt.UTC)


class Ticker:
    """A clock that advances one minute per call, so stored times are distinct and predictable."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(minutes=1)
        return self.now


@pytest.fixture(scope="module")
def playbook():
    return load_playbook(COACH)


@pytest.fixture
def store(db_target: str):
    with Store.open(db_target, clock=Ticker()) as s:
        yield s


# --- paths ------------------------------------------------------------------------

def test_user_data_dir_per_platform(tmp_path: Path) -> None:
    home = Path("/home/ann")
    assert user_data_dir(env={}, platform="linux", home=home) == home / ".local/share/cxcoach"
    assert user_data_dir(env={"XDG_DATA_HOME": "/data"}, platform="linux", home=home) == Path("/data/cxcoach")
    assert user_data_dir(env={"XDG_DATA_HOME": "rel"}, platform="linux", home=home) == home / ".local/share/cxcoach"
    assert user_data_dir(env={}, platform="darwin", home=home) == home / "Library/Application Support/cxcoach"
    assert user_data_dir(env={"LOCALAPPDATA": "C:/Users/ann/AppData/Local"}, platform="win32",
                         home=home) == Path("C:/Users/ann/AppData/Local/cxcoach")


def test_db_path_precedence() -> None:
    env = {"CXCOACH_DB": "/env/h.db", "XDG_DATA_HOME": "/x"}
    assert resolve_db_path("/opt/h.db", env=env) == Path("/opt/h.db")
    assert resolve_db_path(None, env=env) == Path("/env/h.db")
    assert resolve_db_path(None, env={"XDG_DATA_HOME": "/x"}).parent == user_data_dir(env={"XDG_DATA_HOME": "/x"})


# --- schema -----------------------------------------------------------------------

def test_new_database_is_migrated_and_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "dir" / "h.sqlite3"
    with Store.open(path) as s:
        assert s.schema_version == SCHEMA_VERSION
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"trainees", "sessions", "turns", "settings"} <= tables
    conn.close()
    with Store.open(path) as s:  # reopening does not migrate twice
        assert s.schema_version == SCHEMA_VERSION


def test_newer_schema_is_refused_with_a_message(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    with pytest.raises(StoreError, match="newer cxcoach"):
        Store.open(path)


# --- friendly errors --------------------------------------------------------------

def test_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    path.write_bytes(b"this is a text file, not sqlite" * 100)
    with pytest.raises(StoreError, match="not a cxcoach history database"):
        Store.open(path)


def test_unwritable_folder(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot create the folder"):
        Store.open(blocker / "sub" / "h.sqlite3")


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True, reason="root ignores permissions")
def test_read_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(StoreError, match="--db PATH"):
            Store.open(folder / "h.sqlite3")
    finally:
        folder.chmod(0o700)


def test_path_is_a_folder(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a folder"):
        Store.open(tmp_path)


def test_locked_database_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    Store.open(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with Store.open(path, timeout_ms=100) as s, pytest.raises(StoreError, match="busy"):
            s.set_setting("x", "y")
    finally:
        holder.execute("ROLLBACK")
        holder.close()


# --- trainees and sessions ----------------------------------------------------------

def test_trainee_is_remembered(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    with Store.open(path) as s:
        assert s.current_trainee() is None
        ann = s.trainee("  Ann   Lee ")
        assert ann.name == "Ann Lee"
        assert s.trainee("Ann Lee") == ann
    with Store.open(path) as s:
        assert s.current_trainee() == ann
    with Store.open(path) as s, pytest.raises(StoreError, match="empty"):
        s.trainee("   ")


def test_session_lifecycle_and_csv(store: Store) -> None:
    ann = store.trainee("Ann")
    sid = store.start_session(ann, playbook="coach", drill="late_parcel", seed=7, mode="practice", lang="zh",
                              drill_title="快递晚到")
    store.add_turn(sid, "hint", "先道歉")
    store.add_turn(sid, "reply", "对不起", customer="我的快递晚了", node="open")
    assert [r.id for r in store.unfinished(ann)] == [sid]
    store.finish_session(sid, score=80, passed=True, ending="resolved", satisfaction=1.1,
                         criteria=[CriterionScore("cv_apology", "道歉", "met", 20, 20)])
    row = store.session(sid)
    assert row is not None and row.finished and row.score == 80 and row.passed and row.turns == 1
    assert row.criteria[0].title == "道歉"
    assert store.unfinished(ann) == []
    assert store.last_scores(ann) == {"late_parcel": 80}
    assert store.record(sid)["events"] == [["hint"], ["reply", "对不起"]]
    with pytest.raises(StoreError, match="closed"):
        store.add_turn(sid, "reply", "late")
    out = io.StringIO()
    assert store.export_csv(store.sessions(ann), out) == 1
    header, line = list(csv.reader(io.StringIO(out.getvalue())))
    assert header[:4] == ["id", "trainee", "playbook", "drill"] and header[-1] == "cv_apology"
    assert line[-1] == "20" and "快递晚到" in line


def test_recorded_drill_runs_to_the_end_and_stores_the_score(store: Store, playbook) -> None:
    ann = store.trainee("Ann")
    run = RecordedDrill.start(store, ann, playbook, "late_parcel", seed=3, locale="en")
    run.hint()
    run.reply("I'm so sorry, I'd be frustrated too.")
    run.reply("I'll send a replacement by 5 pm today.")
    assert run.session.finished
    row = store.session(run.id)
    assert row is not None and row.finished and row.passed
    assert row.score == run.session.report().score.score
    assert {c.id for c in row.criteria} >= {"cv_feelings", "cv_remedy"}


def test_resume_replays_to_the_same_state(store: Store, playbook) -> None:
    ann = store.trainee("Ann")
    run = RecordedDrill.start(store, ann, playbook, "late_parcel", seed=11, locale="zh")
    run.reply("嗯")  # fallback: back to open, hostility up
    run.hint()
    run.reply("对不起")
    again = RecordedDrill.resume(store, playbook, run.id)
    assert again.session.node is not None and again.session.node.id == run.session.node.id
    assert again.session.state == run.session.state
    assert again.session.hints_used == 1
    assert [t.reply for t in again.session.turns] == ["嗯", "对不起"]
    again.reply("我今天5点前为您补发。")
    assert store.session(run.id).finished  # type: ignore[union-attr]


def test_kill_9_mid_drill_loses_no_answered_turn(tmp_path: Path, playbook) -> None:
    db = tmp_path / "h.sqlite3"
    script = textwrap.dedent(f"""
        import os, signal
        from cxcoach.playbook import load_playbook
        from cxcoach.store import RecordedDrill, Store
        pb = load_playbook({str(COACH)!r})
        s = Store.open({str(db)!r})
        run = RecordedDrill.start(s, s.trainee("Ann"), pb, "late_parcel", seed=5, locale="en")
        run.reply("hmm")
        run.reply("I'm sorry")
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60)
    assert proc.returncode == -9, proc.stderr.decode()
    with Store.open(db) as s:
        ann = s.current_trainee()
        assert ann is not None
        (row,) = s.unfinished(ann)
        assert [t.text for t in s.turns(row.id)] == ["hmm", "I'm sorry"]
        resumed = RecordedDrill.resume(s, playbook, row.id)
        assert resumed.session.node is not None and resumed.session.node.id == "remedy"


def test_two_processes_writing_at_once_do_not_corrupt(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    Store.open(db).close()
    worker = textwrap.dedent(f"""
        import sys
        from cxcoach.store import Store
        name = sys.argv[1]
        s = Store.open({str(db)!r})
        t = s.trainee(name)
        for i in range(20):
            sid = s.start_session(t, playbook="p", drill="d", seed=i, mode="practice", lang="en")
            for j in range(5):
                s.add_turn(sid, "reply", f"{{name}} {{i}} {{j}}")
            s.finish_session(sid, score=i, passed=True, ending=None, satisfaction=None, criteria=[])
    """)
    procs = [subprocess.Popen([sys.executable, "-c", worker, name]) for name in ("a", "b")]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT COUNT(*) FROM sessions WHERE finished_at IS NOT NULL").fetchone()[0] == 40
    assert conn.execute("SELECT COUNT(*) FROM turns").fetchone()[0] == 200
    conn.close()


def test_store_never_imports_textual() -> None:
    code = "import sys, cxcoach.store; assert 'textual' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
