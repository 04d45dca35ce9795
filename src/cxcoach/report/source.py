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
from .model import MonthlyReport, SkippedCase
from .period import Month

_DAMAGE = (ValueError, TypeError, KeyError, OverflowError, AttributeError, msgspec.ValidationError)


def month_figures(cases: CaseStore, playbook: Playbook, month: Month, *, as_of: dt.datetime,
                  skipped: list[SkippedCase] | None = None) -> tuple[list[CaseFigures], list[CaseFigures]]:
    """Figures of every case that lived in `month` or the month before: (as of `as_of`, as of the month's start).

    Two queries: the cases active in the two months with their stored lasting
    figures (closed cases) or folded state (open ones), then the logs up to
    `as_of` of the cases those do not serve at every instant the report
    takes them at.

    A case whose rows cannot be read or replayed (damaged by hand or by
    another tool) is left out of every figure and named in `skipped`.
    """
    tz = playbook.calendar.timezone
    start, before = month.start(tz), month.previous.start(tz)
    damaged: list[SkippedCase] = [] if skipped is None else skipped
    rows, logs = _read(cases, playbook, (before, start, as_of), month.end(tz), damaged)
    current: list[CaseFigures] = []
    previous: list[CaseFigures] = []
    for row, lasting, state in rows:
        try:
            then, now = _figures(playbook, row, lasting, state, logs.get(row.id), (before, start, as_of))
        except _DAMAGE as exc:
            damaged.append(SkippedCase(row.id, row.ref, f"its events cannot be replayed ({str(exc)[:200]})"))
            continue
        if then is not None:
            previous.append(then)
        if now is not None:
            current.append(now)
    return current, previous


def _figures(playbook: Playbook, row: CaseKey, lasting: CaseFigures | None, state: CaseState | None,
             log: list[EventRow] | None, instants: tuple[dt.datetime, dt.datetime, dt.datetime],
             ) -> tuple[CaseFigures | None, CaseFigures | None]:
    """One case's figures (as of the month's start if received before it, as of `as_of` if it counts in the
    month); `month_figures` says which of its stored lasting figures, folded state or log serve."""
    before, start, as_of = instants
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
        if then is not None and not then.is_open and (log is None or not any(start <= e.at < as_of for e in log)):
            return then, None  # closed before the month and untouched in it: in none of its figures
    before_now = then.reopened if then else 0
    if lasting is not None:
        now: CaseFigures | None = lasting.at(row, as_of, reopened_before=before_now)
    elif state is not None:
        now = figures_of(playbook, row, state, as_of=as_of, reopened_before=before_now)
    else:
        now = case_figures(playbook, row, log or [], as_of=as_of, reopened_before=before_now)
    return then, now


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
          end: dt.datetime, damaged: list[SkippedCase],
          ) -> tuple[list[tuple[CaseKey, CaseFigures | None, CaseState | None]], dict[int, list[EventRow]]]:
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
    cost ~30 µs an event. A case whose state row or an event cannot be
    decoded is named in `damaged` and left out.
    """
    c, e = t.cases.c, t.case_events.c
    decode = _decode_json
    start, until = instants[0], instants[-1]
    logs: dict[int, list[EventRow]] = {}
    bad: dict[int, str] = {}
    rows: list[tuple[CaseKey, CaseFigures | None, CaseState | None]] = []
    with cases.db.read() as conn:
        # `at` is never NULL, so what comes back is always an instant
        utc = cast(Callable[[Any], dt.datetime],
                   functools.partial(t.UTCDateTime().process_result_value, dialect=conn.dialect))
        query = (sa.select(c.id, c.external_id, sa.type_coerce(c.received_at, sa.Text),
                           sa.type_coerce(c.updated_at, sa.Text), c.version, c.figures, c.snapshot)
                 .where(_lived(start, end)).order_by(c.id))
        for i, ref, received_at, updated_at, version, blob, folded in conn.execute(query).all():
            try:
                received, updated = utc(received_at), utc(updated_at)
                key = CaseKey(i, ref or str(i), received)
                lasting = decode_lasting(playbook, blob, version) if updated < until else None
                state = decode_state(playbook, folded, version) if lasting is None and updated < until else None
            except _DAMAGE as exc:
                damaged.append(SkippedCase(i, str(ref or i), f"its case row cannot be read ({str(exc)[:200]})"))
                continue
            rows.append((key, lasting, state))
            if (lasting is None and state is None) or updated >= next((x for x in instants if received < x), until):
                logs[i] = []
        need = list(logs)
        for i in range(0, len(need), 500):  # by key: a join on the test would read every log on PostgreSQL
            logq = (sa.select(*_EVENT_COLUMNS).where(e.case_id.in_(need[i:i + 500]), e.at < until)
                    .order_by(e.case_id, e.seq))
            for case_id, seq, at, kind, by, note, stage, facts, data in conn.execute(logq).all():
                try:
                    logs[case_id].append(EventRow(seq, utc(at), kind, by, note or "", stage, decode(facts) or {},
                                                  None if data is None else decode(data)))
                except _DAMAGE as exc:
                    bad.setdefault(case_id, f"its event {seq} cannot be read ({str(exc)[:200]})")
    if bad:
        refs = {key.id: key.ref for key, _, _ in rows}
        damaged.extend(SkippedCase(i, refs[i], why) for i, why in bad.items())
        rows = [r for r in rows if r[0].id not in bad]
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
    skipped: list[SkippedCase] = []
    current, previous = month_figures(cases, playbook, month, as_of=when, skipped=skipped)
    report = monthly_report(playbook, month, current, previous, as_of=when, locale=locale, options=options)
    return msgspec.structs.replace(report, skipped_cases=sorted(skipped, key=lambda s: s.id))


def _decode_json(text: str | bytes) -> Any:
    """msgspec's fast path; the standard library for what it refuses (a lone surrogate escaped as \\ud800)."""
    try:
        return msgspec.json.decode(text)
    except msgspec.DecodeError:
        import json

        return json.loads(text)
