"""Turn schema-valid raw data into the frozen model, checking what a schema cannot.

The schema has already vouched for shapes and types, so builders here read the
raw data directly; what they add is meaning: ids are unique, references
resolve (with a "did you mean"), facts used in conditions exist and their
values are allowed, every locale is present, the calendar makes sense.
Problems are collected, never raised, so an author sees all of them at once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any as AnyValue

from ..conditions.operators import is_number
from ..gc_pause import gc_paused
from ..problems import Problem, ProblemList, did_you_mean, path_str
from . import model as m
from .builder import At, Builder
from .drill_build import build_drill_sections
from .partial import PRUNED
from .yamlsource import Document

LIST_SECTIONS = ("sources", "roles", "facts", "records", "procedures", "scripts", "avoid",
                 "strategies", "rules", "detectors", "rubrics", "drills")
MAP_SECTIONS = ("playbook", "calendar", "clock", "deadlines", "escalation", "measurement", "workflow")
_WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_STEP_REFS = (("records", "record"), ("scripts", "script"), ("avoid", "avoid"), ("escalate_to", "role"))


# --- sections ---------------------------------------------------------------

def build_playbook(docs: list[Document], root_name: str, problems: ProblemList) -> m.Playbook | None:
    """Build the model from schema-valid documents; None when a fatal problem stops it."""
    with gc_paused():
        return _build_playbook(docs, root_name, problems)


def _build_playbook(docs: list[Document], root_name: str, problems: ProblemList) -> m.Playbook | None:
    lists: dict[str, list[tuple[AnyValue, At]]] = {name: [] for name in LIST_SECTIONS}
    maps: dict[str, tuple[AnyValue, At]] = {}
    for doc in docs:
        for key, value in doc.data.items():
            at = At(doc, (key,))
            if key in MAP_SECTIONS:
                if key in maps:
                    first = maps[key][1].key_pos
                    problems.add(Problem(doc.file, *at.doc.position(at.path, key=True), "E205",
                                         f"section {key!r} is already given in {first}",
                                         hint="keep one copy of it in one file", path=path_str(at.path)))
                    continue
                maps[key] = (value, at)
            elif key in lists:
                lists[key].extend((item, at / i) for i, item in enumerate(value or []) if item is not PRUNED)
    if "playbook" not in maps:
        file = docs[0].file if docs else root_name
        problems.add(Problem(file, 1, 1, "E206", "no file declares the `playbook:` metadata",
                             hint="add `playbook: {id: ..., title: ..., version: 1.0.0, locales: [zh, en]}`"))
        return None
    meta, meta_at = maps["playbook"]
    b = Builder(tuple(meta["locales"]), problems)

    sources = {}
    for raw, at in lists["sources"]:
        if b.register("source", raw["id"], at / "id"):
            sources[raw["id"]] = m.SourceDoc(raw["id"], b.text(raw["title"], at / "title"), raw.get("file"))
    roles = {}
    for raw, at in lists["roles"]:
        if b.register("role", raw["id"], at / "id"):
            roles[raw["id"]] = m.Role(raw["id"], b.text(raw["label"], at / "label"),
                                      b.opt_text(raw.get("description"), at / "description"))
    for raw, at in lists["facts"]:
        fact = _fact(b, raw, at)
        if fact and b.register("fact", fact.id, at / "id"):
            if fact.id in m.DERIVED_FACTS:
                b.error(at / "id", "E207", f"{fact.id!r} is computed by cxcoach and cannot be declared",
                        "pick another name")
            b.facts[fact.id] = fact
    calendar = _calendar(b, *maps["calendar"]) if "calendar" in maps else m.DEFAULT_CALENDAR
    records = {}
    for raw, at in lists["records"]:
        if b.register("record", raw["id"], at / "id"):
            records[raw["id"]] = _record(b, raw, at)
    procedures: dict[str, m.Procedure] = {}
    steps: dict[str, m.Step] = {}
    for raw, at in lists["procedures"]:
        proc = _procedure(b, raw, at)
        if b.register("procedure", proc.id, at / "id"):
            procedures[proc.id] = proc
        for step in proc.steps:
            steps.setdefault(step.id, step)
    scripts = {}
    for raw, at in lists["scripts"]:
        if b.register("script", raw["id"], at / "id"):
            scripts[raw["id"]] = _script(b, raw, at)
    avoid = {}
    for raw, at in lists["avoid"]:
        if b.register("avoid", raw["id"], at / "id"):
            avoid[raw["id"]] = _avoid(b, raw, at)
    strategies = {}
    for raw, at in lists["strategies"]:
        if b.register("strategy", raw["id"], at / "id"):
            strategies[raw["id"]] = _strategy(b, raw, at)
    rules = []
    for order, (raw, at) in enumerate(lists["rules"]):
        if b.register("rule", raw["id"], at / "id"):
            rules.append(_rule(b, raw, at, order))
    clock = _clock(b, *maps["clock"]) if "clock" in maps else m.Clock()
    deadlines = _deadline_set(b, *maps["deadlines"]) if "deadlines" in maps else m.NO_DEADLINES
    escalation = _escalation(b, *maps["escalation"]) if "escalation" in maps else m.EscalationPolicy()
    measurement = _measurement(b, *maps["measurement"]) if "measurement" in maps else m.Measurement()
    workflow = _workflow(b, *maps["workflow"]) if "workflow" in maps else None

    detectors, rubrics, drills = build_drill_sections(b, lists["detectors"], lists["rubrics"], lists["drills"])
    b.check_refs()
    return m.Playbook(
        id=meta["id"], title=b.text(meta["title"], meta_at / "title"), version=str(meta["version"]),
        locales=b.locales, path=root_name, description=b.opt_text(meta.get("description"), meta_at / "description"),
        source=b.source(meta.get("source"), meta_at / "source"), sources=sources, roles=roles, facts=dict(b.facts),
        calendar=calendar, clock=clock, deadlines=deadlines, escalation=escalation, records=records,
        procedures=procedures, steps=steps, scripts=scripts, avoid=avoid, strategies=strategies, rules=tuple(rules),
        measurement=measurement, detectors=detectors, rubrics=rubrics, drills=drills, workflow=workflow,
    )


def _record(b: Builder, raw: dict[str, AnyValue], at: At) -> m.Record:
    labels, fill = [], []
    for i, item in enumerate(raw.get("fields", [])):
        fat = at / "fields" / i
        if isinstance(item, dict) and "fill" in item:
            labels.append(b.text(item["label"], fat / "label"))
            fill.append(item["fill"])
            if item["fill"].startswith("fact."):
                b.ref("fact", item["fill"][5:], fat / "fill")
        else:
            labels.append(b.text(item, fat))
            fill.append(None)
    return m.Record(raw["id"], b.text(raw["title"], at / "title"), tuple(labels),
                    b.duration(raw.get("retention"), at / "retention"), b.source(raw.get("source"), at / "source"),
                    tuple(fill) if any(f is not None for f in fill) else ())


def _workflow(b: Builder, raw: dict[str, AnyValue], at: At) -> m.Workflow | None:
    """Stage transitions and closure rights; every stage named must be a value of the stage fact."""
    fact_id = raw.get("fact", "stage")
    fact = b.facts.get(fact_id)
    if fact is None or fact.type is not m.FactType.ENUM:
        b.error(at / "fact" if "fact" in raw else at, "E410",
                f"the workflow's stage fact {fact_id!r} is not an enum fact",
                "declare it under facts with type: enum, or name another fact with `fact:`")
        return None
    stages = set(fact.value_ids)

    def known(value: str, where: At) -> bool:
        if value in stages:
            return True
        hint = did_you_mean(value, sorted(stages))
        b.error(where, "E411", f"{value!r} is not a value of fact {fact_id!r}",
                hint or f"use one of: {', '.join(fact.value_ids)}")
        return False

    transitions: dict[str, tuple[str, ...]] = {}
    for stage, targets in raw["transitions"].items():
        tat = at / "transitions" / stage
        if known(stage, tat):
            transitions[stage] = tuple(t for i, t in enumerate(targets) if known(t, tat / i))
    final = tuple(s for i, s in enumerate(raw.get("final", [])) if known(s, at / "final" / i))
    close = []
    for i, item in enumerate(raw.get("close", [])):
        cat = at / "close" / i
        for j, role in enumerate(item["by"]):
            b.ref("role", role, cat / "by" / j)
        when = b.condition(item["when"], cat / "when") if "when" in item else None
        close.append(m.CloseRight(tuple(item["by"]), when))
    return m.Workflow(fact_id, transitions, final, tuple(close))


def _fact(b: Builder, raw: dict[str, AnyValue], at: At) -> m.Fact | None:
    ftype = m.FactType(raw["type"])
    values = []
    seen: set[str] = set()
    for i, value in enumerate(raw.get("values", [])):
        if value["id"] in seen:
            b.error(at / "values" / i / "id", "E201", f"duplicate value {value['id']!r} in fact {raw['id']!r}")
        seen.add(value["id"])
        values.append(m.FactValue(value["id"], b.text(value["label"], at / "values" / i / "label")))
    if values and ftype is not m.FactType.ENUM:
        b.error(at / "values", "E306", f"only enum facts list values, {raw['id']!r} is {ftype.value}",
                "remove `values` or make the fact `type: enum`")
    fact = m.Fact(raw["id"], ftype, b.text(raw["label"], at / "label"), at.pos, tuple(values),
                  b.opt_text(raw.get("description"), at / "description"), raw.get("min"), raw.get("max"),
                  raw.get("default"))
    if fact.min is not None and fact.max is not None and fact.min > fact.max:
        b.error(at / "min", "E304", f"min {fact.min} is above max {fact.max}")
    if "default" in raw:
        default = raw["default"]
        if not _default_fits(fact, default):
            hint = did_you_mean(str(default), fact.value_ids) if ftype is m.FactType.ENUM else None
            b.error(at / "default", "E302",
                    f"default {default!r} is not a valid {ftype.value} value for {raw['id']!r}", hint)
    return fact


def _default_fits(fact: m.Fact, value: AnyValue) -> bool:
    if fact.type is m.FactType.ENUM:
        return value in fact.value_ids
    if fact.type is m.FactType.BOOL:
        return isinstance(value, bool)
    if fact.type is m.FactType.NUMBER:
        return is_number(value)
    return isinstance(value, str)  # text, and a datetime as ISO-8601 text


_CALENDAR_CODES = {"timezone": "E403", "working_hours": "E401", "weekdays": "E401", "workdays": "E404"}
_MAX_RANGE_DAYS = 366


def _calendar(b: Builder, raw: dict[str, AnyValue], at: At) -> m.Calendar:
    hours = raw["working_hours"]
    names: dict[dt.date, m.Text] = {}
    listed = raw.get("holidays", [])
    items = [(listed, at / "holidays")] if isinstance(listed, dict) else \
        [(item, at / "holidays" / i) for i, item in enumerate(listed)]
    source_items = [(item, iat) for item, iat in items if _is_source(item)]
    for _, iat in source_items[1:]:
        b.error(iat, "E410", "a calendar takes one holiday source",
                "keep one {country: ...} entry; list your own days off as dates")
    days_off = [day for item, iat in items if not _is_source(item) for day in _days(b, item, iat, names)]
    workdays = [day for i, item in enumerate(raw.get("workdays", []))
                for day in _days(b, item, at / "workdays" / i, names)]
    source = _holiday_source(b, *source_items[0]) if source_items else None
    calendar = m.Calendar(raw["timezone"], _clock_time(hours["start"]), _clock_time(hours["end"]),
                          frozenset(_WEEKDAYS[d] for d in raw["weekdays"]), frozenset(days_off),
                          frozenset(workdays), names, source)
    for key, message in m.calendar_problems(calendar):
        b.error(at / key, _CALENDAR_CODES[key], message, "e.g. timezone: Asia/Shanghai, "
                "working_hours: {start: '08:30', end: '17:30'}, weekdays: [mon, tue, wed, thu, fri]")
    return calendar


def _is_source(item: AnyValue) -> bool:
    return isinstance(item, dict) and "country" in item


def _holiday_source(b: Builder, raw: dict[str, AnyValue], at: At) -> m.HolidaySource | None:
    from .holiday_data import resolve  # imports the holidays package: only playbooks that name a source

    country = str(raw["country"]).upper()
    source, problems = resolve(country, raw.get("subdivision"), b.locales)
    for problem in problems:
        b.error(at / problem.key, problem.code, problem.message, problem.hint)
    return source


def _clock_time(text: str) -> dt.time:
    hour, minute = (int(x) for x in text.split(":"))
    return m.MIDNIGHT if hour == 24 else dt.time(hour, minute)


def _days(b: Builder, raw: AnyValue, at: At, names: dict[dt.date, m.Text]) -> list[dt.date]:
    """A date, `{date, name}` or `{from, to, name}` of a calendar list; names go into `names`."""
    if not isinstance(raw, dict):
        day = _date(b, raw, at)
        return [] if day is None else [day]
    if "date" in raw:
        first = last = _date(b, raw["date"], at / "date")
    else:
        first, last = _date(b, raw["from"], at / "from"), _date(b, raw["to"], at / "to")
    if first is None or last is None:
        return []
    if not 0 <= (last - first).days < _MAX_RANGE_DAYS:
        b.error(at / "to", "E405", f"the range {first} to {last} runs backwards or is longer than a year",
                "write the first day under `from` and the last under `to`")
        return []
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    if "name" in raw:
        name = b.text(raw["name"], at / "name")
        names.update(dict.fromkeys(days, name))
    return days


def _date(b: Builder, raw: AnyValue, at: At) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError:
        b.error(at, "E405", f"{raw!r} is not a date", "write YYYY-MM-DD")
        return None


def _procedure(b: Builder, raw: dict[str, AnyValue], at: At) -> m.Procedure:
    steps = []
    for index, step in enumerate(raw["steps"]):
        sat = at / "steps" / index
        if not b.register("step", step["id"], sat / "id"):
            continue
        if step.get("owner"):
            b.ref("role", step["owner"], sat / "owner")
        for field_name, kind in _STEP_REFS:
            for i, ident in enumerate(step.get(field_name, [])):
                b.ref(kind, ident, sat, field_name, i)
        steps.append(m.Step(
            id=step["id"], procedure=raw["id"], index=index, title=b.text(step["title"], sat / "title"), pos=sat.pos,
            description=b.opt_text(step.get("description"), sat / "description"), owner=step.get("owner"),
            due=b.duration(step.get("due"), sat / "due"), records=tuple(step.get("records", [])),
            scripts=tuple(step.get("scripts", [])), avoid=tuple(step.get("avoid", [])),
            escalate_to=tuple(step.get("escalate_to", [])), source=b.source(step.get("source"), sat / "source"),
        ))
    return m.Procedure(raw["id"], b.text(raw["title"], at / "title"), tuple(steps), at.pos,
                       b.opt_text(raw.get("description"), at / "description"),
                       b.source(raw.get("source"), at / "source"))


def _lines(b: Builder, raw: list[AnyValue], at: At) -> tuple[m.Line, ...]:
    lines = []
    for i, line in enumerate(raw):
        lat = at / i
        b.register("line", line["id"], lat / "id")
        lines.append(m.Line(line["id"], b.text(line["text"], lat / "text"), lat.pos))
    return tuple(lines)


def _refs(b: Builder, raw: dict[str, AnyValue], at: At, field_name: str, kind: str) -> tuple[str, ...]:
    items = tuple(raw.get(field_name, ()))
    for i, ident in enumerate(items):
        b.ref(kind, ident, at, field_name, i)
    return items


def _script(b: Builder, raw: dict[str, AnyValue], at: At) -> m.Script:
    if raw.get("step"):
        b.ref("step", raw["step"], at / "step")
    return m.Script(raw["id"], b.text(raw["title"], at / "title"), _lines(b, raw["lines"], at / "lines"), at.pos,
                    raw.get("step"), _refs(b, raw, at, "avoid", "avoid"), b.source(raw.get("source"), at / "source"))


def _avoid(b: Builder, raw: dict[str, AnyValue], at: At) -> m.Avoid:
    phrases = {loc: tuple(items) for loc, items in (raw.get("phrases") or {}).items()}
    for loc in phrases.keys() - set(b.locales):
        b.warning(at / "phrases" / loc, "W204", f"locale {loc!r} is not declared in playbook.locales", key=True)
    return m.Avoid(raw["id"], b.text(raw["title"], at / "title"), b.text(raw["why"], at / "why"), at.pos, phrases,
                   b.opt_text(raw.get("instead"), at / "instead"), b.source(raw.get("source"), at / "source"))


def _strategy(b: Builder, raw: dict[str, AnyValue], at: At) -> m.Strategy:
    return m.Strategy(raw["id"], b.text(raw["title"], at / "title"), _lines(b, raw["advice"], at / "advice"), at.pos,
                      b.opt_text(raw.get("applies_to"), at / "applies_to"), _refs(b, raw, at, "avoid", "avoid"),
                      bool(raw.get("interpretation", False)), b.source(raw.get("source"), at / "source"))


def _clock(b: Builder, raw: dict[str, AnyValue], at: At) -> m.Clock:
    def cond(where: At, value: AnyValue) -> m.Condition | None:
        return None if value is None else b.condition(value, where)

    met = raw.get("met_when") or {}
    return m.Clock(cond(at / "pause_when", raw.get("pause_when")),
                   cond(at / "met_when" / "respond", met.get("respond")),
                   cond(at / "met_when" / "resolve", met.get("resolve")))


def _deadline_set(b: Builder, raw: dict[str, AnyValue], at: At) -> m.DeadlineSet:
    return m.DeadlineSet(b.duration(raw.get("respond"), at / "respond"), b.duration(raw.get("resolve"), at / "resolve"))


_ACTION_REFS = (("steps", "step"), ("scripts", "script"), ("strategies", "strategy"), ("avoid", "avoid"),
                ("escalate_to", "role"))


def _rule(b: Builder, raw: dict[str, AnyValue], at: At, order: int) -> m.Rule:
    then, tat = raw["then"], at / "then"
    refs = {name: _refs(b, then, tat, name, kind) for name, kind in _ACTION_REFS if name in then}
    deadlines = _deadline_set(b, then["deadlines"], tat / "deadlines") if "deadlines" in then else m.NO_DEADLINES
    action = m.Action(**refs, deadlines=deadlines)
    title, because, source = raw.get("title"), raw.get("because"), raw.get("source")  # mostly absent
    return m.Rule(raw["id"], b.condition(raw["when"], at / "when"), action, at.pos, int(raw.get("priority", 50)), order,
                  None if title is None else b.text(title, at / "title"),
                  None if because is None else b.text(because, at / "because"),
                  () if source is None else b.source(source, at / "source"))


def _escalation(b: Builder, raw: dict[str, AnyValue], at: At) -> m.EscalationPolicy:
    levels = []
    previous = 0.0
    for i, level in enumerate(raw.get("levels", [])):
        lat = at / "levels" / i
        b.register("escalation", level["id"], lat / "id")
        b.ref("role", level["to"], lat / "to")
        if level["at"] <= previous:
            b.error(lat / "at", "E406", f"escalation levels must rise: {level['at']} does not come after {previous}",
                    "order levels by `at`, lowest first")
        previous = level["at"]
        levels.append(m.EscalationLevel(level["id"], float(level["at"]), level["to"],
                                        b.opt_text(level.get("label"), lat / "label")))
    warnings = tuple(sorted(float(w) for w in raw.get("warnings", [])))
    return m.EscalationPolicy(warnings, tuple(levels))


def _measurement(b: Builder, raw: dict[str, AnyValue], at: At) -> m.Measurement:
    def labelled(name: str) -> tuple[m.Labelled, ...]:
        out = []
        for i, item in enumerate(raw.get(name, [])):
            iat = at / name / i
            b.register(name.rstrip("s") if name != "loyalty" else "loyalty", item["id"], iat / "id")
            out.append(m.Labelled(item["id"], b.text(item["label"], iat / "label"),
                                  b.opt_text(item.get("description"), iat / "description")))
        return tuple(out)

    states = []
    previous = float("inf")
    for i, item in enumerate(raw.get("satisfaction_states", [])):
        sat = at / "satisfaction_states" / i
        b.register("satisfaction_state", item["id"], sat / "id")
        if item["min_ratio"] >= previous:
            b.error(sat / "min_ratio", "E407", "satisfaction states go from best to worst: min_ratio must fall",
                    "list the state with the highest min_ratio first")
        previous = item["min_ratio"]
        states.append(m.SatisfactionState(item["id"], b.text(item["label"], sat / "label"), float(item["min_ratio"]),
                                          b.opt_text(item.get("description"), sat / "description")))
    stats = []
    for i, item in enumerate(raw.get("statistics", [])):
        sat = at / "statistics" / i
        b.register("statistic", item["id"], sat / "id")
        stats.append(m.Statistic(item["id"], b.text(item["text"], sat / "text"),
                                 b.source(item.get("source"), sat / "source")))
    return m.Measurement(b.opt_text(raw.get("formula"), at / "formula"), tuple(states), labelled("dimensions"),
                         labelled("loyalty"), tuple(stats), b.source(raw.get("source"), at / "source"))
