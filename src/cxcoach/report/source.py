"""Reading a month's cases from the store: the only part of the report that touches the database."""

from __future__ import annotations

import datetime as dt

from ..playbook.model import Playbook
from ..store.cases import CaseStore
from .cases import CaseFigures, case_figures, reopened_by
from .compute import Options, monthly_report
from .model import MonthlyReport
from .period import Month


def month_figures(cases: CaseStore, playbook: Playbook, month: Month, *,
                  as_of: dt.datetime) -> tuple[list[CaseFigures], list[CaseFigures]]:
    """Figures of every case that lived in `month` or the month before: (as of `as_of`, as of the month's start).

    Two queries: the cases active in the two months, then their logs.
    """
    tz = playbook.calendar.timezone
    start, before = month.start(tz), month.previous.start(tz)
    rows = cases.active_between(before, month.end(tz))
    logs = cases.events([r.id for r in rows])
    current, previous = [], []
    for row in rows:
        log = logs[row.id]
        then = None
        if row.received_at < start:
            old = reopened_by(playbook, row, log, before) if row.received_at < before else 0
            then = case_figures(playbook, row, log, as_of=start, reopened_before=old)
            if then is not None:
                previous.append(then)
            if then is not None and not then.is_open and not any(start <= e.at < as_of for e in log):
                continue  # closed before the month and untouched in it: in none of its figures
        now = case_figures(playbook, row, log, as_of=as_of, reopened_before=then.reopened if then else 0)
        if now is not None:
            current.append(now)
    return current, previous


def build_monthly(cases: CaseStore, playbook: Playbook, month: Month, *, now: dt.datetime,
                  as_of: dt.datetime | None = None, locale: str | None = None,
                  options: Options = Options()) -> MonthlyReport:
    """The monthly report from the store: as of the month's end, or `as_of`/`now` if earlier."""
    end = month.end(playbook.calendar.timezone)
    when = min(as_of or end, now, end)
    start = month.start(playbook.calendar.timezone)
    if when <= start:
        when = start
    current, previous = month_figures(cases, playbook, month, as_of=when)
    return monthly_report(playbook, month, current, previous, as_of=when, locale=locale, options=options)
