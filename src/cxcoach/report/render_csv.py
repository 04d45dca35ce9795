"""The report as one CSV in tidy long form: one observation per row, both months, for spreadsheets and BI tools.

Columns: `month, section, group, key, label, metric, value`. A pivot on
`metric` (or on `month`, for month-over-month) gives any table of the
report; one file (not one per table) so that it streams to stdout, loads in
one step into Power BI, Tableau, pandas or a spreadsheet, and keeps every
table's rows joinable by `month`. `value` is a number (rates and shares as
fractions, durations in business hours) except for the overdue list's
`due`/`met_at` (ISO 8601) and `status`, and the `skipped` section's `reason` (a case
left out of every figure because its stored record cannot be read). Every text cell that a spreadsheet
would run as a formula (starting with = + - @) is made text, and control and
bidi characters (from playbook text) are dropped, as in the other formats.
`-o FILE.csv` starts the file with a byte-order mark (cli/report.py), so that
a spreadsheet on a Chinese-locale Windows reads it as UTF-8.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from ..sanitize import strip_controls
from ..store.history import csv_cell
from .model import MonthlyReport

COLUMNS = ("month", "section", "group", "key", "label", "metric", "value")


def _rows(r: MonthlyReport) -> Iterator[tuple[Any, ...]]:
    now, before = r.month, r.previous_month
    for left_out in r.skipped_cases:  # left out of every figure below: a damaged stored record, and why
        yield now, "skipped", "", left_out.ref, f"#{left_out.id}", "reason", left_out.reason
    for f in r.summary:
        yield now, "summary", "", f.id, f.label, "value", f.value
        yield before, "summary", "", f.id, f.label, "value", f.previous
        if f.n is not None:
            yield now, "summary", "", f.id, f.label, "n", f.n
    for b in r.breakdowns:
        for c in b.rows:
            key = "" if c.value is None else c.value
            yield now, "breakdown", b.fact, key, c.label, "count", c.count
            yield now, "breakdown", b.fact, key, c.label, "share", c.share
            yield before, "breakdown", b.fact, key, c.label, "count", c.previous
    for d in r.daily:
        yield now, "daily", "", d.date.isoformat(), "", "received", d.received
        yield now, "daily", "", d.date.isoformat(), "", "resolved", d.resolved
    for t in r.durations:
        key = "all" if t.fact is None else f"{t.fact}={'' if t.group is None else t.group}"
        yield now, "durations", t.measure, key, t.label, "n", t.n
        yield now, "durations", t.measure, key, t.label, "mean_hours", t.mean_hours
        yield now, "durations", t.measure, key, t.label, "median_hours", t.median_hours
        yield before, "durations", t.measure, key, t.label, "mean_hours", t.previous_mean_hours
        yield before, "durations", t.measure, key, t.label, "median_hours", t.previous_median_hours
    for dl in r.deadlines:
        for metric in ("on_time", "late", "open", "on_time_rate"):
            yield now, "deadlines", dl.target, "", dl.label, metric, getattr(dl, metric)
        yield before, "deadlines", dl.target, "", dl.label, "on_time_rate", dl.previous_on_time_rate
    for o in r.overdue:
        yield now, "overdue", o.target, o.case, o.stage, "hours_past_due", o.hours_past_due
        yield now, "overdue", o.target, o.case, o.stage, "status", o.status
        yield now, "overdue", o.target, o.case, o.stage, "due", o.due.isoformat()
        yield now, "overdue", o.target, o.case, o.stage, "met_at", o.met_at.isoformat() if o.met_at else None
        yield now, "overdue", o.target, o.case, o.stage, "received_at", o.received_at.isoformat()
        if o.handler is not None:
            yield now, "overdue", o.target, o.case, o.stage, "handler", o.handler
    for s in r.satisfaction:
        yield now, "satisfaction", "", s.state, s.label, "count", s.count
        yield now, "satisfaction", "", s.state, s.label, "share", s.share
        yield before, "satisfaction", "", s.state, s.label, "count", s.previous
    for dim in r.dimensions:
        yield now, "dimensions", "", dim.dimension, dim.label, "n", dim.n
        yield now, "dimensions", "", dim.dimension, dim.label, "mean_expected", dim.mean_expected
        yield now, "dimensions", "", dim.dimension, dim.label, "mean_perceived", dim.mean_perceived
        yield now, "dimensions", "", dim.dimension, dim.label, "mean_ratio", dim.mean_ratio
        yield before, "dimensions", "", dim.dimension, dim.label, "mean_ratio", dim.previous_mean_ratio
    for rc in r.root_causes:
        yield now, "root_causes", "", rc.text, "; ".join(rc.categories), "count", rc.count
        yield now, "root_causes", "", rc.text, "; ".join(rc.categories), "with_measures", rc.with_measures
    for h in r.handlers:
        key = h.handler or ""
        for metric in ("received", "resolved", "mean_resolve_hours", "median_resolve_hours", "respond_on_time_rate",
                       "resolve_on_time_rate", "overdue_open", "reopened", "follow_ups", "satisfaction_rate",
                       "mean_ratio"):
            yield now, "handlers", r.handler_fact or "", key, key, metric, getattr(h, metric)


def render_csv(report: MonthlyReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in _rows(report):
        writer.writerow([csv_cell(strip_controls(v) if isinstance(v, str) else v) for v in row])
    return out.getvalue()
