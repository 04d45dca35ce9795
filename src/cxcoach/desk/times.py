"""Times as a supervisor types and reads them: in the playbook's time zone, offset always shown.

Accepted: an ISO-8601 instant with offset (`2026-03-06T16:00+08:00`), a
local date and time in the playbook's zone (`2026-03-06 16:00`), a time of
day today (`16:00`), or `now`. A mistake says what is wrong: "'25:99' is not
a time of day".
"""

from __future__ import annotations

import datetime as dt
import re

from ..engine.calendar import zone
from ..errors import CxcoachError

_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


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
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError as exc:
        raise TimeError(f"{text!r} is not a date ({exc})") from None


def parse_time(text: str, tz: str, *, now: dt.datetime | None = None, what: str = "time") -> dt.datetime:
    """An aware instant from what a person typed; local forms are read in the zone `tz`."""
    raw = text.strip()
    if not raw:
        raise TimeError(f"{what}: empty; write e.g. 2026-03-06T16:00+08:00, 2026-03-06 16:00 or 16:00")
    zi = zone(tz)
    current = now or dt.datetime.now(dt.UTC)
    if raw.lower() == "now":
        return current
    if _TIME.match(raw):
        return dt.datetime.combine(current.astimezone(zi).date(), _time_of_day(raw), tzinfo=zi)
    if _DATE.match(raw):
        return dt.datetime.combine(_date(raw), dt.time(0), tzinfo=zi)
    date_part, sep, rest = raw.replace("T", " ", 1).partition(" ")
    if not sep:
        raise TimeError(f"{what}: {raw!r} is not a time; write e.g. 2026-03-06T16:00+08:00, 2026-03-06 16:00 or 16:00")
    day = _date(date_part)
    m = re.match(r"^(\d{1,2}:\d{2}(?::\d{2})?)(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$", rest.strip())
    if m is None:
        clock = rest.strip().split("+")[0].split("Z")[0]
        _time_of_day(clock)  # names the bad time of day if that is the problem
        raise TimeError(f"{what}: {raw!r} is not a time; the offset must look like +08:00 or Z")
    tod = _time_of_day(m[1])
    micro = int(float(m[2]) * 1_000_000) if m[2] else 0
    local = dt.datetime.combine(day, tod.replace(microsecond=micro))
    if m[3]:
        offset = m[3]
        if offset == "Z":
            return local.replace(tzinfo=dt.UTC)
        sign = 1 if offset[0] == "+" else -1
        digits = offset[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:])
        if hours > 23 or minutes > 59:
            raise TimeError(f"{what}: {offset!r} is not a UTC offset")
        return local.replace(tzinfo=dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes)))
    return local.replace(tzinfo=zi)


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
    m = re.match(r"^\s*(\d{1,6})\s*([smhd])\s*$", text)
    if m is None:
        raise TimeError(f"{text!r} is not a span of time; write e.g. 30m, 2h or 1d")
    unit = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}[m[2]]
    return dt.timedelta(**{unit: int(m[1])})
