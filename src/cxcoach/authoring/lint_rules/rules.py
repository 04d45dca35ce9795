"""L2xx: rules that can never fire, add nothing, or set a deadline that never applies.

All by reasoning over the declared fact space (`authoring/factspace.py`). The
engine collects what every fired rule recommends and takes the earliest
deadline, so "shadowed" here means *redundant*: whenever the rule fires, a
rule ranked above it fires too and already recommends all of it; and
"contradicted" means a rule's deadline is always beaten by another rule
that fires whenever it does (or by the playbook default).
"""

from __future__ import annotations

from collections.abc import Iterator

from ...playbook import model as m
from ...problems import Problem
from ..factspace import DNF, TooComplex
from .base import LintContext, finding

CODES = {
    "L201": "rule can never fire over the declared fact space",
    "L202": "rule is shadowed: a higher-ranked rule always fires with it and recommends everything it does",
    "L203": "rule deadline never applies: another rule that always fires with it sets an earlier one",
    "L204": "rule deadline never applies: the playbook default is always earlier",
}

_WALL = {m.DurationUnit.MINUTES: 1, m.DurationUnit.HOURS: 60, m.DurationUnit.DAYS: 1440}


def _minutes(d: m.Duration, calendar: m.Calendar) -> tuple[str, float] | None:
    """A comparable size: ("wall", minutes) or ("business", business minutes); None when not comparable."""
    if d.unit in _WALL:
        return "wall", d.amount * _WALL[d.unit]
    day = (calendar.end.hour * 60 + calendar.end.minute) - (calendar.start.hour * 60 + calendar.start.minute)
    if d.unit is m.DurationUnit.BUSINESS_HOURS:
        return "business", d.amount * 60.0
    if d.unit is m.DurationUnit.BUSINESS_DAYS:
        return "business", d.amount * float(max(day, 1))
    return None  # end of business day depends on when the case arrives


def not_later(a: m.Duration, b: m.Duration, calendar: m.Calendar) -> bool:
    """`a` always ends no later than `b` (same family of units only)."""
    if a == b:
        return True
    if a.unit is m.DurationUnit.END_OF_BUSINESS_DAY and b.unit is m.DurationUnit.BUSINESS_DAYS and b.amount >= 1:
        return True
    x, y = _minutes(a, calendar), _minutes(b, calendar)
    return x is not None and y is not None and x[0] == y[0] and x[1] <= y[1]


def _ranks_above(a: m.Rule, b: m.Rule) -> bool:
    return (a.priority, -a.order) > (b.priority, -b.order)


def _covers(a: m.Action, b: m.Action, calendar: m.Calendar) -> bool:
    """Everything `b` recommends, `a` recommends too (deadlines: `a`'s is no later)."""
    for name in ("steps", "scripts", "strategies", "avoid", "escalate_to"):
        if not set(getattr(b, name)) <= set(getattr(a, name)):
            return False
    for kind in ("respond", "resolve"):
        mine, theirs = getattr(b.deadlines, kind), getattr(a.deadlines, kind)
        if mine is not None and (theirs is None or not not_later(theirs, mine, calendar)):
            return False
    return True


def check(ctx: LintContext) -> Iterator[Problem]:
    pb = ctx.playbook
    fs = ctx.factspace
    fires: dict[str, DNF] = {}
    never: set[str] = set()
    for rule in pb.rules:
        try:
            fires[rule.id] = fs.dnf(rule.when, "T")
        except TooComplex:
            continue
        if not fires[rule.id]:
            never.add(rule.id)
            yield finding(rule.pos, "L201", f"rule {rule.id!r} can never fire: no case over the declared facts "
                          "makes its `when` true", "look for contradictory tests (e.g. eq a and eq b on one fact, "
                          "a number outside the fact's min/max, `not exists` with a test on the same fact)")

    not_firing: dict[str, DNF | None] = {}

    def always_with(b: m.Rule, a: m.Rule) -> bool:
        """Whenever b fires, a fires (no case fires b but leaves a not true)."""
        try:
            if a.id not in not_firing:
                not_firing[a.id] = fs.dnf(a.when, "NT")
            other = not_firing[a.id]
            return other is not None and not fs.meet(fires[b.id], other)
        except TooComplex:
            not_firing.setdefault(a.id, None)
            return False

    live = [r for r in pb.rules if r.id in fires and r.id not in never]
    for b in live:
        for a in live:
            if a is b or not _ranks_above(a, b):
                continue
            if _covers(a.then, b.then, pb.calendar) and always_with(b, a):
                yield finding(b.pos, "L202", f"rule {b.id!r} is shadowed by {a.id!r} (priority {a.priority}): "
                              f"whenever {b.id!r} fires, {a.id!r} fires too and already recommends all of it",
                              f"remove {b.id!r}, or give it something of its own to recommend")
                break
        for kind in ("respond", "resolve"):
            mine = getattr(b.then.deadlines, kind)
            if mine is None:
                continue
            default = getattr(pb.deadlines, kind)
            if default is not None and default != mine and not_later(default, mine, pb.calendar):
                yield finding(b.pos, "L204", f"rule {b.id!r} sets {kind} {mine}, but the playbook default "
                              f"{kind} {default} is always earlier, and the earliest deadline wins",
                              f"shorten the rule's {kind} deadline or remove it")
                continue
            for a in live:
                other = getattr(a.then.deadlines, kind)
                if a is b or other is None or other == mine or not not_later(other, mine, pb.calendar):
                    continue
                if always_with(b, a):
                    yield finding(b.pos, "L203", f"rule {b.id!r} sets {kind} {mine}, but whenever it fires "
                                  f"{a.id!r} fires too and sets {kind} {other}, which is earlier and wins",
                                  f"remove the deadline from {b.id!r} or narrow {a.id!r}")
                    break
