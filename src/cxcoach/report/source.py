"""Reading a month's cases from the store: the only part of the report that touches the database."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any, cast

import msgspec
import sqlalchemy as sa

from ..desk.snapshot import decode as decode_state
from ..desk.state import CaseState
from ..playbook.model import Playbook
from ..store import tables as t
from ..store.cases import CaseStore, EventRow
from .cases import CaseFigures, CaseKey, case_figures, decode_lasting, figures_of, reopened_by
from .compute import Options, monthly_report
from .model import MonthlyReport
from .period import Month


def month_figures(cases: CaseStore, playbook: Playbook, month: Month, *,
                  as_of: dt.datetime) -> tuple[list[CaseFigures], list[CaseFigures]]:
    """Figures of every case that lived in `month` or the month before: (as of `as_of`, as of the month's start).

    Two queries: the cases active in the two months with their stored lasting
    figures (closed cases) or folded state (open ones), then the logs up to
    `as_of` of the cases those do not serve at every instant the report
    takes them at.
    """
    tz = playbook.calendar.timezone
    start, before = month.start(tz), month.previous.start(tz)
    rows, logs = _read(cases, playbook, (before, start, as_of), month.end(tz))
    current, previous = [], []
    for row, lasting, state in rows:
        log = logs.get(row.id)
        then = None
        if row.received_at < start:
            if log is None and lasting is not None:
                then = lasting.at(row, start, reopened_before=lasting.reopened if row.received_at < before else 0)
            elif log is None and state is not None:
                then = figures_of(playbook, row, state, as_of=start,
                                  reopened_before=state.reopened if row.received_at < before else 0)
            else:
                log = log or []
                old = reopened_by(playbook, row, log, before) if row.received_at < before else 0
                then = case_figures(playbook, row, log, as_of=start, reopened_before=old)
            if then is not None:
                previous.append(then)
            if then is not None and not then.is_open and (log is None or not any(start <= e.at < as_of for e in log)):
                continue  # closed before the month and untouched in it: in none of its figures
        before_now = then.reopened if then else 0
        if lasting is not None:
            now: CaseFigures | None = lasting.at(row, as_of, reopened_before=before_now)
        elif state is not None:
            now = figures_of(playbook, row, state, as_of=as_of, reopened_before=before_now)
        else:
            now = case_figures(playbook, row, log or [], as_of=as_of, reopened_before=before_now)
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


def _read(cases: CaseStore, playbook: Playbook, instants: tuple[dt.datetime, dt.datetime, dt.datetime],
          end: dt.datetime) -> tuple[list[tuple[CaseKey, CaseFigures | None, CaseState | None]],
                                     dict[int, list[EventRow]]]:
    """The cases that lived in [previous month's start, end), oldest first, each with its stored lasting
    figures or else its stored folded state (the desk's snapshot) if they serve at `until` (its last event
    came before); and the logs before `until` of the cases those do not serve at every instant the report
    takes them at.

    `instants` are (the previous month's start, the month's start, `until`):
    a case is taken at each of them after it was received (at the previous
    month's start only for its reopenings before), so what is stored serves
    at all of them if its last event came before the first. Reading a
    log is what `active_between` and `events` give, cut to what a report
    needs: no event after the report's instant, no `recorded_at`; each value
    decoded once by the fastest means: the JSON columns as text by msgspec,
    `at` by `UTCDateTime` itself, skipping SQLAlchemy's processors, which
    cost ~30 µs an event.
    """
    c, e = t.cases.c, t.case_events.c
    decode = _decode_json
    start, until = instants[0], instants[-1]
    logs: dict[int, list[EventRow]] = {}
    rows: list[tuple[CaseKey, CaseFigures | None, CaseState | None]] = []
    with cases.db.read() as conn:
        # `at` is never NULL, so what comes back is always an instant
        utc = cast(Callable[[Any], dt.datetime],
                   functools.partial(t.UTCDateTime().process_result_value, dialect=conn.dialect))
        query = (sa.select(c.id, c.external_id, c.received_at, c.updated_at, c.version, c.figures, c.snapshot)
                 .where(_lived(start, end)).order_by(c.id))
        for i, ref, received, updated, version, blob, folded in conn.execute(query).all():
            key = CaseKey(i, ref or str(i), received)
            lasting = decode_lasting(playbook, blob, version) if updated < until else None
            state = decode_state(playbook, folded, version) if lasting is None and updated < until else None
            rows.append((key, lasting, state))
            if (lasting is None and state is None) or updated >= next((x for x in instants if received < x), until):
                logs[i] = []
        need = list(logs)
        for i in range(0, len(need), 500):  # by key: a join on the test would read every log on PostgreSQL
            logq = (sa.select(*_EVENT_COLUMNS).where(e.case_id.in_(need[i:i + 500]), e.at < until)
                    .order_by(e.case_id, e.seq))
            for case_id, seq, at, kind, by, note, stage, facts, data in conn.execute(logq).all():
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
