"""What a ticket export file can be: a CSV whose last rows were cut short, a `.json` that is one array of
rows (the usual shape of a JSON export), JSON Lines. A row that cannot be read whole is never imported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cxcoach.cli import main
from cxcoach.errors import ExitCode

MAPPING = ("id: ticket\nreceived_at: created\n"
           "facts:\n  severity: {column: priority, values: {P1: major, P2: general}}\n  channel: {column: source}\n")


def run(tmp_path: Path, export: Path) -> Result:
    mapping = tmp_path / "map.yaml"
    mapping.write_text(MAPPING, encoding="utf-8")
    return CliRunner().invoke(main, ["case", "import", str(export), "--mapping", str(mapping), "--lang", "en",
                                     "--db", str(tmp_path / "desk.sqlite3")])


def stored(tmp_path: Path) -> dict[str, dict[str, str]]:
    out = CliRunner().invoke(main, ["case", "list", "--all", "--format", "json",
                                    "--db", str(tmp_path / "desk.sqlite3")])
    return {c["ref"]: c["facts"] for c in json.loads(out.stdout)}


def test_a_csv_row_cut_short_is_skipped_not_imported_without_its_last_cells(tmp_path: Path) -> None:
    export = tmp_path / "t.csv"
    export.write_text("ticket,created,priority,source\nA-1,2026-03-02 09:00,P1,phone\n"
                      "A-2,2026-03-02 09:00,P2\nA-3,2026-03-02 09:00,P2,web\nA-4,2026-03-02 10:00", encoding="utf-8")
    out = run(tmp_path, export)
    assert out.exit_code == ExitCode.INVALID, out.output
    assert f"{export}:3: 3 cells for 4 columns: the row is cut short" in out.stderr
    assert f"{export}:5: 2 cells for 4 columns" in out.stderr
    assert sorted(stored(tmp_path)) == ["A-1", "A-3"]


def test_a_json_array_export_is_read_as_rows_with_their_lines(tmp_path: Path) -> None:
    export = tmp_path / "t.json"
    rows = [{"ticket": "J-1", "created": "2026-03-02 09:00", "priority": "P1", "source": "phone"},
            {"ticket": "J-2", "created": "2026-03-02 09:00", "priority": "P7", "source": "web"},
            {"ticket": "J-3", "created": "2026-03-02 09:00", "priority": "P2", "source": "web"}]
    export.write_text("\ufeff" + json.dumps(rows, indent=2), encoding="utf-8")  # J-2 starts on line 8
    out = run(tmp_path, export)
    assert out.exit_code == ExitCode.INVALID and f"{export}:8: fact 'severity': unknown value 'P7'" in out.stderr
    assert out.stderr.count(f"{export}:") == 1, out.stderr
    assert stored(tmp_path) == {"J-1": {"severity": "major", "channel": "phone"},
                                "J-3": {"severity": "general", "channel": "web"}}
    export.write_text('[{"ticket": "J-4", "created": "2026-03-02 09:00", "ticket": "J-5"}, 7]', encoding="utf-8")
    out = run(tmp_path, export)
    assert f"{export}:1:2: duplicate key 'ticket'" in out.stderr
    assert "J-4" not in stored(tmp_path) and "J-5" not in stored(tmp_path)


def test_a_json_array_cut_short_imports_nothing(tmp_path: Path) -> None:
    """Only the closing bracket says the export is complete: its first rows alone are not imported."""
    export = tmp_path / "t.json"
    export.write_text('[\n{"ticket": "C-1", "created": "2026-03-02 09:00", "priority": "P1"},\n'
                      '{"ticket": "C-2", "created": "2026-03-0', encoding="utf-8")
    out = run(tmp_path, export)
    assert out.exit_code == ExitCode.INVALID and "Traceback" not in out.output
    assert f"{export}:3:30: not valid JSON: Unterminated string starting here; nothing was imported" in out.stderr
    export.write_text('[{"ticket": "C-1", "created": "2026-03-02 09:00", "priority": "P1"}', encoding="utf-8")
    out = run(tmp_path, export)
    assert f"{export}:1:68: not valid JSON: the file ends before the array's closing ']'" in out.stderr, out.stderr
    assert not (tmp_path / "desk.sqlite3").exists() or stored(tmp_path) == {}


def test_json_lines_in_a_json_file_and_duplicate_keys_in_a_line(tmp_path: Path) -> None:
    export = tmp_path / "t.json"
    export.write_text('{"ticket": "L-1", "created": "2026-03-02 09:00", "priority": "P1"}\n'
                      '{"ticket": "L-2", "created": "2026-03-02 09:00", "ticket": "L-3"}\n', encoding="utf-8")
    out = run(tmp_path, export)
    assert f"{export}:2: duplicate key 'ticket'" in out.stderr, out.stderr
    assert sorted(stored(tmp_path)) == ["L-1"]


def test_a_csv_separated_otherwise_is_refused_by_its_header_before_any_row(tmp_path: Path) -> None:
    """A ';' or tab export would have every row skipped for a missing id: the header says why, once."""
    export = tmp_path / "t.csv"
    export.write_text("ticket;created;priority\nS-1;2026-03-02 09:00;P1\nS-2;2026-03-02 09:00;P2\n", encoding="utf-8")
    out = run(tmp_path, export)
    assert out.exit_code == ExitCode.INVALID and out.stderr.count("\n") == 1, out.stderr
    assert (f"{export}:1: the header has no column 'ticket', 'created' (the file looks separated by ';': export it "
            "with commas); it has: 'ticket;created;priority'") in out.stderr
    assert "Nothing was imported" in out.stderr and not (tmp_path / "desk.sqlite3").exists()  # not even created
    export.write_text("ticket,opened\nS-1,2026-03-02 09:00\n", encoding="utf-8")
    out = run(tmp_path, export)
    assert "the header has no column 'created'; it has: 'ticket', 'opened'" in out.stderr


def _tables(db: str) -> list[str]:
    """The tables a failed import may have left: the SQLite file's, or those in the PostgreSQL schema."""
    if not db.startswith("postgresql"):
        return ["<the file itself>"] if Path(db).exists() else []
    import sqlalchemy as sa

    from cxcoach.store.engine import Database

    database = Database.open(db)
    try:
        return sa.inspect(database.engine).get_table_names()
    finally:
        database.dispose()


BAD_EXPORTS = {  # name: (file name, content, what the error says)
    "wrong header": ("t.csv", "ticket;created\nA-1;2026-03-02 09:00\n", "the header has no column"),
    "not text": ("t.csv", b"\xff\xfe\x00bad\x00", "t.csv"),
    "json cut short": ("t.json", '[{"ticket": "J-1", "created": "2026-03-02 09:00"},', "nothing was imported"),
    "an export as archive": ("t.jsonl", '{"ticket": "A-1"}\n', "is not a cxcoach archive"),
}


@pytest.mark.parametrize("bad", list(BAD_EXPORTS))
def test_a_file_that_cannot_be_imported_creates_no_database(tmp_path: Path, db_target: str, bad: str) -> None:
    name, content, says = BAD_EXPORTS[bad]
    export = tmp_path / name
    export.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    mapping = tmp_path / "map.yaml"
    mapping.write_text(MAPPING, encoding="utf-8")
    with_mapping = [] if bad == "an export as archive" else ["--mapping", str(mapping)]
    out = CliRunner().invoke(main, ["case", "import", str(export), *with_mapping, "--lang", "en", "--db", db_target])
    assert out.exception is None or isinstance(out.exception, SystemExit), out.exception  # no traceback
    assert out.exit_code != 0 and says in out.stderr, out.stderr
    assert _tables(db_target) == []
    good = tmp_path / "good.csv"  # and a good file afterwards still creates it, as before
    good.write_text("ticket,created\nA-1,2026-03-02 09:00\n", encoding="utf-8")
    out = CliRunner().invoke(main, ["case", "import", str(good), "--mapping", str(mapping), "--db", db_target])
    assert out.exit_code == 0, out.output
    assert _tables(db_target) != []
