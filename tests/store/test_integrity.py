"""Data integrity (issue 13): unsaved turns do not advance the drill, damaged rows are skipped,
CSV cannot carry formulas, a read-only database can still be viewed."""

from __future__ import annotations

import csv
import io
import os
import sqlite3
from pathlib import Path

import pytest

from cxcoach.playbook import load_playbook
from cxcoach.store import CriterionScore, RecordedDrill, Store, StoreError, csv_cell

COACH = Path(__file__).parent.parent / "tui" / "fixtures" / "coach"


@pytest.fixture(scope="module")
def playbook():
    return load_playbook(COACH)


def test_a_turn_that_cannot_be_saved_does_not_advance_the_drill(db_target: str, playbook, monkeypatch) -> None:
    with Store.open(db_target) as store:
        run = RecordedDrill.start(store, store.trainee("Ann"), playbook, "late_parcel", seed=3, locale="en")
        run.reply("I'm so sorry, I'd be frustrated too.")
        before = (run.session.node.id, run.session.state, len(run.session.turns))
        calls = []

        def busy(*args, **kwargs):
            calls.append(1)
            raise StoreError("the database x is busy (locked by another program)")

        monkeypatch.setattr(store, "add_turn", busy)
        monkeypatch.setattr("cxcoach.store.history.time.sleep", lambda s: None)
        with pytest.raises(StoreError, match="not saved, so the drill stays where it was"):
            run.reply("I'll send a replacement by 5 pm today.")
        assert len(calls) == 3  # retried before giving up
        assert (run.session.node.id, run.session.state, len(run.session.turns)) == before
        monkeypatch.undo()
        run.reply("I'll send a replacement by 5 pm today.")  # the store works again: the drill goes on
        row = store.session(run.id)
        assert row is not None and row.finished and row.score == run.session.report().score.score


def test_damaged_rows_are_reported_and_skipped(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    with Store.open(path) as store:
        ann = store.trainee("Ann")
        for i in range(4):
            sid = store.start_session(ann, playbook="p", drill=f"d{i}", seed=i, mode="practice", lang="en")
            store.finish_session(sid, score=50, passed=False, ending=None, satisfaction=None,
                                 criteria=[CriterionScore("c", "C", "met", 5, 5)])
    conn = sqlite3.connect(path)
    conn.execute("UPDATE sessions SET criteria = 'not json' WHERE id = 1")
    conn.execute("UPDATE sessions SET started_at = 'yesterday' WHERE id = 2")
    conn.execute("UPDATE sessions SET score = 'lots' WHERE id = 3")
    conn.commit()
    conn.close()
    with Store.open(path) as store:
        rows = store.sessions(store.current_trainee())
        assert [r.id for r in rows] == [4]
        reasons = {b.id: b.reason for b in store.bad_rows}
        assert set(reasons) == {1, 2, 3}
        assert "criteria are not valid JSON" in reasons[1] and "not an ISO-8601" in reasons[2]
        assert "not a whole number" in reasons[3]
        with pytest.raises(StoreError, match="damaged"):
            store.record(1)


def test_csv_neutralises_formulas_and_has_one_column_per_criterion(db_target: str, tmp_path: Path) -> None:
    assert csv_cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert ([csv_cell(v) for v in ("+1", "-x", "@SUM(A1)", "\tx", "ok", -3)]
            == ["'+1", "'-x", "'@SUM(A1)", "'\tx", "ok", "-3"])
    with Store.open(db_target) as store:
        evil = store.trainee('=HYPERLINK("http://evil","click")')
        sid = store.start_session(evil, playbook="p", drill="d", seed=1, mode="practice", lang="zh",
                                  drill_title="@快递")
        store.finish_session(sid, score=70, passed=True, ending=None, satisfaction=None,
                             criteria=[CriterionScore("cv_apology", "道歉", "met", 20, 20),
                                       CriterionScore("=cmd", "x", "missed", 0, 10)])
        target = tmp_path / "out.csv"
        assert store.export_csv_file(store.sessions(evil), target) == 1
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header, row = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert header[-2:] == ["cv_apology", "'=cmd"] and row[-2:] == ["20", "0"]
    assert row[1].startswith("'=HYPERLINK") and row[4] == "'@快递"


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root ignores permissions")
def test_read_only_database_opens_for_viewing(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "h.sqlite3"
    with Store.open(path) as store:
        store.trainee("Ann")
    path.chmod(0o400)
    folder.chmod(0o500)
    try:
        with Store.open(path) as store:
            assert store.read_only and [t.name for t in store.trainees()] == ["Ann"]
            with pytest.raises(StoreError, match="read-only"):
                store.trainee("Bo")
    finally:
        folder.chmod(0o700)
        path.chmod(0o600)


def test_read_only_file_opens_for_viewing_even_as_root(tmp_path: Path) -> None:
    """Root ignores permission bits, so use SQLite's own read-only mode to check the viewing path."""
    path = tmp_path / "h.sqlite3"
    with Store.open(path) as store:
        store.trainee("Ann")
    import sqlalchemy as sa

    from cxcoach.store.engine import Database, _sqlite_events  # noqa: F401 (the same engine set-up)

    engine = sa.create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT name FROM trainees").scalar() == "Ann"
        with pytest.raises(sa.exc.OperationalError) as info:
            conn.exec_driver_sql("INSERT INTO trainees(name, created_at) VALUES ('x', 'y')")
    from cxcoach.store.errors import explain

    assert "cannot write the database" in str(explain(info.value, path))


def test_file_size_limit_is_reported_as_such(tmp_path: Path) -> None:
    """A process limited by `ulimit -f` gets a message naming the limit, not a permissions problem."""
    import subprocess
    import sys
    import textwrap

    path = tmp_path / "h.sqlite3"
    Store.open(path).close()
    code = textwrap.dedent(f"""
        import resource, sys
        from cxcoach.store import Store, StoreError
        s = Store.open({str(path)!r})
        size = __import__("os").path.getsize({str(path)!r})
        resource.setrlimit(resource.RLIMIT_FSIZE, (size + 8192, size + 8192))
        t = s.trainee("Ann")
        try:
            for i in range(2000):
                s.start_session(t, playbook="p" * 500, drill="d" * 500, seed=i, mode="practice", lang="en")
        except StoreError as exc:
            print(exc)
            sys.exit(0)
        sys.exit(1)
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "file-size limit" in proc.stdout and "ulimit -f" in proc.stdout, proc.stdout
