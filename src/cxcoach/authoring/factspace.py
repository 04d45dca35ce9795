"""Symbolic reasoning over the declared fact space: can a condition ever be true, is one rule inside another.

Rules are checked by *reasoning* over the facts' declared domains, never by
sampling cases: a sampled check would miss the one enum combination a trainer
forgot. A condition is turned into a set of fact assignments in disjunctive
form (a list of boxes; a box constrains each fact to a domain). The engine's
three-valued logic is kept exactly (see conditions/operators.py): a test on a
missing fact is unknown, `all`/`any` follow Kleene logic and a rule fires only
when its condition is *true*. So for every condition we can ask for the
assignments where it is True (T), False (F), not True (NT) or not False (NF);
`not` swaps T with F and NT with NF.

Domains per fact type: enum and bool are finite sets; numbers are unions of
intervals (inside the fact's min/max); text is "one of these strings" or "any
string except these, containing these, not containing those"; datetime is
only present or missing. Every domain also says whether "missing" is allowed
(never for facts with a default, or for the derived `elapsed_minutes`).
`overdue:` tests are free true/false/unknown atoms.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import msgspec

from ..conditions.operators import OPERATORS, is_number
from ..playbook import model as m

MAX_BOXES = 4000


class TooComplex(Exception):
    """The disjunctive form grew past MAX_BOXES; callers skip the check rather than guess."""


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


MISSING = _Missing()


# --- domains ------------------------------------------------------------------

class Finite(msgspec.Struct, frozen=True):
    values: frozenset[object]

    def meet(self, other: Finite) -> Finite:
        return Finite(self.values & other.values)

    @property
    def empty(self) -> bool:
        return not self.values


class Interval(msgspec.Struct, frozen=True):
    lo: float
    lo_closed: bool
    hi: float
    hi_closed: bool

    @property
    def empty(self) -> bool:
        return self.lo > self.hi or (self.lo == self.hi and not (self.lo_closed and self.hi_closed))

    def meet(self, other: Interval) -> Interval:
        if self.lo > other.lo or (self.lo == other.lo and not self.lo_closed):
            lo, lo_closed = self.lo, self.lo_closed
        else:
            lo, lo_closed = other.lo, other.lo_closed
        if self.hi < other.hi or (self.hi == other.hi and not self.hi_closed):
            hi, hi_closed = self.hi, self.hi_closed
        else:
            hi, hi_closed = other.hi, other.hi_closed
        return Interval(lo, lo_closed, hi, hi_closed)


ALL_REALS = Interval(-math.inf, False, math.inf, False)


class Numbers(msgspec.Struct, frozen=True):
    intervals: tuple[Interval, ...]
    missing: bool

    def meet(self, other: Numbers) -> Numbers:
        parts = tuple(x for a in self.intervals for b in other.intervals if not (x := a.meet(b)).empty)
        return Numbers(parts, self.missing and other.missing)

    @property
    def empty(self) -> bool:
        return not self.missing and not self.intervals


class Texts(msgspec.Struct, frozen=True):
    """members None: any string not in `excluded`, containing every `required`, none of `forbidden`."""

    members: frozenset[str] | None
    excluded: frozenset[str]
    required: tuple[str, ...]
    forbidden: tuple[str, ...]
    missing: bool

    def _ok(self, s: str) -> bool:
        low = s.casefold()
        return (s not in self.excluded and all(r.casefold() in low for r in self.required)
                and not any(f.casefold() in low for f in self.forbidden))

    def meet(self, other: Texts) -> Texts:
        excluded = self.excluded | other.excluded
        required = tuple(dict.fromkeys(self.required + other.required))
        forbidden = tuple(dict.fromkeys(self.forbidden + other.forbidden))
        members: frozenset[str] | None
        if self.members is None and other.members is None:
            members = None
        else:
            pool = self.members if other.members is None else other.members if self.members is None \
                else self.members & other.members
            members = pool
        out = Texts(members, excluded, required, forbidden, self.missing and other.missing)
        if members is not None:
            out = Texts(frozenset(s for s in members if out._ok(s)), excluded, required, forbidden, out.missing)
        return out

    @property
    def empty(self) -> bool:
        if self.missing:
            return False
        if self.members is not None:
            return not self.members
        return any(f.casefold() in r.casefold() for f in self.forbidden for r in self.required)


Domain = Finite | Numbers | Texts
# An `overdue` test's answers (True, False or unknown) for each wanted outcome.
_OVERDUE_STATES: dict[str, frozenset[object]] = {"T": frozenset({True}), "F": frozenset({False}),
                                                 "NT": frozenset({False, None}), "NF": frozenset({True, None})}
Box = dict[str, Domain]
DNF = list[Box]


def _with_missing(d: Domain, missing: bool) -> Domain:
    if isinstance(d, Finite):
        return Finite(d.values | {MISSING}) if missing else Finite(d.values - {MISSING})
    if isinstance(d, Numbers):
        return Numbers(d.intervals, missing)
    return Texts(d.members, d.excluded, d.required, d.forbidden, missing)


# --- the fact space -------------------------------------------------------------

class FactSpace:
    """The declared domain of every fact of a playbook, and conditions turned into DNF over it."""

    def __init__(self, playbook: m.Playbook) -> None:
        self.facts = dict(playbook.facts)
        self.full: dict[str, Domain] = {fid: self._full(f) for fid, f in self.facts.items()}
        self.full["elapsed_minutes"] = Numbers((Interval(0, True, math.inf, False),), False)

    @staticmethod
    def _full(fact: m.Fact) -> Domain:
        can_miss = fact.default is None
        if fact.type is m.FactType.ENUM:
            return Finite(frozenset(fact.value_ids) | ({MISSING} if can_miss else frozenset()))
        if fact.type is m.FactType.BOOL:
            return Finite(frozenset({True, False}) | ({MISSING} if can_miss else frozenset()))
        if fact.type is m.FactType.NUMBER:
            lo = -math.inf if fact.min is None else float(fact.min)
            hi = math.inf if fact.max is None else float(fact.max)
            return Numbers((Interval(lo, fact.min is not None, hi, fact.max is not None),), can_miss)
        if fact.type is m.FactType.TEXT:
            return Texts(None, frozenset(), (), (), can_miss)
        return Finite(frozenset({"present"}) | ({MISSING} if can_miss else frozenset()))  # datetime

    def domain_of(self, key: str) -> Domain:
        if key.startswith("overdue:"):
            return Finite(frozenset({True, False, None}))
        return self.full[key]

    # -- leaves --
    def _leaf(self, t: m.FactTest, want: str) -> DNF:
        full = self.full.get(t.fact)
        if full is None:  # unknown fact: validation reports it; treat as unconstrained
            return [{}]
        holds, fails = self._split(t, full)
        if t.op is m.Op.EXISTS:
            present = _with_missing(full, False)
            absent = _with_missing(_nothing(full), True).meet(full)  # type: ignore[arg-type]  # one fact: one domain type
            yes, no = (present, absent) if t.value is not False else (absent, present)
            chosen = {"T": yes, "F": no, "NT": no, "NF": yes}[want]
        else:
            chosen = {"T": holds, "F": fails, "NT": _with_missing(fails, True), "NF": _with_missing(holds, True)}[want]
        chosen = chosen.meet(full)  # type: ignore[arg-type]  # one fact: one domain type
        return [] if chosen.empty else [{t.fact: chosen}]

    def _split(self, t: m.FactTest, full: Domain) -> tuple[Domain, Domain]:
        """(present and the test holds, present and it fails), both without `missing`."""
        op, value = t.op, t.value
        if isinstance(full, Finite):
            present = full.values - {MISSING}
            if op is m.Op.EXISTS:
                return Finite(present), Finite(frozenset())
            holds = OPERATORS[op]  # a finite domain is split by trying each of its values
            held = frozenset(v for v in present if holds(v, value))
            return Finite(held), Finite(present - held)
        if isinstance(full, Numbers):
            yes, no = _number_split(op, value)
            return Numbers(yes, False), Numbers(no, False)
        return _text_split(op, value)

    # -- conditions --
    def dnf(self, cond: m.Condition, want: str = "T") -> DNF:
        if isinstance(cond, m.FactTest):
            return self._leaf(cond, want)
        if isinstance(cond, m.Overdue):
            return [{f"overdue:{cond.target}": Finite(_OVERDUE_STATES[want])}]
        if isinstance(cond, m.Not):
            return self.dnf(cond.item, {"T": "F", "F": "T", "NT": "NF", "NF": "NT"}[want])
        conj = (want in ("T", "NF")) if isinstance(cond, m.All) else (want in ("F", "NT"))
        parts = [self.dnf(item, want) for item in cond.items]
        return self.meet_all(parts) if conj else self.union(parts)

    def union(self, parts: Iterable[DNF]) -> DNF:
        out: DNF = [box for part in parts for box in part]
        if len(out) > MAX_BOXES:
            raise TooComplex()
        return out

    def meet_all(self, parts: Sequence[DNF]) -> DNF:
        result: DNF = [{}]
        for part in parts:
            result = self.meet(result, part)
            if not result:
                return []
        return result

    def meet(self, a: DNF, b: DNF) -> DNF:
        out: DNF = []
        for x in a:
            for y in b:
                box = self._meet_box(x, y)
                if box is not None:
                    out.append(box)
                    if len(out) > MAX_BOXES:
                        raise TooComplex()
        return out

    def _meet_box(self, x: Box, y: Box) -> Box | None:
        box = dict(x)
        for key, dom in y.items():
            if key in box:
                met = box[key].meet(dom)  # type: ignore[arg-type]  # one fact: one domain type
                if met.empty:
                    return None
                box[key] = met
            else:
                box[key] = dom
        return box

    def satisfiable(self, cond: m.Condition, want: str = "T") -> bool:
        return bool(self.dnf(cond, want))

    def implies(self, a: m.Condition, b: m.Condition) -> bool:
        """Whenever `a` is true, `b` is true too (T(a) meets NT(b) nowhere)."""
        return not self.meet(self.dnf(a, "T"), self.dnf(b, "NT"))

    def witness(self, cond: m.Condition) -> dict[str, object] | None:
        """One concrete assignment making `cond` true (for messages and tests); None when there is none."""
        boxes = self.dnf(cond, "T")
        if not boxes:
            return None
        out: dict[str, object] = {}
        for key, dom in boxes[0].items():
            out[key] = sample_value(dom)
        return out


def _nothing(d: Domain) -> Domain:
    if isinstance(d, Finite):
        return Finite(frozenset())
    if isinstance(d, Numbers):
        return Numbers((), False)
    return Texts(frozenset(), frozenset(), (), (), False)


def _points_complement(points: Sequence[float]) -> tuple[Interval, ...]:
    pts = sorted(set(points))
    out = []
    lo, lo_closed = -math.inf, False
    for p in pts:
        out.append(Interval(lo, lo_closed, p, False))
        lo, lo_closed = p, False
    out.append(Interval(lo, lo_closed, math.inf, False))
    return tuple(i for i in out if not i.empty)


def _number_split(op: m.Op, value: Any) -> tuple[tuple[Interval, ...], tuple[Interval, ...]]:
    """`value` is the test's, as the parser shaped it for `op` (a tuple for in/not_in/between)."""

    def num(v: object) -> float | None:
        return float(v) if is_number(v) else None

    inf = math.inf
    if op is m.Op.EXISTS:
        return (ALL_REALS,), ()
    if op in (m.Op.EQ, m.Op.NE, m.Op.IN, m.Op.NOT_IN):
        raw = value if op in (m.Op.IN, m.Op.NOT_IN) else (value,)
        pts = [p for p in (num(v) for v in raw) if p is not None]
        yes = tuple(Interval(p, True, p, True) for p in sorted(set(pts)))
        no = _points_complement(pts)
        return (yes, no) if op in (m.Op.EQ, m.Op.IN) else (no, yes)
    if op is m.Op.BETWEEN:
        lo, hi = (num(v) for v in value)
        if lo is None or hi is None:
            return (), (ALL_REALS,)
        return (Interval(lo, True, hi, True),), (Interval(-inf, False, lo, False), Interval(hi, False, inf, False))
    v = num(value)
    if v is None:
        return (), (ALL_REALS,)
    table = {
        m.Op.LT: (Interval(-inf, False, v, False), Interval(v, True, inf, False)),
        m.Op.LE: (Interval(-inf, False, v, True), Interval(v, False, inf, False)),
        m.Op.GT: (Interval(v, False, inf, False), Interval(-inf, False, v, True)),
        m.Op.GE: (Interval(v, True, inf, False), Interval(-inf, False, v, False)),
    }
    if op in table:
        inside, outside = table[op]
        return (inside,), (outside,)
    return (), (ALL_REALS,)  # contains on a number: never true


def _text_split(op: m.Op, value: Any) -> tuple[Texts, Texts]:
    """`value` is the test's, as the parser shaped it for `op`."""
    anything = Texts(None, frozenset(), (), (), False)
    none = Texts(frozenset(), frozenset(), (), (), False)
    if op is m.Op.EXISTS:
        return anything, none
    if op in (m.Op.EQ, m.Op.NE, m.Op.IN, m.Op.NOT_IN):
        raw = value if op in (m.Op.IN, m.Op.NOT_IN) else (value,)
        strings = frozenset(v for v in raw if isinstance(v, str))
        yes = Texts(strings, frozenset(), (), (), False)
        no = Texts(None, strings, (), (), False)
        return (yes, no) if op in (m.Op.EQ, m.Op.IN) else (no, yes)
    if op is m.Op.CONTAINS:
        s = str(value)
        return Texts(None, frozenset(), (s,), (), False), Texts(None, frozenset(), (), (s,), False)
    return none, anything


def sample_value(dom: Domain) -> object:
    """One value of the domain (MISSING when only "missing" is allowed), for witnesses."""
    if isinstance(dom, Finite):
        present = sorted((v for v in dom.values if v is not MISSING), key=repr)
        return present[0] if present else MISSING
    if isinstance(dom, Numbers):
        if not dom.intervals:
            return MISSING
        i = dom.intervals[0]
        if i.lo_closed:
            return i.lo
        if i.hi_closed:
            return i.hi
        if math.isinf(i.lo) and math.isinf(i.hi):
            return 0.0
        if math.isinf(i.lo):
            return i.hi - 1
        if math.isinf(i.hi):
            return i.lo + 1
        return (i.lo + i.hi) / 2
    if dom.members is not None:
        return sorted(dom.members)[0] if dom.members else MISSING
    candidate = "".join(dom.required) or "x"
    while candidate in dom.excluded:
        candidate += "x"
    return candidate
