"""Reading a month's cases from the store: the only part of the report that touches the database."""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from typing import Any

import msgspec
import sqlalchemy as sa

from ..playbook.model import Playbook
from ..store import tables as t
from ..store.cases import CaseStore, EventRow
from .cases import CaseFigures, CaseKey, case_figures, reopened_by
from .compute import Options, monthly_report
from .model import MonthlyReport
from .period import Month


def month_figures(cases: CaseStore, playbook: Playbook, month: Month, *,
                  as_of: dt.datetime) -> tuple[list[CaseFigures], list[CaseFigures]]:
    """Figures of every case that lived in `month` or the month before: (as of `as_of`, as of the month's start).

    Two queries: the cases active in the two months, then their logs up to `as_of`.
    """
    tz = playbook.calendar.timezone
    start, before = month.start(tz), month.previous.start(tz)
    rows, logs = _read(cases, before, month.end(tz), as_of)
    current, previous = [], []
    for row in rows:
        log = logs.get(row.id, [])
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


def _lived(start: dt.datetime, end: dt.datetime) -> sa.ColumnElement[bool]:
    """`CaseStore.active_between`'s test: received before `end` and not closed before `start`, or touched in it."""
    c, e = t.cases.c, t.case_events.c
    touched = sa.select(e.case_id).where(e.at >= start, e.at < end)
    return sa.or_(sa.and_(c.received_at < end, sa.or_(c.closed_at.is_(None), c.closed_at >= start)),
                  c.id.in_(touched))


_EVENT_COLUMNS = (t.case_events.c.case_id, t.case_events.c.seq, sa.type_coerce(t.case_events.c.at, sa.Text),
                  t.case_events.c.kind, t.case_events.c.by_role, t.case_events.c.note, t.case_events.c.stage,
                  sa.cast(t.case_events.c.facts, sa.Text), sa.cast(t.case_events.c.data, sa.Text))


def _read(cases: CaseStore, start: dt.datetime, end: dt.datetime,
          until: dt.datetime) -> tuple[list[CaseKey], dict[int, list[EventRow]]]:
    """The cases that lived in [start, end) and their logs before `until`, oldest first.

    What `active_between` and `events` give, cut to what a report reads: the
    cases' identity only, no event after the report's instant, no
    `recorded_at`; and each value decoded once by the fastest means: the
    JSON columns as text by msgspec, `at` by `UTCDateTime` itself, skipping
    SQLAlchemy's processors, which cost ~30 µs an event.
    """
    c, e = t.cases.c, t.case_events.c
    decode = _decode_json
    logs: dict[int, list[EventRow]] = defaultdict(list)
    with cases.db.read() as conn:
        utc = functools.partial(t.UTCDateTime().process_result_value, dialect=conn.dialect)
        rows = [CaseKey(i, ref or str(i), received) for i, ref, received in conn.execute(
            sa.select(c.id, c.external_id, c.received_at).where(_lived(start, end)).order_by(c.id)).all()]
        for i in range(0, len(rows), 500):  # by key: a join on the test would read every log on PostgreSQL
            query = (sa.select(*_EVENT_COLUMNS).where(e.case_id.in_([r.id for r in rows[i:i + 500]]), e.at < until)
                     .order_by(e.case_id, e.seq))
            for case_id, seq, at, kind, by, note, stage, facts, data in conn.execute(query).all():
                logs[case_id].append(EventRow(seq, utc(at), kind, by, note or "", stage, decode(facts) or {},
                                              None if data is None else decode(data)))
    return rows, logs


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


def _decode_json(text: str | bytes) -> Any:
    """msgspec's fast path; the standard library for what it refuses (a lone surrogate escaped as \\ud800)."""
    try:
        return msgspec.json.decode(text)
    except msgspec.DecodeError:
        import json

        return json.loads(text)
