"""`case import --mapping` attacked: mapping files with mistakes, exports with BOMs, mixed line endings, huge or
odd cells, duplicate ids and events that go backwards. A bad row is reported with its line and skipped; the
rest are imported; a bad mapping is refused before any row, with the position of each mistake."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cxcoach.cli import main
from cxcoach.errors import ExitCode
from cxcoach.sanitize import UNSAFE

MAPPING = """\
id: ticket
received_at: created
note: subject
facts:
  severity: {column: priority, values: {P1: major, P2: general}}
  channel: {column: source}
events:
  - {at: answered, stage: acknowledged}
  - {at: solved, stage: resolved}
  - {at: closed, stage: closed, by: service_director}
"""
HEADER = "ticket,created,priority,source,subject,answered,solved,closed"


@pytest.fixture
def files(tmp_path: Path):
    mapping = tmp_path / "map.yaml"
    mapping.write_text(MAPPING, encoding="utf-8")
    return tmp_path, mapping


def run(tmp_path: Path, *args: str) -> Result:
    out = CliRunner().invoke(main, ["case", "import", *args, "--db", str(tmp_path / "desk.sqlite3")])
    assert out.exception is None or isinstance(out.exception, SystemExit), repr(out.exception)
    assert UNSAFE.search(out.output.replace("\n", "").replace("\t", "")) is None, out.output
    return out


def case(tmp_path: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["case", *args, "--db", str(tmp_path / "desk.sqlite3")])


def refs(tmp_path: Path) -> list[str]:
    if not (tmp_path / "desk.sqlite3").exists():
        return []
    return sorted(c["ref"] for c in json.loads(case(tmp_path, "list", "--all", "--format", "json").stdout))


@pytest.mark.parametrize("text, where, words", [
    (MAPPING.replace("{column: priority,", "{column: [priority],"), "5:22", "column"),
    (MAPPING.replace("id: ticket\n", "id: ticket\ncolumns: {}\n"), "2:1", "columns"),
    (MAPPING.replace("channel: {column: source}", "chanel: {column: source}"), "6:3", "channel"),
    (MAPPING.replace("P2: general", "P2: normal"), "5:56", "normal"),
    (MAPPING.replace("stage: resolved", "stage: resolvd"), "9:25", "resolved"),
    (MAPPING.replace("by: service_director", "by: boss"), "10:37", "boss"),
    (MAPPING.replace("received_at: created\n", ""), "1:1", "received_at"),
    ("- 1\n", "1:1", "mapping"),
])
def test_a_bad_mapping_is_refused_with_positions_before_any_row(files, text: str, where: str, words: str) -> None:
    tmp_path, mapping = files
    mapping.write_text(text, encoding="utf-8")
    export = tmp_path / "t.csv"
    export.write_text(f"{HEADER}\nA-1,2026-03-02 09:00,P1,phone,x,,,\n", encoding="utf-8")
    out = run(tmp_path, str(export), "--mapping", str(mapping), "--format", "json")
    assert out.exit_code == ExitCode.INVALID, out.output
    assert f"{mapping}:{where}:" in out.stderr and words in out.stderr, out.stderr
    assert json.loads(out.stdout)["error"] and refs(tmp_path) == []


def test_bom_and_mixed_line_endings_keep_line_numbers(files) -> None:
    tmp_path, mapping = files
    export = tmp_path / "t.csv"
    export.write_bytes(("\ufeff" + HEADER + "\r\n" + "A-1,2026-03-02 09:00,P1,phone,x,,,\r"
                        + "A-2,2026-03-02 09:00,P7,phone,x,,,\n" + "A-3,2026-03-02 09:00,P2,phone,x,,,\r\n").encode())
    out = run(tmp_path, str(export), "--mapping", str(mapping))
    assert f"{export}:3: fact 'severity'" in out.stderr and "2 case(s) imported" in out.stdout, out.output
    assert refs(tmp_path) == ["A-1", "A-3"]


def test_a_huge_cell_skips_its_row_not_the_rest(files) -> None:
    tmp_path, mapping = files
    export = tmp_path / "t.csv"
    export.write_text(f"{HEADER}\nA-1,2026-03-02 09:00,P1,phone,{'z' * 300_000},,,\n"
                      "A-2,2026-03-02 09:00,P2,phone,x,,,\n"
                      f'A-3,2026-03-02 09:00,P2,phone,"{"q" * 200_000}\nsecond line",,,\n'
                      "A-4,2026-03-02 09:00,P2,web,y,,,\n", encoding="utf-8")
    out = run(tmp_path, str(export), "--mapping", str(mapping))
    assert f"{export}:2:" in out.stderr and f"{export}:4:" in out.stderr, out.output
    assert refs(tmp_path) == ["A-2", "A-4"]


def test_an_id_twice_in_one_file_is_reported(files) -> None:
    tmp_path, mapping = files
    export = tmp_path / "t.csv"
    export.write_text(f"{HEADER}\nA-1,2026-03-02 09:00,P1,phone,first,,,\nA-1,2026-03-05 09:00,P2,web,second,,,\n",
                      encoding="utf-8")
    out = run(tmp_path, str(export), "--mapping", str(mapping))
    assert f"{export}:3: external id 'A-1' again (first on line 2)" in out.stderr, out.output
    assert json.loads(case(tmp_path, "show", "A-1", "--format", "json").stdout)["events"][0]["note"] == "first"


@pytest.mark.parametrize("ext", ["A-1\x1b[2J", "A-\u202e1", "Ａ-1", "#3", "x" * 300])
def test_a_bad_external_id_in_a_row(files, ext: str) -> None:
    tmp_path, mapping = files
    export = tmp_path / "t.jsonl"
    export.write_text(json.dumps({"ticket": ext, "created": "2026-03-02 09:00", "priority": "P1"}) + "\n"
                      + json.dumps({"ticket": "OK-1", "created": "2026-03-02 09:00", "priority": "P1"}) + "\n",
                      encoding="utf-8")
    out = run(tmp_path, str(export), "--mapping", str(mapping))
    assert f"{export}:1: external id" in out.stderr and refs(tmp_path) == ["OK-1"], out.output


def test_events_that_go_backwards_are_refused_not_reordered(files) -> None:
    tmp_path, mapping = files
    export = tmp_path / "t.csv"
    # solved before it was answered: sorting would invent resolved -> acknowledged, a reopened case
    export.write_text(f"{HEADER}\nA-1,2026-03-02 09:00,P2,phone,x,2026-03-04 09:00,2026-03-03 09:00,\n"
                      f"A-2,2026-03-02 09:00,P2,phone,x,2026-03-01 09:00,,\n", encoding="utf-8")
    out = run(tmp_path, str(export), "--mapping", str(mapping))
    assert f"{export}:2: solved (2026-03-03 09:00 +08:00) is before answered" in out.stderr, out.stderr
    assert f"{export}:3: answered (2026-03-01 09:00 +08:00) is before created" in out.stderr, out.stderr
    assert refs(tmp_path) == []


def test_odd_jsonl_rows(files) -> None:
    tmp_path, mapping = files
    export = tmp_path / "t.jsonl"
    export.write_bytes(b"\xef\xbb\xbf" + b"\n".join([
        json.dumps({"ticket": "J-1", "created": "2026-03-02 09:00", "priority": "P1"}).encode(),
        b"[" * 100_000,
        json.dumps({"ticket": "J-2", "created": "2026-03-02 09:00", "priority": {"level": "P1"}}).encode(),
        json.dumps({"ticket": 12345, "created": "2026-03-02 09:00", "priority": "P2"}).encode(),
        json.dumps({"ticket": "J-4", "created": None, "priority": "P2"}).encode(),
        json.dumps({"ticket": True, "created": "2026-03-02 09:00"}).encode(),
    ]) + b"\n")
    out = run(tmp_path, str(export), "--mapping", str(mapping))
    for line in (2, 3, 5, 6):
        assert f"{export}:{line}:" in out.stderr, out.stderr
    assert refs(tmp_path) == ["12345", "J-1"]


def test_an_export_that_is_not_utf8_is_positioned(files) -> None:
    tmp_path, mapping = files
    export = tmp_path / "t.csv"
    export.write_bytes(f"{HEADER}\nA-1,2026-03-02 09:00,P1,phone,ok,,,\n".encode() + b"A-2,2026-03-02 09:00,P1,phone,"
 + "缺陷".encode("gbk") + b",,,\n")
    out = run(tmp_path, str(export), "--mapping", str(mapping))
    assert out.exit_code == ExitCode.INVALID and f"{export}:3:" in out.stderr and "UTF-8" in out.stderr, out.output


def test_formula_cells_are_kept_as_text(files) -> None:
    """An import stores what the ticket system said; it never evaluates it (CSV exports neutralise it)."""
    tmp_path, mapping = files
    export = tmp_path / "t.csv"
    export.write_text(f'{HEADER}\nA-1,2026-03-02 09:00,P1,phone,"=HYPERLINK(""http://x"",""y"")",,,\n',
                      encoding="utf-8")
    assert run(tmp_path, str(export), "--mapping", str(mapping)).exit_code == 0
    shown = json.loads(case(tmp_path, "show", "A-1", "--format", "json").stdout)
    assert shown["events"][0]["note"] == '=HYPERLINK("http://x","y")'


def test_json_import_reports_bad_rows_on_stderr_too(files) -> None:
    tmp_path, mapping = files
    export = tmp_path / "t.csv"
    export.write_text(f"{HEADER}\nA-1,2026-03-02 09:00,P9,phone,x,,,\n", encoding="utf-8")
    out = run(tmp_path, str(export), "--mapping", str(mapping), "--format", "json")
    assert out.exit_code == ExitCode.INVALID and f"{export}:2:" in out.stderr
    assert json.loads(out.stdout)["problems"][0].startswith(f"{export}:2:")
