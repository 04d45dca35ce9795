"""The monthly report as a typed value: what every renderer (HTML, Markdown, JSON, CSV) shows.

Texts are already in the report's locale, so renderers never need the
playbook. `MonthlyReport` encodes to the documented JSON shape
(`schemas/monthly-report.schema.json`, generated from these classes);
`SCHEMA_VERSION` changes whenever a field is renamed or removed or changes
meaning (adding a field does not).

Units: `hours` are active business hours (see `cases.py`); shares and rates
are fractions in [0, 1]; `change` is the value minus the previous month's
(percentage points for rates, hours for durations).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import msgspec

SCHEMA_VERSION = 1

Unit = Literal["count", "rate", "hours", "ratio"]


class Figure(msgspec.Struct, frozen=True):
    """One headline figure with last month's value beside it."""

    id: str
    label: str
    unit: Unit
    value: float | None  # None: nothing to measure (e.g. no case resolved)
    previous: float | None
    change: float | None  # value - previous
    n: int | None = None  # how many cases the figure is over (rates, means)


class Count(msgspec.Struct, frozen=True):
    """Cases with one value of a fact; `value` None counts the cases where it was not recorded."""

    value: str | None
    label: str
    count: int
    share: float | None
    previous: int


class Breakdown(msgspec.Struct, frozen=True):
    fact: str
    label: str
    rows: list[Count]


class DayCount(msgspec.Struct, frozen=True):
    date: dt.date
    received: int
    resolved: int


class DurationStat(msgspec.Struct, frozen=True):
    """Time to respond or to resolve, in active business hours, for all cases or one group."""

    measure: Literal["respond", "resolve"]
    fact: str | None  # None: all cases; else the grouping fact ...
    group: str | None  # ... and its value (None: not recorded)
    label: str
    n: int
    mean_hours: float | None
    median_hours: float | None
    previous_mean_hours: float | None
    previous_median_hours: float | None


class DeadlineStat(msgspec.Struct, frozen=True):
    """Deadlines of one kind decided in the month: met on time, met late, or missed and still open."""

    target: str
    label: str
    on_time: int
    late: int
    open: int
    on_time_rate: float | None
    previous_on_time_rate: float | None


class OverdueCase(msgspec.Struct, frozen=True):
    """A deadline missed in the month, or still overdue at its end."""

    case: str
    id: int
    received_at: dt.datetime
    target: str
    due: dt.datetime
    met_at: dt.datetime | None  # None: still not met at the end of the month
    status: Literal["late", "open"]
    hours_past_due: float  # wall-clock hours from due to met_at (or to the end of the month)
    stage: str
    handler: str | None
    facts: dict[str, str]  # the breakdown facts, as labels


class StateCount(msgspec.Struct, frozen=True):
    """Follow-ups in one of the playbook's satisfaction states."""

    state: str
    label: str
    min_ratio: float
    count: int
    share: float | None
    previous: int


class DimensionStat(msgspec.Struct, frozen=True):
    """c = b / a for one service-quality dimension over the month's scored follow-ups."""

    dimension: str
    label: str
    n: int
    mean_expected: float | None  # mean a
    mean_perceived: float | None  # mean b
    mean_ratio: float | None  # mean of each case's c = b / a
    previous_mean_ratio: float | None


class RootCause(msgspec.Struct, frozen=True):
    """A root cause written on the month's resolved cases (same text after normalising case and spaces)."""

    text: str
    count: int
    recurring: bool  # on more than one case
    cases: list[str]
    categories: list[str]
    with_measures: int  # cases that also name a corrective measure
    measures: list[str]  # distinct measures written, at most three


class HandlerStat(msgspec.Struct, frozen=True):
    """The month's figures for the cases of one handler (`None`: not assigned)."""

    handler: str | None
    received: int
    resolved: int
    mean_resolve_hours: float | None
    median_resolve_hours: float | None
    respond_on_time_rate: float | None
    resolve_on_time_rate: float | None
    overdue_open: int
    reopened: int
    follow_ups: int
    satisfaction_rate: float | None
    mean_ratio: float | None


class Reference(msgspec.Struct, frozen=True):
    """A figure from the handbooks to read the month against (the playbook's `measurement.statistics`)."""

    id: str
    text: str
    source: list[str]


class SkippedCase(msgspec.Struct, frozen=True):
    """A case left out of every figure because its stored rows cannot be read (damaged by hand or another tool)."""

    id: int
    ref: str
    reason: str


class MonthlyReport(msgspec.Struct, frozen=True):
    """The handbook's monthly complaint analysis report (records: monthly_report) for one month."""

    schema_version: int
    playbook: str
    title: str
    locale: str
    timezone: str
    month: str
    previous_month: str
    start: dt.datetime
    end: dt.datetime
    as_of: dt.datetime  # events before this instant count; `end` unless the month is not over
    partial: bool
    working_day_hours: float  # hours in a working day, to read business hours as working days
    handler_fact: str | None
    summary: list[Figure]
    breakdowns: list[Breakdown]
    daily: list[DayCount]
    durations: list[DurationStat]
    deadlines: list[DeadlineStat]
    overdue: list[OverdueCase]
    satisfaction: list[StateCount]
    dimensions: list[DimensionStat]
    root_causes: list[RootCause]
    handlers: list[HandlerStat]
    references: list[Reference]
    skipped_cases: list[SkippedCase] = []  # damaged cases the figures leave out, each named

    def figure(self, figure_id: str) -> Figure:
        return next(f for f in self.summary if f.id == figure_id)
