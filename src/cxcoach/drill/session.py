"""DrillSession: one trainee working through one drill against a simulated customer.

The session is deterministic given (playbook, drill, seed, locale, mode, the
trainee's name, the sequence of hints, replies and silences): the only
randomness is the choice among eligible customer-line variants, drawn from a
`random.Random(seed)`. The seed is recorded, and `record()` /
`DrillSession.replay()` reproduce a run exactly, which is what makes trainer
review, tests and the TUI's history trustworthy.

The customer listens (customer.py): each reply is heard as acts, offers and
refusals (memory.py, authority.py), lines are chosen by that and by what was
said before, rudeness and over-promises get a reaction, and an offer beyond
the drill's authority is charged to the rubric with its quote.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from enum import StrEnum

import msgspec

from ..errors import CxcoachError
from ..playbook import drill_model as dm
from ..playbook.line_slots import fill
from ..playbook.model import Playbook, SatisfactionState
from .authority import hear
from .customer import Said, choose, join, react, slot_values
from .detectors import Behaviour, credited, detect
from .form import verdict_text
from .learn import learnt_for
from .matcher import ReplyContext, Span, evaluate
from .memory import Memory, Offer
from .scoring import Evidence, Score, ScoringError, score_contexts
from .state import CustomerState, MoodChange, Situation, apply_effect, holds


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
    reaction: str | None = None  # id of the reaction line the customer opened with, if any
    offers: tuple[Offer, ...] = ()  # remedies offered in the reply, each within authority or not
    refusals: tuple[Offer, ...] = ()  # remedies the reply refused
    overpromised: tuple[Behaviour, ...] = ()  # good behaviours said inside an over-promise: flagged, not credited

    @property
    def overpromises(self) -> tuple[Offer, ...]:
        return tuple(o for o in self.offers if not o.allowed)

    def to_json(self) -> dict[str, object]:
        return {
            "turn": self.number, "node": self.node, "line": self.line, "customer": self.customer, "reply": self.reply,
            "behaviours": [b.to_json() for b in self.behaviours], "responses": list(self.responses),
            "feedback": [{"id": f.id, "text": f.text, "points": f.points} for f in self.feedback],
            "changes": [c.to_json() for c in self.changes], "state": self.state.to_json(), "next": self.next,
            "points": self.points, "hints": self.hints, "reaction": self.reaction,
            "offers": [o.to_json() for o in self.offers], "refusals": [o.to_json() for o in self.refusals],
            "overpromised": [b.to_json() for b in self.overpromised],
        }


class Silence(msgspec.Struct, frozen=True):
    """The reply timer ran out: what the customer said, and how their mood moved."""

    turn: int  # the turn the trainee had not answered yet
    node: str
    line: str | None
    customer: str
    changes: tuple[MoodChange, ...]
    state: CustomerState

    def to_json(self) -> dict[str, object]:
        return {"turn": self.turn, "node": self.node, "line": self.line, "customer": self.customer,
                "changes": [c.to_json() for c in self.changes], "state": self.state.to_json()}


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
    closing: str = ""  # the customer's closing words, as said
    silences: tuple[Silence, ...] = ()
    trainee: str | None = None  # the name the trainee entered (fills {name} in suggested lines)

    @property
    def overpromises(self) -> tuple[tuple[int, Offer], ...]:
        """(turn, offer) for every promise beyond the drill's authority."""
        return tuple((t.number, o) for t in self.turns for o in t.overpromises)


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
                 locale: str | None = None, mode: Mode | str = Mode.PRACTICE, trainee: str | None = None) -> None:
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
        self._learnt = learnt_for(playbook)
        self._credits: dict[str, list[Evidence]] = {}
        self._bonus = 0
        self.node: dm.Node | None = None
        self.line: dm.CustomerLine | None = None
        self.reaction: dm.CustomerLine | None = None
        self.memory = Memory(trainee.strip() if trainee and trainee.strip() else None)
        self.silences: list[Silence] = []
        self.lines_said: list[str] = []  # ids of every line and reaction the customer said, in order
        self._utterance = ""
        authority = self.drill.authority
        self._titles = {r.id: r.title for r in authority.remedies} if authority else {}
        self._upsetting = frozenset(d.id for d in playbook.detectors.values() if d.polarity is dm.Polarity.BAD
                                    and d.effect is not None and d.effect.hostility > 0)
        self._enter(self.drill.start)

    # -- reading the situation --
    @property
    def finished(self) -> bool:
        return self.ending is not None

    @property
    def trainee(self) -> str | None:
        return self.memory.trainee

    @property
    def customer_text(self) -> str:
        """What the customer says now (the ending's closing words once finished), slots filled."""
        return self._utterance

    @property
    def turn_number(self) -> int:
        return len(self.turns) + 1

    def _situation(self) -> Situation:
        node_id = self.node.id if self.node else ""
        return Situation(self.state, self.visits.get(node_id, 0), self.turn_number, self.drill.case, self.memory)

    # -- moving --
    def _enter(self, target: str) -> None:
        if target in self.drill.endings:
            self.ending = self.drill.endings[target]
            self.node = None
            lines = self.ending.lines
        else:
            node = self.drill.nodes[target]
            self.node = node
            self.visits[node.id] = self.visits.get(node.id, 0) + 1
            self._hints_here = 0
            lines = node.say
        where = self._situation()
        values = slot_values(self.memory, self._titles, self.locale)
        reaction = None
        if self.node is not None:  # at an ending the closing words are the reaction (they can test `acts`, `offered`)
            events = self.memory.heard.events(self._upsetting)
            reaction = react(self.drill.reactions, events, where, values, self.locale, self._rng)
        said = choose(lines, where, values, self.locale, self._rng, previous=self.memory.said) if lines else None
        if said is None and lines:
            said = self._unconditional(lines, values)
        self.line = said.line if said is not None and self.node is not None else None
        self._speak(reaction, said)

    def _unconditional(self, lines: tuple[dm.CustomerLine, ...], values: dict[str, str]) -> Said:
        """No line fits: the first one whose slots can be filled (lint warns about nodes that get here)."""
        for line in lines:
            text = fill(line.text.get(self.locale), values)
            if text is not None:
                return Said(line, text)
        return Said(lines[0], lines[0].text.get(self.locale))

    def _speak(self, reaction: Said | None, said: Said | None) -> None:
        self.lines_said += [s.line.id for s in (reaction, said) if s is not None]
        self.reaction = reaction.line if reaction is not None else None
        self.memory.reacted = reaction.text if reaction is not None else ""
        self.memory.said = said.text if said is not None else ""
        self._utterance = join(self.memory.reacted, self.memory.said)

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
        node, line, reaction, customer = self.node, self.line, self.reaction, self._utterance
        number = self.turn_number
        ctx = ReplyContext.of(text, self.playbook.detectors, learnt=self._learnt)
        self._contexts.append(ctx)
        behaviours = detect(self.playbook.detectors, ctx)
        heard = hear(self.drill.authority, ctx, {b.detector: b.spans for b in behaviours}, self._situation())
        self.memory.hear(heard)
        where = self._situation()  # responses see the reply they answer
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
        if not ctx.form.fine:  # told at the turn, not only in the report: why the good words earned nothing
            verdict = ctx.form
            feedback.append(Feedback(f"form.{verdict.form.value}",
                                     verdict_text(verdict.form.value, verdict.why, verdict.figures, self.locale)))
        authority = self.drill.authority
        if authority is not None and heard.overpromises:
            change(authority.effect, "authority", "overpromise")
            feedback.extend(self._overpromise_feedback(heard.overpromises))
            if authority.criterion:
                self._credits.setdefault(authority.criterion, []).extend(
                    Evidence(number, o.span, o.remedy) for o in heard.overpromises)
            if authority.next and target not in self.drill.endings:
                target = authority.next
        self.state = state
        self._bonus += points
        kept, overpromised = credited(behaviours, ctx)
        turn = Turn(number, node.id, line.id, customer, text, kept, tuple(ids),
                    tuple(feedback), tuple(changes), state, target, points, self._hints_here,
                    reaction.id if reaction is not None else None, heard.offers, heard.refusals, overpromised)
        self.turns.append(turn)
        if target not in self.drill.endings:
            if state.hostility >= 10 and self.drill.on_walkout:
                target = self.drill.on_walkout
            elif len(self.turns) >= self.drill.max_turns and self.drill.on_timeout:
                target = self.drill.on_timeout
        self._enter(target)
        return turn if self.mode is Mode.PRACTICE else msgspec.structs.replace(turn, feedback=())

    def _overpromise_feedback(self, offers: tuple[Offer, ...]) -> list[Feedback]:
        """Feedback in the playbook's own words: the avoid entry it breaks, what was promised, the limit."""
        authority = self.drill.authority
        assert authority is not None
        avoid = self.playbook.avoid.get(authority.avoid or "")
        out = []
        for offer in offers:
            remedy = authority.remedy(offer.remedy)
            if remedy is None:
                continue
            parts = [remedy.title.get(self.locale)]
            if remedy.limit is not None and offer.reason != "beyond":
                parts.append(remedy.limit.get(self.locale))
            head = avoid.title.get(self.locale) if avoid is not None else ""
            body = " / ".join(parts)
            text = f"{head}{'：' if self.locale == 'zh' else ': '}{body}" if head else body
            if avoid is not None and avoid.instead is not None:
                text += " — " + avoid.instead.get(self.locale)
            out.append(Feedback(f"overpromise.{offer.remedy}", text))
        return out

    def wait(self) -> Silence:
        """The reply timer ran out: the drill's `patience` applies and the customer says so."""
        if self.node is None:
            raise DrillError("the drill has ended")
        patience = self.drill.patience
        if patience is None:
            raise DrillError(f"drill {self.drill.id!r} has no reply timer (no `patience`)")
        self._events.append(["wait"])
        changes: tuple[MoodChange, ...] = ()
        if patience.effect is not None:
            self.state, dh, dp = apply_effect(self.state, patience.effect, self.drill.persona.temper)
            changes = (MoodChange("patience", "silence", dh, dp),)
        where = self._situation()
        values = slot_values(self.memory, self._titles, self.locale)
        said = (choose(patience.say, where, values, self.locale, self._rng, previous=self.memory.reacted)
                if patience.say else react(self.drill.reactions, {"silence": None}, where, values, self.locale,
                                           self._rng))
        if said is not None:
            self.memory.reacted = said.text
            self._utterance = said.text
            self.lines_said.append(said.line.id)
        silence = Silence(self.turn_number, self.node.id, said.line.id if said else None, self._utterance, changes,
                          self.state)
        self.silences.append(silence)
        if self.state.hostility >= 10 and self.drill.on_walkout:
            self._enter(self.drill.on_walkout)
        return silence

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
                           ratio, state, score.passed and ending_ok, self.state,
                           self._utterance if self.ending is not None else "", tuple(self.silences), self.trainee)

    # -- replay --
    def record(self) -> dict[str, object]:
        """Everything needed to replay this run exactly."""
        record: dict[str, object] = {"drill": self.drill.id, "seed": self.seed, "locale": self.locale,
                                     "mode": self.mode.value, "events": [list(e) for e in self._events]}
        if self.trainee:
            record["trainee"] = self.trainee
        return record

    @classmethod
    def replay(cls, playbook: Playbook, record: Mapping[str, object]) -> DrillSession:
        trainee = record.get("trainee")
        session = cls(playbook, str(record["drill"]), seed=int(record["seed"]),  # type: ignore[call-overload]  # stored as int
                      locale=str(record["locale"]), mode=str(record.get("mode", "practice")),
                      trainee=str(trainee) if trainee else None)
        events = record.get("events", [])
        for event in events if isinstance(events, list) else []:
            if event[0] == "hint":
                session.hint()
            elif event[0] == "reply":
                session.reply(event[1])
            elif event[0] == "wait":
                session.wait()
        return session
