"""`cxcoach calendar` and the holiday source attacked: odd countries, subdivisions and years.

What held (no change needed): misspelt, lower-case, bidi-laced, empty and 3,000-character country codes and
subdivisions with escapes are schema or E408/E409 errors with escaped quotes; every country the `holidays`
package knows computes its first and last year, 1900 and 2200 without an exception or a slow year.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from cxcoach.playbook import check_playbook
from cxcoach.playbook.holiday_data import source_year
from cxcoach.playbook.model import HolidaySource, YearStatus

from .conftest import cx

INDIA = """\
playbook: {id: t, title: T, version: 1.0.0, locales: [zh, en]}
calendar:
  timezone: Asia/Kolkata
  working_hours: {start: "09:30", end: "18:00"}
  weekdays: [mon, tue, wed, thu, fri, sat]
  holidays:
    - {country: IN}
deadlines: {respond: 4h, resolve: 3bd}
"""


def test_a_year_the_package_only_partly_knows_is_estimated_not_known() -> None:
    source = HolidaySource("IN", None, "test", ("zh", "en"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the package's UserWarning reached the user's terminal as Python text
        partial, full = source_year(source, 2040), source_year(source, 2030)
    assert partial.status is YearStatus.ESTIMATED  # India's lunar holidays are only in the data for 2001-2035
    assert full.status is YearStatus.KNOWN


def test_calendar_for_such_a_year_prints_no_python_warning(tmp_path: Path) -> None:
    (tmp_path / "pb").mkdir()
    (tmp_path / "pb" / "playbook.yaml").write_text(INDIA, encoding="utf-8")
    playbook, problems = check_playbook(tmp_path / "pb")
    assert playbook is not None, problems
    run = cx("calendar", "-p", str(tmp_path / "pb"), "--month", "2040-10", "--lang", "en")
    assert run.code == 0 and run.stderr == "", run.stderr
    assert "2H~" in run.stdout  # Gandhi Jayanti, marked estimated


@pytest.mark.parametrize("args", [["--month", "２０２６-０２"], ["--month", "2201-01"]])
def test_odd_months_and_years_are_usage_errors(args: list[str]) -> None:
    run = cx("calendar", *args)
    assert run.code == 2 and "Traceback" not in run.stderr
