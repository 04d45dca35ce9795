"""The monthly figures: pure functions from case figures (`cases.py`) to a `MonthlyReport`.

Each figure belongs to the month in which what it measures happened:

* received, the breakdowns, the resolution rate: cases received in the month
  (the resolution rate is the share of them resolved or closed by its end);
* time to respond: cases first answered in the month; time to resolve,
  root causes: cases whose resolution in force at the month's end fell in it;
* reopen rate: cases reopened in the month, over the cases resolved or
  reopened in it;
* on-time rates: deadlines *decided* in the month, met on time (decided when
  met) or missed (decided at the due time, whether met later or not), so
  every deadline is counted in exactly one month;
* open and overdue at the end: the month's last instant;
* satisfaction and c = b / a: follow-ups recorded in the month.

The previous month is computed the same way from its own figures.
"""

from __future__ import annotations

import statistics
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ..engine.calendar import working_day_minutes, zone
from ..playbook.model import FactType, Playbook
from ..sanitize import brief, strip_controls
from .cases import CaseFigures
from .labels import word
from .model import (
    SCHEMA_VERSION,
    Breakdown,
    Count,
    DayCount,
    DeadlineStat,
    DimensionStat,
    DurationStat,
    Figure,
    HandlerStat,
    MonthlyReport,
    OverdueCase,
    Reference,
    RootCause,
    StateCount,
    Unit,
)
from .period import Month, ReportError

TARGETS: tuple[Literal["respond"], Literal["resolve"]] = ("respond", "resolve")
CASE_TEXT_MAX = 500  # characters of one text typed into a case (a root cause, a handler, an id) that a report shows


@dataclass(frozen=True, slots=True)
class Options:
    """Which facts the report groups by; facts the playbook does not declare are left out."""

    breakdowns: tuple[str, ...] = ("channel", "category", "severity", "customer_type")
    handler_fact: str | None = "responsible_owner"  # the person the director named for the case
    durations_by: str | None = "severity"
    category_fact: str | None = "category"
    root_cause_fact: str | None = "root_cause"
    measures_fact: str | None = "corrective_measures"
    references: tuple[str, ...] = ("report_kpis",)  # measurement statistics shown beside the figures

    def check(self, playbook: Playbook) -> None:
        """ReportError naming every fact the playbook does not declare."""
        named = [*self.breakdowns, self.handler_fact, self.durations_by, self.category_fact,
                 self.root_cause_fact, self.measures_fact]
        unknown = sorted({n for n in named if n is not None and n not in playbook.facts})
        if unknown:
            raise ReportError(f"the playbook declares no fact {', '.join(map(repr, unknown))}; "
                              f"facts: {', '.join(sorted(playbook.facts))}")

    def fitted(self, playbook: Playbook) -> Options:
        """These options without the facts the playbook does not declare."""
        def keep(name: str | None) -> str | None:
            return name if name in playbook.facts else None

        return Options(tuple(b for b in self.breakdowns if b in playbook.facts), keep(self.handler_fact),
                       keep(self.durations_by), keep(self.category_fact), keep(self.root_cause_fact),
                       keep(self.measures_fact), self.references)


def _mean(values: Iterable[float]) -> float | None:
    data = list(values)
    return statistics.fmean(data) if data else None


def _median(values: Iterable[float]) -> float | None:
    data = list(values)
    return statistics.median(data) if data else None


def _rate(hits: int, total: int) -> float | None:
    return hits / total if total else None


class Scope:
    """One month's populations over a set of case figures (all taken as of the month's end)."""

    def __init__(self, figures: Sequence[CaseFigures], start: Any, as_of: Any, satisfied: frozenset[str]) -> None:
        def inside(t: Any) -> bool:
            return t is not None and start <= t < as_of

        self.figures = list(figures)
        self.received = [f for f in self.figures if inside(f.received_at)]
        self.responded = [f for f in self.figures if inside(f.responded_at)]
        self.resolved = [f for f in self.figures if inside(f.resolved_at)]
        self.closed = [f for f in self.figures if inside(f.closed_at)]
        self.reopened = [f for f in self.figures if f.reopened_since > 0]
        self.open_at_end = [f for f in self.figures if f.is_open]
        self.decided = [(f, d) for f in self.figures for d in f.deadlines if inside(d.decided_at)]
        self.overdue_open = [f for f in self.figures if any(d.outcome == "open" for d in f.deadlines)]
        self.follow_ups = [f for f in self.figures if f.follow_up is not None and inside(f.follow_up.at)]
        self.satisfied = satisfied

    def on_time(self, target: str) -> tuple[int, int, int]:
        outcomes = Counter(d.outcome for _, d in self.decided if d.target == target)
        return outcomes["on_time"], outcomes["late"], outcomes["open"]

    def on_time_rate(self, target: str) -> tuple[float | None, int]:
        on_time, late, still_open = self.on_time(target)
        total = on_time + late + still_open
        return _rate(on_time, total), total

    def reopen_rate(self) -> tuple[float | None, int]:
        base = {f.id for f in self.resolved} | {f.id for f in self.reopened}
        return _rate(len(self.reopened), len(base)), len(base)

    def satisfaction_rate(self) -> tuple[float | None, int]:
        hits = sum(1 for f in self.follow_ups if f.follow_up and f.follow_up.satisfaction in self.satisfied)
        return _rate(hits, len(self.follow_ups)), len(self.follow_ups)

    def ratios(self) -> list[float]:
        return [r for f in self.follow_ups if f.follow_up and (r := f.follow_up.ratio) is not None]

    def hours(self, measure: str, keep: Callable[[CaseFigures], bool] = lambda f: True) -> list[float]:
        if measure == "respond":
            return [f.respond_hours for f in self.responded if f.respond_hours is not None and keep(f)]
        return [f.resolve_hours for f in self.resolved if f.resolve_hours is not None and keep(f)]

    def figures_by_id(self) -> dict[str, tuple[float | None, int | None]]:
        """The headline figures: id -> (value, how many cases it is over)."""
        respond, resolve = self.hours("respond"), self.hours("resolve")
        settled = sum(1 for f in self.received if f.settled)
        ratios = self.ratios()
        return {
            "received": (len(self.received), None),
            "resolved": (len(self.resolved), None),
            "closed": (len(self.closed), None),
            "open_at_end": (len(self.open_at_end), None),
            "resolution_rate": (_rate(settled, len(self.received)), len(self.received)),
            "reopen_rate": self.reopen_rate(),
            "respond_mean_hours": (_mean(respond), len(respond)),
            "respond_median_hours": (_median(respond), len(respond)),
            "resolve_mean_hours": (_mean(resolve), len(resolve)),
            "resolve_median_hours": (_median(resolve), len(resolve)),
            "respond_on_time_rate": self.on_time_rate("respond"),
            "resolve_on_time_rate": self.on_time_rate("resolve"),
            "overdue_open": (len(self.overdue_open), None),
            "follow_ups": (len(self.follow_ups), None),
            "satisfaction_rate": self.satisfaction_rate(),
            "mean_ratio": (_mean(ratios), len(ratios)),
        }


UNITS: dict[str, Unit] = {
    "received": "count", "resolved": "count", "closed": "count", "open_at_end": "count",
    "resolution_rate": "rate", "reopen_rate": "rate", "respond_mean_hours": "hours",
    "respond_median_hours": "hours", "resolve_mean_hours": "hours", "resolve_median_hours": "hours",
    "respond_on_time_rate": "rate", "resolve_on_time_rate": "rate", "overdue_open": "count",
    "follow_ups": "count", "satisfaction_rate": "rate", "mean_ratio": "ratio",
}


def _change(value: float | None, previous: float | None) -> float | None:
    return None if value is None or previous is None else value - previous


class _Names:
    """Labels from the playbook in the report's locale."""

    def __init__(self, playbook: Playbook, locale: str) -> None:
        self.playbook, self.locale = playbook, locale

    def fact(self, name: str) -> str:
        fact = self.playbook.facts.get(name)
        return fact.label.get(self.locale) if fact is not None else name

    def value(self, name: str, value: Any) -> str:
        if value is None:
            return word(self.locale, "not_recorded")
        fact = self.playbook.facts.get(name)
        if fact is not None:
            for v in fact.values:
                if v.id == value:
                    return v.label.get(self.locale)
        if isinstance(value, bool):
            return {"zh": "是" if value else "否"}.get(self.locale, "yes" if value else "no")
        return _text(value) or ""

    def ordered(self, name: str, seen: Iterable[Any]) -> list[Any]:
        """Values in the playbook's order for enums (then anything else by name), not-recorded last."""
        present = set(seen)
        fact = self.playbook.facts.get(name)
        order = [v.id for v in fact.values] if fact is not None and fact.type is FactType.ENUM else []
        rest = sorted((v for v in present if v not in order and v is not None), key=str)
        return [v for v in order if v in present] + rest + ([None] if None in present else [])


def monthly_report(playbook: Playbook, month: Month, current: Sequence[CaseFigures],
                   previous: Sequence[CaseFigures], *, as_of: Any, locale: str | None = None,
                   options: Options = Options()) -> MonthlyReport:
    """The report for `month` from the figures of its cases (as of `as_of`) and of the month before (as of its end)."""
    loc = locale or playbook.default_locale
    opts = options.fitted(playbook)
    tz = playbook.calendar.timezone
    start, end = month.start(tz), month.end(tz)
    prev_start = month.previous.start(tz)
    satisfied = frozenset(s.id for s in playbook.measurement.satisfaction_states if s.min_ratio >= 1.0)
    now = Scope(current, start, as_of, satisfied)
    before = Scope(previous, prev_start, start, satisfied)
    names = _Names(playbook, loc)

    values, old = now.figures_by_id(), before.figures_by_id()
    summary = [Figure(key, word(loc, key), UNITS[key], value, old[key][0], _change(value, old[key][0]), n)
               for key, (value, n) in values.items()]
    record = playbook.records.get("monthly_report")
    return MonthlyReport(
        schema_version=SCHEMA_VERSION, playbook=playbook.id,
        title=record.title.get(loc) if record is not None else word(loc, "title_fallback"),
        locale=loc, timezone=tz, month=str(month), previous_month=str(month.previous),
        start=start, end=end, as_of=as_of.astimezone(zone(tz)), partial=as_of < end,
        working_day_hours=working_day_minutes(playbook.calendar) / 60, handler_fact=opts.handler_fact,
        summary=summary,
        breakdowns=[_breakdown(names, fact, now, before) for fact in opts.breakdowns],
        daily=_daily(month, tz, now),
        durations=_durations(names, opts.durations_by, now, before),
        deadlines=[_deadline(loc, target, now, before) for target in TARGETS if now.on_time(target) != (0, 0, 0)
                   or before.on_time(target) != (0, 0, 0)],
        overdue=_overdue(names, opts, now, start, as_of),
        satisfaction=_satisfaction(playbook, loc, now, before),
        dimensions=_dimensions(playbook, loc, now, before),
        root_causes=_root_causes(names, opts, now),
        handlers=_handlers(opts, now, start, as_of),
        references=[Reference(s.id, s.text.get(loc), list(s.source)) for s in playbook.measurement.statistics
                    if s.id in opts.references],
    )


def _breakdown(names: _Names, fact: str, now: Scope, before: Scope) -> Breakdown:
    counts = Counter(f.facts.get(fact) for f in now.received)
    old = Counter(f.facts.get(fact) for f in before.received)
    total = len(now.received)
    rows = [Count(None if v is None else str(v), names.value(fact, v), counts[v], _rate(counts[v], total), old[v])
            for v in names.ordered(fact, [*counts, *old])]
    return Breakdown(fact, names.fact(fact), rows)


def _daily(month: Month, tz: str, now: Scope) -> list[DayCount]:
    local = zone(tz)
    received = Counter(f.received_at.astimezone(local).date() for f in now.received)
    resolved = Counter(f.resolved_at.astimezone(local).date() for f in now.resolved if f.resolved_at)
    return [DayCount(day, received[day], resolved[day]) for day in month.days()]


def _durations(names: _Names, by: str | None, now: Scope, before: Scope) -> list[DurationStat]:
    """All cases, then one row per value of `by` that has cases in either month."""
    out: list[DurationStat] = []
    for measure in TARGETS:
        done = ([f.facts.get(by) for s in (now, before) for f in (s.responded if measure == "respond" else s.resolved)]
                if by is not None else [])
        groups: list[tuple[str | None, Any]] = [(None, None)]
        groups += [(by, v) for v in (names.ordered(by, done) if by is not None else [])]
        for fact, value in groups:
            keep = (lambda f: True) if fact is None else (lambda f, k=fact, v=value: f.facts.get(k) == v)
            hours, old = now.hours(measure, keep), before.hours(measure, keep)
            label = word(names.locale, "all") if fact is None else names.value(fact, value)
            out.append(DurationStat(measure, fact, None if value is None else str(value), label, len(hours),
                                    _mean(hours), _median(hours), _mean(old), _median(old)))
    return out


def _deadline(loc: str, target: str, now: Scope, before: Scope) -> DeadlineStat:
    on_time, late, still_open = now.on_time(target)
    return DeadlineStat(target, word(loc, target), on_time, late, still_open, now.on_time_rate(target)[0],
                        before.on_time_rate(target)[0])


def _overdue(names: _Names, opts: Options, now: Scope, start: Any, as_of: Any) -> list[OverdueCase]:
    out: list[OverdueCase] = []
    for f in now.figures:
        for d in f.deadlines:
            decided = d.decided_at
            if not d.missed or not (d.outcome == "open" or (decided is not None and start <= decided < as_of)):
                continue
            until = d.met_at or as_of
            out.append(OverdueCase(
                _ref(f), f.id, f.received_at, d.target, d.due, d.met_at, "open" if d.outcome == "open" else "late",
                max(0.0, (until - d.due).total_seconds() / 3600), names.value("stage", f.stage),
                _text(f.facts.get(opts.handler_fact)) if opts.handler_fact else None,
                {fact: names.value(fact, f.facts.get(fact)) for fact in opts.breakdowns}))
    out.sort(key=lambda o: (o.status != "open", -o.hours_past_due, o.id, o.target))
    return out


def _satisfaction(playbook: Playbook, loc: str, now: Scope, before: Scope) -> list[StateCount]:
    counts = Counter(f.follow_up.satisfaction for f in now.follow_ups if f.follow_up)
    old = Counter(f.follow_up.satisfaction for f in before.follow_ups if f.follow_up)
    total = len(now.follow_ups)
    return [StateCount(s.id, s.label.get(loc), s.min_ratio, counts[s.id], _rate(counts[s.id], total), old[s.id])
            for s in playbook.measurement.satisfaction_states]


def _dimensions(playbook: Playbook, loc: str, now: Scope, before: Scope) -> list[DimensionStat]:
    def scores(scope: Scope, dim: str) -> list[tuple[float, float]]:
        return [f.follow_up.scores[dim] for f in scope.follow_ups
                if f.follow_up and dim in f.follow_up.scores and f.follow_up.scores[dim][0] > 0]

    out = []
    for dim in playbook.measurement.dimensions:
        pairs, old = scores(now, dim.id), scores(before, dim.id)
        out.append(DimensionStat(dim.id, dim.label.get(loc), len(pairs), _mean(a for a, _ in pairs),
                                 _mean(b for _, b in pairs), _mean(b / a for a, b in pairs),
                                 _mean(b / a for a, b in old)))
    return out


def _text(value: Any) -> str | None:
    """Text typed into a case as every format of the report shows it: one line, without control or bidi
    characters (nor lone surrogates, which no file encoding can hold), at most CASE_TEXT_MAX characters."""
    if value is None:
        return None
    text = " ".join(strip_controls(str(value)).split())
    return brief(text, CASE_TEXT_MAX, plain=True) or None


def _ref(f: CaseFigures) -> str:
    return _text(f.ref) or str(f.id)


def _key(text: str) -> str:
    """Root causes that differ only in width, case or spacing are one cause."""
    return unicodedata.normalize("NFKC", text).casefold()


def _root_causes(names: _Names, opts: Options, now: Scope) -> list[RootCause]:
    if opts.root_cause_fact is None:
        return []
    groups: dict[str, list[CaseFigures]] = defaultdict(list)
    shown: dict[str, str] = {}
    for f in now.resolved:
        text = _text(f.facts.get(opts.root_cause_fact))
        if text is None:
            continue
        groups[_key(text)].append(f)
        shown.setdefault(_key(text), text)
    out = []
    for key, cases in groups.items():
        measures = [m for f in cases if opts.measures_fact and (m := _text(f.facts.get(opts.measures_fact)))]
        categories = ([names.value(opts.category_fact, v) for v in names.ordered(
            opts.category_fact, {f.facts.get(opts.category_fact) for f in cases})] if opts.category_fact else [])
        out.append(RootCause(shown[key], len(cases), len(cases) > 1, [_ref(f) for f in cases], categories,
                             len(measures), list(dict.fromkeys(measures))[:3]))
    out.sort(key=lambda r: (-r.count, r.text))
    return out


def _handlers(opts: Options, now: Scope, start: Any, as_of: Any) -> list[HandlerStat]:
    if opts.handler_fact is None:
        return []
    groups: dict[str | None, list[CaseFigures]] = defaultdict(list)
    for f in now.figures:
        groups[_text(f.facts.get(opts.handler_fact))].append(f)
    out = []
    for handler, cases in groups.items():
        scope = Scope(cases, start, as_of, now.satisfied)
        hours = scope.hours("resolve")
        ratios = scope.ratios()
        stat = HandlerStat(handler, len(scope.received), len(scope.resolved), _mean(hours), _median(hours),
                           scope.on_time_rate("respond")[0], scope.on_time_rate("resolve")[0],
                           len(scope.overdue_open), len(scope.reopened), len(scope.follow_ups),
                           scope.satisfaction_rate()[0], _mean(ratios))
        if stat.received or stat.resolved or scope.decided or stat.overdue_open or stat.follow_ups:
            out.append(stat)
    out.sort(key=lambda h: (h.handler is None, -h.received, -h.resolved, h.handler or ""))
    return out
