"""L701: lint warns when a calendar's holiday data end within 60 days of today (or have ended)."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner

from cxcoach.authoring.lint import lint_playbook
from cxcoach.cli import main

CALENDAR = """\
calendar:
  timezone: Asia/Shanghai
  working_hours: {{start: "09:00", end: "17:00"}}
  weekdays: [mon, tue, wed, thu, fri]
  holidays: {holidays}
"""
TYPED_2026 = CALENDAR.format(holidays='["2026-10-01", "2026-10-02"]')


def l701(report):
    return [p for p in report.findings if p.code == "L701"]


@pytest.mark.parametrize(("today", "expected"), [
    (dt.date(2026, 6, 1), None),  # 213 days left
    (dt.date(2026, 11, 1), "holiday data end on 2026-12-31 (in 60 days)"),
    (dt.date(2026, 12, 31), "holiday data end on 2026-12-31 (today)"),
    (dt.date(2027, 1, 10), "holiday data end on 2026-12-31 (10 days ago)"),
])
def test_a_hand_typed_list_warns_in_its_last_60_days(make_playbook, today, expected):
    findings = l701(lint_playbook(make_playbook(TYPED_2026), today=today))
    if expected is None:
        assert findings == []
        return
    (finding,) = findings
    assert finding.message.startswith(expected)
    assert "lists its own holidays only up to 2026" in finding.message
    assert "country: CN" in (finding.hint or "") and "2027" in (finding.hint or "")
    assert (finding.file, finding.line, finding.col) == ("pb/plant.yaml", 5, 3)  # the `holidays` key


def test_a_source_without_next_years_notice_warns_with_how_to_update(make_playbook):
    """2035's State Council notice cannot be in any release yet: near its end, 2034 is what the source knows."""
    root = make_playbook(CALENDAR.format(holidays="{country: CN}"))
    (finding,) = l701(lint_playbook(root, today=dt.date(2034, 12, 1)))
    assert "holiday data end on 2033-12-31" in finding.message or "holiday data end on 2034-12-31" in finding.message
    assert "no official" in finding.message and "for CN yet" in finding.message
    assert "pip install -U holidays" in (finding.hint or "")


def test_a_country_fixed_by_law_never_runs_out(make_playbook):
    root = make_playbook(CALENDAR.format(holidays="{country: DE, subdivision: BY}").replace("Asia/Shanghai",
                                                                                             "Europe/Berlin"))
    assert l701(lint_playbook(root, today=dt.date(2026, 12, 1))) == []


def test_a_calendar_without_holidays_is_not_linted_for_them(make_playbook):
    root = make_playbook(CALENDAR.replace("  holidays: {holidays}\n", ""))
    assert l701(lint_playbook(root, today=dt.date(2026, 12, 1))) == []


def test_the_cli_lists_the_code_and_noqa_silences_it(make_playbook):
    assert "L701" in CliRunner().invoke(main, ["lint", "--codes"]).output
    silenced = TYPED_2026.replace('"2026-10-02"]', '"2026-10-02"]  # cxcoach: noqa L701')
    report = lint_playbook(make_playbook(silenced), today=dt.date(2026, 12, 1))
    assert l701(report) == [] and report.suppressed == 1
