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

from .model import FactTest, FactType, Op

Facts = Mapping[str, object]


def is_number(value: object) -> bool:
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


def _eq(actual: object, expected: object) -> bool:
    return same(actual, expected)


def _ne(actual: object, expected: object) -> bool:
    return not same(actual, expected)


def _in(actual: object, expected: object) -> bool:
    return any(same(actual, v) for v in expected)  # type: ignore[attr-defined]  # a tuple, by the parser


def _not_in(actual: object, expected: object) -> bool:
    return not _in(actual, expected)


def _lt(actual: object, expected: object) -> bool:
    return _ordered(actual, expected) and actual < expected  # type: ignore[operator]  # checked by _ordered


def _le(actual: object, expected: object) -> bool:
    return _ordered(actual, expected) and actual <= expected  # type: ignore[operator]  # checked by _ordered


def _gt(actual: object, expected: object) -> bool:
    return _ordered(actual, expected) and actual > expected  # type: ignore[operator]  # checked by _ordered


def _ge(actual: object, expected: object) -> bool:
    return _ordered(actual, expected) and actual >= expected  # type: ignore[operator]  # checked by _ordered


def _between(actual: object, expected: object) -> bool:
    lo, hi = expected  # type: ignore[misc]  # [low, high], by the parser
    return _ordered(actual, lo) and _ordered(actual, hi) and lo <= actual <= hi  # type: ignore[operator]


def _contains(actual: object, expected: object) -> bool:
    return isinstance(actual, str) and str(expected).casefold() in actual.casefold()


# Operator -> its meaning on a present value: (actual, expected) -> bool. `exists`
# is about presence, not a value, and is answered by `fact_state`.
OPERATORS: dict[Op, Callable[[object, object], bool]] = {
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
    unknown = False
    for state in states:
        if state is False:
            return False
        if state is None:
            unknown = True
    return None if unknown else True


def any_of(states: Iterable[bool | None]) -> bool | None:
    """Kleene `or`: True if any is True, else None if any is None, else False."""
    unknown = False
    for state in states:
        if state is True:
            return True
        if state is None:
            unknown = True
    return None if unknown else False


def negate(state: bool | None) -> bool | None:
    return None if state is None else not state
