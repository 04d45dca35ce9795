"""DrillSession: one trainee working through one drill against a simulated customer.

The session is deterministic given (playbook, drill, seed, locale, mode, the
sequence of hints and replies): the only randomness is the choice among
eligible customer-line variants, drawn from a `random.Random(seed)`. The seed
is recorded, and `record()` / `DrillSession.replay()` reproduce a run exactly,
which is what makes trainer review, tests and the TUI's history trustworthy.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from enum import StrEnum

import msgspec

from ..playbook import drill_model as dm
from ..playbook.model import Playbook, SatisfactionState
from .detectors import Behaviour, detect
from .matcher import ReplyContext, Span, evaluate
from .scoring import Evidence, Score, ScoringError, score_contexts
from .state import CustomerState, MoodChange, Situation, apply_effect, holds
from ..errors import CxcoachError


class Mode(StrEnum):
    PRACTICE = "practice"  # feedback after each reply, hints available (they cost points)
    EXAM = "exam"  # no feedback, no hints: the report at the end only


class DrillError(CxcoachError):
    """Misuse of a session (unknown drill, reply after the end, hint in exam mode)."""


class Feedback(msgspec.Struct, frozen=True):
    id: str  # the response or fallback id: stable, citable
    text: str
    points: int = 0


class Turn(msgspec.Struct, frozen=True):
    number: int
    node: str
    line: str  # customer line id
    customer: str
    reply: str
    behaviours: tuple[Behaviour, ...]
    responses: tuple[str, ...]  # matched response ids, or the fallback id
    feedback: tuple[Feedback, ...]
    changes: tuple[MoodChange, ...]
    state: CustomerState  # after the reply
    next: str
    points: int
    hints: int  # hints taken at this node before replying

    def to_json(self) -> dict[str, object]:
        return {
            "turn": self.number, "node": self.node, "line": self.line, "customer": self.customer, "reply": self.reply,
            "behaviours": [b.to_json() for b in self.behaviours], "responses": list(self.responses),
            "feedback": [{"id": f.id, "text": f.text, "points": f.points} for f in self.feedback],
            "changes": [c.to_json() for c in self.changes], "state": self.state.to_json(), "next": self.next,
            "points": self.points, "hints": self.hints,
        }


class DrillReport(msgspec.Struct, frozen=True):
    drill: dm.Drill
    seed: int
    locale: str
    mode: Mode
    ending: dm.Ending | None
    turns: tuple[Turn, ...]
    score: Score
    satisfaction: float  # c = perceived / expected
    satisfaction_state: SatisfactionState | None
    passed: bool
    final_state: CustomerState


def _resolve(playbook: Playbook, drill: str | dm.Drill) -> dm.Drill:
    if isinstance(drill, dm.Drill):
        return drill
    found = playbook.drills.get(drill)
    if found is None:
        known = ", ".join(sorted(playbook.drills)) or "none"
        raise DrillError(f"unknown drill {drill!r} (known: {known})")
    return found


class DrillSession:
    """A simulated customer conversation; see docs/drills.md for the turn rules."""

    def __init__(self, playbook: Playbook, drill: str | dm.Drill, *, seed: int | None = None,
                 locale: str | None = None, mode: Mode | str = Mode.PRACTICE) -> None:
        self.playbook = playbook
        self.drill = _resolve(playbook, drill)
        self.seed = seed if seed is not None else random.SystemRandom().randrange(2**31)
        self.locale = locale or (self.drill.locales[0] if self.drill.locales else playbook.default_locale)
        self.mode = Mode(mode)
        self._rng = random.Random(self.seed)
        persona = self.drill.persona
        self.state = CustomerState(persona.hostility, persona.perceived)
        self.visits: dict[str, int] = {}
        self.turns: list[Turn] = []
        self.ending: dm.Ending | None = None
        self.hints_used = 0
        self._hints_here = 0
        self._events: list[list[str]] = []
        self._contexts: list[ReplyContext] = []
        self._credits: dict[str, list[Evidence]] = {}
        self._bonus = 0
        self.node: dm.Node | None = None
        self.line: dm.CustomerLine | None = None
        self._enter(self.drill.start)

    # -- reading the situation --
    @property
    def finished(self) -> bool:
        return self.ending is not None

    @property
    def customer_text(self) -> str:
        """What the customer says now (the ending's closing words once finished)."""
        if self.ending is not None:
            return self.ending.say.get(self.locale) if self.ending.say else ""
        assert self.line is not None
        return self.line.text.get(self.locale)

    @property
    def turn_number(self) -> int:
        return len(self.turns) + 1

    def _situation(self) -> Situation:
        node_id = self.node.id if self.node else ""
        return Situation(self.state, self.visits.get(node_id, 0), self.turn_number, self.drill.case)

    # -- moving --
    def _enter(self, target: str) -> None:
        if target in self.drill.endings:
            self.ending = self.drill.endings[target]
            self.node = self.line = None
            return
        node = self.drill.nodes[target]
        self.node = node
        self.visits[node.id] = self.visits.get(node.id, 0) + 1
        self._hints_here = 0
        where = self._situation()
        eligible = [v for v in node.say if holds(v.when, where)]
        specific = [v for v in eligible if v.when is not None]
        pool = specific or eligible or [node.say[0]]
        self.line = pool[self._rng.randrange(len(pool))] if len(pool) > 1 else pool[0]

    def hint(self) -> str | None:
        """The node's hint (practice mode only); each one costs the drill's hint_cost."""
        if self.mode is Mode.EXAM:
            raise DrillError("hints are not available in exam mode")
        if self.node is None:
            raise DrillError("the drill has ended")
        self._events.append(["hint"])
        if self.node.hint is None:
            return None
        self.hints_used += 1
        self._hints_here += 1
        return self.node.hint.get(self.locale)

    def reply(self, text: str) -> Turn:
        """Answer the customer; returns the turn (without feedback in exam mode)."""
        if self.node is None or self.line is None:
            raise DrillError("the drill has ended")
        self._events.append(["reply", text])
        node, line = self.node, self.line
        number = self.turn_number
        where = self._situation()
        ctx = ReplyContext.of(text, self.playbook.detectors)
        self._contexts.append(ctx)
        behaviours = detect(self.playbook.detectors, ctx)
        state = self.state
        changes: list[MoodChange] = []
        temper = self.drill.persona.temper

        def change(effect: dm.Effect | None, source: str, kind: str) -> None:
            nonlocal state
            if effect is None:
                return
            state, dh, dp = apply_effect(state, effect, temper)
            changes.append(MoodChange(source, kind, dh, dp))

        for b in behaviours:
            change(self.playbook.detectors[b.detector].effect, b.detector, "behaviour")
        matched: list[tuple[dm.Response, Span | None]] = []
        for resp in node.responses:
            if not holds(resp.when, where):
                continue
            hits = evaluate(resp.match, ctx)
            if hits:
                matched.append((resp, ctx.span(hits[0])))
        feedback: list[Feedback] = []
        points = 0
        target = None
        applied: list[str] = []
        for resp, span in matched:
            if resp.next and target is not None:
                continue  # a branch was already taken: later branches do not apply
            change(resp.effect, resp.id, "response")
            feedback.append(Feedback(resp.id, resp.feedback.get(self.locale), resp.points))
            points += resp.points
            applied.append(resp.id)
            if resp.criterion and span is not None:
                self._credits.setdefault(resp.criterion, []).append(Evidence(number, span, resp.id))
            if resp.next:
                target = resp.next
        ids = applied
        if target is None:
            fb = node.fallback
            change(fb.effect, fb.id, "fallback")
            if fb.feedback:
                feedback.append(Feedback(fb.id, fb.feedback.get(self.locale), fb.points))
            points += fb.points
            ids.append(fb.id)
            target = fb.next
        self.state = state
        self._bonus += points
        turn = Turn(number, node.id, line.id, line.text.get(self.locale), text, behaviours, tuple(ids),
                    tuple(feedback), tuple(changes), state, target, points, self._hints_here)
        self.turns.append(turn)
        if target not in self.drill.endings:
            if state.hostility >= 10 and self.drill.on_walkout:
                target = self.drill.on_walkout
            elif len(self.turns) >= self.drill.max_turns and self.drill.on_timeout:
                target = self.drill.on_timeout
        self._enter(target)
        return turn if self.mode is Mode.PRACTICE else msgspec.structs.replace(turn, feedback=())

    def play_model_answers(self) -> None:
        """Answer every turn with the node's model reply (for trainers, tests and CI)."""
        while self.node is not None:
            if self.node.model is None:
                raise DrillError(f"node {self.node.id!r} of drill {self.drill.id!r} has no model answer")
            self.reply(self.node.model.get(self.locale))

    # -- results --
    def score(self) -> Score:
        rubric = self.playbook.rubrics.get(self.drill.rubric or "")
        if rubric is None:
            raise ScoringError(f"drill {self.drill.id!r} has no conversation rubric")
        return score_contexts(rubric, self._contexts, na=self.drill.na, case=self.drill.case,
                              credits=self._credits, bonus=self._bonus,
                              hint_cost=self.hints_used * self.drill.hint_cost, pass_mark=self.drill.pass_mark)

    @property
    def satisfaction(self) -> float:
        return round(self.state.perceived / self.drill.persona.expectation, 3)

    def report(self) -> DrillReport:
        score = self.score()
        ratio = self.satisfaction
        state = self.playbook.measurement.state_for(ratio)
        ending_ok = self.ending is not None and self.ending.kind is not dm.EndingKind.BAD
        return DrillReport(self.drill, self.seed, self.locale, self.mode, self.ending, tuple(self.turns), score,
                           ratio, state, score.passed and ending_ok, self.state)

    # -- replay --
    def record(self) -> dict[str, object]:
        """Everything needed to replay this run exactly."""
        return {"drill": self.drill.id, "seed": self.seed, "locale": self.locale, "mode": self.mode.value,
                "events": [list(e) for e in self._events]}

    @classmethod
    def replay(cls, playbook: Playbook, record: Mapping[str, object]) -> DrillSession:
        session = cls(playbook, str(record["drill"]), seed=int(record["seed"]),  # type: ignore[call-overload]
                      locale=str(record["locale"]), mode=str(record.get("mode", "practice")))
        for event in record.get("events", []):  # type: ignore[union-attr]
            if event[0] == "hint":
                session.hint()
            elif event[0] == "reply":
                session.reply(event[1])
        return session
