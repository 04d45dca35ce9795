"""What each operator means, in one table, and the three-valued logic that combines tests.

Every way of answering a condition (the plain walk in `evaluate`, the
closures of `compile`, the masks of `index`, the traced walk of `explain`)
takes its meaning from here; `tests/conditions/test_agreement.py` checks that
they agree.

A fact test on a present value is True or False, never an error: values of
different kinds are simply not equal (`true` is not `1`, `"1"` is not `1`),
and order comparisons hold only between numbers or between aware datetimes
(`"a" lt "m"` is False). A test on a missing fact is unknown (None), and
unknown is contagious the way SQL's NULL is (Kleene logic): `all` is False as
soon as one item is False, else unknown if one is unknown; `any` mirrors that;
`not unknown` stays unknown.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeGuard

from .model import FactTest, FactType, Op

Facts = Mapping[str, object]
OverdueFn = Callable[[str], "bool | None"]  # answers `overdue: target`: True, False or None (no clock)


def is_number(value: object) -> TypeGuard[int | float]:
    """A number as the condition language knows them: int or float, finite, and not a bool."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def same(a: object, b: object) -> bool:
    """Equality that never equates values of different kinds: True is not 1."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return a == b


def _ordered(a: object, b: object) -> bool:
    """Whether `a` and `b` may be ordered: two numbers, or two aware datetimes."""
    if is_number(a) and is_number(b):
        return True
    return isinstance(a, dt.datetime) and isinstance(b, dt.datetime)


# The operators take `Any`: a case may hold a value of any kind (they check it), and the
# expected value's shape is what the parser built for that operator.

def _eq(actual: Any, expected: Any) -> bool:
    return same(actual, expected)


def _ne(actual: Any, expected: Any) -> bool:
    return not same(actual, expected)


def _in(actual: Any, expected: Any) -> bool:
    return any(same(actual, v) for v in expected)


def _not_in(actual: Any, expected: Any) -> bool:
    return not _in(actual, expected)


def _lt(actual: Any, expected: Any) -> bool:
    return _ordered(actual, expected) and actual < expected


def _le(actual: Any, expected: Any) -> bool:
    return _ordered(actual, expected) and actual <= expected


def _gt(actual: Any, expected: Any) -> bool:
    return _ordered(actual, expected) and actual > expected


def _ge(actual: Any, expected: Any) -> bool:
    return _ordered(actual, expected) and actual >= expected


def _between(actual: Any, expected: Any) -> bool:
    lo, hi = expected
    return _ordered(actual, lo) and _ordered(actual, hi) and lo <= actual <= hi


def _contains(actual: Any, expected: Any) -> bool:
    return isinstance(actual, str) and str(expected).casefold() in actual.casefold()


# Operator -> its meaning on a present value: (actual, expected) -> bool. `exists`
# is about presence, not a value, and is answered by `fact_state`.
OPERATORS: dict[Op, Callable[[Any, Any], bool]] = {
    Op.EQ: _eq, Op.NE: _ne, Op.IN: _in, Op.NOT_IN: _not_in, Op.LT: _lt, Op.LE: _le, Op.GT: _gt, Op.GE: _ge,
    Op.BETWEEN: _between, Op.CONTAINS: _contains,
}

# Which operators make sense for which fact type; the parser refuses the others.
OPS_BY_TYPE: dict[FactType, frozenset[Op]] = {
    FactType.ENUM: frozenset({Op.EQ, Op.NE, Op.IN, Op.NOT_IN, Op.EXISTS}),
    FactType.BOOL: frozenset({Op.EQ, Op.NE, Op.EXISTS}),
    FactType.NUMBER: frozenset({Op.EQ, Op.NE, Op.IN, Op.NOT_IN, Op.LT, Op.LE, Op.GT, Op.GE, Op.BETWEEN, Op.EXISTS}),
    FactType.TEXT: frozenset({Op.EQ, Op.NE, Op.IN, Op.NOT_IN, Op.CONTAINS, Op.EXISTS}),
    FactType.DATETIME: frozenset({Op.EXISTS}),
}


def fact_state(t: FactTest, facts: Facts) -> bool | None:
    """One fact test against the facts: True, False, or None when the fact is missing."""
    if t.op is Op.EXISTS:
        return (t.fact in facts) is (t.value is not False)  # `exists` alone means exists: true
    if t.fact not in facts:
        return None
    return OPERATORS[t.op](facts[t.fact], t.value)


def all_of(states: Iterable[bool | None]) -> bool | None:
    """Kleene `and`: False if any is False, else None if any is None, else True."""
    return _settle(states, False)


def any_of(states: Iterable[bool | None]) -> bool | None:
    """Kleene `or`: True if any is True, else None if any is None, else False."""
    return _settle(states, True)


def _settle(states: Iterable[bool | None], decisive: bool) -> bool | None:
    """The first state that settles it (`decisive`), else unknown if one is, else the other answer."""
    unknown = False
    for state in states:
        if state is decisive:
            return decisive
        if state is None:
            unknown = True
    return None if unknown else not decisive


def negate(state: bool | None) -> bool | None:
    return None if state is None else not state
