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


class CaseDeadlines:
    """The deadlines of one case: each duration timed once, and the time used so far once per kind of clock.

    `met` names the deadlines the playbook's clock.met_when says are done
    ("*": every step's too); their timings are never overdue.
    """

    def __init__(self, cal: Calendar, clock: CaseClock, met: frozenset[str] = frozenset()) -> None:
        self.cal, self.clock, self.met = cal, clock, met
        self._timings: dict[Duration, Timing] = {}
        self._used: dict[bool, tuple[float, tuple[float, ...]]] = {}

    def of(self, target: str, duration: Duration) -> Timing:
        """The timing of a named deadline (respond, resolve, a step id), met ones never overdue."""
        t = self.timing(duration)
        done = target in self.met or (target not in ("respond", "resolve") and "*" in self.met)
        return t.as_met() if done else t

    def earliest(self, candidates: list[tuple[Duration, str]]) -> tuple[Duration, str, Timing] | None:
        """The (duration, source) that falls due first, with its timing; the first listed on a tie."""
        best: tuple[Duration, str, Timing] | None = None
        for duration, source in candidates:
            t = self.timing(duration)
            if best is None or t.due < best[2].due:
                best = (duration, source, t)
        return best

    def timing(self, duration: Duration) -> Timing:
        t = self._timings.get(duration)
        if t is None:
            t = self._timings[duration] = self._time(duration)
        return t

    def _time(self, duration: Duration) -> Timing:
        cal, clock = self.cal, self.clock
        business = cal_mod.is_business_unit(duration.unit)
        start = clock.received_at
        base = cal_mod.add_duration(cal, start, duration)
        total = cal_mod.measure(cal, start, base, business=business)
        active, pauses = self._used_on(business)
        due = base
        for (s, _e), length in zip(clock.pauses, pauses, strict=True):
            if s < due:
                due = cal_mod.extend(cal, due, length, business=business)
        overdue = clock.now > due
        fraction = max(0.0, active / total) if total > 0 else float(clock.now >= due)
        return Timing(due=due, fraction=fraction, overdue=overdue)

    def _used_on(self, business: bool) -> tuple[float, tuple[float, ...]]:
        """Active minutes since received_at, and each pause's length, on the business or the elapsed clock."""
        used = self._used.get(business)
        if used is None:
            cal, clock = self.cal, self.clock
            pauses = tuple(cal_mod.measure(cal, s, e, business=business) for s, e in clock.pauses)
            paused = 0.0
            for length in pauses:  # in order, as before: sum() rounds differently on newer Pythons
                paused += length
            active = cal_mod.measure(cal, clock.received_at, clock.now, business=business) - paused
            used = self._used[business] = (active, pauses)
        return used
