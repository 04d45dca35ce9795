"""The condition language's AST: typed, frozen nodes that hold data and evaluate nothing.

Nodes hold no positions: their problems are reported while they are built,
against the YAML, and the position of what holds them (a rule, a criterion)
is enough afterwards.
"""

# No `from __future__ import annotations` here: msgspec reads these classes' annotations to
# decode cache entries, and evaluating them from strings on the first read cost more than
# the rest of that read. Names used before they are defined are quoted.

from enum import StrEnum
from typing import TypeAlias, dataclass_transform

import msgspec


class FactType(StrEnum):
    """What a fact holds; it decides which operators apply to it."""

    ENUM = "enum"
    BOOL = "bool"
    NUMBER = "number"
    TEXT = "text"
    DATETIME = "datetime"


class Op(StrEnum):
    EQ = "eq"
    NE = "ne"
    IN = "in"
    NOT_IN = "not_in"
    LT = "lt"
    LE = "le"
    GT = "gt"
    GE = "ge"
    BETWEEN = "between"
    CONTAINS = "contains"
    EXISTS = "exists"


# Operator spellings authors bring from other tools, for "did you mean" hints.
OP_SYNONYMS = {"gte": "ge", ">=": "ge", "lte": "le", "<=": "le", ">": "gt", "<": "lt", "==": "eq", "=": "eq",
               "!=": "ne", "equals": "eq", "neq": "ne", "nin": "not_in", "range": "between", "has": "contains"}

# Facts every case has without declaring them: computed from the case clock.
DERIVED_FACTS = {"elapsed_minutes": FactType.NUMBER}

Scalar: TypeAlias = str | int | float | bool | None


@dataclass_transform(frozen_default=True)  # tells type checkers that subclasses are frozen too
class Node(msgspec.Struct, frozen=True, gc=False, tag=True):
    """The base of the condition nodes: immutable, and tagged with the class name when encoded."""


class FactTest(Node):
    """`{fact, op, value}`; `value` is a scalar, a tuple (in/not_in/between) or a bool (exists)."""

    fact: str
    op: Op
    value: Scalar | tuple[Scalar, ...]


class Overdue(Node):
    """True when the named deadline (`respond`, `resolve` or a step id) has passed."""

    target: str


class All(Node):
    items: tuple["Condition", ...]


class Any(Node):
    items: tuple["Condition", ...]


class Not(Node):
    item: "Condition"


Condition: TypeAlias = All | Any | Not | FactTest | Overdue


def conjuncts(cond: Condition) -> tuple[Condition, ...]:
    """The top-level `all` items, nested `all`s flattened: the parts of a rule that must all hold."""
    if isinstance(cond, All):
        return tuple(part for item in cond.items for part in conjuncts(item))
    return (cond,)


def facts_of(cond: Condition) -> list[str]:
    """The facts `cond` tests, in order, with repeats."""
    if isinstance(cond, FactTest):
        return [cond.fact]
    if isinstance(cond, Overdue):
        return []
    if isinstance(cond, Not):
        return facts_of(cond.item)
    return [fact for item in cond.items for fact in facts_of(item)]


def uses_overdue(cond: Condition) -> bool:
    """Whether `cond` tests a deadline anywhere."""
    if isinstance(cond, Overdue):
        return True
    if isinstance(cond, FactTest):
        return False
    if isinstance(cond, Not):
        return uses_overdue(cond.item)
    return any(uses_overdue(item) for item in cond.items)
