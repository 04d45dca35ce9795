"""The case clock (elapsed and paused time) and deadlines that stand still during pauses.

Pauses come from two places: past intervals listed in the case (`pauses`),
and the playbook's `clock.pause_when` — if the case matches it *now*, the
clock is stopped now. An open interval in the case (`from` without `to`)
says since when. Intervals are clipped to [received_at, now] and merged.

A deadline is first computed without pauses (`calendar.add_duration`), then
pushed later by each pause that starts before it, by the pause's length
measured on the deadline's own clock: business minutes for `bh`/`bd`/
`end_of_business_day` (a pause at night costs nothing), elapsed minutes
otherwise. The fraction used up is active time so far over the deadline's
length on that same clock, so warnings at 0.5/0.75 mean what a supervisor
expects even across nights and weekends. A deadline is overdue strictly
after its due instant.
"""

from __future__ import annotations

import datetime as dt

import msgspec

from ..playbook.model import Calendar, Duration
from . import calendar as cal_mod
from .case import Case


class CaseClock(msgspec.Struct, frozen=True):
    received_at: dt.datetime
    now: dt.datetime
    pauses: tuple[tuple[dt.datetime, dt.datetime], ...]  # clipped, merged, sorted
    paused_now: bool

    @property
    def paused_minutes(self) -> float:
        return sum((e - s).total_seconds() for s, e in self.pauses) / 60

    @property
    def elapsed_minutes(self) -> float:
        """Wall-clock minutes since received_at, less paused time: the `elapsed_minutes` fact."""
        total = (self.now - self.received_at).total_seconds() / 60
        return max(0.0, total - self.paused_minutes)


def case_clock(case: Case, *, paused_by_state: bool) -> CaseClock:
    lo, hi = case.received_at, case.now
    spans: list[tuple[dt.datetime, dt.datetime]] = []
    open_pause = False
    for p in case.pauses:
        end = hi if p.end is None else p.end
        open_pause = open_pause or p.end is None
        s, e = max(p.start, lo), min(end, hi)
        if e > s:
            spans.append((s, e))
    spans.sort()
    merged: list[tuple[dt.datetime, dt.datetime]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return CaseClock(lo, hi, tuple(merged), paused_now=paused_by_state or open_pause)


class Timing(msgspec.Struct, frozen=True):
    """A deadline's due instant and the share of it used up."""

    due: dt.datetime
    fraction: float
    overdue: bool
    met: bool = False  # the playbook's clock.met_when says this deadline is done: never overdue

    def as_met(self) -> Timing:
        return Timing(self.due, self.fraction, overdue=False, met=True)


def timing(cal: Calendar, clock: CaseClock, duration: Duration) -> Timing:
    business = cal_mod.is_business_unit(duration.unit)
    start = clock.received_at
    base = cal_mod.add_duration(cal, start, duration)
    total = cal_mod.measure(cal, start, base, business=business)
    due = base
    paused = 0.0
    for s, e in clock.pauses:
        length = cal_mod.measure(cal, s, e, business=business)
        paused += length
        if s < due:
            due = cal_mod.extend(cal, due, length, business=business)
    active = cal_mod.measure(cal, start, clock.now, business=business) - paused
    overdue = clock.now > due
    fraction = max(0.0, active / total) if total > 0 else float(clock.now >= due)
    return Timing(due=due, fraction=fraction, overdue=overdue)

