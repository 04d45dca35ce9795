"""One case's figures as of an instant: what the monthly report counts, derived from the case's log.

The log is replayed with the desk's own `fold` (so "responded", "resolved",
pauses and reopenings mean what `case show` says) and the deadlines come
from the engine's `main_deadlines` (the ones `recommend` and `case show`
give). Only events before `as_of` count, so a month's report is the same
whenever it is run.

Durations are *active business hours*: working time on the playbook's
calendar (weekends, holidays and nights do not count) less the working time
spent in pauses (every stretch the clock stood still, e.g. waiting on the
customer).

A case that is closed, with no pause running, under a playbook whose
deadline rules do not test time (`clock_inputs(...).timed` is empty) has
*lasting* figures: at any later instant they are the same but for the
instant itself, the outcome of a deadline never met (`pending` until its
due time, then `open`) and the reopenings counted since. The desk stores
them with the case's state row in the transaction that writes its event
(`encode_lasting`), so a report reads them instead of replaying the log and
timing the deadlines of every closed case again (`decode_lasting`, `at`).
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
from collections.abc import Sequence
from typing import Any, Literal

import msgspec

from ..desk.state import CaseState, FollowUp, clock_inputs, fold
from ..engine.calendar import business_minutes_between, zone
from ..engine.case import Case, Pause
from ..engine.recommend import main_deadlines
from ..playbook.model import NO_DEADLINES, Calendar, Playbook
from ..store.cases import CaseRow, EventRow

Outcome = Literal["on_time", "late", "open", "pending"]


class Deadline(msgspec.Struct, frozen=True):
    """A respond or resolve deadline of one case and how it ended (as of the figures' instant).

    `on_time`: its clock stopped by the due time. `late`: it stopped after.
    `open`: the due time passed and the clock still runs. `pending`: not due yet.
    """

    target: str
    duration: str  # as written in the playbook, e.g. "30m"
    source: str  # the rule that chose it, or "playbook"
    due: dt.datetime
    met_at: dt.datetime | None
    outcome: Outcome

    @property
    def decided_at(self) -> dt.datetime | None:
        """When the outcome was settled: the met instant if on time, else the due instant (None: pending)."""
        if self.outcome == "on_time":
            return self.met_at
        return None if self.outcome == "pending" else self.due

    @property
    def missed(self) -> bool:
        return self.outcome in ("late", "open")


class CaseKey(msgspec.Struct, frozen=True):
    """Who a case is, all a report needs of its state row (a `CaseRow` serves as well)."""

    id: int
    ref: str  # its external id, else its number
    received_at: dt.datetime


class CaseFigures(msgspec.Struct, frozen=True):
    """What the report needs to know about one case, as of `as_of` (exclusive)."""

    id: int
    ref: str
    received_at: dt.datetime
    as_of: dt.datetime
    facts: dict[str, Any]  # with the playbook's defaults
    stage: str | None
    is_open: bool
    responded_at: dt.datetime | None
    resolved_at: dt.datetime | None  # the resolution in force (None if reopened since)
    closed_at: dt.datetime | None
    respond_hours: float | None  # active business hours from received to first response
    resolve_hours: float | None  # active business hours from received to the resolution in force
    reopened: int  # reopenings up to as_of
    reopened_since: int  # reopenings in [since, as_of)
    deadlines: tuple[Deadline, ...]
    follow_up: FollowUp | None

    @property
    def settled(self) -> bool:
        return self.resolved_at is not None or self.closed_at is not None

    def deadline(self, target: str) -> Deadline | None:
        return next((d for d in self.deadlines if d.target == target), None)

    def at(self, row: CaseKey | CaseRow, as_of: dt.datetime, *, reopened_before: int = 0) -> CaseFigures:
        """These lasting figures (see the module notes) as of a later instant, for the case `row`."""
        deadlines = tuple(d if d.met_at is not None else
                          msgspec.structs.replace(d, outcome="open" if d.due < as_of else "pending")
                          for d in self.deadlines)
        return msgspec.structs.replace(self, id=row.id, ref=row.ref, received_at=row.received_at, as_of=as_of,
                                       deadlines=deadlines, reopened_since=self.reopened - reopened_before)


def active_hours(cal: Calendar, start: dt.datetime, end: dt.datetime,
                 pauses: Sequence[tuple[dt.datetime, dt.datetime | None]]) -> float:
    """Business hours in [start, end) less the business hours of the pauses within it."""
    minutes = business_minutes_between(cal, start, end)
    for s, e in pauses:
        lo, hi = max(s, start), min(end if e is None else e, end)
        if hi > lo:
            minutes -= business_minutes_between(cal, lo, hi)
    return max(0.0, minutes) / 60


def reopened_by(playbook: Playbook, row: CaseKey | CaseRow, events: Sequence[EventRow], instant: dt.datetime) -> int:
    """How often the case had been reopened before `instant`."""
    before = bisect.bisect_left([e.at for e in events], instant)
    return fold(playbook, row.received_at, events[:before]).reopened if before else 0


def case_figures(playbook: Playbook, row: CaseKey | CaseRow, events: Sequence[EventRow], *, as_of: dt.datetime,
                 reopened_before: int = 0) -> CaseFigures | None:
    """The case's figures from its log (oldest first) as of `as_of`; None if it was not received by then.

    `reopened_before` (see `reopened_by`) is subtracted to give the reopenings of the reported period.
    """
    upto = bisect.bisect_left([e.at for e in events], as_of)
    if upto == 0 or row.received_at >= as_of:
        return None
    return figures_of(playbook, row, fold(playbook, row.received_at, events[:upto]), as_of=as_of,
                      reopened_before=reopened_before)


def figures_of(playbook: Playbook, row: CaseKey | CaseRow, state: CaseState, *, as_of: dt.datetime,
               reopened_before: int = 0) -> CaseFigures:
    """`case_figures` from the log's fold up to `as_of` (`state`)."""
    cal = playbook.calendar
    respond_hours = resolve_hours = None
    if state.responded_at is not None:
        respond_hours = active_hours(cal, row.received_at, state.responded_at, state.pauses)
    if state.resolved_at is not None:
        resolve_hours = active_hours(cal, row.received_at, state.resolved_at, state.pauses)
    facts = {**clock_inputs(playbook).defaults, **state.facts}
    return CaseFigures(
        row.id, row.ref, row.received_at, as_of, facts, state.stage, state.is_open, state.responded_at,
        state.resolved_at, state.closed_at, respond_hours, resolve_hours, state.reopened,
        state.reopened - reopened_before, _deadlines(playbook, state, facts, as_of), state.follow_up)


def _deadlines(playbook: Playbook, state: CaseState, facts: dict[str, Any], as_of: dt.datetime) -> tuple[Deadline, ...]:
    """The case's respond and resolve deadlines as `case show` gives them at `as_of`, and how each ended.

    One evaluation serves both: a due time moves only with pauses that start
    before it, so a clock that stopped on time stays on time and one that
    stopped late keeps the due time it missed. The deadlines are the ones
    the case's facts at `as_of` call for (a case retiered to major is
    judged by the major tier), counted from `received_at` with every pause.
    """
    case = Case(facts=facts, received_at=state.received_at, now=as_of,
                pauses=tuple(Pause(s, e) for s, e in state.pauses if s <= as_of))
    out: list[Deadline] = []
    chosen = main_deadlines(playbook, case)
    for target, met_at in (("respond", state.responded_at), ("resolve", state.resolved_at)):
        if target not in chosen:
            continue
        duration, source, timing = chosen[target]
        if met_at is not None:
            outcome: Outcome = "on_time" if met_at <= timing.due else "late"
        else:
            outcome = "open" if timing.due < as_of else "pending"
        out.append(Deadline(target, duration, source, timing.due, met_at, outcome))
    return tuple(out)


# bump when what `figures_of` computes changes, or what the engine's `main_deadlines` and calendar give for the
# same case: stored figures are then recomputed from logs
FIGURES_FORMAT = 1


class _Lasting(msgspec.Struct, frozen=True, array_like=True):
    key: str  # the playbook rules they were computed under
    version: int  # events folded: the state row's version when they were written
    figures: CaseFigures


_encoder = msgspec.msgpack.Encoder()
_decoder = msgspec.msgpack.Decoder(_Lasting)
_keys: dict[int, tuple[Playbook, str | None]] = {}


def lasting_key(playbook: Playbook) -> str | None:
    """What stored figures depend on: the clock inputs' key plus the ids of the rules that set deadlines
    (a deadline names its rule); None when deadline rules test time, so no figures last."""
    hit = _keys.get(id(playbook))
    if hit is not None and hit[0] is playbook:
        return hit[1]
    inputs = clock_inputs(playbook)
    key = None
    if not inputs.timed:
        ids = [r.id for r in playbook.rules if r.then.deadlines != NO_DEADLINES]
        parts = msgspec.msgpack.encode((FIGURES_FORMAT, inputs.key, ids))
        key = hashlib.blake2b(parts, digest_size=12).hexdigest()
    if len(_keys) >= 8:
        _keys.pop(next(iter(_keys)))
    _keys[id(playbook)] = (playbook, key)
    return key


def encode_lasting(playbook: Playbook, row: CaseKey | CaseRow, state: CaseState, version: int) -> bytes | None:
    """The figures to store with a case whose log folds to `state` (`version` events), or None when they would
    not last (open, paused, timed rules) or cannot be encoded (text with lone surrogates)."""
    key = lasting_key(playbook)
    if key is None or state.is_open or state.paused_since is not None:
        return None
    figures = figures_of(playbook, row, state, as_of=max(state.last_at, state.received_at))
    try:
        return _encoder.encode(_Lasting(key, version, figures))
    except UnicodeEncodeError:
        return None


def decode_lasting(playbook: Playbook, blob: bytes | None, version: int) -> CaseFigures | None:
    """Stored figures if they are those of `version` events under this playbook's rules; else None (replay)."""
    if blob is None:
        return None
    try:
        stored = _decoder.decode(blob)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None
    if stored.version != version or stored.key != lasting_key(playbook):
        return None
    local = zone(playbook.calendar.timezone)  # msgpack keeps instants as UTC; the engine gives due times locally
    return msgspec.structs.replace(stored.figures, deadlines=tuple(
        msgspec.structs.replace(d, due=d.due.astimezone(local)) for d in stored.figures.deadlines))
