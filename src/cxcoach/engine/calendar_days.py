"""What a calendar says about each day, how sure it is, and the notes results carry.

`describe_day` explains one day (working or not, holiday or make-up workday,
named, decided by the playbook or by its holiday source, estimated or
without data); `cxcoach calendar` prints these. `year_status` says how sure
the calendar is about a whole year once the playbook's own days are taken
into account:

* a source year the `holidays` package only estimates stops being estimated
  when the playbook lists every estimated day off that falls on a working
  weekday (as a holiday or as a workday): the trainer typed the notice;
* a source year without data counts as known when the playbook lists days of
  its own in it;
* a calendar without a source but with days of its own knows the years from
  its first listed day to its last (a hand-typed list that stops in 2026 does
  not know 2027); one without any says nothing about holidays.

`calendar_notes` turns the business-time deadlines of a result into notes:
which of their days off are estimated, which years have no data, and how to
update. `coverage` tells lint when the calendar stops knowing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import StrEnum

import msgspec

from ..playbook.model import Calendar, SourceYear, Text, YearStatus
from .calendar import local_day

# How many years ahead `coverage` looks for the end of what a calendar knows.
COVERAGE_HORIZON_YEARS = 3


class DayKind(StrEnum):
    WORKDAY = "workday"  # an ordinary working day
    WEEKEND = "weekend"  # a weekday the desk does not work
    HOLIDAY = "holiday"  # a day off from the playbook or its source
    MAKEUP = "makeup"  # a working day on a day otherwise off (调休上班, or the playbook's own)


class CalendarDay(msgspec.Struct, frozen=True):
    """One day as the calendar sees it, and who decided."""

    date: dt.date
    working: bool
    kind: DayKind
    name: Text | None = None
    origin: str | None = None  # "playbook" or "source": whose list made the day what it is
    estimated: bool = False  # a day off the source only estimates
    uncovered: bool = False  # no holiday data for this day's year

    def to_json(self, locales: tuple[str, ...]) -> dict[str, object]:
        return {
            "date": self.date.isoformat(), "weekday": self.date.strftime("%a").lower(), "working": self.working,
            "kind": self.kind.value,
            "name": None if self.name is None else {loc: self.name.get(loc) for loc in locales},
            "origin": self.origin, "estimated": self.estimated, "uncovered": self.uncovered,
        }


def describe_day(cal: Calendar, day: dt.date) -> CalendarDay:
    """What `day` is on `cal`, in the order `Calendar.is_working_day` decides it."""
    ordinary = day.weekday() in cal.weekdays
    source = None if cal.source is None else cal.source.year(day.year)
    source_name = None if source is None else source.days_off.get(day)
    uncovered = year_status(cal, day.year) is YearStatus.UNCOVERED
    if day in cal.workdays:
        otherwise_off = not ordinary or source_name is not None
        return CalendarDay(day, True, DayKind.MAKEUP if otherwise_off else DayKind.WORKDAY,
                           cal.names.get(day, source_name), "playbook")
    if day in cal.holidays:
        return CalendarDay(day, False, DayKind.HOLIDAY, cal.names.get(day, source_name), "playbook")
    if source is not None and day in source.workdays:
        return CalendarDay(day, True, DayKind.WORKDAY if ordinary else DayKind.MAKEUP, None, "source")
    if source is not None and source_name is not None:
        estimated = source.status is YearStatus.ESTIMATED or day in source.estimated
        return CalendarDay(day, False, DayKind.HOLIDAY, source_name, "source", estimated)
    return CalendarDay(day, ordinary, DayKind.WORKDAY if ordinary else DayKind.WEEKEND, uncovered=uncovered)


def year_status(cal: Calendar, year: int) -> YearStatus | None:
    """How sure `cal` is about `year`'s days off; None when it names no holidays at all."""
    own = [*cal.holidays, *cal.workdays]
    if cal.source is None:
        if not own:
            return None
        first, last = min(own).year, max(own).year
        return YearStatus.KNOWN if first <= year <= last else YearStatus.UNCOVERED
    source = cal.source.year(year)
    if source.status is YearStatus.UNCOVERED and any(d.year == year for d in own):
        return YearStatus.KNOWN
    if source.status is YearStatus.ESTIMATED and not _open_estimates(cal, source):
        return YearStatus.KNOWN
    return source.status


def _open_estimates(cal: Calendar, source: SourceYear) -> list[dt.date]:
    """Estimated days off of `source` that would be working weekdays and the playbook leaves to the source."""
    return [d for d in source.days_off if d.weekday() in cal.weekdays
            and d not in cal.holidays and d not in cal.workdays
            and (source.status is YearStatus.ESTIMATED or d in source.estimated)]


class CalendarNote(msgspec.Struct, frozen=True):
    """A result's warning that its deadlines rest on estimated or missing holiday data."""

    kind: str  # "estimated" or "uncovered"
    year: int
    days: tuple[dt.date, ...]  # the days concerned within the deadlines' spans
    text: str  # in the result's locale: which days, why, and how to update

    def to_json(self) -> dict[str, object]:
        return {"kind": self.kind, "year": self.year, "days": [d.isoformat() for d in self.days], "text": self.text}


def calendar_notes(cal: Calendar, spans: Iterable[tuple[dt.datetime, dt.datetime]],
                   locale: str) -> tuple[CalendarNote, ...]:
    """Notes for the business-time deadlines running over `spans` (received, due), per year."""
    ranges = {(local_day(cal, start), local_day(cal, end)) for start, end in spans}
    notes = []
    for year in sorted({y for first, last in ranges for y in range(first.year, last.year + 1)}):
        status = year_status(cal, year)
        source = None if cal.source is None else cal.source.year(year)
        if status is not YearStatus.UNCOVERED and (
                source is None or (source.status is not YearStatus.ESTIMATED and not source.estimated)):
            continue  # the usual case: the calendar knows this year
        in_year = _days_in(ranges, year)
        if status is YearStatus.UNCOVERED:
            notes.append(CalendarNote("uncovered", year, tuple(in_year), _uncovered_text(cal, year, in_year, locale)))
            continue
        estimated = [d for d in in_year if d.weekday() in cal.weekdays and describe_day(cal, d).estimated]
        if estimated:
            notes.append(CalendarNote("estimated", year, tuple(estimated),
                                      _estimated_text(cal, year, estimated, locale)))
    return tuple(notes)


def _days_in(ranges: set[tuple[dt.date, dt.date]], year: int) -> list[dt.date]:
    """The days of `year` inside any of the (first, last) ranges, in order."""
    days: set[dt.date] = set()
    for first, last in ranges:
        lo, hi = max(first, dt.date(year, 1, 1)), min(last, dt.date(year, 12, 31))
        days.update(lo + dt.timedelta(days=n) for n in range((hi - lo).days + 1))
    return sorted(days)


class Coverage(msgspec.Struct, frozen=True):
    """Where a calendar stops knowing: the last known day and the year after it."""

    end: dt.date
    year: int
    status: YearStatus  # of that year: estimated or uncovered


def coverage(cal: Calendar, today: dt.date) -> Coverage | None:
    """The end of what `cal` knows, from this year on; None if it knows the next few years (or names no holidays)."""
    for year in range(today.year, today.year + COVERAGE_HORIZON_YEARS):
        status = year_status(cal, year)
        if status is None:
            return None
        if status is not YearStatus.KNOWN:
            return Coverage(dt.date(year - 1, 12, 31), year, status)
    return None


def describe_source(cal: Calendar) -> str:
    """E.g. `CN` or `DE-BY`: the country (and subdivision) the source's days are for."""
    if cal.source is None:
        return ""
    return cal.source.country + (f"-{cal.source.subdivision}" if cal.source.subdivision else "")


# -- note texts ---------------------------------------------------------------

def _zh(locale: str) -> bool:
    return locale.split("-")[0].split("_")[0] == "zh"


def _runs(days: list[dt.date], zh: bool) -> str:
    """2027-02-08 to 2027-02-10, 2027-02-12: consecutive days folded into ranges."""
    runs: list[list[dt.date]] = []
    for day in days:
        if runs and (day - runs[-1][-1]).days == 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    joiner, to = ("、", " 至 ") if zh else (", ", " to ")
    return joiner.join(r[0].isoformat() if len(r) == 1 else f"{r[0].isoformat()}{to}{r[-1].isoformat()}" for r in runs)


def _estimated_text(cal: Calendar, year: int, days: list[dt.date], locale: str) -> str:
    assert cal.source is not None  # only a source estimates
    zh, where, package = _zh(locale), describe_source(cal), f"holidays {cal.source.version}"
    unannounced = cal.source.year(year).status is YearStatus.ESTIMATED
    if zh:
        why = (f"{package} 尚未收录 {where} {year} 年的官方放假安排，按法定规则推算，调休上班日未知"
               if unannounced else f"{package} 只给出这些假日的推算日期")
        return (f"{_runs(days, True)} 的假日为推定：{why}。请运行 `pip install -U holidays` 更新，"
                f"或在 calendar.holidays / calendar.workdays 中写明 {year} 年的安排。")
    why = (f"{package} has no official {year} schedule for {where} yet, so they follow the statutory rules "
           "and make-up workdays are unknown" if unannounced else f"{package} only estimates these dates")
    return (f"Days off on {_runs(days, False)} are estimated: {why}. Update with `pip install -U holidays`, "
            f"or write the {year} days in calendar.holidays / calendar.workdays.")


def _uncovered_text(cal: Calendar, year: int, days: list[dt.date], locale: str) -> str:
    zh, span = _zh(locale), _runs(days, _zh(locale))
    if cal.source is None:
        own = [*cal.holidays, *cal.workdays]
        first, last = min(own).year, max(own).year
        years = str(first) if first == last else f"{first}–{last}"
        if zh:
            return (f"本手册只列出 {years} 年的假日，{span} 按普通日计算。"
                    f"请指定假日来源（calendar.holidays: {{country: ...}}）或补充 {year} 年的假日。")
        return (f"The playbook lists holidays for {years} only; {span} count as ordinary days. "
                f"Name a holiday source (calendar.holidays: {{country: ...}}) or add the {year} days.")
    where, package = describe_source(cal), f"holidays {cal.source.version}"
    if zh:
        return (f"{package} 没有 {where} {year} 年的假日数据，{span} 按普通日计算。"
                "请运行 `pip install -U holidays` 更新，"
                f"或在 calendar.holidays / calendar.workdays 中写明 {year} 年的安排。")
    return (f"{package} has no holidays for {where} in {year}; {span} count as ordinary days. Update with "
            f"`pip install -U holidays`, or write the {year} days in calendar.holidays / calendar.workdays.")
