"""The desk's database attacked: rows damaged by hand or by another tool, a schema that is not all there,
and writers racing to open the same ticket. Every test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result

from cxcoach.cli import main
from cxcoach.errors import ExitCode
from cxcoach.store import Store
from tests.dbtargets import BACKENDS, target


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    yield from target(request.param, tmp_path)


def case(db: str, *args: str) -> Result:
    out = CliRunner().invoke(main, ["case", *args, "--db", db])
    assert out.exception is None or isinstance(out.exception, SystemExit), repr(out.exception)
    return out


def damage(db: str, *statements: str) -> None:
    with Store.open(db) as store, store.db.write() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)


def test_damaged_rows_are_named_and_left_out_never_fatal(db: str) -> None:
    for ref in ("GOOD", "BAD-FACTS", "BAD-EVENT"):
        assert case(db, "open", "--id", ref, "--set", "severity=general", "--at", "2026-03-06 10:00").exit_code == 0
    damage(db, "UPDATE cases SET facts = '[1, 2]' WHERE external_id = 'BAD-FACTS'",
           "UPDATE case_events SET kind = 'weird' "
           "WHERE case_id = (SELECT id FROM cases WHERE external_id = 'BAD-EVENT')")
    out = case(db, "list", "--format", "json")
    assert out.exit_code == 0 and sorted(c["ref"] for c in json.loads(out.stdout)) == ["BAD-EVENT", "GOOD"], out.output
    assert "case #2 left out: facts holds list" in out.stderr
    # the state row itself is damaged: nothing can be read or appended; a damaged event in the log stops
    # `show` (which replays the log), while an append still folds onto the stored state
    for ref, commands in (("BAD-FACTS", ("show", "update")), ("BAD-EVENT", ("show",))):
        for args in ([c, ref] + (["--note", "x"] if c == "update" else []) for c in commands):
            out = case(db, *args)
            assert out.exit_code == ExitCode.INVALID and "damaged" in out.stderr, (args, out.output)
            assert len(out.stderr.strip().splitlines()) == 1
    assert case(db, "show", "GOOD").exit_code == 0
    report = CliRunner().invoke(main, ["report", "monthly", "--month", "2026-03", "--db", db, "--format", "json"])
    assert report.exception is None or isinstance(report.exception, SystemExit), repr(report.exception)
    assert report.exit_code in (0, ExitCode.INVALID), report.output


def test_unreadable_values_in_sqlite_text_columns(tmp_path: Path) -> None:
    db = str(tmp_path / "desk.sqlite3")
    for ref in ("A", "B", "C"):
        assert case(db, "open", "--id", ref, "--set", "severity=general", "--at", "2026-03-06 10:00").exit_code == 0
    damage(db, "UPDATE cases SET received_at = 'garbage' WHERE external_id = 'A'",
           "UPDATE cases SET facts = 'not json {' WHERE external_id = 'B'")
    out = case(db, "list", "--format", "json")
    assert out.exit_code == 0 and [c["ref"] for c in json.loads(out.stdout)] == ["C"], out.output
    assert out.stderr.count("left out") == 2
    out = case(db, "archive", "--before", "2027-01-01", "-o", str(tmp_path / "a.jsonl"), "--now", "2029-01-01")
    assert out.exit_code == 0, out.output


def test_a_schema_that_is_not_all_there(db: str) -> None:
    assert case(db, "open", "--set", "severity=general").exit_code == 0
    damage(db, "DROP TABLE case_events")
    out = case(db, "show", "1")
    assert out.exit_code == ExitCode.INVALID and "case_events" in out.stderr and "Traceback" not in out.output


def test_racing_opens_of_one_ticket_make_one_case(db: str) -> None:
    """Four processes open the same external id at once: one wins, the others are told it exists."""
    assert case(db, "open", "--set", "severity=general").exit_code == 0  # the schema exists before the race
    procs = [subprocess.Popen([sys.executable, "-m", "cxcoach", "case", "open", "--id", "RACE-1", "--set",
                               "severity=general", "--note", name, "--db", db], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for name in "abcd"]
    results = [(p.wait(timeout=120), p.stderr.read() if p.stderr else "") for p in procs]
    assert sorted(code for code, _ in results) == [0, 1, 1, 1], results
    assert all("already exists" in err for code, err in results if code), results
    with Store.open(db) as store:
        assert store.cases.count() == 2
        with store.db.read() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM case_events")).scalar_one() == 2


def test_text_no_backend_can_keep_is_refused_on_every_backend(db: str, tmp_path: Path) -> None:
    """PostgreSQL cannot store NUL in text; SQLite could: the desk refuses it on both, with the fact's name."""
    path = tmp_path / "case.json"
    path.write_text('{"facts": {"severity": "general", "description": "a\\u0000b"}}', encoding="utf-8")
    out = case(db, "open", str(path))
    assert out.exit_code == ExitCode.REFUSED and "description" in out.stderr and "NUL" in out.stderr, out.output
    export, mapping = tmp_path / "t.csv", tmp_path / "m.yaml"
    export.write_text("id,at,what\nN-1,2026-03-06 10:00,a\x00b\nN-2,2026-03-06 10:00,fine\n", encoding="utf-8")
    mapping.write_text("id: id\nreceived_at: at\nnote: what\n", encoding="utf-8")
    out = case(db, "import", str(export), "--mapping", str(mapping))
    assert f"{export}:2: column 'what' holds a NUL" in out.stderr and "1 case(s) imported" in out.stdout, out.output


def test_racing_writers_that_close_the_case_lose_nothing_and_write_nothing_refused(db: str, tmp_path: Path) -> None:
    """Four processes append to one case while two of them try to close it: every append either landed or
    was refused as a change to a closed case, and the log holds exactly the ones that landed, in order."""
    assert case(db, "open", "--id", "RACE", "--set", "severity=general", "--at", "2026-03-06 10:00").exit_code == 0
    assert case(db, "update", "RACE", "--stage", "resolved", "--at", "2026-03-06 10:01").exit_code == 0
    worker = """
import datetime as dt, sys
from cxcoach.desk import Desk, EventRejected
from cxcoach.playbook import load_playbook
from cxcoach.store import Store
name, closer = sys.argv[1], sys.argv[2] == "1"
t = dt.datetime(2026, 3, 6, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
landed = refused = 0
with Store.open(sys.argv[3]) as s:
    d = Desk(s, load_playbook())
    for i in range(10):
        try:
            if closer and i == 5:
                d.update("RACE", stage="closed", by="service_director", note=f"{name}-close", at=t)
            else:
                d.update("RACE", note=f"{name}-{i}", at=t)
            landed += 1
        except EventRejected:
            refused += 1
print(landed, refused)
"""
    procs = [subprocess.Popen([sys.executable, "-c", worker, name, closer, db], stdout=subprocess.PIPE, text=True)
             for name, closer in (("a", "1"), ("b", "1"), ("c", "0"), ("d", "0"))]
    outputs = [p.communicate(timeout=300)[0].split() for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0]
    landed = sum(int(o[0]) for o in outputs)
    assert sum(int(o[0]) + int(o[1]) for o in outputs) == 40
    with Store.open(db) as store:
        row, events = store.cases.load(store.cases.find("RACE").id)
    assert [e.seq for e in events] == list(range(1, 3 + landed)) and row.version == 2 + landed
    closes = [i for i, e in enumerate(events) if e.stage == "closed"]
    assert len(closes) == 1 and closes[0] == len(events) - 1 and not row.is_open  # nothing after the close


def test_monthly_report_names_the_damaged_cases_it_leaves_out(db: str) -> None:
    """A case whose log cannot be replayed is left out of the figures, named on stderr and counted in the json."""
    for ref in ("GOOD", "BAD-LOG"):
        assert case(db, "open", "--id", ref, "--set", "severity=general", "--at", "2026-03-06 10:00").exit_code == 0
        assert case(db, "update", ref, "--note", "called back", "--at", "2026-03-06 11:00").exit_code == 0
    damage(db, "UPDATE cases SET snapshot = NULL, figures = NULL WHERE external_id = 'BAD-LOG'",
           "UPDATE case_events SET facts = '[1, 2]' "
           "WHERE seq = 2 AND case_id = (SELECT id FROM cases WHERE external_id = 'BAD-LOG')")
    out = CliRunner().invoke(main, ["report", "monthly", "--month", "2026-03", "--db", db, "--format", "json"])
    assert out.exit_code == 0, out.output
    report = json.loads(out.stdout)
    assert [(s["ref"], s["id"]) for s in report["skipped_cases"]] == [("BAD-LOG", 2)]
    assert report["summary"][0]["value"] == 1  # the good case alone is counted
    assert "warning: case BAD-LOG (#2) left out:" in out.stderr and "cannot be replayed" in out.stderr
    # the file a supervisor reads says so too, first, with the reason: stderr is gone once the report is mailed
    for fmt, shown in (("md", "| BAD-LOG | #2 | its events cannot be replayed"),
                       ("html", "<td>BAD-LOG</td><td>#2</td><td>its events cannot be replayed"),
                       ("csv", "2026-03,skipped,,BAD-LOG,#2,reason,its events cannot be replayed")):
        out = CliRunner().invoke(main, ["report", "monthly", "--month", "2026-03", "--db", db, "--format", fmt,
                                        "--lang", "en"])
        assert out.exit_code == 0, out.output
        assert shown in out.stdout, (fmt, out.stdout[:2000])
        if fmt != "csv":
            first = out.stdout.index("Cases left out of every figure (their stored records are damaged) (1)")
            assert first < out.stdout.index("Key figures")


def test_monthly_report_survives_an_unreadable_time_in_sqlite(tmp_path: Path) -> None:
    db = str(tmp_path / "desk.sqlite3")
    for ref in ("A", "C"):
        assert case(db, "open", "--id", ref, "--set", "severity=general", "--at", "2026-03-06 10:00").exit_code == 0
    damage(db, "UPDATE cases SET received_at = 'garbage' WHERE external_id = 'A'")
    out = CliRunner().invoke(main, ["report", "monthly", "--month", "2026-03", "--db", db, "--format", "md"])
    assert out.exit_code == 0 and out.exception is None, repr(out.exception)
    assert "warning: case A (#1) left out: its case row cannot be read" in out.stderr
