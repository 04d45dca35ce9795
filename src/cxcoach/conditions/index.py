"""Rules compiled into bitmask indexes so a case only touches rules that can match.

A rule here is anything with a condition (`when`), a `priority` and a
declaration `order`: the engine's rules, and any future kind.

Each rule gets one bit; the best-ranked rule (priority desc, then
declaration order) is the highest bit, so the zero-padded binary string of
a mask lists ranks left to right and `str.find("1")` walks hits already
ranked, at C speed. A rule's condition is split into its top-level conjuncts (nested
`all`s flattened). Conjuncts the index can answer are folded into per-fact
masks; everything else (`any`, `not`, `contains`, `exists`, `overdue`, tests
on datetime facts) stays in a small compiled *residual* closure checked only
for candidate rules.

* Equality facts (enum, bool, text) with `eq`/`ne`/`in`/`not_in`: a dict
  value -> mask of rules that accept that value, plus one mask for values no
  rule mentions (rules that only exclude values accept those).
* Number facts with `lt`/`le`/`gt`/`ge`/`between`/`eq`: the rule's tests on
  the fact intersect into one interval; the sorted distinct endpoints cut
  the number line into regions (open gaps and the endpoints themselves) and
  each region has the mask of rules whose interval covers it. A case value
  is placed with one `bisect`.

A missing fact keeps only the rules that do not test that fact (their test
would be *unknown*). A value no rule mentions, or of another kind than the
fact's (`1` for a bool fact), keeps the rules that only exclude values. The
candidate mask is the AND of one mask per indexed fact: a handful of big-int
operations per case however many rules there are. Masks hold no meaning of
their own: they are worked out from `operators` (typed equality, ordering of
numbers), and `tests/conditions/test_agreement.py` checks them against `evaluate`.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Callable, Mapping, Sequence
from operator import itemgetter
from typing import Any, Generic, Protocol, TypeVar

import msgspec

from .compile import Predicate, compile_condition
from .explain import explain
from .model import DERIVED_FACTS, All, Condition, FactTest, FactType, Op, conjuncts, uses_overdue
from .operators import Facts, OverdueFn, is_number

_MISSING = object()
# Per indexed fact: (fact, the kind of value the masks are keyed by, value -> mask, mask for other values,
# mask of rules that do not test the fact), and for numbers (fact, sorted endpoints, mask per region, free mask).
_HashTable = tuple[str, type, dict[object, int], int, int]
_RangeTable = tuple[str, list[float], list[int], int]
_HASH_TYPES = frozenset((FactType.ENUM, FactType.BOOL, FactType.TEXT))
_HASH_OPS = frozenset((Op.EQ, Op.NE, Op.IN, Op.NOT_IN))
_RANGE_OPS = frozenset((Op.EQ, Op.LT, Op.LE, Op.GT, Op.GE, Op.BETWEEN))


def _mask(ranks: Sequence[int], width: int) -> int:
    """An int with the bits of the given rule ranks set (rank r is bit width-1-r).

    Built through a bytearray so it stays linear for 10,000-rule playbooks.
    """
    if not ranks:
        return 0
    buf = bytearray((width + 7) // 8)
    top = width - 1
    for r in ranks:
        b = top - r
        buf[b >> 3] |= 1 << (b & 7)
    return int.from_bytes(buf, "little")


def _indexable(test: Condition, types: Mapping[str, FactType]) -> str | None:
    """'hash', 'range' or None (residual) for one conjunct."""
    if type(test) is not FactTest:
        return None
    ftype = types.get(test.fact)
    op = test.op
    if ftype in _HASH_TYPES and op in _HASH_OPS:
        values = test.value if op is Op.IN or op is Op.NOT_IN else (test.value,)
        if type(values) is tuple and values:
            want = bool if ftype is FactType.BOOL else str
            if all(type(v) is want for v in values):
                return "hash"
        return None
    if ftype is FactType.NUMBER and op in _RANGE_OPS:
        values = test.value if op is Op.BETWEEN else (test.value,)
        if type(values) is tuple and len(values) in (1, 2) and all(is_number(v) for v in values):
            return "range"
    return None


class Rule(Protocol):
    """What the index needs of a rule."""

    @property
    def when(self) -> Condition: ...
    @property
    def priority(self) -> int: ...
    @property
    def order(self) -> int: ...


R = TypeVar("R", bound=Rule)


class CompiledRule(msgspec.Struct, Generic[R], frozen=True):
    """A rule ready to run: its rank (= bit), compiled residual and traced facts."""

    rule: R
    rank: int
    parts: tuple[Condition, ...]  # top-level conjuncts
    indexed: tuple[str | None, ...]  # per conjunct: the fact the index answers it on, None for a residual one
    residual: Predicate | None  # non-indexed conjuncts, None when the index decides alone
    fact_ids: tuple[str, ...]  # facts of indexed conjuncts, in condition order
    uses_overdue: bool
    values: Callable[[Facts], tuple[object, ...]]  # the case's values of `fact_ids`, as one tuple

    def because(self, facts: Facts, overdue: OverdueFn) -> tuple[tuple[tuple[str, object], ...], tuple[str, ...]]:
        """(matched facts with values, overdue targets) for a rule that fired; exact.

        A rule the index decides alone matched exactly its indexed facts, so
        the trace is one `itemgetter` call. Of the other rules' conjuncts (all
        of which held), the indexed ones matched their fact and only the
        residual ones are walked with `explain`: the same trace, in condition
        order, as explaining the whole rule.
        """
        if self.residual is None:
            return tuple(zip(self.fact_ids, self.values(facts), strict=True)), ()
        matched: dict[str, object] = {}
        overdue_hits: list[str] = []
        for part, fact in zip(self.parts, self.indexed, strict=True):
            if fact is None:
                out = explain(part, facts, overdue)
                matched.update(out.matched)
                overdue_hits.extend(out.overdue)
            else:
                matched[fact] = facts[fact]
        return tuple(matched.items()), tuple(dict.fromkeys(overdue_hits))


def _getter(keys: tuple[str, ...]) -> Callable[[Facts], tuple[object, ...]]:
    if len(keys) >= 2:
        return itemgetter(*keys)
    if len(keys) == 1:
        key = keys[0]
        return lambda facts: (facts[key],)
    return lambda facts: ()


class _Interval:
    """A rule's accepted range on one number fact (intersection of its tests)."""

    __slots__ = ("hi", "hi_closed", "lo", "lo_closed")

    def __init__(self) -> None:
        self.lo: float = -math.inf
        self.lo_closed = False
        self.hi: float = math.inf
        self.hi_closed = False

    def lower(self, value: float, closed: bool) -> None:
        if value > self.lo or (value == self.lo and not closed):
            self.lo, self.lo_closed = value, closed

    def upper(self, value: float, closed: bool) -> None:
        if value < self.hi or (value == self.hi and not closed):
            self.hi, self.hi_closed = value, closed

    def add(self, op: Op, value: Any) -> None:
        """Narrow to one test's range; `value` is a number, or [low, high] numbers (see `_indexable`)."""
        if op is Op.BETWEEN:
            lo, hi = value
            self.lower(lo, True)
            self.upper(hi, True)
        elif op is Op.EQ:
            self.lower(value, True)
            self.upper(value, True)
        elif op is Op.LT:
            self.upper(value, False)
        elif op is Op.LE:
            self.upper(value, True)
        elif op is Op.GT:
            self.lower(value, False)
        elif op is Op.GE:
            self.lower(value, True)


class RuleIndex(Generic[R]):
    """All rules of a playbook, indexed; immutable after construction."""

    __slots__ = ("_fmt", "_hash", "_parts", "_range", "all_mask", "overdue_mask", "residual_mask", "rules", "width")

    def __init__(self, rules: Sequence[R], fact_types: Mapping[str, FactType]) -> None:
        types = dict(DERIVED_FACTS)
        types.update(fact_types)
        ranked = sorted(enumerate(rules), key=lambda p: (-p[1].priority, p[1].order, p[0]))
        width = len(ranked)
        self.width = width
        self._fmt = f"0{width}b"
        self._parts: dict[int, tuple[Predicate, ...]] = {}
        compiled: list[CompiledRule[R]] = []
        hash_tests: dict[str, list[tuple[int, set[object] | None, set[object]]]] = {}
        range_tests: dict[str, list[tuple[int, _Interval]]] = {}
        residual_bits: list[int] = []
        overdue_bits: list[int] = []
        for rank, (_, rule) in enumerate(ranked):
            parts = conjuncts(rule.when)
            rest: list[Condition] = []
            fact_ids: list[str] = []
            indexed: list[str | None] = []
            pos: dict[str, set[object] | None] = {}
            neg: dict[str, set[object]] = {}
            ranges: dict[str, _Interval] = {}
            for part in parts:
                kind = _indexable(part, types)
                if kind is None:
                    rest.append(part)
                    indexed.append(None)
                    continue
                assert isinstance(part, FactTest)
                fact_ids.append(part.fact)
                indexed.append(part.fact)
                if kind == "range":
                    ranges.setdefault(part.fact, _Interval()).add(part.op, part.value)
                    continue
                values: set[object] = set(part.value) if isinstance(part.value, tuple) else {part.value}
                neg.setdefault(part.fact, set())
                pos.setdefault(part.fact, None)
                if part.op in (Op.EQ, Op.IN):
                    cur = pos[part.fact]
                    pos[part.fact] = values if cur is None else cur & values
                else:
                    neg[part.fact] |= values
            for fact in pos:
                hash_tests.setdefault(fact, []).append((rank, pos[fact], neg[fact]))
            for fact, interval in ranges.items():
                range_tests.setdefault(fact, []).append((rank, interval))
            residual = None
            if rest:
                residual = compile_condition(rest[0] if len(rest) == 1 else All(tuple(rest)))
                residual_bits.append(rank)
            overdue_part = any(uses_overdue(p) for p in rest)  # indexed parts are plain fact tests
            if overdue_part:
                overdue_bits.append(rank)
            compiled.append(
                CompiledRule(
                    rule=rule,
                    rank=rank,
                    parts=parts,
                    indexed=tuple(indexed),
                    residual=residual,
                    fact_ids=(ids := tuple(dict.fromkeys(fact_ids))),
                    uses_overdue=overdue_part,
                    values=_getter(ids),
                )
            )
        self.rules: tuple[CompiledRule[R], ...] = tuple(compiled)
        self.all_mask = (1 << width) - 1
        self.residual_mask = _mask(residual_bits, width)
        self.overdue_mask = _mask(overdue_bits, width)
        self._hash = tuple(self._build_hash(f, types[f], t, width) for f, t in sorted(hash_tests.items()))
        self._range = tuple(self._build_range(f, t, width) for f, t in sorted(range_tests.items()))

    def _build_hash(self, fact: str, ftype: FactType, tests: list[tuple[int, set[object] | None, set[object]]],
                    width: int) -> _HashTable:
        testing = _mask([r for r, _, _ in tests], width)
        free = self.all_mask & ~testing
        posbits: dict[object, list[int]] = {}
        negbits: dict[object, list[int]] = {}
        open_bits: list[int] = []  # rules with only exclusions: accept unmentioned values
        for rank, pos, neg in tests:
            if pos is None:
                open_bits.append(rank)
            else:
                for v in pos - neg:
                    posbits.setdefault(v, []).append(rank)
            for v in neg:
                negbits.setdefault(v, []).append(rank)
        open_mask = _mask(open_bits, width)
        masks: dict[object, int] = {}
        for v in set(posbits) | set(negbits):
            masks[v] = free | ((open_mask | _mask(posbits.get(v, []), width)) & ~_mask(negbits.get(v, []), width))
        # Values are looked up in `masks` only when of the fact's kind: True == 1 to a dict.
        return fact, bool if ftype is FactType.BOOL else str, masks, free | open_mask, free

    def _build_range(self, fact: str, tests: list[tuple[int, _Interval]], width: int) -> _RangeTable:
        testing = _mask([r for r, _ in tests], width)
        free = self.all_mask & ~testing
        points = sorted({p for _, iv in tests for p in (iv.lo, iv.hi) if math.isfinite(p)})
        where = {p: i for i, p in enumerate(points)}
        n_regions = 2 * len(points) + 1
        starts: list[list[int]] = [[] for _ in range(n_regions)]
        ends: list[list[int]] = [[] for _ in range(n_regions)]
        for rank, iv in tests:
            first = 0 if iv.lo == -math.inf else 2 * where[iv.lo] + (1 if iv.lo_closed else 2)
            last = n_regions - 1 if iv.hi == math.inf else 2 * where[iv.hi] + (1 if iv.hi_closed else 0)
            if first <= last:
                starts[first].append(rank)
                ends[last].append(rank)
        regions: list[int] = []
        cur = 0
        for r in range(n_regions):
            if starts[r]:
                cur |= _mask(starts[r], width)
            regions.append(cur | free)
            if ends[r]:
                cur &= ~_mask(ends[r], width)
        return fact, points, regions, free

    def part_predicates(self, cr: CompiledRule[R]) -> tuple[Predicate, ...]:
        """One compiled closure per top-level conjunct; built on first use (explanations only)."""
        preds = self._parts.get(cr.rank)
        if preds is None:
            preds = self._parts[cr.rank] = tuple(compile_condition(p) for p in cr.parts)
        return preds

    def candidates(self, facts: Facts) -> int:
        """Mask of rules whose indexed conjuncts all hold for `facts`."""
        m = self.all_mask
        for fact, kind, masks, other, free in self._hash:
            v = facts.get(fact, _MISSING)
            if v is _MISSING:
                m &= free
            else:
                m &= masks.get(v, other) if isinstance(v, kind) else other
            if not m:
                return 0
        for fact, points, regions, free in self._range:
            v = facts.get(fact, _MISSING)
            if is_number(v):
                i = bisect_left(points, v)
                m &= regions[2 * i + 1 if i < len(points) and points[i] == v else 2 * i]
            else:  # missing, or not a number: no range test holds
                m &= free
            if not m:
                return 0
        return m

    def match(self, facts: Facts, overdue: OverdueFn, mask: int | None = None) -> list[CompiledRule[R]]:
        """Rules that fire for `facts`, best-ranked first; `mask` limits which rules are tried."""
        m = self.candidates(facts)
        return self.fired(facts, overdue, m if mask is None else m & mask)

    def fired(self, facts: Facts, overdue: OverdueFn, candidates: int) -> list[CompiledRule[R]]:
        """The rules of `candidates` (a mask from `candidates()`) whose residual conditions hold, best-ranked first.

        A caller that runs several passes over one case (plain rules, then
        deadline tests) computes the candidates once and masks them per pass.
        """
        m = candidates
        if not m:
            return []
        rules = self.rules
        # rank r is bit (width-1-r): the zero-padded binary string lists ranks left to right
        bits = format(m, self._fmt)
        find = bits.find
        out: list[CompiledRule[R]] = []
        append = out.append
        i = find("1")
        while i >= 0:
            cr = rules[i]
            if cr.residual is None or cr.residual(facts, overdue) is True:
                append(cr)
            i = find("1", i + 1)
        return out

    def match_traced(self, facts: Facts, overdue: OverdueFn,
                     mask: int | None = None) -> list[tuple[CompiledRule[R], tuple[object, ...]]]:
        """`match` plus, per hit, the case's values of the rule's indexed facts: its trace.

        Cheap enough to leave on (one `itemgetter` call per hit). For rules
        with residual conditions the values cover the indexed part; their
        `because()` re-walks the residual on the same facts, which gives the
        same answer because evaluation is pure.
        """
        return [(cr, cr.values(facts)) for cr in self.match(facts, overdue, mask)]
