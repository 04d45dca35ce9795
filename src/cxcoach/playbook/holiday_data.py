"""Public holidays from the `holidays` package, turned into plain model data.

`calendar.holidays: {country: CN}` names a source; the builder resolves it
here into `HolidaySource`: for each year, the days off (named in the
playbook's locales), the weekend days the government made working days (调休
上班), and how sure the year is (`YearStatus`):

* known — the country's fixed rules, or, where the days are set by a yearly
  notice, a year whose notice the package carries;
* estimated — a country of yearly notices (`NOTICE_COUNTRIES`) and a year the
  package has no notice for: its days off are the statutory days and the
  package's own guess of days in lieu, and make-up workdays are unknown. The
  package does not say so itself; a notice year is recognised by its make-up
  workdays, which every notice of these countries has had since 2001.
  Days the package itself labels estimated (Islamic dates from the tabular
  calendar, for instance) are listed per day in `SourceYear.estimated`.
  A year the package warns it has only part of (India's lunar holidays
  outside 2001-2035) is estimated too; the warning itself is never printed.
* uncovered — outside the years the package has data for: no days off.

Importing the package and loading a country's translations costs about
130 ms, as much as the rest of `cxcoach recommend`'s start-up. So it is
imported here only, and only to resolve data: at build time for the years
around the build date (the playbook cache stores them, keyed also by
`source_stamp()`), and afterwards for a year the cached playbook does not
hold, once per process.
"""

# No `from __future__ import annotations` here (as in model.py): msgspec reads these structs'
# annotations to decode the cached playbook, and strings would each be compiled first.

import datetime as dt
import importlib.machinery
import os
import warnings
from enum import StrEnum
from typing import Any

import msgspec

from .base import Model, Text

# Countries whose days off and make-up workdays are set by a yearly government
# notice (China: the State Council's 节假日安排 notice; Belarus: the Council of
# Ministers' transfer of working days). In the package's data every year since
# 2001 (China) and 1998 (Belarus) has at least one weekend made a working day,
# so a year without one is a year whose notice the package does not have.
NOTICE_COUNTRIES = frozenset({"CN", "CHN", "BY", "BLR"})

# Years resolved when a playbook is built: last year to next year around the build date.
BUILD_YEARS_BEFORE, BUILD_YEARS_AFTER = 1, 1


class YearStatus(StrEnum):
    """How sure a holiday source is about one year (see the module docstring)."""

    KNOWN = "known"  # fixed by law, or the year's official notice is in the source
    ESTIMATED = "estimated"  # a yearly notice the source does not have yet: statutory days only
    UNCOVERED = "uncovered"  # outside the years the source has data for: no days off at all


class SourceYear(Model):
    """One year of a holiday source as plain data: days off (named) and make-up workdays."""

    year: int
    status: YearStatus
    days_off: dict[dt.date, Text] = msgspec.field(default_factory=dict)
    workdays: frozenset[dt.date] = frozenset()  # weekend days made working days (调休上班)
    estimated: frozenset[dt.date] = frozenset()  # days off the source itself labels estimated


class HolidaySource(Model):
    """`calendar.holidays: {country, subdivision}`: public holidays from the `holidays` package.

    `years` holds what was resolved when the playbook was built (and cached
    with it); any other year is resolved on first use, which imports the
    package. `version` is the package's version the data came from.
    """

    country: str
    subdivision: str | None = None
    version: str = ""
    locales: tuple[str, ...] = ()
    years: dict[int, SourceYear] = msgspec.field(default_factory=dict)

    def year(self, year: int) -> SourceYear:
        found = self.years.get(year)
        return source_year(self, year) if found is None else found



_memo: dict[tuple[str, str | None, tuple[str, ...], int], SourceYear] = {}


class SourceProblem(msgspec.Struct, frozen=True):
    """Why a source cannot be used: the key it concerns, a code, a sentence and a fix."""

    key: str  # "country" or "subdivision"
    code: str
    message: str
    hint: str | None = None


def source_stamp() -> bytes:
    """Which `holidays` is installed, cheaply: the location, size and time of its files' marker.

    For the playbook cache key. Finding the package on sys.path does not import it (nor
    importlib.util, which start-up would pay for); an upgrade or reinstall rewrites the
    file, which changes its time.
    """
    spec = importlib.machinery.PathFinder.find_spec("holidays")
    if spec is None or spec.origin is None:
        return b"holidays:none"
    try:
        stat = os.stat(spec.origin)
    except OSError:
        return b"holidays:unreadable"
    return f"holidays:{spec.origin}:{stat.st_size}:{stat.st_mtime_ns}".encode()


def resolve(country: str, subdivision: str | None, locales: tuple[str, ...],
            today: dt.date | None = None) -> tuple[HolidaySource | None, list[SourceProblem]]:
    """The source with the years around `today` resolved, or None and what is wrong with it."""
    try:
        import holidays
    except ImportError:
        return None, [SourceProblem("country", "E411", "the `holidays` package is not installed",
                                    "pip install holidays (it comes with cxcoach)")]
    subdivision, problems = _check(holidays, country, subdivision)
    if problems:
        return None, problems
    year = (today or dt.date.today()).year
    source = HolidaySource(country, subdivision, holidays.version.__version__, locales)
    years = range(year - BUILD_YEARS_BEFORE, year + BUILD_YEARS_AFTER + 1)
    return HolidaySource(country, subdivision, source.version, locales,
                           {y: source_year(source, y) for y in years}), []


def _check(holidays: Any, country: str, subdivision: str | None) -> tuple[str | None, list[SourceProblem]]:
    """The subdivision as the package spells it, or what is wrong with the country or subdivision."""
    from ..problems import did_you_mean

    supported = holidays.list_supported_countries()
    if country not in supported:
        hint = did_you_mean(country, list(supported)) or "use an ISO 3166-1 code such as CN, DE or US"
        return None, [SourceProblem("country", "E408", f"the holidays package has no country {country!r}", hint)]
    if subdivision is None:
        return None, []
    entity = holidays.country_holidays(country, years=[])
    known = [*entity.subdivisions, *getattr(entity, "subdivisions_aliases", {})]
    spelled = {name.casefold(): name for name in known}.get(subdivision.casefold())
    if spelled is not None:
        return spelled, []
    if not known:
        return None, [SourceProblem("subdivision", "E409", f"{country} has no subdivisions in the holidays package",
                                    "remove `subdivision`")]
    hint = did_you_mean(subdivision, known) or f"one of: {', '.join(entity.subdivisions)}"
    return None, [SourceProblem("subdivision", "E409", f"{country} has no subdivision {subdivision!r}", hint)]


def source_year(source: HolidaySource, year: int) -> SourceYear:
    """One year of `source`, computed once per process."""
    key = (source.country, source.subdivision, source.locales, year)
    found = _memo.get(key)
    if found is None:
        found = _memo[key] = _compute(source, year)
    return found


def _compute(source: HolidaySource, year: int) -> SourceYear:
    import holidays

    entity_class = type(holidays.country_holidays(source.country, years=[]))
    if not entity_class.start_year <= year <= entity_class.end_year:
        return SourceYear(year, YearStatus.UNCOVERED)
    names: dict[dt.date, dict[str, str]] = {}
    estimated: set[dt.date] = set()
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")  # the package's warnings are data here, never text on the user's terminal
        for locale, language in _languages(entity_class, source.locales).items():
            entity = holidays.country_holidays(source.country, subdiv=source.subdivision, years=year,
                                               language=language)
            marker = _estimated_marker(entity)
            for day, name in entity.items():
                names.setdefault(day, {})[locale] = name
                if marker and marker in name:
                    estimated.add(day)
    workdays = frozenset(d for d in entity.weekend_workdays if d.year == year)
    status = YearStatus.KNOWN
    if source.country in NOTICE_COUNTRIES and not workdays:
        status = YearStatus.ESTIMATED
    if any(issubclass(w.category, UserWarning) for w in said):
        # The package says its data for this year is partial (India: lunar holidays only for 2001-2035):
        # the year is no better than estimated, though the country's class covers it.
        status = YearStatus.ESTIMATED
    return SourceYear(year, status, {day: Text(values) for day, values in sorted(names.items())},
                        workdays, frozenset(estimated))


def _languages(entity_class: Any, locales: tuple[str, ...]) -> dict[str, str | None]:
    """The package language to name holidays in, for each playbook locale.

    `zh` takes `zh_CN`, `en` takes `en_US`, `zh-TW` takes `zh_TW`; a locale the
    country is not translated into gets its own language. A language is always
    given: otherwise the package follows the LANG of whoever builds the playbook.
    """
    supported = tuple(entity_class.supported_languages)
    out: dict[str, str | None] = {}
    for locale in locales:
        wanted = locale.replace("-", "_")
        exact = [lang for lang in supported if lang.lower() == wanted.lower()]
        prefixed = [lang for lang in supported if lang.lower().startswith(wanted.split("_")[0].lower() + "_")
                    or lang.lower() == wanted.split("_")[0].lower()]
        out[locale] = (exact or prefixed or [entity_class.default_language])[0]
    return out


def _estimated_marker(entity: Any) -> str:
    """The words the package adds to a holiday name it only estimates, e.g. `estimated`, `推定`."""
    label = getattr(entity, "estimated_label", None)
    if not label:
        return ""
    return str(entity.tr(label)).replace("%s", "").strip(" ()（）")
