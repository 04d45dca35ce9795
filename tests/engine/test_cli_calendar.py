"""`cxcoach calendar`: month grids with named holidays and make-up workdays, and JSON for tools."""

from __future__ import annotations

import json
import textwrap

from click.testing import CliRunner

from cxcoach.cli import main


def run(*args: str):
    return CliRunner().invoke(main, ["calendar", *args])


def test_a_month_grid_marks_holidays_and_make_up_workdays():
    result = run("--month", "2026-02", "--lang", "en")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "holidays from holidays" in lines[0] and "(CN)" in lines[0]
    assert "2026-02  (16 working days)" in lines
    week = next(line for line in lines if line.startswith("  9"))
    assert week.split() == ["9", "10", "11", "12", "13", "14W", "15."]
    week = next(line for line in lines if line.startswith(" 16"))
    assert week.split() == ["16H", "17H", "18H", "19H", "20H", "21.", "22."]
    assert "  2026-02-16 Mon  holiday  Chinese New Year's Eve  (source)" in lines
    assert "  2026-02-14 Sat  make-up workday  (source)" in lines


def test_names_come_in_every_locale_by_default_and_headings_follow_the_playbook():
    result = run("--month", "2026-10")
    assert result.exit_code == 0, result.output
    assert "   一   二   三   四   五   六   日" in result.output
    assert "  2026-10-01 周四  假日  国庆节 / National Day  (数据源)" in result.output


def test_an_estimated_year_is_marked_and_noted():
    result = run("--month", "2035-02", "--lang", "en")  # 2035's notice is years away
    assert result.exit_code == 0, result.output
    assert " 8H~" in result.output and "(source, estimated)" in result.output
    assert "Days off on " in result.output and "pip install -U holidays" in result.output


def test_json_for_tools():
    result = run("--month", "2026-10", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["source"]["country"] == "CN" and data["source"]["package"] == "holidays"
    assert data["months"] == [{"month": "2026-10", "working_days": 18}]
    days = {d["date"]: d for d in data["days"]}
    assert len(days) == 31
    assert days["2026-10-01"] == {"date": "2026-10-01", "weekday": "thu", "working": False, "kind": "holiday",
                                  "name": {"zh": "国庆节", "en": "National Day"}, "origin": "source",
                                  "estimated": False, "uncovered": False}
    assert days["2026-10-10"]["kind"] == "makeup" and days["2026-10-10"]["working"] is True
    assert days["2026-10-08"]["kind"] == "workday" and days["2026-10-11"]["kind"] == "weekend"
    assert data["notes"] == []


def test_a_whole_year_and_a_playbook_of_ones_own(tmp_path):
    path = tmp_path / "pb.yaml"
    path.write_text(textwrap.dedent("""\
        playbook: {id: own, title: Own, version: 1.0.0, locales: [en]}
        calendar:
          timezone: Europe/Berlin
          working_hours: {start: "09:00", end: "17:00"}
          weekdays: [mon, tue, wed, thu, fri]
          holidays:
            - {country: DE, subdivision: BY}
            - {from: 2026-12-28, to: 2026-12-31, name: Company break}
    """), encoding="utf-8")
    result = run("--year", "2026", "--playbook", str(path), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert len(data["months"]) == 12 and len(data["days"]) == 365
    days = {d["date"]: d for d in data["days"]}
    assert days["2026-06-04"]["name"] == {"en": "Corpus Christi"}
    assert days["2026-12-29"] == {"date": "2026-12-29", "weekday": "tue", "working": False, "kind": "holiday",
                                  "name": {"en": "Company break"}, "origin": "playbook", "estimated": False,
                                  "uncovered": False}
    assert data["coverage"] is None  # German holidays are fixed by law


def test_bad_options_are_usage_errors_without_traceback():
    both = run("--year", "2026", "--month", "2026-02")
    assert both.exit_code == 2 and "not both" in both.output
    bad = run("--month", "2026-13")
    assert bad.exit_code == 2 and "not a month" in bad.output and "Traceback" not in bad.output
    assert run("--month", "0001-01").exit_code == 2 and run("--year", "9999").exit_code == 2
