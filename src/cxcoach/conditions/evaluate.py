"""The plain answer to a condition: a walk of its tree with the operator table and Kleene logic.

This is the reference the faster paths (`compile`, `index`) must agree with,
and what drills use for `na_when` and state tests: they meet each condition a
few times, where compiling it would not pay.
"""

from __future__ import annotations

from .model import All, Any, Condition, FactTest, Not, Overdue
from .operators import Facts, OverdueFn, all_of, any_of, fact_state, negate


def no_clock(target: str) -> bool | None:
    """`overdue` where there is no clock (a drill's fixed case): unknown."""
    return None


def evaluate(cond: Condition, facts: Facts, overdue: OverdueFn = no_clock) -> bool | None:
    """True, False or None (unknown) for `cond` on `facts`; `overdue(target)` answers deadline tests."""
    if isinstance(cond, FactTest):
        return fact_state(cond, facts)
    if isinstance(cond, Overdue):
        return overdue(cond.target)
    if isinstance(cond, Not):
        return negate(evaluate(cond.item, facts, overdue))
    if isinstance(cond, All):
        return all_of(evaluate(item, facts, overdue) for item in cond.items)
    if isinstance(cond, Any):
        return any_of(evaluate(item, facts, overdue) for item in cond.items)
    raise TypeError(f"not a condition: {cond!r}")
