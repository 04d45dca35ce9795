"""A case's state, derived from its event log with the engine `recommend` uses.

Folding the log gives the current facts and stage, every interval the clock
stood still (each stretch during which the playbook's `clock.pause_when`
held: every visit to "waiting on the customer" counts, not only the current
one), when the case was first answered, resolved and closed, by whom, and
the follow-up. `engine_case(now)` turns that into the engine's `Case`
(facts + received_at + now + pauses), so `recommend` on it *is* the case's
deadlines, escalation and next steps: `case show` and `cxcoach recommend`
given the same facts and pause history agree by construction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import msgspec

from ..engine.calendar import zone
from ..engine.case import Case, parse_case
from ..engine.recommend import _no_overdue, compile_playbook, recommend
from ..engine.result import Result
from ..playbook.model import Playbook, Workflow
from ..store.cases import EventRow

NO_WORKFLOW = Workflow()


class FollowUp(msgspec.Struct, frozen=True):
    """The customer's view after resolution: a satisfaction state and, optionally, c = b / a per dimension."""

    at: dt.datetime
    satisfaction: str
    by: str | None = None
    note: str = ""
    scores: dict[str, tuple[float, float]] = msgspec.field(default_factory=dict)  # dimension -> (expected a, perceived b)

    @property
    def ratios(self) -> dict[str, float]:
        """c = b / a for each dimension scored."""
        return {dim: b / a for dim, (a, b) in self.scores.items() if a > 0}

    @property
    def ratio(self) -> float | None:
        """The case's overall c: total perceived over total expected."""
        a = sum(x for x, _ in self.scores.values())
        b = sum(y for _, y in self.scores.values())
        return b / a if self.scores and a > 0 else None


class CaseState(msgspec.Struct, frozen=True):
    """Everything the log says about a case at its last event."""

    received_at: dt.datetime
    facts: dict[str, Any]  # as stored: only the facts someone gave (defaults are applied by the engine)
    stage: str | None
    is_open: bool
    pauses: tuple[tuple[dt.datetime, dt.datetime | None], ...]  # the last may be open (still paused)
    last_at: dt.datetime
    opened_by: str | None = None
    responded_at: dt.datetime | None = None
    resolved_at: dt.datetime | None = None
    reopened: int = 0
    closed_at: dt.datetime | None = None
    closed_by: str | None = None
    closure_note: str = ""
    follow_up: FollowUp | None = None

    @property
    def paused_since(self) -> dt.datetime | None:
        return self.pauses[-1][0] if self.pauses and self.pauses[-1][1] is None else None

    @property
    def settled(self) -> bool:
        """Resolved (the resolve clock is met) or closed."""
        return self.resolved_at is not None or self.closed_at is not None

    def engine_case(self, playbook: Playbook, now: dt.datetime, case_id: str | None = None) -> Case:
        """The engine's view of this case at `now` (CaseError if now is before received_at)."""
        local = zone(playbook.calendar.timezone)
        raw: dict[str, Any] = {"received_at": self.received_at.astimezone(local), "now": now, "facts": dict(self.facts),
                               "pauses": [{"from": s, "to": e} for s, e in self.pauses if s <= now]}
        if case_id is not None:
            raw["id"] = case_id
        return parse_case(playbook, raw, now=now)

    def evaluate(self, playbook: Playbook, now: dt.datetime, *, case_id: str | None = None,
                 locale: str | None = None) -> Result:
        """`recommend` on this case at `now`."""
        return recommend(playbook, self.engine_case(playbook, now, case_id), locale=locale)


def workflow(playbook: Playbook) -> Workflow:
    return playbook.workflow or NO_WORKFLOW


def stage_of(playbook: Playbook, facts: Mapping[str, Any]) -> str | None:
    name = workflow(playbook).fact
    if name in facts:
        return str(facts[name])
    fact = playbook.facts.get(name)
    return None if fact is None or fact.default is None else str(fact.default)


def fold(playbook: Playbook, received_at: dt.datetime, events: Sequence[EventRow]) -> CaseState:
    """Replay a log (oldest first) into a CaseState."""
    cp = compile_playbook(playbook)
    wf = workflow(playbook)
    facts: dict[str, Any] = {}
    pauses: list[tuple[dt.datetime, dt.datetime | None]] = []
    responded = resolved = closed = None
    closed_by, closure_note, opened_by = None, "", None
    reopened = 0
    follow_up: FollowUp | None = None
    last_at = received_at
    for event in events:
        last_at = event.at
        if event.kind == "open":
            opened_by = event.by
        if event.kind == "follow_up" and event.data:
            data = event.data
            follow_up = FollowUp(event.at, str(data["satisfaction"]), event.by, event.note,
                                 {k: (float(v[0]), float(v[1])) for k, v in (data.get("scores") or {}).items()})
            continue
        facts.update(event.facts)
        if event.stage is not None:
            facts[wf.fact] = event.stage
        typed = _typed(playbook, facts)
        paused = cp.pause_when is not None and cp.pause_when(typed, _no_overdue) is True
        if paused and not (pauses and pauses[-1][1] is None):
            pauses.append((event.at, None))
        elif not paused and pauses and pauses[-1][1] is None:
            pauses[-1] = (pauses[-1][0], event.at)
        met = cp.met(typed)
        if "respond" in met and responded is None:
            responded = event.at
        if "*" in met:
            resolved = resolved or event.at
        elif resolved is not None:
            resolved = None
            reopened += 1
        stage = stage_of(playbook, facts)
        if stage in wf.final and closed is None:
            closed, closed_by, closure_note = event.at, event.by, event.note
    stage = stage_of(playbook, facts)
    return CaseState(received_at, facts, stage, stage not in wf.final, tuple(pauses), last_at, opened_by,
                     responded, resolved, reopened, closed, closed_by, closure_note, follow_up)


_defaults: dict[int, tuple[Playbook, dict[str, Any]]] = {}


def _typed(playbook: Playbook, facts: Mapping[str, Any]) -> dict[str, Any]:
    """Stored facts with the playbook's defaults, as the engine's conditions see them."""
    hit = _defaults.get(id(playbook))
    if hit is None or hit[0] is not playbook:
        hit = _defaults[id(playbook)] = (playbook, {f.id: f.default for f in playbook.facts.values()
                                                   if f.default is not None})
    return {**hit[1], **facts}


def state_columns(playbook: Playbook, state: CaseState) -> dict[str, Any]:
    """The current-state row the store keeps beside the log (queue and report columns).

    Deadlines are evaluated at the last event, or at the start of a pause that
    is still running: while the clock stands still a deadline does not come
    nearer, so `due < min(now, paused_since)` is the overdue test in SQL.
    """
    at = state.paused_since or state.last_at
    respond_due = resolve_due = None
    if state.is_open:
        result = state.evaluate(playbook, max(at, state.received_at))
        for d in result.deadlines:
            if d.target == "respond" and not d.met:
                respond_due = d.due
            elif d.target == "resolve" and not d.met:
                resolve_due = d.due
    dues = [d for d in (respond_due, resolve_due) if d is not None]
    return {
        "updated_at": state.last_at, "stage": state.stage, "is_open": state.is_open, "facts": state.facts,
        "paused_since": state.paused_since, "respond_due": respond_due, "resolve_due": resolve_due,
        "next_due": min(dues) if dues else None, "responded_at": state.responded_at,
        "resolved_at": state.resolved_at, "closed_at": state.closed_at,
        "satisfaction": state.follow_up.satisfaction if state.follow_up else None,
    }
