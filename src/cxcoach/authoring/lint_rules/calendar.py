"""L7xx: the business calendar: holiday data that are about to run out.

A calendar knows a year when its holiday source has that year's official
days (or the law fixes them), or when the playbook lists the year's days
itself (see `engine.calendar_days.year_status`). After the last known year,
business-time deadlines rest on estimated days off (China before the State
Council's notice is in the `holidays` package) or on none at all (a
hand-typed list that stops in December), and the results say so in a note;
lint says it to the trainer early enough to act.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...engine.calendar_days import Coverage, coverage, describe_source
from ...playbook.model import Calendar, Pos, YearStatus
from ...problems import Problem
from .base import LintContext, finding

CODES = {"L701": "the calendar's holiday data end within 60 days (or have ended): later deadlines rest on estimates"}

WARN_DAYS = 60


def check(ctx: LintContext) -> Iterator[Problem]:
    cal = ctx.playbook.calendar
    end = coverage(cal, ctx.today)
    if end is None or (end.end - ctx.today).days > WARN_DAYS:
        return
    left = (end.end - ctx.today).days
    when = f"in {left} days" if left > 0 else "today" if left == 0 else f"{-left} days ago"
    message, hint = _explain(cal, end)
    yield finding(_position(ctx), "L701", f"holiday data end on {end.end} ({when}): {message}", hint)


def _explain(cal: Calendar, end: Coverage) -> tuple[str, str]:
    year = end.year
    if cal.source is None:
        return (f"the calendar lists its own holidays only up to {end.end.year}",
                f"name a source (holidays: [{{country: CN}}], any ISO country code) or add the {year} days")
    package, where = f"holidays {cal.source.version}", describe_source(cal)
    update = (f"run `pip install -U holidays` once the package has the {year} schedule, or write the {year} days "
              "off and make-up workdays in calendar.holidays / calendar.workdays")
    if end.status is YearStatus.ESTIMATED:
        return (f"{package} has no official {year} schedule for {where} yet, so {year} deadlines follow "
                "estimated days off and no make-up workdays", update)
    return f"{package} has no holidays for {where} in {year}", update


def _position(ctx: LintContext) -> Pos:
    """The calendar's `holidays` key (or the section) in the file that holds it."""
    for doc in ctx.docs:
        section = doc.data.get("calendar") if isinstance(doc.data, dict) else None
        if isinstance(section, dict):
            path: tuple[str, ...] = ("calendar", "holidays") if "holidays" in section else ("calendar",)
            line, col = doc.position(path, key=True)
            return Pos(doc.file, line, col)
    return Pos(ctx.playbook.path, 1, 1)
