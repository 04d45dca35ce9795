"""The month a report covers, as instants in the playbook's time zone."""

from __future__ import annotations

import datetime as dt
import re

import msgspec

from ..engine.calendar import zone
from ..errors import CxcoachError

_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


class ReportError(CxcoachError, ValueError):
    """A report that cannot be made as asked (a bad month, an unknown fact); the message says why."""


class NotAMonth(ReportError):
    """Text that is not a YYYY-MM month; `text` is what was given, for a message in another language."""

    EXAMPLE = "2026-11"

    def __init__(self, text: str) -> None:
        super().__init__(f"{text!r} is not a month; write YYYY-MM, e.g. {self.EXAMPLE}")
        self.text = text


class Month(msgspec.Struct, frozen=True, order=True):
    """A calendar month; `start`/`end` are local midnights in a time zone (end exclusive)."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        m = _MONTH.match(text)
        if m is None or not 1 <= int(m[2]) <= 12 or not 1900 <= int(m[1]) <= 9998:
            raise NotAMonth(text)
        return cls(int(m[1]), int(m[2]))

    @classmethod
    def of(cls, when: dt.datetime, tz: str) -> Month:
        local = when.astimezone(zone(tz))
        return cls(local.year, local.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def previous(self) -> Month:
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    @property
    def next(self) -> Month:
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)

    def start(self, tz: str) -> dt.datetime:
        return dt.datetime(self.year, self.month, 1, tzinfo=zone(tz))

    def end(self, tz: str) -> dt.datetime:
        return self.next.start(tz)

    def days(self) -> list[dt.date]:
        first = dt.date(self.year, self.month, 1)
        last = dt.date(self.next.year, self.next.month, 1)
        return [first + dt.timedelta(days=i) for i in range((last - first).days)]
