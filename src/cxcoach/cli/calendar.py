"""`cxcoach calendar`: a playbook's working days, holidays and make-up workdays as month grids.

Formatting only; what each day is comes from `engine.calendar_days`.
"""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ._common import bad_parameter, load, playbook_option, usage_error, write_output

if TYPE_CHECKING:
    from ..engine.calendar_days import CalendarDay
    from ..playbook.model import Calendar, Playbook

_YEARS = (1900, 2200)  # wide enough for any desk; keeps time-zone arithmetic away from year 1 and 9999
_WEEKDAY_HEADS = {"en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
                  "zh": ("一", "二", "三", "四", "五", "六", "日")}
_WORDS = {
    "en": {"holiday": "holiday", "makeup": "make-up workday", "workday": "workday", "weekend": "weekend",
           "playbook": "playbook", "source": "source", "estimated": "estimated", "uncovered": "no holiday data",
           "working_days": "working days", "legend": "H holiday  W make-up workday  . weekend  "
           "~ estimated  ? no holiday data", "hours": "working hours", "from": "holidays from",
           "own": "the playbook's own days only", "coverage": "holiday data known until"},
    "zh": {"holiday": "假日", "makeup": "调休上班", "workday": "工作日", "weekend": "休息日",
           "playbook": "本手册", "source": "数据源", "estimated": "推定", "uncovered": "无假日数据",
           "working_days": "个工作日", "legend": "H 假日  W 调休上班  . 休息日  ~ 推定  ? 无假日数据",
           "hours": "工作时间", "from": "假日来源", "own": "仅本手册所列日期", "coverage": "假日数据已知至"},
}


def _month(value: str) -> tuple[int, int]:
    try:
        day = dt.date.fromisoformat(value + "-01")
    except ValueError:
        raise bad_parameter("not_a_month", "--month", value=value, example="2027-02") from None
    if not _YEARS[0] <= day.year <= _YEARS[1]:
        raise bad_parameter("month_out_of_range", "--month", value=value, first=_YEARS[0], last=_YEARS[1])
    return day.year, day.month


@click.command()
@click.option("--year", type=click.IntRange(*_YEARS), help="Every month of this year.")
@click.option("--month", "month", metavar="YYYY-MM", help="One month (default: the current month).")
@playbook_option
@click.option("--lang",
              help="Locale of names and notes (default: every locale for names, the playbook's first for notes).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def calendar(year: int | None, month: str | None, playbook_path: Path | None, lang: str | None, fmt: str) -> None:
    """Working days, holidays (named) and make-up workdays of the playbook's calendar.

    \b
    Marks: H holiday, W make-up workday (调休上班), . weekend,
    ~ estimated by the holiday source (a year whose official schedule it does
    not have yet), ? no holiday data for that year.
    """
    if year is not None and month is not None:
        raise usage_error("year_or_month")
    playbook = load(playbook_path)
    cal = playbook.calendar
    today = _today(cal)
    months = ([(year, m) for m in range(1, 13)] if year is not None else
              [_month(month)] if month is not None else [(today.year, today.month)])
    if fmt == "json":
        write_output(_json(playbook, months, lang, today) + "\n", None, is_json=True)
    else:
        write_output(_text(playbook, months, lang, today), None)


def _today(cal: Calendar) -> dt.date:
    from ..engine.calendar import zone

    return dt.datetime.now(zone(cal.timezone)).date()


def _days(cal: Calendar, year: int, month: int) -> list[CalendarDay]:
    from ..engine.calendar_days import describe_day

    last = month_calendar.monthrange(year, month)[1]
    return [describe_day(cal, dt.date(year, month, n)) for n in range(1, last + 1)]


def _notes(cal: Calendar, months: list[tuple[int, int]], locale: str) -> list[str]:
    """The notes a deadline across the whole shown range would carry."""
    from ..engine.calendar import zone
    from ..engine.calendar_days import calendar_notes

    tz = zone(cal.timezone)
    first = dt.datetime(months[0][0], months[0][1], 1, tzinfo=tz)
    last_year, last_month = months[-1]
    last = dt.datetime(last_year, last_month, month_calendar.monthrange(last_year, last_month)[1], 12, tzinfo=tz)
    return [note.text for note in calendar_notes(cal, [(first, last)], locale)]


def _json(playbook: Playbook, months: list[tuple[int, int]], lang: str | None, today: dt.date) -> str:
    import json

    from ..engine.calendar_days import coverage

    cal = playbook.calendar
    locales = (lang,) if lang else playbook.locales
    days = [day for y, m in months for day in _days(cal, y, m)]
    end = coverage(cal, today)
    source = cal.source
    return json.dumps({
        "playbook": playbook.id,
        "timezone": cal.timezone,
        "working_hours": {"start": cal.start.strftime("%H:%M"), "end": _end(cal)},
        "weekdays": [month_calendar.day_abbr[d].lower() for d in sorted(cal.weekdays)],
        "source": None if source is None else {"package": "holidays", "version": source.version,
                                               "country": source.country, "subdivision": source.subdivision},
        "coverage": None if end is None else {"end": end.end.isoformat(), "next_year": end.year,
                                              "status": end.status.value},
        "months": [{"month": f"{y:04d}-{m:02d}", "working_days": sum(d.working for d in _days(cal, y, m))}
                   for y, m in months],
        "days": [day.to_json(locales) for day in days],
        "notes": _notes(cal, months, lang or playbook.default_locale),
    }, ensure_ascii=False, indent=2)


def _end(cal: Calendar) -> str:
    from ..playbook.model import MIDNIGHT

    return "24:00" if cal.end == MIDNIGHT else cal.end.strftime("%H:%M")


def _text(playbook: Playbook, months: list[tuple[int, int]], lang: str | None, today: dt.date) -> str:
    from ..engine.calendar_days import coverage, describe_source
    from ..engine.render import clean

    cal = playbook.calendar
    locale = lang or playbook.default_locale
    words = _WORDS["zh" if locale.startswith("zh") else "en"]
    heads = _WEEKDAY_HEADS["zh" if locale.startswith("zh") else "en"]
    source = (f"{words['from']} holidays {cal.source.version} ({describe_source(cal)})" if cal.source
              else words["own"])
    out = [clean(f"{playbook.id} · {cal.timezone} · {words['hours']} {cal.start:%H:%M}–{_end(cal)} · {source}")]
    end = coverage(cal, today)
    if end is not None:
        out.append(f"{words['coverage']} {end.end.isoformat()}")
    out.append(words["legend"])
    for year, month in months:
        days = _days(cal, year, month)
        working = sum(d.working for d in days)
        out += ["", f"{year:04d}-{month:02d}  ({working} {words['working_days']})",
                "".join(f"{h:>5}" if len(h) > 1 else f"   {h}" for h in heads)]
        week = ["     "] * days[0].date.weekday()
        for day in days:
            week.append(f"{day.date.day:>3}{_mark(day):<2}")
            if len(week) == 7:
                out.append("".join(week).rstrip())
                week = []
        if week:
            out.append("".join(week).rstrip())
        for day in days:
            if day.kind in ("holiday", "makeup") or day.name is not None:
                out.append(_line(day, words, heads, (lang,) if lang else playbook.locales))
    notes = _notes(cal, months, locale)
    if notes:
        out.append("")
        out += [clean(note) for note in notes]
    return "\n".join(out) + "\n"


def _mark(day: CalendarDay) -> str:
    mark = {"holiday": "H", "makeup": "W", "weekend": "."}.get(day.kind.value, "")
    if day.estimated:
        mark += "~"
    elif day.uncovered:
        mark += "?"
    return mark


def _line(day: CalendarDay, words: dict[str, str], heads: tuple[str, ...], locales: tuple[str, ...]) -> str:
    from ..engine.render import clean

    # no name: the kind says it
    name = " / ".join(dict.fromkeys(clean(day.name.get(loc)) for loc in locales)) if day.name is not None else ""
    flags = [words[day.origin]] if day.origin else []
    if day.estimated:
        flags.append(words["estimated"])
    weekday = heads[day.date.weekday()]
    text = f"  {day.date.isoformat()} {weekday if len(weekday) > 1 else '周' + weekday}  {words[day.kind.value]}"
    return f"{text}  {name}  ({', '.join(flags)})" if name else f"{text}  ({', '.join(flags)})"
