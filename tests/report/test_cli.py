"""`cxcoach report monthly` and `cxcoach demo` on the command line (click's CliRunner), on both backends."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from cxcoach.cli import main
from cxcoach.desk import Desk
from cxcoach.playbook import load_playbook
from cxcoach.store import Store

from .handchecked import record, t


@pytest.fixture
def filled(db_target: str) -> str:
    with Store.open(db_target) as store:
        record(Desk(store, load_playbook(), clock=lambda: t(11, 5, 9)))
    return db_target


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_monthly_json_csv_and_md(filled: str) -> None:
    code, out, _ = run("report", "monthly", "--month", "2026-10", "--db", filled, "--format", "json", "--lang", "en")
    assert code == 0
    data = json.loads(out)
    assert {f["id"]: f["value"] for f in data["summary"]}["received"] == 3 and data["previous_month"] == "2026-09"
    code, out, _ = run("report", "monthly", "--month", "2026-10", "--db", filled, "--format", "csv")
    assert code == 0 and next(csv.reader(io.StringIO(out))) == ["month", "section", "group", "key", "label", "metric",
                                                                 "value"]
    code, out, _ = run("report", "monthly", "--month", "2026-10", "--db", filled, "--lang", "zh")
    assert code == 0 and out.splitlines()[0] == "# 月度抱怨/投诉分析报告 2026-10"
    assert "| 投诉解决率 | 66.7% | 50.0% |" in out


def test_output_file_takes_its_format_from_the_suffix(filled: str, tmp_path: Path) -> None:
    target = tmp_path / "out" / "report.html"
    code, out, err = run("report", "monthly", "--month", "2026-10", "--db", filled, "-o", str(target))
    assert code == 0 and out == "" and f"wrote {target} (html)" in err
    page = target.read_text(encoding="utf-8")
    assert "<svg" in page and ET.fromstring(page) is not None


@pytest.mark.parametrize("name", ["report.pdf", "report.docx", "report.TXT"])
def test_a_suffix_the_report_cannot_write_is_refused(filled: str, tmp_path: Path, name: str) -> None:
    target = tmp_path / name
    code, out, err = run("report", "monthly", "--month", "2026-10", "--db", filled, "-o", str(target), "--lang", "en")
    assert code == 2 and out == "" and not target.exists()
    assert f"the report cannot be written as {target.suffix.lower()}" in err
    assert ".html, .htm, .md, .json, .csv" in err and "--format html|md|json|csv" in err


def test_an_explicit_format_is_written_whatever_the_suffix(filled: str, tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    code, _, err = run("report", "monthly", "--month", "2026-10", "--db", filled, "-o", str(target), "--format", "json")
    assert code == 0 and f"wrote {target} (json)" in err
    assert json.loads(target.read_text(encoding="utf-8"))["month"] == "2026-10"
    plain = tmp_path / "report"  # no suffix at all: Markdown, as before
    code, _, err = run("report", "monthly", "--month", "2026-10", "--db", filled, "-o", str(plain))
    assert code == 0 and f"wrote {plain} (md)" in err and plain.read_text(encoding="utf-8").startswith("# ")


def test_as_of_and_handler_fact(filled: str) -> None:
    code, out, _ = run("report", "monthly", "--month", "2026-10", "--db", filled, "--format", "json",
                       "--as-of", "2026-10-16 00:00", "--handler-fact", "category")
    data = json.loads(out)
    assert code == 0 and data["partial"] and data["as_of"] == "2026-10-16T00:00:00+08:00"
    assert data["handler_fact"] == "category" and {h["handler"] for h in data["handlers"]} >= {"billing"}


@pytest.mark.parametrize(("args", "message"), [
    (["--month", "2026-13"], "'2026-13' is not a month; write YYYY-MM"),
    (["--month", "2026-10", "--as-of", "25:99"], "'25:99' is not a time of day"),
    (["--month", "2026-10", "--handler-fact", "handler"], "the playbook declares no fact 'handler'"),
])
def test_bad_input_says_why(tmp_path: Path, args: list[str], message: str) -> None:
    code, _, err = run("report", "monthly", "--db", str(tmp_path / "x.sqlite3"), *args)
    assert code == 2 and message in err and "Traceback" not in err


def test_schema_command_prints_the_committed_schema() -> None:
    code, out, _ = run("report", "schema")
    schema_file = Path(__file__).parents[2] / "schemas" / "monthly-report.schema.json"
    assert code == 0 and out == schema_file.read_text(encoding="utf-8")


def test_demo_then_report(tmp_path: Path) -> None:
    db = str(tmp_path / "demo.sqlite3")
    code, out, err = run("demo", "--cases", "25", "--month", "2026-09", "--db", db, "--seed", "5")
    assert code == 0, err
    assert "2026-08: 25 cases recorded" in err and "2026-09: 25 cases recorded" in err and "50 cases in" in out
    assert "cxcoach report monthly --month 2026-09" in out
    code, out, _ = run("report", "monthly", "--month", "2026-09", "--db", db, "--format", "json")
    data = json.loads(out)
    assert code == 0 and {f["id"]: f for f in data["summary"]}["received"]["previous"] == 25
    code, _, err = run("demo", "--cases", "25", "--month", "2026-09", "--db", db, "--seed", "5")
    assert code == 1 and "already exists" in err
    code, _, err = run("demo", "--month", "2999-01", "--db", db)
    assert code == 2 and "has not begun yet" in err


def test_a_mistyped_db_is_an_error_not_an_empty_report(tmp_path: Path) -> None:
    target = tmp_path / "typo" / "desk.sqlite3"
    code, out, err = run("report", "monthly", "--month", "2026-10", "--db", str(target), "--lang", "en")
    assert code == 4 and out == "" and f"no database at {target}; check --db" in err
    code, _, err = run("report", "monthly", "--month", "2026-10", "--db", str(target), "--lang", "zh")
    assert code == 4 and err.startswith("错误：") and "没有数据库" in err
    assert not (tmp_path / "typo").exists()


def test_as_of_before_the_month_begins_is_refused(filled: str) -> None:
    """It would count the month as of before it began: every figure zero, and no word of why."""
    code, out, err = run("report", "monthly", "--month", "2026-10", "--db", filled, "--as-of", "2026-09-30 23:00")
    assert code == 2 and out == "" and "2026-09-30 23:00 +08:00 is before 2026-10 begins" in err
    assert "Traceback" not in err
    code, _, err = run("report", "monthly", "--month", "2026-10", "--db", filled, "--as-of", "2026-10-01 00:00",
                       "--lang", "zh")
    assert code == 2 and "早于 2026-10 的开始" in err
    code, out, _ = run("report", "monthly", "--month", "2026-10", "--db", filled, "--as-of", "2026-10-01 00:01",
                       "--format", "json")
    assert code == 0 and json.loads(out)["partial"]


def test_demo_into_a_file_that_is_not_a_database_says_only_that(tmp_path: Path) -> None:
    notes = tmp_path / "notes.db"
    notes.write_text("not a database\n" * 50, encoding="utf-8")
    code, out, err = run("demo", "--cases", "5", "--month", "2026-09", "--db", str(notes))
    assert code == 1 and out == "" and "is not a cxcoach history database" in err
    assert "DEMO-YYYYMM" not in err  # the hint about demo ids is for a second run, not for a wrong file
    assert notes.read_text(encoding="utf-8") == "not a database\n" * 50
