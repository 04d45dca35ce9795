"""The condition language compiled once into closures, with three-valued logic.

A compiled condition is `pred(facts, overdue) -> True | False | None` where
`facts` maps fact id to a typed value and `overdue(target)` answers
`Overdue` tests. None means *unknown*: a tested fact is missing from the case
(or a deadline cannot be computed). Unknown is contagious the way SQL's NULL
is (Kleene logic): `all` is False as soon as one item is False, else unknown
if one is unknown; `any` mirrors that; `not unknown` stays unknown. A rule
fires only when its condition is True, so a missing fact never fires a rule
and never raises.

Nothing here uses `eval`: every operator is a small Python closure chosen at
compile time. `evaluate` walks the same tree slowly but records *why* (the
facts that matched, the test that failed or was unknown); it is used for
explanations only, and its verdict always equals the compiled closure's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

import msgspec

from ..playbook.model import All, Any, Condition, FactTest, Not, Op, Overdue

Facts = Mapping[str, object]
OverdueFn = Callable[[str], "bool | None"]
Predicate = Callable[[Facts, OverdueFn], "bool | None"]

_MISSING = object()


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _comparable(a: object, b: object) -> bool:
    """Order comparisons only between numbers, or between aware datetimes."""
    if _is_number(a) and _is_number(b):
        return True
    return isinstance(a, dt.datetime) and isinstance(b, dt.datetime)


def _same(a: object, b: object) -> bool:
    """Equality that never equates True with 1 (bool facts stay bools)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return a == b


def test_value(op: Op, expected: object, actual: object) -> bool:
    """One fact test on a present value: the single source of truth for operators."""
    if op is Op.EQ:
        return _same(actual, expected)
    if op is Op.NE:
        return not _same(actual, expected)
    if op is Op.IN:
        return any(_same(actual, v) for v in expected)  # type: ignore[union-attr]
    if op is Op.NOT_IN:
        return not any(_same(actual, v) for v in expected)  # type: ignore[union-attr]
    if op is Op.CONTAINS:
        return isinstance(actual, str) and str(expected).casefold() in actual.casefold()
    if op is Op.BETWEEN:
        lo, hi = expected  # type: ignore[misc]
        return _comparable(actual, lo) and _comparable(actual, hi) and lo <= actual <= hi  # type: ignore[operator]
    if not _comparable(actual, expected):
        return False
    if op is Op.LT:
        return actual < expected  # type: ignore[operator]
    if op is Op.LE:
        return actual <= expected  # type: ignore[operator]
    if op is Op.GT:
        return actual > expected  # type: ignore[operator]
    if op is Op.GE:
        return actual >= expected  # type: ignore[operator]
    raise ValueError(f"unknown operator {op!r}")


def _compile_test(t: FactTest) -> Predicate:
    fact, op, expected = t.fact, t.op, t.value
    if op is Op.EXISTS:
        want = expected is not False  # `exists` alone means exists: true

        def exists(facts: Facts, overdue: OverdueFn) -> bool | None:
            return (fact in facts) is want

        return exists
    if op in (Op.EQ, Op.NE) and isinstance(expected, str):
        positive = op is Op.EQ

        def eq_str(facts: Facts, overdue: OverdueFn) -> bool | None:
            actual = facts.get(fact, _MISSING)
            if actual is _MISSING:
                return None
            return (actual == expected) is positive

        return eq_str
    if op in (Op.IN, Op.NOT_IN) and all(isinstance(v, str) for v in expected):  # type: ignore[union-attr]
        members = frozenset(expected)  # type: ignore[arg-type]
        positive = op is Op.IN

        def in_set(facts: Facts, overdue: OverdueFn) -> bool | None:
            actual = facts.get(fact, _MISSING)
            if actual is _MISSING:
                return None
            return (isinstance(actual, str) and actual in members) is positive

        return in_set
    if isinstance(expected, list):
        expected = tuple(expected)

    def generic(facts: Facts, overdue: OverdueFn) -> bool | None:
        actual = facts.get(fact, _MISSING)
        if actual is _MISSING:
            return None
        return test_value(op, expected, actual)

    return generic


def compile_condition(cond: Condition) -> Predicate:
    """A closure evaluating `cond` in three-valued logic (see module docstring)."""
    if isinstance(cond, FactTest):
        return _compile_test(cond)
    if isinstance(cond, Overdue):
        target = cond.target

        def is_overdue(facts: Facts, overdue: OverdueFn) -> bool | None:
            return overdue(target)

        return is_overdue
    if isinstance(cond, Not):
        inner = compile_condition(cond.item)

        def negate(facts: Facts, overdue: OverdueFn) -> bool | None:
            v = inner(facts, overdue)
            return None if v is None else not v

        return negate
    if isinstance(cond, All):
        parts = tuple(compile_condition(c) for c in cond.items)

        def all_of(facts: Facts, overdue: OverdueFn) -> bool | None:
            unknown = False
            for p in parts:
                v = p(facts, overdue)
                if v is False:
                    return False
                if v is None:
                    unknown = True
            return None if unknown else True

        return all_of
    if isinstance(cond, Any):
        parts = tuple(compile_condition(c) for c in cond.items)

        def any_of(facts: Facts, overdue: OverdueFn) -> bool | None:
            unknown = False
            for p in parts:
                v = p(facts, overdue)
                if v is True:
                    return True
                if v is None:
                    unknown = True
            return None if unknown else False

        return any_of
    raise TypeError(f"not a condition: {cond!r}")


def conjuncts(cond: Condition) -> tuple[Condition, ...]:
    """The top-level `all` items, nested `all`s flattened: the parts of a rule that must all hold."""
    if isinstance(cond, All):
        out: list[Condition] = []
        for item in cond.items:
            out.extend(conjuncts(item))
        return tuple(out)
    return (cond,)


def _fmt(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_fmt(v) for v in value) + "]"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return str(value)


def describe(cond: Condition) -> str:
    """A compact, exact one-line rendering, e.g. `severity eq major`."""
    if isinstance(cond, FactTest):
        if cond.op is Op.EXISTS:
            return f"{cond.fact} exists" if cond.value is not False else f"{cond.fact} not exists"
        return f"{cond.fact} {cond.op.value} {_fmt(cond.value)}"
    if isinstance(cond, Overdue):
        return f"overdue {cond.target}"
    if isinstance(cond, Not):
        return f"not ({describe(cond.item)})"
    if isinstance(cond, All):
        return "all(" + "; ".join(describe(c) for c in cond.items) + ")"
    if isinstance(cond, Any):
        return "any(" + "; ".join(describe(c) for c in cond.items) + ")"
    raise TypeError(f"not a condition: {cond!r}")


class Outcome(msgspec.Struct, frozen=True):
    """A traced verdict: what held (fact, value), what was unknown, and which deadlines were overdue."""

    state: bool | None
    matched: tuple[tuple[str, object], ...] = ()
    missing: tuple[str, ...] = ()
    overdue: tuple[str, ...] = ()


def _facts_of(cond: Condition) -> list[str]:
    if isinstance(cond, FactTest):
        return [cond.fact]
    if isinstance(cond, Overdue):
        return []
    if isinstance(cond, Not):
        return _facts_of(cond.item)
    out: list[str] = []
    for c in cond.items:
        out.extend(_facts_of(c))
    return out


def _dedupe(items) -> tuple:
    return tuple(dict.fromkeys(items))


def evaluate(cond: Condition, facts: Facts, overdue: OverdueFn) -> Outcome:
    """Walk `cond` and say why it holds or not; same verdict as `compile_condition`.

    `matched` lists the facts that make a True verdict true (for `not`, the
    facts whose values made the inner test false); `missing` the facts whose
    absence made the verdict unknown.
    """
    if isinstance(cond, FactTest):
        if cond.op is Op.EXISTS:
            state = (cond.fact in facts) is (cond.value is not False)
            return Outcome(state, ((cond.fact, facts[cond.fact]),) if state and cond.fact in facts else ())
        if cond.fact not in facts:
            return Outcome(None, missing=(cond.fact,))
        actual = facts[cond.fact]
        expected = tuple(cond.value) if isinstance(cond.value, list) else cond.value
        state = test_value(cond.op, expected, actual)
        return Outcome(state, ((cond.fact, actual),))
    if isinstance(cond, Overdue):
        state = overdue(cond.target)
        return Outcome(state, overdue=(cond.target,) if state else ())
    if isinstance(cond, Not):
        inner = evaluate(cond.item, facts, overdue)
        if inner.state is None:
            return Outcome(None, missing=inner.missing)
        if inner.state:
            return Outcome(False, inner.matched)
        present = tuple((f, facts[f]) for f in _dedupe(_facts_of(cond.item)) if f in facts)
        return Outcome(True, present)
    parts = [evaluate(c, facts, overdue) for c in cond.items]
    decisive = False if isinstance(cond, All) else True
    hits = [p for p in parts if p.state is decisive]
    if hits:
        if isinstance(cond, Any):  # any: True because of its true items
            return Outcome(True, _dedupe(m for p in hits for m in p.matched), (), _dedupe(o for p in hits for o in p.overdue))
        return Outcome(False, _dedupe(m for p in hits for m in p.matched))
    unknown = [p for p in parts if p.state is None]
    if unknown:
        return Outcome(None, missing=_dedupe(m for p in unknown for m in p.missing))
    # every item agrees and none is decisive: all -> True, any -> False
    return Outcome(
        not decisive,
        _dedupe(m for p in parts for m in p.matched),
        (),
        _dedupe(o for p in parts for o in p.overdue),
    )
