"""Deadline arithmetic on a business calendar: wall-clock and business time.

Units (see `model.DurationUnit`) and what they mean here:

* `m`, `h` — elapsed time. 3h is three real hours later, even across a DST
  change (arithmetic is done in UTC).
* `d` — calendar days: the same local wall time N days later in the
  calendar's time zone (so 1d across the spring-forward night is 23 hours).
* `bh` — business hours: only time inside working hours on working days
  counts. A case received after hours starts counting at the next opening;
  a deadline that lands exactly on closing time stays there (Friday 16:00 +
  1bh is Friday 17:00, not Monday 09:00).
* `bd` — business days: N times the length of a working day in business
  time, so Monday 10:00 + 1bd is Tuesday 10:00 and Saturday + 1bd is the end
  of Monday.
* `end_of_business_day` — closing time of the day the case arrived if it
  arrived on a working day before closing, else closing time of the next
  working day.

Which days are working days is `Calendar.is_working_day`: the playbook's own
days, then its holiday source (public holidays and make-up workdays from the
`holidays` package), then `weekdays`; `calendar_days.py` says why a day is
what it is and how sure the source is. Working hours are local wall times;
`end == 00:00` means midnight at the end of the day (24:00). Every returned
datetime is aware and expressed in the calendar's time zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import lru_cache
from zoneinfo import ZoneInfo

from ..errors import CxcoachError
from ..playbook.model import MIDNIGHT, Calendar, Duration, DurationUnit, calendar_problems

UTC = dt.UTC
# How far ahead we look for a working day before giving up: a calendar with
# no working day at all must not hang the engine.
MAX_DAYS_AHEAD = 3 * 366


class CalendarError(CxcoachError, ValueError):
    """The calendar cannot produce a deadline (no working day in reach)."""


def check_calendar(cal: Calendar) -> list[str]:
    """Problems that make a calendar unusable, as plain sentences (empty: fine)."""
    return [message for _, message in calendar_problems(cal)]


@lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


Window = tuple[dt.datetime, dt.datetime]
_windows: dict[int, tuple[Calendar, dict[dt.date, Window | None]]] = {}
_WINDOW_CALENDARS = 8


def working_window(cal: Calendar, day: dt.date) -> Window | None:
    """The working hours of `day` as UTC instants, or None on a day off.

    Local times that do not exist (a DST gap) resolve forwards, times that
    occur twice take the first occurrence, as zoneinfo does with fold=0.
    Memoised per calendar object (a calendar holds dicts, so it is not hashable).
    """
    entry = _windows.get(id(cal))
    if entry is None or entry[0] is not cal:
        if len(_windows) >= _WINDOW_CALENDARS:
            _windows.pop(next(iter(_windows)))
        entry = _windows[id(cal)] = (cal, {})
    memo = entry[1]
    if day not in memo:
        memo[day] = _window(cal, day)
    return memo[day]


def _window(cal: Calendar, day: dt.date) -> Window | None:
    if not cal.is_working_day(day):
        return None
    tz = zone(cal.timezone)
    start = dt.datetime.combine(day, cal.start, tzinfo=tz).astimezone(UTC)
    end_day = day + dt.timedelta(days=1) if cal.end == MIDNIGHT else day
    end = dt.datetime.combine(end_day, cal.end, tzinfo=tz).astimezone(UTC)
    return start, end


def local_day(cal: Calendar, when: dt.datetime) -> dt.date:
    return when.astimezone(zone(cal.timezone)).date()


def _windows_from(cal: Calendar, when: dt.datetime) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """Working windows (UTC) that end after `when`, in order; starts a day early for late shifts."""
    day = local_day(cal, when) - dt.timedelta(days=1)
    for _ in range(MAX_DAYS_AHEAD):
        window = working_window(cal, day)
        day += dt.timedelta(days=1)
        if window is not None and window[1] > when:
            yield window
    raise CalendarError(f"no working time within {MAX_DAYS_AHEAD} days after {when.isoformat()}")


def add_business_minutes(cal: Calendar, when: dt.datetime, minutes: float) -> dt.datetime:
    """`when` plus `minutes` of working time, in the calendar's zone."""
    t = when.astimezone(UTC)
    remaining = dt.timedelta(minutes=minutes)
    for start, end in _windows_from(cal, t):
        begin = max(t, start)
        available = end - begin
        if remaining <= available:
            return (begin + remaining).astimezone(zone(cal.timezone))
        remaining -= available
    raise AssertionError("unreachable")  # pragma: no cover - _windows_from raises


def business_minutes_between(cal: Calendar, a: dt.datetime, b: dt.datetime) -> float:
    """Working minutes in [a, b); 0 when b <= a."""
    a, b = a.astimezone(UTC), b.astimezone(UTC)
    if b <= a:
        return 0.0
    total = dt.timedelta()
    day = local_day(cal, a) - dt.timedelta(days=1)
    last = local_day(cal, b)
    while day <= last:
        window = working_window(cal, day)
        day += dt.timedelta(days=1)
        if window is None:
            continue
        lo, hi = max(a, window[0]), min(b, window[1])
        if hi > lo:
            total += hi - lo
    return total.total_seconds() / 60


def working_day_minutes(cal: Calendar) -> float:
    """Length of a nominal working day in minutes (wall clock, no DST)."""
    def minutes(t: dt.time) -> float:
        return t.hour * 60 + t.minute + (t.second + t.microsecond / 1e6) / 60

    end = 24 * 60 if cal.end == MIDNIGHT else minutes(cal.end)
    return end - minutes(cal.start)


def end_of_business_day(cal: Calendar, when: dt.datetime) -> dt.datetime:
    _start, end = next(_windows_from(cal, when.astimezone(UTC)))  # the windows never run out
    return end.astimezone(zone(cal.timezone))


BUSINESS_UNITS = (DurationUnit.BUSINESS_HOURS, DurationUnit.BUSINESS_DAYS, DurationUnit.END_OF_BUSINESS_DAY)


def is_business_unit(unit: DurationUnit) -> bool:
    return unit in BUSINESS_UNITS


def add_duration(cal: Calendar, when: dt.datetime, duration: Duration) -> dt.datetime:
    """The instant `duration` after `when` (no pauses), in the calendar's zone."""
    tz = zone(cal.timezone)
    unit = duration.unit
    if unit is DurationUnit.MINUTES:
        return (when.astimezone(UTC) + dt.timedelta(minutes=duration.amount)).astimezone(tz)
    if unit is DurationUnit.HOURS:
        return (when.astimezone(UTC) + dt.timedelta(hours=duration.amount)).astimezone(tz)
    if unit is DurationUnit.DAYS:
        local = when.astimezone(tz).replace(tzinfo=None) + dt.timedelta(days=duration.amount)
        return local.replace(tzinfo=tz).astimezone(UTC).astimezone(tz)
    if unit is DurationUnit.BUSINESS_HOURS:
        return add_business_minutes(cal, when, duration.amount * 60)
    if unit is DurationUnit.BUSINESS_DAYS:
        return add_business_minutes(cal, when, duration.amount * working_day_minutes(cal))
    return end_of_business_day(cal, when)


def measure(cal: Calendar, a: dt.datetime, b: dt.datetime, *, business: bool) -> float:
    """Minutes from a to b on the clock a deadline of that kind runs on."""
    if business:
        return business_minutes_between(cal, a, b)
    return max(0.0, (b.astimezone(UTC) - a.astimezone(UTC)).total_seconds() / 60)


def extend(cal: Calendar, when: dt.datetime, minutes: float, *, business: bool) -> dt.datetime:
    """Push a deadline later by `minutes` of its own kind of time (used for pauses)."""
    if minutes <= 0:
        return when
    if business:
        return add_business_minutes(cal, when, minutes)
    return (when.astimezone(UTC) + dt.timedelta(minutes=minutes)).astimezone(zone(cal.timezone))
