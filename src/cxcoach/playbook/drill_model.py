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


class InPart(Model, tag=True):
    """`item`'s hits that lie in one part of the reply's structure (see drill/clauses.py)."""

    item: "Matcher"
    part: str  # "question" | "after_contrast"


Matcher: TypeAlias = Phrase | Regex | AnyOf | AllOf | KOfN | Near | DetectorRef | Unless | InPart


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
    # What the customer heard: the latest reply (for a line, the reply that led to it) and memory of the talk.
    acts: tuple[str, ...] = ()  # the latest reply showed at least one of these acts (detector ids)
    not_acts: tuple[str, ...] = ()  # ... and none of these
    reply: Matcher | None = None  # the latest reply matches
    overpromise: bool | None = None  # the latest reply did (True) / did not (False) promise beyond authority
    offered: tuple[str, ...] = ()  # every one of these remedies was offered at some turn
    not_offered: tuple[str, ...] = ()  # none of these was ever offered
    refused: tuple[str, ...] = ()  # every one of these remedies was refused ("we can't refund") at some turn

    @property
    def listens(self) -> bool:
        """Whether the test looks at what the trainee said, not only at the mood."""
        return bool(self.acts or self.not_acts or self.reply is not None or self.overpromise is not None
                    or self.offered or self.not_offered or self.refused)

    @property
    def parts(self) -> int:
        """How specific a line chosen by this test is: one per condition, two per condition on what was said
        (a line that answers the reply beats one that only fits the mood or the visit)."""
        heard = (bool(self.acts) + bool(self.not_acts) + (self.reply is not None) + (self.overpromise is not None)
                 + len(self.offered) + len(self.not_offered) + len(self.refused))
        return len(self.numbers) + len(self.flags) + len(self.not_flags) + (self.case is not None) + 2 * heard


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
    learn: bool | float = True  # learn from the examples; a float is the confidence threshold
    states_a_limit: bool = False  # a refusal, sending elsewhere, a small sum granted: "..., but I'll ..." takes it back


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
    pos: Pos = NOWHERE


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
    lines: tuple[CustomerLine, ...] = ()  # the closing words as variants (`say` as a one-line list)


class Persona(Model):
    type: str
    label: Text
    expectation: float
    hostility: int
    perceived: float = 3.0
    temper: float = 1.0
    strategy: str | None = None
    motive: Text | None = None


# --- what the customer hears: authority, reactions, patience ----------------

class Remedy(Model):
    """Something a trainee might offer in a drill, how an offer of it is recognised, and whether they may.

    `allowed: False` is beyond the trainee's authority whatever happens; an
    allowed remedy may still be limited to a moment (`when`, e.g. only after
    the meter test) or to a sum (`max_amount`, compared with the money named
    in the same clause as the offer).
    """

    id: str
    title: Text
    match: Matcher
    allowed: bool = True
    when: StateTest | None = None
    max_amount: float | None = None
    limit: Text | None = None  # the limit in words, quoted when it is broken
    pos: Pos = NOWHERE


class Authority(Model):
    """What the trainee may offer in a drill; an offer beyond it is an over-promise."""

    remedies: tuple[Remedy, ...] = ()
    criterion: str | None = None  # a penalty criterion of the drill's rubric, credited with each over-promise
    avoid: str | None = None  # the playbook's "avoid" entry for promising what cannot be delivered
    effect: Effect | None = None  # how the customer's state moves when promised too much
    next: str | None = None  # where an over-promise leads (a node or ending), whatever branch the reply took

    def remedy(self, ident: str) -> Remedy | None:
        return next((r for r in self.remedies if r.id == ident), None)


class Reaction(Model):
    """Words the customer puts before their next line when the reply showed one of `to`.

    `to` holds act (detector) ids and the events `upset` (any act that raises
    hostility), `overpromise` (promised beyond authority) and `silence` (the
    reply timer ran out).
    """

    id: str
    to: tuple[str, ...]
    say: tuple[CustomerLine, ...]
    pos: Pos = NOWHERE


class Patience(Model):
    """How long the customer waits for a reply, and what happens when they have waited too long."""

    seconds: int
    effect: Effect | None = None
    say: tuple[CustomerLine, ...] = ()


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
    authority: Authority | None = None
    reactions: tuple[Reaction, ...] = ()
    patience: Patience | None = None
