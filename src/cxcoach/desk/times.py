"""Times as a supervisor types and reads them: in the playbook's time zone, offset always shown.

Accepted: an ISO-8601 instant with offset (`2026-03-06T16:00+08:00`), a
local date and time in the playbook's zone (`2026-03-06 16:00`), a time of
day today (`16:00`; for something that happened, the latest `16:00` by
now), `now`, and what `show_time` prints (`2026-03-06 16:00 +08:00`), so a
time can be copied from the desk's output and typed back.
A mistake says what is wrong: "'25:99' is not a time of day". Digits are
ASCII only (a full-width `２０２６` looks like a year but is refused, as in
external ids); years outside what the engine computes with (1900-2999) are
refused here rather than overflowing later; a local time that the zone skips
(clocks go forward) or repeats (clocks go back) must carry its offset, since
either reading could be wrong by an hour.
"""

from __future__ import annotations

import datetime as dt
import re

from ..engine.calendar import zone
from ..engine.case import FIRST_YEAR, LAST_YEAR
from ..errors import CxcoachError

_TIME = re.compile(r"^([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?$")
_DATE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")
_CLOCK = re.compile(r"^([0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,9})?)?) ?(Z|z|[+-][0-9]{2}:?[0-9]{2})?$")
MAX_SPAN = dt.timedelta(days=3660)  # --due-within: ten years is more than any deadline


class TimeError(CxcoachError, ValueError):
    """A time the user typed that cannot be read; the message says why."""


def _time_of_day(text: str) -> dt.time:
    m = _TIME.match(text)
    if m is None:
        raise TimeError(f"{text!r} is not a time of day; write HH:MM, e.g. 16:30")
    hour, minute, second = int(m[1]), int(m[2]), int(m[3] or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise TimeError(f"{text!r} is not a time of day (hours go to 23, minutes and seconds to 59)")
    return dt.time(hour, minute, second)


def _date(text: str) -> dt.date:
    m = _DATE.match(text)
    if m is None:
        raise TimeError(f"{text!r} is not a date; write YYYY-MM-DD, e.g. 2026-03-06")
    try:
        day = dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError as exc:
        raise TimeError(f"{text!r} is not a date ({exc})") from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise TimeError(f"{text!r} is outside the years {FIRST_YEAR}-{LAST_YEAR} that deadlines are computed for; "
                        "check the year")
    return day


def _local(day: dt.date, tod: dt.time, tz: str, text: str) -> dt.datetime:
    """`day` at `tod` in zone `tz`; a wall time the zone skips or repeats needs an offset (TimeError)."""
    zi = zone(tz)
    first = dt.datetime.combine(day, tod, tzinfo=zi)
    second = first.replace(fold=1)
    if first.utcoffset() == second.utcoffset():
        return first
    utc = dt.UTC
    if first.astimezone(utc).astimezone(zi).replace(tzinfo=None) != first.replace(tzinfo=None):
        after = first.astimezone(utc).astimezone(zi)
        raise TimeError(f"{text!r} does not exist in {tz}: the clocks skip it; write the time after the change "
                        f"with its offset, e.g. {_with_offset(after)}")
    raise TimeError(f"{text!r} happens twice in {tz} (the clocks go back); give the offset: "
                    f"{_with_offset(first)} (the first) or {_with_offset(second)} (the second)")


def _with_offset(value: dt.datetime) -> str:
    return value.isoformat(timespec="minutes")


PAST_GRACE = dt.timedelta(minutes=15)  # a bare time of day this little ahead of now is still today's (clocks differ)


def parse_time(text: str, tz: str, *, now: dt.datetime | None = None, what: str = "time",
               past: bool = False) -> dt.datetime:
    """An aware instant from what a person typed; local forms are read in the zone `tz`.

    `past`: the time of something that happened, so a bare time of day is the latest one by now: `16:00`
    typed at 00:30 is yesterday afternoon, not 15 hours ahead (which every later event would then have to
    follow). Messages quote the text, not `what` (kept for callers): the caller names the option or column.
    """
    raw = text.strip()
    example = "write e.g. 2026-03-06T16:00+08:00, 2026-03-06 16:00 or 16:00"
    if not raw:
        raise TimeError(f"an empty time; {example}")
    current = now or dt.datetime.now(dt.UTC)
    if raw.lower() == "now":
        return current
    if _TIME.match(raw):
        today = current.astimezone(zone(tz)).date()
        when = _local(today, _time_of_day(raw), tz, raw)
        if past and when > current + PAST_GRACE:
            when = _local(today - dt.timedelta(days=1), _time_of_day(raw), tz, raw)
        return when
    if _DATE.match(raw):
        return _local(_date(raw), dt.time(0), tz, raw)
    date_part, sep, rest = raw.replace("T", " ", 1).partition(" ")
    if not sep:
        raise TimeError(f"{raw!r} is not a time; {example}")
    day = _date(date_part)
    m = _CLOCK.match(rest.strip())
    if m is None:
        clock = re.split(r"[ +Zz]|(?<=[0-9])-", rest.strip(), maxsplit=1)[0]
        _time_of_day(clock.split(".")[0])  # names the bad time of day if that is the problem
        raise TimeError(f"{raw!r} is not a time; seconds may carry a fraction (16:00:05.5) and the offset must "
                        "look like +08:00 or Z")
    clock, _, fraction = m[1].partition(".")
    tod = _time_of_day(clock).replace(microsecond=int((fraction + "000000")[:6]) if fraction else 0)
    if not m[2]:
        return _local(day, tod, tz, raw)
    offset = m[2]
    if offset in ("Z", "z"):
        value = dt.datetime.combine(day, tod, tzinfo=dt.UTC)
    else:
        sign = 1 if offset[0] == "+" else -1
        digits = offset[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:])
        if hours > 23 or minutes > 59:
            raise TimeError(f"{offset!r} is not a UTC offset (from -23:59 to +23:59)")
        value = dt.datetime.combine(day, tod, tzinfo=dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes)))
    return value


FUTURE_HORIZON = dt.timedelta(days=1)  # an event's time may run this far ahead of the clock (skew, a zone mix-up)


def check_happened(value: dt.datetime, tz: str, *, now: dt.datetime | None = None) -> dt.datetime:
    """`value` if it can be when something happened; TimeError if it is more than a day ahead of `now`.

    An event records what happened, so a time days ahead is a typo (a wrong year or month) that would
    otherwise stay in the log for good: every later event must come after it, and its deadlines would be
    computed from a day that has not come.
    """
    current = now or dt.datetime.now(dt.UTC)
    if value > current + FUTURE_HORIZON:
        raise TimeError(f"{show_time(value, tz)} has not happened yet (now is {show_time(current, tz)}); an event "
                        f"records what happened: give its time, at most a day ahead of now")
    return value


def show_time(value: dt.datetime | None, tz: str) -> str:
    """`2026-03-06 16:00 +08:00` in the playbook's zone (seconds only when there are any)."""
    if value is None:
        return "-"
    local = value.astimezone(zone(tz))
    text = local.isoformat(" ", "seconds" if local.second else "minutes")  # '2026-03-06 16:00+08:00'
    cut = max(text.rfind("+"), text.rfind("-"))  # the offset's sign: the date's dashes come before it
    return f"{text[:cut]} {text[cut:]}"


def iso(value: dt.datetime | None, tz: str) -> str | None:
    """ISO-8601 in the playbook's zone, for JSON."""
    return None if value is None else value.astimezone(zone(tz)).isoformat()


def parse_span(text: str) -> dt.timedelta:
    """`30m`, `2h`, `1d`, `90s` -> a timedelta (for --due-within)."""
    m = re.match(r"^\s*([0-9]{1,7})\s*([smhd])\s*$", text)
    if m is None:
        raise TimeError(f"{text!r} is not a span of time; write e.g. 30m, 2h or 1d")
    unit = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}[m[2]]
    span = dt.timedelta(**{unit: int(m[1])})
    if span > MAX_SPAN:
        raise TimeError(f"{text!r} is longer than any deadline; write at most {MAX_SPAN.days}d")
    return span
