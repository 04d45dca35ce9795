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
import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

import msgspec

from ..conditions.model import facts_of, uses_overdue
from ..engine.calendar import zone
from ..engine.case import Case, parse_case
from ..engine.compiled import compile_playbook, no_overdue
from ..engine.recommend import recommend
from ..engine.result import Result
from ..playbook.model import DERIVED_FACTS, NO_DEADLINES, Playbook, Workflow
from ..store.cases import EventRow

NO_WORKFLOW = Workflow()
FOLD_FORMAT = 1  # bump when what `step` computes changes: stored snapshots are then replayed from their logs
_MISSING = object()  # a fact not given (tests on facts tell "missing" from any value)


class FollowUp(msgspec.Struct, frozen=True):
    """The customer's view after resolution: a satisfaction state and, optionally, c = b / a per dimension."""

    at: dt.datetime
    satisfaction: str
    by: str | None = None
    note: str = ""
    # dimension -> (expected a, perceived b)
    scores: dict[str, tuple[float, float]] = msgspec.field(default_factory=dict)

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


class ClockInputs(msgspec.Struct, frozen=True):
    """What a playbook's fold and stored deadlines depend on, derived once from its conditions.

    `facts`: every fact that a deadline-setting rule, `clock.pause_when`/`met_when`
    or the workflow tests; an event that changes none of them leaves
    `respond_due`/`resolve_due` as they were, so the engine need not run.
    `timed`: deadline-setting rules that test `elapsed_minutes` or an `overdue`
    deadline; their deadlines can move with time alone, so the engine runs on
    every event and the stored due columns are exact only as of the last event
    (docs/desk.md, "Exactness of the queue"). `key` fingerprints all of it plus
    the fact defaults and the calendar: a snapshot folded under another key is
    replayed from its log.
    """

    defaults: dict[str, Any]
    facts: tuple[str, ...]
    timed: tuple[str, ...]
    key: str


_inputs: dict[int, tuple[Playbook, ClockInputs]] = {}


def clock_inputs(playbook: Playbook) -> ClockInputs:
    hit = _inputs.get(id(playbook))
    if hit is not None and hit[0] is playbook:
        return hit[1]
    clock, wf, cal = playbook.clock, workflow(playbook), playbook.calendar
    setting = [r for r in playbook.rules if r.then.deadlines != NO_DEADLINES]
    conditions = [r.when for r in setting] + [c for c in (clock.pause_when, clock.respond_met_when,
                                                         clock.resolve_met_when) if c is not None]
    facts = dict.fromkeys([wf.fact, *(f for c in conditions for f in facts_of(c))])
    timed = tuple(r.id for r in setting if uses_overdue(r.when) or any(f in DERIVED_FACTS for f in facts_of(r.when)))
    source = cal.source
    parts = (FOLD_FORMAT, wf, clock, playbook.deadlines, [(r.when, r.then.deadlines) for r in setting],
             {f.id: (f.type, f.default) for f in playbook.facts.values()},
             (cal.timezone, cal.start, cal.end, sorted(cal.weekdays), sorted(cal.holidays), sorted(cal.workdays),
              None if source is None else (source.country, source.subdivision, source.version, source.locales)))
    key = hashlib.blake2b(msgspec.msgpack.encode(parts, order="deterministic"), digest_size=12).hexdigest()
    inputs = ClockInputs({f.id: f.default for f in playbook.facts.values() if f.default is not None},
                         tuple(f for f in facts if f not in DERIVED_FACTS), timed, key)
    if len(_inputs) >= 8:
        _inputs.pop(next(iter(_inputs)))
    _inputs[id(playbook)] = (playbook, inputs)
    return inputs


def start(playbook: Playbook, received_at: dt.datetime) -> CaseState:
    """The state before the first event."""
    stage = stage_of(playbook, {})
    return CaseState(received_at, {}, stage, stage not in workflow(playbook).final, (), received_at)


def step(playbook: Playbook, state: CaseState, event: EventRow) -> CaseState:
    """The state after one more event: what `fold` does per event, so an append folds only its own event."""
    opened_by = event.by if event.kind == "open" else state.opened_by
    if event.kind == "follow_up" and event.data:
        data = event.data
        follow_up = FollowUp(event.at, str(data["satisfaction"]), event.by, event.note,
                             {k: (float(v[0]), float(v[1])) for k, v in (data.get("scores") or {}).items()})
        return msgspec.structs.replace(state, last_at=event.at, opened_by=opened_by, follow_up=follow_up)
    cp = compile_playbook(playbook)
    wf = workflow(playbook)
    facts = {**state.facts, **event.facts}
    if event.stage is not None:
        facts[wf.fact] = event.stage
    typed = _typed(playbook, facts)
    pauses = state.pauses
    paused = cp.pause_when is not None and cp.pause_when(typed, no_overdue) is True
    if paused and state.paused_since is None:
        pauses = (*pauses, (event.at, None))
    elif not paused and state.paused_since is not None:
        pauses = (*pauses[:-1], (pauses[-1][0], event.at))
    met = cp.met(typed)
    responded = state.responded_at
    if "respond" in met and responded is None:
        responded = event.at
    resolved, reopened = state.resolved_at, state.reopened
    if "*" in met:
        resolved = resolved or event.at
    elif resolved is not None:
        resolved, reopened = None, reopened + 1
    stage = stage_of(playbook, facts)
    closing = stage in wf.final and state.closed_at is None
    return msgspec.structs.replace(
        state, facts=facts, stage=stage, is_open=stage not in wf.final, pauses=pauses, last_at=event.at,
        opened_by=opened_by, responded_at=responded, resolved_at=resolved, reopened=reopened,
        closed_at=event.at if closing else state.closed_at, closed_by=event.by if closing else state.closed_by,
        closure_note=event.note if closing else state.closure_note)


def fold(playbook: Playbook, received_at: dt.datetime, events: Sequence[EventRow]) -> CaseState:
    """Replay a log (oldest first) into a CaseState."""
    state = start(playbook, received_at)
    for event in events:
        state = step(playbook, state, event)
    return state


def _typed(playbook: Playbook, facts: Mapping[str, Any]) -> dict[str, Any]:
    """Stored facts with the playbook's defaults, as the engine's conditions see them."""
    return {**clock_inputs(playbook).defaults, **facts}


def deadline_inputs(playbook: Playbook, state: CaseState) -> tuple[Any, ...] | None:
    """Everything the stored due instants depend on; None when they also depend on time itself.

    The facts that deadline-setting rules, the clock and the workflow read: a
    pause starts or ends, a deadline is met and a case closes only when one of
    them changes, so equal inputs before and after an event mean equal
    `respond_due`/`resolve_due` (a pause still running does not move a
    deadline evaluated at its start).
    """
    inputs = clock_inputs(playbook)
    if inputs.timed:
        return None
    return tuple(state.facts.get(f, _MISSING) for f in inputs.facts)


def due_columns(playbook: Playbook, state: CaseState) -> tuple[dt.datetime | None, dt.datetime | None]:
    """(respond_due, resolve_due) by the engine, at the last event or at the start of a running pause.

    While the clock stands still a deadline does not come nearer, so
    `due < min(now, paused_since)` is the overdue test in SQL. None once met.
    """
    if not state.is_open:
        return None, None
    at = state.paused_since or state.last_at
    respond_due = resolve_due = None
    for d in state.evaluate(playbook, max(at, state.received_at)).deadlines:
        if d.target == "respond" and not d.met:
            respond_due = d.due
        elif d.target == "resolve" and not d.met:
            resolve_due = d.due
    return respond_due, resolve_due


def state_columns(playbook: Playbook, state: CaseState,
                  dues: tuple[dt.datetime | None, dt.datetime | None] | None = None) -> dict[str, Any]:
    """The current-state row the store keeps beside the log (queue and report columns).

    `dues` are (respond_due, resolve_due) when the caller knows them unchanged
    (`deadline_inputs` equal); otherwise the engine computes them (`due_columns`).
    """
    respond_due, resolve_due = dues if dues is not None and state.is_open else due_columns(playbook, state)
    present = [d for d in (respond_due, resolve_due) if d is not None]
    return {
        "updated_at": state.last_at, "stage": state.stage, "is_open": state.is_open, "facts": state.facts,
        "paused_since": state.paused_since, "respond_due": respond_due, "resolve_due": resolve_due,
        "next_due": min(present) if present else None, "responded_at": state.responded_at,
        "resolved_at": state.resolved_at, "closed_at": state.closed_at,
        "satisfaction": state.follow_up.satisfaction if state.follow_up else None,
    }
