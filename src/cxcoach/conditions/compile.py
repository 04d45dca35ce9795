"""Conditions compiled once into closures: `pred(facts, overdue) -> True | False | None`.

The engine runs a rule's condition for every case, so each node becomes a
small closure chosen at compile time (nothing uses `eval`). The usual fact
tests get shortcuts: equality with a text value and membership in a set of
texts answer with one comparison or set lookup. Every closure means exactly
what `evaluate` means (the operator table and Kleene logic of `operators`);
`tests/conditions/test_agreement.py` checks it on random conditions.
"""

from __future__ import annotations

from collections.abc import Callable

from .model import All, Any, Condition, FactTest, Not, Op, Overdue
from .operators import OPERATORS, Facts, OverdueFn, fact_state

Predicate = Callable[[Facts, OverdueFn], "bool | None"]

_MISSING = object()


def compile_condition(cond: Condition) -> Predicate:
    """A closure answering `cond` in three-valued logic."""
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
            state = inner(facts, overdue)
            return None if state is None else not state

        return negate
    if isinstance(cond, All | Any):
        return _compile_combination(cond)
    raise TypeError(f"not a condition: {cond!r}")


def _compile_combination(cond: All | Any) -> Predicate:
    """Kleene `all`/`any` (operators.all_of/any_of) with the loop inlined: rules run it per case."""
    parts = tuple(compile_condition(item) for item in cond.items)
    decisive = isinstance(cond, Any)  # the state that settles it: True for any, False for all

    def combine(facts: Facts, overdue: OverdueFn) -> bool | None:
        unknown = False
        for part in parts:
            state = part(facts, overdue)
            if state is decisive:
                return decisive
            if state is None:
                unknown = True
        return None if unknown else not decisive

    return combine


def _compile_test(t: FactTest) -> Predicate:
    fact, op, expected = t.fact, t.op, t.value
    if op is Op.EXISTS:

        def exists(facts: Facts, overdue: OverdueFn) -> bool | None:
            return fact_state(t, facts)

        return exists
    if op in (Op.EQ, Op.NE) and isinstance(expected, str):  # `same` on a text is plain ==
        positive = op is Op.EQ

        def eq_text(facts: Facts, overdue: OverdueFn) -> bool | None:
            actual = facts.get(fact, _MISSING)
            if actual is _MISSING:
                return None
            return (actual == expected) is positive

        return eq_text
    if op in (Op.IN, Op.NOT_IN) and isinstance(expected, tuple) and all(isinstance(v, str) for v in expected):
        members = frozenset(expected)
        positive = op is Op.IN

        def in_texts(facts: Facts, overdue: OverdueFn) -> bool | None:
            actual = facts.get(fact, _MISSING)
            if actual is _MISSING:
                return None
            return (isinstance(actual, str) and actual in members) is positive

        return in_texts
    check = OPERATORS[op]

    def generic(facts: Facts, overdue: OverdueFn) -> bool | None:
        actual = facts.get(fact, _MISSING)
        if actual is _MISSING:
            return None
        return check(actual, expected)

    return generic
