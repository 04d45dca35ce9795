"""The Builder API: what every section builder gets to turn raw data into the model.

A section builder (`build.py` for the core sections, `drill_build.py` for the
drill ones) receives a `Builder` and each raw item with its location, an `At`.
The Builder reports problems at positions, reads localized text, registers ids
and checks references between sections, and parses conditions; see
docs/architecture.md for the list.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any as AnyValue

from ..conditions.parse import ConditionParser
from ..problems import Problem, ProblemList, Severity, did_you_mean, path_str
from . import model as m
from .yamlsource import Document, JsonPath, Location


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
        return At(self.doc, (*self.path, part), self)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not At:
            return NotImplemented
        return (self.doc, self.path) == (other.doc, other.path)

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
        self._conditions = ConditionParser()

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
            if not raw.strip():
                self._blank(at)
            return m.Text.plain(raw)
        values = {str(k): str(v) for k, v in raw.items()}
        for loc, value in values.items():
            if not value.strip():
                self._blank(at / loc)
        missing = [loc for loc in self.locales if loc not in values]
        if missing:
            self.error(at, "E203", f"missing translation for {', '.join(missing)}",
                       f"add {', '.join(f'{loc}: ...' for loc in missing)} next to {', '.join(values)}")
        for extra in values.keys() - set(self.locales):
            self.warning(at / extra, "W204", f"locale {extra!r} is not declared in playbook.locales",
                         did_you_mean(extra, self.locales), key=True)
        return m.Text(values)

    def _blank(self, at: At) -> None:
        """Only spaces (a full-width one, a tab): the schema's "not empty" passes it, and a trainee would see a
        blank line, title or hint."""
        self.error(at, "E208", "the text is blank (only spaces)", "write the text, or leave out an optional field")

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
            duration = m.Duration.parse(str(raw))
        except ValueError as exc:
            self.error(at, "E402", str(exc))
            return None
        longest = MAX_DURATION.get(duration.unit)
        if longest is not None and duration.amount > longest:
            self.error(at, "E402", f"{duration} is longer than deadlines are computed for (at most {longest:,}"
                       f"{duration.unit.value})",
                       "the most is ten years of clock time, 500 business days or 4,000 business hours")
            return None
        return duration

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
        """The condition language (`conditions/parse.py`), its problems reported here, fact checks included."""
        return self._conditions.parse(self, raw, at)


# The longest duration of each unit the engine computes with: ten years of clock time, about two
# working years of business time (the calendar looks three years ahead for working hours).
MAX_DURATION = {
    m.DurationUnit.MINUTES: 3660 * 24 * 60, m.DurationUnit.HOURS: 3660 * 24, m.DurationUnit.DAYS: 3660,
    m.DurationUnit.BUSINESS_HOURS: 4000, m.DurationUnit.BUSINESS_DAYS: 500,
}
