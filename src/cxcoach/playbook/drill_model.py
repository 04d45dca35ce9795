"""The drill sections of a validated playbook: detectors, rubrics and role-play drills.

Plain frozen data, like `model.py`. Matchers are a small typed AST (phrases,
any/all/k-of-n, proximity, bounded regex, detector references) so they can be
checked when the playbook loads and compiled once by `cxcoach.drill.matcher`;
nothing here evaluates anything.
"""

# No `from __future__ import annotations` here: msgspec reads these classes' annotations to
# decode cache entries, and evaluating them from strings on the first read cost more than
# the rest of that read. Names used before they are defined are quoted.

from enum import StrEnum
from typing import TypeAlias

import msgspec

from ..conditions.model import Condition
from .base import NOWHERE, Model, Pos, Text

DEFAULT_GUARD_WINDOW = 8


# --- matchers ---------------------------------------------------------------

class Phrase(Model, tag=True):
    """A literal phrase; `guard` is the negation window in tokens (None: no guard)."""

    text: str
    guard: int | None = DEFAULT_GUARD_WINDOW


class Regex(Model, tag=True):
    """A bounded pattern (see playbook/drill_regex.py); `pattern` has its repeats capped."""

    source: str
    pattern: str
    guard: int | None = DEFAULT_GUARD_WINDOW


class AnyOf(Model, tag=True):
    items: tuple["Matcher", ...]


class AllOf(Model, tag=True):
    items: tuple["Matcher", ...]


class KOfN(Model, tag=True):
    k: int
    items: tuple["Matcher", ...]


class Near(Model, tag=True):
    """Every item matches with gaps of at most `within` normalised characters."""

    items: tuple["Matcher", ...]
    within: int = 10
    ordered: bool = False


class DetectorRef(Model, tag=True):
    id: str


class Unless(Model, tag=True):
    """`item` counts only when `exclude` matches nowhere in the reply."""

    item: "Matcher"
    exclude: "Matcher"


Matcher: TypeAlias = Phrase | Regex | AnyOf | AllOf | KOfN | Near | DetectorRef | Unless


# --- customer state ---------------------------------------------------------

class Effect(Model):
    """A change of the simulated customer's state."""

    hostility: int = 0
    perceived: float = 0.0
    set: tuple[str, ...] = ()
    clear: tuple[str, ...] = ()


class NumOp(StrEnum):
    EQ = "eq"
    LT = "lt"
    LE = "le"
    GT = "gt"
    GE = "ge"


class NumTest(Model):
    subject: str  # hostility | perceived | visits | turn
    op: NumOp
    value: float


class StateTest(Model):
    """All parts must hold; an empty test always holds."""

    numbers: tuple[NumTest, ...] = ()
    flags: tuple[str, ...] = ()
    not_flags: tuple[str, ...] = ()
    case: Condition | None = None


# --- detectors and rubrics --------------------------------------------------

class Polarity(StrEnum):
    GOOD = "good"
    BAD = "bad"
    NEUTRAL = "neutral"


class Detector(Model):
    id: str
    title: Text
    polarity: Polarity
    match: Matcher
    pos: Pos = NOWHERE
    description: Text | None = None
    effect: Effect | None = None
    examples: tuple[str, ...] = ()
    counter_examples: tuple[str, ...] = ()
    source: tuple[str, ...] = ()


class CriterionKind(StrEnum):
    WEIGHT = "weight"  # earned when present
    PENALTY = "penalty"  # deducted when present
    AUTO_FAIL = "auto_fail"  # score 0 and fail when present


class Criterion(Model):
    id: str
    title: Text
    kind: CriterionKind
    value: float  # the weight or penalty; 0 for auto-fail
    evidence: Matcher
    pos: Pos = NOWHERE
    detector: str | None = None
    step: str | None = None
    dimension: str | None = None
    model_line: str | None = None
    model: Text | None = None
    feedback_met: Text | None = None
    feedback_missed: Text | None = None
    na_when: Condition | None = None
    source: tuple[str, ...] = ()
    absent: bool = False  # weighted criterion earned when the evidence is NOT found


class OrderRule(Model):
    """When both appear, the earliest of `first` must precede the earliest of `then`."""

    id: str
    first: tuple[str, ...]
    then: tuple[str, ...]
    penalty: float
    pos: Pos = NOWHERE
    title: Text | None = None
    feedback: Text | None = None
    source: tuple[str, ...] = ()


class Scope(StrEnum):
    REPLY = "reply"
    CONVERSATION = "conversation"


class Rubric(Model):
    id: str
    title: Text
    scope: Scope
    criteria: tuple[Criterion, ...]
    pos: Pos = NOWHERE
    pass_mark: float = 60.0
    default: bool = False
    order: tuple[OrderRule, ...] = ()
    description: Text | None = None
    source: tuple[str, ...] = ()

    def criterion(self, ident: str) -> Criterion | None:
        return next((c for c in self.criteria if c.id == ident), None)


# --- drills -----------------------------------------------------------------

class Difficulty(StrEnum):
    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"


class EndingKind(StrEnum):
    GOOD = "good"
    NEUTRAL = "neutral"
    BAD = "bad"


class CustomerLine(Model):
    id: str
    text: Text
    when: StateTest | None = None


class Response(Model):
    """What a reply may show at a node; `id` is the stable feedback id."""

    id: str
    match: Matcher
    feedback: Text
    pos: Pos = NOWHERE
    when: StateTest | None = None
    points: int = 0
    criterion: str | None = None
    effect: Effect | None = None
    next: str | None = None


class Fallback(Model):
    id: str
    next: str
    feedback: Text | None = None
    effect: Effect | None = None
    points: int = 0


class Node(Model):
    id: str
    say: tuple[CustomerLine, ...]
    responses: tuple[Response, ...]
    fallback: Fallback
    pos: Pos = NOWHERE
    hint: Text | None = None
    model: Text | None = None


class Ending(Model):
    id: str
    kind: EndingKind
    title: Text
    pos: Pos = NOWHERE
    outcome: str | None = None
    say: Text | None = None


class Persona(Model):
    type: str
    label: Text
    expectation: float
    hostility: int
    perceived: float = 3.0
    temper: float = 1.0
    strategy: str | None = None
    motive: Text | None = None


class Drill(Model):
    id: str
    title: Text
    difficulty: Difficulty
    persona: Persona
    start: str
    nodes: dict[str, Node]
    endings: dict[str, Ending]
    rubric: str | None  # conversation rubric id, resolved at build time
    on_timeout: str
    on_walkout: str
    pos: Pos = NOWHERE
    brief: Text | None = None
    locales: tuple[str, ...] = ()
    case: dict[str, object] = msgspec.field(default_factory=dict)
    na: tuple[str, ...] = ()
    pass_mark: float | None = None
    hint_cost: int = 5
    max_turns: int = 12
    source: tuple[str, ...] = ()
