"""Turn schema-valid raw data into the frozen model, checking what a schema cannot.

The schema has already vouched for shapes and types, so builders here read the
raw data directly; what they add is meaning: ids are unique, references
resolve (with a "did you mean"), facts used in conditions exist and their
values are allowed, every locale is present, the calendar makes sense.
Problems are collected, never raised, so an author sees all of them at once.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from functools import partial
from typing import Any as AnyValue

from ..gc_pause import gc_paused
from ..problems import Problem, ProblemList, Severity, did_you_mean, path_str
from . import model as m
from .yamlsource import Document, JsonPath, Location

LIST_SECTIONS = ("sources", "roles", "facts", "records", "procedures", "scripts", "avoid",
                 "strategies", "rules", "detectors", "rubrics", "drills")
MAP_SECTIONS = ("playbook", "calendar", "clock", "deadlines", "escalation", "measurement", "workflow")
_WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_DEADLINE_NAMES = ("respond", "resolve")

# Which operators make sense for which fact type; the schema cannot know a fact's type.
_OPS_BY_TYPE: dict[m.FactType, frozenset[m.Op]] = {
    m.FactType.ENUM: frozenset({m.Op.EQ, m.Op.NE, m.Op.IN, m.Op.NOT_IN, m.Op.EXISTS}),
    m.FactType.BOOL: frozenset({m.Op.EQ, m.Op.NE, m.Op.EXISTS}),
    m.FactType.NUMBER: frozenset({m.Op.EQ, m.Op.NE, m.Op.IN, m.Op.NOT_IN, m.Op.LT, m.Op.LE, m.Op.GT,
                                  m.Op.GE, m.Op.BETWEEN, m.Op.EXISTS}),
    m.FactType.TEXT: frozenset({m.Op.EQ, m.Op.NE, m.Op.IN, m.Op.NOT_IN, m.Op.CONTAINS, m.Op.EXISTS}),
    m.FactType.DATETIME: frozenset({m.Op.EXISTS}),
}


class At:
    """A location in one file: the document and the JSON path inside it.

    Positions resolve lazily, one step from the parent location: builders ask
    for the position of most nodes, and a walk from the root for each was a
    third of the build time. Compares and hashes as (doc, path).
    """

    __slots__ = ("_location", "_parent", "doc", "path")

    def __init__(self, doc: Document, path: JsonPath = (), parent: At | None = None) -> None:
        self.doc = doc
        self.path = path
        self._parent = parent  # path is parent.path + (one part,)
        self._location: Location | None = None

    def __truediv__(self, part: str | int) -> At:
        return At(self.doc, self.path + (part,), self)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not At:
            return NotImplemented
        return (self.doc, self.path) == (other.doc, other.path)  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(self.path)

    def __repr__(self) -> str:
        return f"At(doc={self.doc.file!r}, path={self.path!r})"

    def _locate(self) -> Location:
        location = self._location
        if location is None:
            parent = self._parent
            location = self.doc.locate(self.path) if parent is None else self.doc.step(parent._locate(), self.path[-1])
            self._location = location
        return location

    @property
    def pos(self) -> m.Pos:
        line, col = self.doc.line_col(self._locate())
        return m.Pos(self.doc.file, line, col)

    @property
    def key_pos(self) -> m.Pos:
        line, col = self.doc.position(self.path, key=True)
        return m.Pos(self.doc.file, line, col)


@dataclass(slots=True)
class _Ref:
    kind: str
    id: str
    at: At
    parts: tuple[str | int, ...]  # below `at`: the location is only built for an error
    hint_kinds: tuple[str, ...]


class Builder:
    """Shared services for section builders; see docs/architecture.md."""

    def __init__(self, locales: tuple[str, ...], problems: ProblemList) -> None:
        self.locales = locales
        self.problems = problems
        self.ids: dict[str, dict[str, At]] = defaultdict(dict)
        self._refs: list[_Ref] = []
        self.facts: dict[str, m.Fact] = {}
        self._enum_values: dict[str, frozenset[str]] = {}

    # -- reporting --
    def error(self, at: At, code: str, message: str, hint: str | None = None, *, key: bool = False,
              severity: Severity = Severity.ERROR) -> None:
        pos = at.key_pos if key else at.pos
        self.problems.add(Problem(pos.file, pos.line, pos.col, code, message, severity, hint, path_str(at.path)))

    def warning(self, at: At, code: str, message: str, hint: str | None = None, *, key: bool = False) -> None:
        self.error(at, code, message, hint, key=key, severity=Severity.WARNING)

    # -- values --
    def text(self, raw: AnyValue, at: At) -> m.Text:
        if isinstance(raw, str):
            return m.Text.plain(raw)
        values = {str(k): str(v) for k, v in raw.items()}
        missing = [loc for loc in self.locales if loc not in values]
        if missing:
            self.error(at, "E203", f"missing translation for {', '.join(missing)}",
                       f"add {', '.join(f'{loc}: ...' for loc in missing)} next to {', '.join(values)}")
        for extra in values.keys() - set(self.locales):
            self.warning(at / extra, "W204", f"locale {extra!r} is not declared in playbook.locales",
                         did_you_mean(extra, self.locales), key=True)
        return m.Text(values)

    def opt_text(self, raw: AnyValue, at: At) -> m.Text | None:
        return None if raw is None else self.text(raw, at)

    def source(self, raw: AnyValue, at: At) -> tuple[str, ...]:
        if raw is None:
            return ()
        items = [raw] if isinstance(raw, str) else list(raw)
        for index, item in enumerate(items):
            where = at if isinstance(raw, str) else at / index
            self.ref("source", item.split()[0], where)
        return tuple(items)

    def duration(self, raw: AnyValue, at: At) -> m.Duration | None:
        if raw is None:
            return None
        try:
            return m.Duration.parse(str(raw))
        except ValueError as exc:
            self.error(at, "E402", str(exc))
            return None

    # -- ids --
    def register(self, kind: str, ident: str, at: At) -> bool:
        """Record an id; False (and an error) when the kind already has it."""
        seen = self.ids[kind]
        if ident in seen:
            first = seen[ident].pos
            self.error(at, "E201", f"duplicate {kind} id {ident!r} (first defined at {first})",
                       f"give each {kind} its own id")
            return False
        seen[ident] = at
        return True

    def ref(self, kind: str, ident: str, at: At, *parts: str | int, also: tuple[str, ...] = ()) -> None:
        """Check a reference to `ident`, at `at` / `parts`; `also` lists other kinds that satisfy it.

        An id already declared settles it now; any other waits until every section is built.
        """
        if ident in self.ids[kind]:
            return
        self._refs.append(_Ref(kind, ident, at, parts, (kind, *also)))

    def check_refs(self) -> None:
        for ref in self._refs:
            if any(ref.id in self.ids[k] for k in ref.hint_kinds):
                continue
            known = [i for k in ref.hint_kinds for i in self.ids[k]]
            kinds = " or ".join(ref.hint_kinds)
            hint = did_you_mean(ref.id, known) or (f"declare a {kinds} with id {ref.id!r}" if known else
                                                 f"no {kinds} is declared yet")
            at = ref.at
            for part in ref.parts:
                at = at / part
            self.error(at, "E202", f"unknown {kinds} {ref.id!r}", hint)

    # -- conditions --
    def condition(self, raw: AnyValue, at: At) -> m.Condition:
        """Parse the condition language, reporting every structural problem at its node."""
        test = self._plain_test(raw)
        if test is not None:
            return test
        if raw.__class__ is dict and len(raw) == 1:  # a well-formed all/any needs no shape check
            form = next(iter(raw))
            combine, items = _COMBINE.get(form), raw[form]
            if combine is not None and items.__class__ is list and items:
                return combine(tuple(self._item(item, at, form, i) for i, item in enumerate(items)))
        if not self._condition_shape_ok(raw, at):
            return _INVALID  # every all/any that passes the shape check was built above
        if "not" in raw:
            return m.Not(self.condition(raw["not"], at / "not"))
        if "overdue" in raw:
            target = raw["overdue"]
            if target not in _DEADLINE_NAMES:
                self.ref("step", target, at / "overdue")
            return m.Overdue(target)
        op = m.Op(raw["op"])
        value = raw.get("value", True if op is m.Op.EXISTS else None)
        if isinstance(value, list):
            value = tuple(value)
        self._check_fact_test(raw["fact"], op, value, at)
        return m.FactTest(raw["fact"], op, value)

    def _item(self, raw: AnyValue, at: At, form: str, index: int) -> m.Condition:
        """Item `index` of an all/any list, whose location is built only when it has a problem to report."""
        test = self._plain_test(raw)
        return test if test is not None else self.condition(raw, at / form / index)

    def _plain_test(self, raw: AnyValue) -> m.FactTest | None:
        """The usual fact test built without its checks' locations, or None.

        Usual means well formed, over a declared fact, with values that fit it: most
        conditions of a large playbook. None sends anything else down the full path,
        which reports its problems precisely.
        """
        if raw.__class__ is not dict or len(raw) != 3:
            return None
        try:
            fact = self.facts[raw["fact"]]
            op = _OP_BY_NAME[raw["op"]]
            value = raw["value"]
        except (KeyError, TypeError):  # a missing key, an unknown or unhashable name
            return None
        ftype = fact.type
        if op not in _OPS_BY_TYPE[ftype]:
            return None
        if ftype is m.FactType.ENUM:  # the common case: one set lookup per value
            ids = self._value_ids(fact)
            fits = ids.__contains__
        else:
            fits = partial(self._value_fits, fact, ftype)
        if value.__class__ is list:
            if op not in _LIST_OPS or not value:
                return None
            for item in value:
                if item.__class__ not in _SCALAR_TYPES or not fits(item):
                    return None
            if op is m.Op.BETWEEN and (len(value) != 2 or value[0] > value[1]):
                return None
            return m.FactTest(fact.id, op, tuple(value))
        if op is m.Op.EXISTS:
            return m.FactTest(fact.id, op, value) if value.__class__ is bool else None
        if op in _LIST_OPS or value.__class__ not in _SCALAR_TYPES or not fits(value):
            return None
        return m.FactTest(fact.id, op, value)

    def _condition_shape_ok(self, raw: AnyValue, at: At) -> bool:
        if not isinstance(raw, dict) or not raw:
            self.error(at, "E307", f"a condition is a mapping, not {_describe(raw)}", _CONDITION_HINT)
            return False
        forms = [k for k in _COMBINATORS if k in raw] + (["fact"] if "fact" in raw or "op" in raw else [])
        if len(forms) != 1:
            message = f"a condition has one form, this one mixes {' and '.join(forms)}" if forms else \
                f"unknown condition key {next(iter(raw))!r}"
            self.error(at, "E307", message, did_you_mean(str(next(iter(raw))), [*_COMBINATORS, *_TEST_KEYS])
                       if not forms else _CONDITION_HINT)
            return False
        form = forms[0]
        allowed = _TEST_KEYS if form == "fact" else (form,)
        ok = True
        for key in raw:
            if key not in allowed:
                self.error(at / key, "E307", f"unknown key {key!r} in a {form!r} condition",
                           did_you_mean(str(key), allowed) or f"allowed keys: {', '.join(allowed)}", key=True)
                ok = False
        if form in ("all", "any"):
            items = raw[form]
            if not isinstance(items, list) or not items:
                self.error(at / form, "E307", f"`{form}` takes a non-empty list of conditions", _CONDITION_HINT)
                return False
        elif form == "not":
            pass  # the nested condition reports its own shape
        elif form == "overdue":
            if not isinstance(raw["overdue"], str):
                self.error(at / "overdue", "E307", "`overdue` names a deadline: respond, resolve or a step id")
                return False
        else:
            ok = self._fact_test_shape_ok(raw, at) and ok
        return ok

    def _fact_test_shape_ok(self, raw: dict, at: At) -> bool:
        for key in ("fact", "op"):
            if key not in raw:
                self.error(at, "E307", f"missing required key {key!r}", "write {fact: NAME, op: eq, value: VALUE}")
                return False
        if not isinstance(raw["fact"], str):
            self.error(at / "fact", "E307", f"a fact name is text, not {_describe(raw['fact'])}")
            return False
        op = raw["op"]
        if op not in _OPS:
            synonym = m.OP_SYNONYMS.get(str(op).lower())
            hint = f"did you mean {synonym!r}?" if synonym else did_you_mean(str(op), _OPS)
            self.error(at / "op", "E307", f"{op!r} is not one of: {', '.join(_OPS)}", hint)
            return False
        if "value" not in raw:
            if op == "exists":
                return True
            self.error(at, "E307", f"missing required key 'value' for operator {op!r}", _VALUE_SHAPES[op][1])
            return False
        value = raw["value"]
        check, expected = _VALUE_SHAPES[op]
        if not check(value):
            self.error(at / "value", "E307", f"operator {op!r} takes {expected}, got {_describe(value)}")
            return False
        return True

    def _check_fact_test(self, fact_id: str, op: m.Op, value: AnyValue, at: At) -> None:
        derived = m.DERIVED_FACTS.get(fact_id)
        fact = self.facts.get(fact_id)
        if fact is None and derived is None:
            known = [*self.facts, *m.DERIVED_FACTS]
            self.error(at / "fact", "E301", f"unknown fact {fact_id!r}",
                       did_you_mean(fact_id, known) or "declare it under `facts:`")
            return
        ftype = fact.type if fact else derived
        assert ftype is not None
        if op not in _OPS_BY_TYPE[ftype]:
            allowed = ", ".join(sorted(o.value for o in _OPS_BY_TYPE[ftype]))
            self.error(at / "op", "E303", f"operator {op.value!r} does not apply to {ftype.value} fact {fact_id!r}",
                       f"use one of: {allowed}")
            return
        if op is m.Op.EXISTS:
            return
        if isinstance(value, tuple):
            for index, item in enumerate(value):
                self._check_value(fact_id, fact, ftype, item, at, index)
        else:
            self._check_value(fact_id, fact, ftype, value, at)
        if op is m.Op.BETWEEN and isinstance(value, tuple) and len(value) == 2 and value[0] > value[1]:
            self.error(at / "value", "E304", f"empty range: {value[0]} is above {value[1]}", "write [low, high]")

    def _value_fits(self, fact: m.Fact | None, ftype: m.FactType, value: AnyValue) -> bool:
        """The common case of `_check_value`, answered without building a location."""
        if ftype is m.FactType.ENUM:
            return fact is None or value in self._value_ids(fact)
        if ftype is m.FactType.NUMBER:
            return _is_number(value) and (fact is None or ((fact.min is None or value >= fact.min)
                                                         and (fact.max is None or value <= fact.max)))
        return False  # rarer types: let _check_value decide

    def _value_ids(self, fact: m.Fact) -> frozenset[str]:
        """An enum fact's value ids as a set, built once: rules test them thousands of times."""
        ids = self._enum_values.get(fact.id)
        if ids is None:
            ids = self._enum_values[fact.id] = frozenset(fact.value_ids)
        return ids

    def _check_value(self, fact_id: str, fact: m.Fact | None, ftype: m.FactType, value: AnyValue, test: At,
                     index: int | None = None) -> None:
        """Check one value of the fact test at `test` (item `index` of a list value)."""
        if self._value_fits(fact, ftype, value):
            return
        at = test / "value" if index is None else test / "value" / index  # only built when reporting
        if ftype is m.FactType.ENUM and fact is not None:
            if value not in self._value_ids(fact):
                self.error(at, "E302", f"{value!r} is not a value of fact {fact_id!r}",
                           did_you_mean(str(value), fact.value_ids) or f"allowed: {', '.join(fact.value_ids)}")
        elif ftype is m.FactType.BOOL and not isinstance(value, bool):
            self.error(at, "E302", f"fact {fact_id!r} is true or false, not {value!r}", "write true or false")
        elif ftype is m.FactType.NUMBER:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                self.error(at, "E302", f"fact {fact_id!r} is a number, not {value!r}")
            elif fact is not None and ((fact.min is not None and value < fact.min) or (fact.max is not None and value > fact.max)):
                self.warning(at, "W305", f"{value} is outside the range {fact.min}..{fact.max} of fact {fact_id!r}")
        elif ftype is m.FactType.TEXT and not isinstance(value, str):
            self.error(at, "E302", f"fact {fact_id!r} is text, not {value!r}", "quote the value")


def _is_scalar(value: AnyValue) -> bool:
    return isinstance(value, (str, int, float, bool))


def _is_number(value: AnyValue) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _describe(value: AnyValue) -> str:
    if isinstance(value, dict):
        return "a mapping" if value else "an empty mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return repr(value)


_COMBINATORS = ("all", "any", "not", "overdue")
_TEST_KEYS = ("fact", "op", "value")
_OPS = tuple(o.value for o in m.Op)
_OP_BY_NAME = {o.value: o for o in m.Op}
_LIST_OPS = frozenset({m.Op.IN, m.Op.NOT_IN, m.Op.BETWEEN})
_COMBINE: dict[object, type[m.All] | type[m.Any]] = {"all": m.All, "any": m.Any}
_SCALAR_TYPES = frozenset({str, int, float, bool})
_CONDITION_HINT = "write {fact: NAME, op: OP, value: V}, {all: [...]}, {any: [...]}, {not: ...} or {overdue: respond}"
_VALUE_SHAPES = {
    "eq": (_is_scalar, "one value (text, number, true/false)"),
    "ne": (_is_scalar, "one value (text, number, true/false)"),
    "in": (lambda v: isinstance(v, list) and bool(v) and all(map(_is_scalar, v)), "a non-empty list of values"),
    "not_in": (lambda v: isinstance(v, list) and bool(v) and all(map(_is_scalar, v)), "a non-empty list of values"),
    "lt": (_is_number, "a number"), "le": (_is_number, "a number"),
    "gt": (_is_number, "a number"), "ge": (_is_number, "a number"),
    "between": (lambda v: isinstance(v, list) and len(v) == 2 and all(map(_is_number, v)), "[low, high] numbers"),
    "contains": (lambda v: isinstance(v, str) and bool(v), "non-empty text"),
    "exists": (lambda v: isinstance(v, bool), "true or false"),
}
_INVALID: m.Condition = m.All(())  # stands in for a condition already reported as broken


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
                lists[key].extend((item, at / i) for i, item in enumerate(value or []))
    if "playbook" not in maps:
        first = docs[0].file if docs else root_name
        problems.add(Problem(first, 1, 1, "E206", "no file declares the `playbook:` metadata",
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
                b.error(at / "id", "E207", f"{fact.id!r} is computed by cxcoach and cannot be declared", "pick another name")
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

    from .drill_build import build_drill_sections  # drills are their own sub-language

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


def _record(b: Builder, raw: dict, at: At) -> m.Record:
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


def _workflow(b: Builder, raw: dict, at: At) -> m.Workflow | None:
    """Stage transitions and closure rights; every stage named must be a value of the stage fact."""
    fact_id = raw.get("fact", "stage")
    fact = b.facts.get(fact_id)
    if fact is None or fact.type is not m.FactType.ENUM:
        b.error(at / "fact" if "fact" in raw else at, "E410", f"the workflow's stage fact {fact_id!r} is not an enum fact",
                "declare it under facts with type: enum, or name another fact with `fact:`")
        return None
    stages = set(fact.value_ids)

    def known(value: str, where: At) -> bool:
        if value in stages:
            return True
        hint = did_you_mean(value, sorted(stages))
        b.error(where, "E411", f"{value!r} is not a value of fact {fact_id!r}", hint or f"use one of: {', '.join(fact.value_ids)}")
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


def _fact(b: Builder, raw: dict, at: At) -> m.Fact | None:
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
        ok = {
            m.FactType.ENUM: lambda v: v in fact.value_ids,
            m.FactType.BOOL: lambda v: isinstance(v, bool),
            m.FactType.NUMBER: lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
            m.FactType.TEXT: lambda v: isinstance(v, str),
            m.FactType.DATETIME: lambda v: isinstance(v, str),
        }[ftype](default)
        if not ok:
            hint = did_you_mean(str(default), fact.value_ids) if ftype is m.FactType.ENUM else None
            b.error(at / "default", "E302", f"default {default!r} is not a valid {ftype.value} value for {raw['id']!r}", hint)
    return fact


_CALENDAR_CODES = {"timezone": "E403", "working_hours": "E401", "weekdays": "E401", "workdays": "E404"}
_MAX_RANGE_DAYS = 366


def _calendar(b: Builder, raw: dict, at: At) -> m.Calendar:
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


def _holiday_source(b: Builder, raw: dict, at: At) -> m.HolidaySource | None:
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


def _procedure(b: Builder, raw: dict, at: At) -> m.Procedure:
    steps = []
    for index, step in enumerate(raw["steps"]):
        sat = at / "steps" / index
        if not b.register("step", step["id"], sat / "id"):
            continue
        if step.get("owner"):
            b.ref("role", step["owner"], sat / "owner")
        for field_name, kind in (("records", "record"), ("scripts", "script"), ("avoid", "avoid"), ("escalate_to", "role")):
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
                       b.opt_text(raw.get("description"), at / "description"), b.source(raw.get("source"), at / "source"))


def _lines(b: Builder, raw: list, at: At) -> tuple[m.Line, ...]:
    lines = []
    for i, line in enumerate(raw):
        lat = at / i
        b.register("line", line["id"], lat / "id")
        lines.append(m.Line(line["id"], b.text(line["text"], lat / "text"), lat.pos))
    return tuple(lines)


def _refs(b: Builder, raw: dict, at: At, field_name: str, kind: str) -> tuple[str, ...]:
    items = tuple(raw.get(field_name, ()))
    for i, ident in enumerate(items):
        b.ref(kind, ident, at, field_name, i)
    return items


def _script(b: Builder, raw: dict, at: At) -> m.Script:
    if raw.get("step"):
        b.ref("step", raw["step"], at / "step")
    return m.Script(raw["id"], b.text(raw["title"], at / "title"), _lines(b, raw["lines"], at / "lines"), at.pos,
                    raw.get("step"), _refs(b, raw, at, "avoid", "avoid"), b.source(raw.get("source"), at / "source"))


def _avoid(b: Builder, raw: dict, at: At) -> m.Avoid:
    phrases = {loc: tuple(items) for loc, items in (raw.get("phrases") or {}).items()}
    for loc in phrases.keys() - set(b.locales):
        b.warning(at / "phrases" / loc, "W204", f"locale {loc!r} is not declared in playbook.locales", key=True)
    return m.Avoid(raw["id"], b.text(raw["title"], at / "title"), b.text(raw["why"], at / "why"), at.pos, phrases,
                   b.opt_text(raw.get("instead"), at / "instead"), b.source(raw.get("source"), at / "source"))


def _strategy(b: Builder, raw: dict, at: At) -> m.Strategy:
    return m.Strategy(raw["id"], b.text(raw["title"], at / "title"), _lines(b, raw["advice"], at / "advice"), at.pos,
                      b.opt_text(raw.get("applies_to"), at / "applies_to"), _refs(b, raw, at, "avoid", "avoid"),
                      bool(raw.get("interpretation", False)), b.source(raw.get("source"), at / "source"))


def _clock(b: Builder, raw: dict, at: At) -> m.Clock:
    def cond(where: At, value: AnyValue) -> m.Condition | None:
        return None if value is None else b.condition(value, where)

    met = raw.get("met_when") or {}
    return m.Clock(cond(at / "pause_when", raw.get("pause_when")),
                   cond(at / "met_when" / "respond", met.get("respond")),
                   cond(at / "met_when" / "resolve", met.get("resolve")))


def _deadline_set(b: Builder, raw: dict, at: At) -> m.DeadlineSet:
    return m.DeadlineSet(b.duration(raw.get("respond"), at / "respond"), b.duration(raw.get("resolve"), at / "resolve"))


_ACTION_REFS = (("steps", "step"), ("scripts", "script"), ("strategies", "strategy"), ("avoid", "avoid"),
                ("escalate_to", "role"))


def _rule(b: Builder, raw: dict, at: At, order: int) -> m.Rule:
    then, tat = raw["then"], at / "then"
    action = m.Action(
        *(_refs(b, then, tat, field_name, kind) if field_name in then else () for field_name, kind in _ACTION_REFS),
        _deadline_set(b, then["deadlines"], tat / "deadlines") if "deadlines" in then else m.NO_DEADLINES,
    )
    title, because, source = raw.get("title"), raw.get("because"), raw.get("source")  # mostly absent
    return m.Rule(raw["id"], b.condition(raw["when"], at / "when"), action, at.pos, int(raw.get("priority", 50)), order,
                  None if title is None else b.text(title, at / "title"),
                  None if because is None else b.text(because, at / "because"),
                  () if source is None else b.source(source, at / "source"))


def _escalation(b: Builder, raw: dict, at: At) -> m.EscalationPolicy:
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
        levels.append(m.EscalationLevel(level["id"], float(level["at"]), level["to"], b.opt_text(level.get("label"), lat / "label")))
    warnings = tuple(sorted(float(w) for w in raw.get("warnings", [])))
    return m.EscalationPolicy(warnings, tuple(levels))


def _measurement(b: Builder, raw: dict, at: At) -> m.Measurement:
    def labelled(name: str) -> tuple[m.Labelled, ...]:
        out = []
        for i, item in enumerate(raw.get(name, [])):
            iat = at / name / i
            b.register(name.rstrip("s") if name != "loyalty" else "loyalty", item["id"], iat / "id")
            out.append(m.Labelled(item["id"], b.text(item["label"], iat / "label"), b.opt_text(item.get("description"), iat / "description")))
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
        stats.append(m.Statistic(item["id"], b.text(item["text"], sat / "text"), b.source(item.get("source"), sat / "source")))
    return m.Measurement(b.opt_text(raw.get("formula"), at / "formula"), tuple(states), labelled("dimensions"),
                         labelled("loyalty"), tuple(stats), b.source(raw.get("source"), at / "source"))
