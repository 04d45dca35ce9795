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
    """The deadlines of one case, each worked out once and only as far as it is asked.

    Choosing the earliest of several candidate deadlines needs only their due
    instants; how much of a deadline is used up is worked out for the ones a
    result shows. `met` names the deadlines the playbook's clock.met_when says
    are done ("*": every step's too); their timings are never overdue.
    """

    def __init__(self, cal: Calendar, clock: CaseClock, met: frozenset[str] = frozenset()) -> None:
        self.cal, self.clock, self.met = cal, clock, met
        self._dues: dict[Duration, tuple[dt.datetime, dt.datetime]] = {}
        self._timings: dict[Duration, Timing] = {}
        self._pauses: dict[bool, tuple[float, ...]] = {}
        self._active: dict[bool, float] = {}

    def of(self, target: str, duration: Duration) -> Timing:
        """The timing of a named deadline (respond, resolve, a step id), met ones never overdue."""
        t = self.timing(duration)
        return t.as_met() if self._is_met(target) else t

    def overdue(self, target: str, duration: Duration) -> bool:
        """Whether a named deadline is past due, as `of(target, duration).overdue` says, from its due time alone."""
        return not self._is_met(target) and self.clock.now > self.due(duration)

    def _is_met(self, target: str) -> bool:
        return target in self.met or (target not in ("respond", "resolve") and "*" in self.met)

    def earliest(self, candidates: list[tuple[Duration, str]]) -> tuple[Duration, str] | None:
        """The (duration, source) that falls due first; the first listed on a tie."""
        best: tuple[Duration, str] | None = None
        best_due = None
        for duration, source in candidates:
            due = self.due(duration)
            if best_due is None or due < best_due:
                best, best_due = (duration, source), due
        return best

    def due(self, duration: Duration) -> dt.datetime:
        """When a deadline of `duration` falls due: counted from received_at and pushed later by the pauses."""
        return self._due(duration)[1]

    def timing(self, duration: Duration) -> Timing:
        t = self._timings.get(duration)
        if t is None:
            clock = self.clock
            business = cal_mod.is_business_unit(duration.unit)
            base, due = self._due(duration)
            total = cal_mod.measure(self.cal, clock.received_at, base, business=business)
            active = self._active_on(business)
            fraction = max(0.0, active / total) if total > 0 else float(clock.now >= due)
            t = self._timings[duration] = Timing(due=due, fraction=fraction, overdue=clock.now > due)
        return t

    def _due(self, duration: Duration) -> tuple[dt.datetime, dt.datetime]:
        """(due without pauses, due with them)."""
        dues = self._dues.get(duration)
        if dues is None:
            cal, clock = self.cal, self.clock
            base = due = cal_mod.add_duration(cal, clock.received_at, duration)
            if clock.pauses:
                business = cal_mod.is_business_unit(duration.unit)
                for (s, _e), length in zip(clock.pauses, self._pauses_on(business), strict=True):
                    if s < due:
                        due = cal_mod.extend(cal, due, length, business=business)
            dues = self._dues[duration] = (base, due)
        return dues

    def _pauses_on(self, business: bool) -> tuple[float, ...]:
        """Each pause's length on the business or the elapsed clock."""
        pauses = self._pauses.get(business)
        if pauses is None:
            cal = self.cal
            pauses = self._pauses[business] = tuple(cal_mod.measure(cal, s, e, business=business)
                                                    for s, e in self.clock.pauses)
        return pauses

    def _active_on(self, business: bool) -> float:
        """Minutes since received_at less the pauses, on the business or the elapsed clock."""
        active = self._active.get(business)
        if active is None:
            clock = self.clock
            paused = 0.0
            for length in self._pauses_on(business):  # in order: sum() rounds differently on newer Pythons
                paused += length
            active = self._active[business] = cal_mod.measure(self.cal, clock.received_at, clock.now,
                                                              business=business) - paused
        return active
