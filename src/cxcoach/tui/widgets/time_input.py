"""A field for a time, read in the playbook's time zone, that says why a time cannot be read.

Accepts what `cxcoach case --at` accepts (`desk.times.parse_time`): `16:30`
(today), `2026-03-06 16:30` (in the playbook's zone), an ISO time with its
offset, or `now`; empty means "not given". A bare time of day later than now
is taken as yesterday's when `past_only` or `happened` is set (a complaint
received "at 23:00" seen at 09:00 came in last night;
`desk.times.parse_time(past=True)`). With `happened` (an event's time)
a time more than a day ahead of now is refused with the words of `case
update --at` (`desk.times.check_happened`). The placeholder shows the zone's
offset, so nobody has to guess which clock the desk runs on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from textual.validation import ValidationResult, Validator
from textual.widgets import Input

from ...desk.times import TimeError, check_happened, parse_time, show_time


def read_time(text: str, tz: str, now: dt.datetime, *, past_only: bool = False,
              happened: bool = False) -> dt.datetime | None:
    """The instant typed in `text` (None when empty); TimeError says what is wrong."""
    if not text.strip():
        return None
    when = parse_time(text, tz, now=now, past=past_only or happened)  # a bare time: the latest one by now
    return check_happened(when, tz, now=now) if happened else when


def zone_offset(tz: str, now: dt.datetime) -> str:
    """`+08:00` for the zone at `now`."""
    return show_time(now, tz).rsplit(" ", 1)[-1]


class TimeValidator(Validator):
    """Accepts what `read_time` accepts; the failure text is the reason, e.g. "'25:99' is not a time of day"."""

    def __init__(self, tz: str, clock: Callable[[], dt.datetime], *, past_only: bool = False,
                 happened: bool = False) -> None:
        super().__init__()
        self.tz = tz
        self.clock = clock
        self.past_only = past_only
        self.happened = happened

    def validate(self, value: str) -> ValidationResult:
        try:
            read_time(value, self.tz, self.clock(), past_only=self.past_only, happened=self.happened)
        except TimeError as exc:
            return self.failure(str(exc))
        return self.success()


class TimeInput(Input):
    """An Input for one time in the zone `tz`; `when` is the typed instant or None.

    | Key | Does |
    | :- | :- |
    | (typing) | `16:30`, `2026-03-06 16:30`, `2026-03-06T16:30+08:00` or `now`; empty = not given |

    `happened`: the time of an event, refused when more than a day ahead of the clock.
    """

    DEFAULT_CSS = """
    TimeInput { width: 1fr; }
    """

    def __init__(self, value: str = "", *, tz: str, clock: Callable[[], dt.datetime], past_only: bool = False,
                 happened: bool = False, placeholder: str | None = None, **kwargs: Any) -> None:
        self.tz = tz
        self.clock = clock
        self.past_only = past_only
        self.happened = happened
        now = clock()
        today = show_time(now, tz).split(" ", 1)[0]  # the example is dated today in the playbook's zone
        hint = placeholder or f"now · 16:30 · {today} 16:30 ({zone_offset(tz, now)})"
        validator = TimeValidator(tz, clock, past_only=past_only, happened=happened)
        super().__init__(value, placeholder=hint, validators=[validator], valid_empty=True, **kwargs)

    @property
    def problem(self) -> str | None:
        """Why the current text is not a time (None when it is, or is empty)."""
        try:
            read_time(self.value, self.tz, self.clock(), past_only=self.past_only, happened=self.happened)
        except TimeError as exc:
            return str(exc)
        return None

    @property
    def when(self) -> dt.datetime | None:
        """The typed instant, or None when empty or unreadable (see `problem`)."""
        try:
            return read_time(self.value, self.tz, self.clock(), past_only=self.past_only, happened=self.happened)
        except TimeError:
            return None
