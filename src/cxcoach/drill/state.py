"""The simulated customer's typed state and the tests and effects that act on it.

Hostility (0 calm .. 10 furious) and perceived service (0 .. 10, the b of
c = b / a) move with what the trainee says: detectors carry default effects
(empathy calms, arguing inflames) and drill responses add their own. Increases
in hostility are scaled by the persona's temper, so a hot-tempered customer
flares faster than they calm down.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import msgspec

from ..conditions.evaluate import evaluate as evaluate_condition
from ..playbook import drill_model as dm
from .matcher import Span, evaluate
from .memory import Memory

HOSTILITY_MAX = 10
PERCEIVED_MAX = 10.0


class CustomerState(msgspec.Struct, frozen=True):
    hostility: int
    perceived: float
    flags: frozenset[str] = frozenset()

    def to_json(self) -> dict[str, object]:
        return {"hostility": self.hostility, "perceived": round(self.perceived, 2), "flags": sorted(self.flags)}


class MoodChange(msgspec.Struct, frozen=True):
    """One applied effect and why: a detector id or a response/fallback id."""

    source: str
    kind: str  # "behaviour" | "response" | "fallback"
    hostility: int
    perceived: float

    def to_json(self) -> dict[str, object]:
        return {"source": self.source, "kind": self.kind, "hostility": self.hostility, "perceived": self.perceived}


@dataclass(slots=True)
class Situation:
    """What state tests can see at one moment of a session."""

    state: CustomerState
    visits: int
    turn: int
    case: Mapping[str, object] = field(default_factory=dict)
    memory: Memory = field(default_factory=Memory)


def apply_effect(state: CustomerState, effect: dm.Effect, temper: float) -> tuple[CustomerState, int, float]:
    """The new state and the actual (clamped, tempered) changes."""
    delta = effect.hostility
    if delta > 0:
        delta = max(1, round(delta * temper))
    hostility = min(HOSTILITY_MAX, max(0, state.hostility + delta))
    perceived = min(PERCEIVED_MAX, max(0.0, state.perceived + effect.perceived))
    flags = (state.flags | frozenset(effect.set)) - frozenset(effect.clear)
    return (CustomerState(hostility, perceived, flags), hostility - state.hostility,
            round(perceived - state.perceived, 4))


def _num(test: dm.NumTest, value: float) -> bool:
    op, ref = test.op, test.value
    if op is dm.NumOp.EQ:
        return value == ref
    if op is dm.NumOp.LT:
        return value < ref
    if op is dm.NumOp.LE:
        return value <= ref
    if op is dm.NumOp.GT:
        return value > ref
    return value >= ref


def holds(test: dm.StateTest | None, where: Situation) -> bool:
    if test is None:
        return True
    values = {"hostility": where.state.hostility, "perceived": where.state.perceived,
              "visits": where.visits, "turn": where.turn}
    if not all(_num(t, values[t.subject]) for t in test.numbers):
        return False
    if any(f not in where.state.flags for f in test.flags):
        return False
    if any(f in where.state.flags for f in test.not_flags):
        return False
    if test.listens and not _heard(test, where.memory):
        return False
    return test.case is None or evaluate_condition(test.case, where.case) is True  # unknown does not hold


def _heard(test: dm.StateTest, memory: Memory) -> bool:
    heard = memory.heard
    if test.acts and not any(a in heard.acts for a in test.acts):
        return False
    if any(a in heard.acts for a in test.not_acts):
        return False
    if test.reply is not None and (heard.context is None or not evaluate(test.reply, heard.context)):
        return False
    if test.overpromise is not None and bool(heard.overpromises) != test.overpromise:
        return False
    if not all(r in memory.offered for r in test.offered) or any(r in memory.offered for r in test.not_offered):
        return False
    return all(r in memory.refused for r in test.refused)


def quote_for(test: dm.StateTest | None, memory: Memory) -> Span | None:
    """What the trainee said that makes `test` hold: the first act it names, its `reply` match, the over-promise."""
    if test is None:
        return None
    heard = memory.heard
    for act in test.acts:
        if heard.acts.get(act):
            return heard.acts[act][0]
    if test.reply is not None and heard.context is not None:
        hits = evaluate(test.reply, heard.context)
        if hits:
            return heard.context.span(hits[0])
    if test.overpromise and heard.overpromises:
        return heard.overpromises[0].span
    return None

