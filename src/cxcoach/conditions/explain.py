"""Conditions explained: the verdict with the facts behind it, and a one-line rendering.

`explain` walks a condition like `evaluate` and gives the same verdict, plus
why: the facts (with their values) that make it hold or fail, the facts whose
absence makes it unknown, and the deadlines found overdue. `recommend` uses
it for a rule's "because" and for near misses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import msgspec

from .model import All, Any, Condition, FactTest, Not, Op, Overdue, facts_of
from .operators import Facts, OverdueFn, fact_state


class Outcome(msgspec.Struct, frozen=True):
    """A traced verdict: what held (fact, value), what was unknown, and which deadlines were overdue."""

    state: bool | None
    matched: tuple[tuple[str, object], ...] = ()
    missing: tuple[str, ...] = ()
    overdue: tuple[str, ...] = ()


def explain(cond: Condition, facts: Facts, overdue: OverdueFn) -> Outcome:
    """`cond`'s verdict on `facts` (as `evaluate` gives it) and why.

    `matched` lists the facts that make the verdict (for `not`, the facts whose
    values made the inner test false); `missing` the facts whose absence made
    the verdict unknown.
    """
    if isinstance(cond, FactTest):
        state = fact_state(cond, facts)
        if state is None:
            return Outcome(None, missing=(cond.fact,))
        shown = cond.fact in facts and (state or cond.op is not Op.EXISTS)  # a failed `exists` shows nothing
        return Outcome(state, ((cond.fact, facts[cond.fact]),) if shown else ())
    if isinstance(cond, Overdue):
        state = overdue(cond.target)
        return Outcome(state, overdue=(cond.target,) if state else ())
    if isinstance(cond, Not):
        inner = explain(cond.item, facts, overdue)
        if inner.state is None:
            return Outcome(None, missing=inner.missing)
        if inner.state:
            return Outcome(False, inner.matched)
        present = tuple((f, facts[f]) for f in dict.fromkeys(facts_of(cond.item)) if f in facts)
        return Outcome(True, present)
    parts = [explain(item, facts, overdue) for item in cond.items]
    decisive = isinstance(cond, Any)  # the state that settles it: True for any, False for all
    hits = [p for p in parts if p.state is decisive]
    if hits:
        overdue_hits = tuple(dict.fromkeys(o for p in hits for o in p.overdue)) if decisive else ()
        return Outcome(decisive, _matched(p.matched for p in hits), (), overdue_hits)
    unknown = [p for p in parts if p.state is None]
    if unknown:
        return Outcome(None, missing=tuple(dict.fromkeys(m for p in unknown for m in p.missing)))
    # no item settles it and none is unknown: all -> True, any -> False
    return Outcome(not decisive, _matched(p.matched for p in parts), (),
                   tuple(dict.fromkeys(o for p in parts for o in p.overdue)))


def _matched(groups: Iterable[tuple[tuple[str, object], ...]]) -> tuple[tuple[str, object], ...]:
    """(fact, value) pairs, each fact once: a case has one value per fact, and it may be unhashable."""
    return tuple({fact: value for group in groups for fact, value in group}.items())


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
