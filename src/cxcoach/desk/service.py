"""The complaint desk's API: open a case, append events, follow up, show one case, list the queue.

`Desk(store, playbook)` is what the CLI, the console and the reports call.
Every change is validated first (`validate.py`; a rejected event writes
nothing and says why), then folded onto the case's state (`state.step`, on
the snapshot stored with the state row, `snapshot.py`) and written with
optimistic versioning: if another process appended to the same case
meanwhile, the desk reloads, validates against the newer state and tries
again, so no event is ever lost or applied to a stale state. The engine
recomputes the stored deadlines only when the event changed something they
depend on (`state.deadline_inputs`). A case that ends up closed gets its
lasting report figures written in the same transaction
(`report.cases.encode_lasting`), so monthly reports need not replay it.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import msgspec

from ..engine.result import Result
from ..errors import CxcoachError, ExitCode
from ..playbook.model import Playbook
from ..sanitize import brief, one_line
from ..store import ConflictError, Store, StoreError, utc_now
from ..store.cases import Append, CaseRow, CaseStore, EventRow, NewCase
from . import snapshot
from .state import CaseState, clock_inputs, deadline_inputs, fold, start, state_columns, step, workflow
from .validate import (
    NEUTRAL,
    EventRejected,
    Wording,
    check_external_id,
    check_follow_up,
    check_open,
    check_update,
    typed_facts,
)

CONFLICT_RETRIES = 60  # each after a short random wait, so racing writers spread out
WRITTEN_KEPT = 1000  # cases whose last write a desk remembers, so its next event there needs no read


Maker = Callable[[int, CaseState, dt.datetime], EventRow]  # (seq, state before, time) -> the event, or EventRejected


@dataclass(frozen=True, slots=True)
class Update:
    """One change for `Desk.update_many`; the fields mean what `Desk.update`'s arguments do."""

    ref: str | int
    stage: str | None = None
    facts: Mapping[str, Any] = field(default_factory=dict)
    at: dt.datetime | None = None
    by: str | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class Feedback:
    """One follow-up for `Desk.update_many` (the customer's view after resolution); the fields mean what
    `Desk.follow_up`'s arguments do."""

    ref: str | int
    satisfaction: str
    scores: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    at: dt.datetime | None = None
    by: str | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class Planned:
    """A whole case for `Desk.create_many`: its log as `Desk.plan` returns it (or as an archive holds it), the
    state it folds to (None: folded here) and its uid (None: a new one)."""

    external_id: str | None
    received_at: dt.datetime
    events: Sequence[EventRow]
    state: CaseState | None = None
    uid: str | None = None


class CaseNotFound(StoreError):
    exit_code = ExitCode.NOT_FOUND


class BadFilter(CxcoachError):
    """A queue filter naming a fact or value the playbook does not have; the message says which."""

    exit_code = ExitCode.INVALID


class CaseView(msgspec.Struct, frozen=True):
    """One case as `case show` presents it: its row, its log, the derived state and the engine's result."""

    row: CaseRow
    events: list[EventRow]
    state: CaseState
    now: dt.datetime
    result: Result | None  # None for a closed case: no clock runs

    @property
    def ref(self) -> str:
        return self.row.ref


class Desk:
    """Cases of one playbook in one store. `clock` gives "now" (an aware-datetime callable) for tests."""

    def __init__(self, store: Store, playbook: Playbook, *, clock: Callable[[], dt.datetime] = utc_now,
                 wording: Wording = NEUTRAL) -> None:
        self.store = store
        self.playbook = playbook
        self.clock = clock
        self.wording = wording  # how refusals name stages and inputs for this desk's reader
        # what this desk last wrote to a case, by its number (int) or external id (str): optimistic, so the next
        # event is validated against it and written in one statement; the version check catches any other writer
        self._written: dict[int | str, tuple[CaseRow, CaseState]] = {}

    @property
    def cases(self) -> CaseStore:
        return self.store.cases

    @property
    def tz(self) -> str:
        return self.playbook.calendar.timezone

    @property
    def timed_rules(self) -> tuple[str, ...]:
        """Deadline-setting rules that test elapsed time or another deadline: the queue's stored due
        instants follow them only from a case's next event (`show` is always exact; docs/desk.md)."""
        return clock_inputs(self.playbook).timed

    # -- finding --
    def find(self, ref: str | int) -> CaseRow:
        row = self.cases.find(ref)
        if row is None:
            raise self._not_found(ref)
        return row

    def _not_found(self, ref: str | int) -> CaseNotFound:
        return CaseNotFound(f"no case {ref!r} (neither an external id nor a case number) in {self.store.path}; "
                            "check the id and the database (`cxcoach case list --all` lists every case there)")

    def _same_playbook(self, row: CaseRow) -> None:
        """A case is read by the playbook it was recorded under; another one would misread every fact."""
        if row.playbook != self.playbook.id:
            raise StoreError(f"case {row.ref} was recorded under playbook {row.playbook!r}; this command runs "
                             f"{self.playbook.id!r}: choose that playbook with --playbook")

    def load(self, ref: str | int) -> tuple[CaseRow, list[EventRow], CaseState]:
        row = self.find(ref)
        self._same_playbook(row)
        row, events = self.cases.load(row.id)
        return row, events, fold(self.playbook, row.received_at, events)

    # -- writing --
    def open(self, *, facts: Mapping[str, Any] | None = None, received_at: dt.datetime | None = None,
             at: dt.datetime | None = None, external_id: str | None = None, by: str | None = None,
             note: str = "") -> CaseRow:
        """Record a new case; `received_at` defaults to `at`, which defaults to now."""
        at = at or received_at or self.clock()
        received = received_at or at
        typed = check_open(self.playbook, received_at=received, at=at, by=by, facts=facts or {},
                           tz=self.tz, wording=self.wording, note=note)
        if external_id is not None:
            external_id = check_external_id(external_id)
        event = EventRow(1, at, "open", by, note, None, typed)
        return self._create(secrets.token_hex(16), external_id, received, [event])

    def record(self, *, external_id: str | None, received_at: dt.datetime, facts: Mapping[str, Any],
               by: str | None = None, note: str = "",
               later: Sequence[tuple[dt.datetime, str | None, Mapping[str, Any], str | None, str]] = (),
               uid: str | None = None) -> CaseRow:
        """A case with its whole history at once (imports): every event validated, all written or none.

        `later` holds (at, stage, facts, by, note) for each event after the opening one.
        """
        if external_id is not None:
            external_id = check_external_id(external_id)
        events, state = self.plan(received_at=received_at, facts=facts, by=by, note=note, later=later)
        return self._create(uid or secrets.token_hex(16), external_id, received_at, events, state)

    def plan(self, *, received_at: dt.datetime, facts: Mapping[str, Any], by: str | None = None, note: str = "",
             later: Sequence[tuple[dt.datetime, str | None, Mapping[str, Any], str | None, str]] = (),
             ) -> tuple[list[EventRow], CaseState]:
        """The validated log `record` would write and the state it folds to, writing nothing (so a re-import
        can tell whether a row still says what the stored case was recorded from)."""
        typed = check_open(self.playbook, received_at=received_at, at=received_at, by=by, facts=facts,
                           tz=self.tz, wording=self.wording, note=note)
        events = [EventRow(1, received_at, "open", by, note, None, typed)]
        state = step(self.playbook, start(self.playbook, received_at), events[0])
        for when, stage, more, who, text in later:
            set_facts = check_update(self.playbook, state, at=when, by=who, stage=stage, facts=more,
                                     tz=self.tz, wording=self.wording, note=text)
            moved = set_facts.get(self._stage_fact)
            rest = {k: v for k, v in set_facts.items() if k != self._stage_fact}
            events.append(EventRow(len(events) + 1, when, "update", who, text,
                                   str(moved) if moved is not None and moved != state.stage else None, rest))
            state = step(self.playbook, state, events[-1])
        return events, state

    def restore(self, *, uid: str, external_id: str | None, received_at: dt.datetime,
                events: Sequence[EventRow]) -> CaseRow:
        """Put back an archived case exactly as it was (its log is not validated again: it was when written)."""
        return self._create(uid, external_id, received_at, events)

    def _create(self, uid: str, external_id: str | None, received_at: dt.datetime, events: Sequence[EventRow],
                state: CaseState | None = None) -> CaseRow:
        case_id = self.create_many([Planned(external_id, received_at, events, state, uid)])[0]
        return self.cases.get(case_id) or self.find(case_id)

    def create_many(self, cases: Sequence[Planned]) -> list[int]:
        """Write whole cases in one transaction (one commit for an importer's batch): all or none, StoreError
        if a uid or external id is taken. The logs are not validated here: `plan` did (imports), or they were
        when first written (archives). Returns the case numbers in the order given."""
        rows: list[NewCase] = []
        for c in cases:
            state = c.state if c.state is not None else fold(self.playbook, c.received_at, c.events)
            rows.append(NewCase(c.uid or secrets.token_hex(16), c.external_id, self.playbook.id, c.received_at,
                                list(c.events), state_columns(self.playbook, state),
                                snapshot.encode(self.playbook, state, len(c.events)),
                                self._figures(c.received_at, state, len(c.events))))
        return self.cases.create_many(rows, recorded_at=self.clock())

    def update(self, ref: str | int, *, stage: str | None = None, facts: Mapping[str, Any] | None = None,
               at: dt.datetime | None = None, by: str | None = None, note: str = "") -> CaseRow:
        """Append a change (stage, facts, or just a note)."""

        return self.update_many([Update(ref, stage, dict(facts or {}), at, by, note)])[0]

    def follow_up(self, ref: str | int, *, satisfaction: str, scores: Mapping[str, tuple[float, float]] | None = None,
                  at: dt.datetime | None = None, by: str | None = None, note: str = "") -> CaseRow:
        """Record the customer's view after resolution (optionally expected/perceived scores per dimension)."""
        return self.update_many([Feedback(ref, satisfaction, dict(scores or {}), at, by, note)])[0]

    def _remember(self, ref: str | int, row: CaseRow, state: CaseState) -> None:
        """Keep what was written under the name it was given by, if that name always means this case."""
        key = ref if isinstance(ref, int) else ref.strip()
        if key != row.id and key != row.external_id:
            return  # a number given as text may later name a case with that external id
        if len(self._written) >= WRITTEN_KEPT:
            self._written.pop(next(iter(self._written)))
        self._written[key] = (row, state)

    def _figures(self, received_at: dt.datetime, state: CaseState, version: int) -> bytes | None:
        """The case's lasting report figures to store with its state, if closed (the report reads them)."""
        if state.is_open:
            return None
        from ..report.cases import CaseKey, encode_lasting  # the report imports the desk's state

        return encode_lasting(self.playbook, CaseKey(0, "", received_at), state, version)

    @property
    def _stage_fact(self) -> str:
        return workflow(self.playbook).fact

    def _current(self, case: int | str) -> tuple[CaseRow, CaseState, bool]:
        """The state row and its folded state; the flag says the state came from a valid snapshot."""
        head = self.cases.head(case)
        if head is None:
            raise self._not_found(case)
        row, blob = head
        self._same_playbook(row)
        state = snapshot.decode(self.playbook, blob, row.version)
        if state is not None:
            return row, state, True
        events = self.cases.events([row.id])[row.id][:row.version]
        return row, fold(self.playbook, row.received_at, events), False

    def update_many(self, changes: Sequence[Update | Feedback]) -> list[CaseRow]:
        """Append several changes and follow-ups in one transaction (one commit): each validated as `update`
        or `follow_up` would, against the case as the earlier ones of the batch leave it; all are written or,
        if one is refused, none (EventRejected names it by its place in the batch). For writers with several
        events at hand (an importer, a supervisor's queued edits): one fsync for the batch, not one per event."""

        def maker(c: Update | Feedback) -> Maker:
            if isinstance(c, Feedback):
                return lambda seq, state, when: self._follow_up_event(seq, state, when, c)
            return lambda seq, state, when: self._update_event(seq, state, when, c)

        return self._append_all([(c.ref, c.at, maker(c)) for c in changes])

    def _follow_up_event(self, seq: int, state: CaseState, when: dt.datetime, f: Feedback) -> EventRow:
        given = {k: (float(a), float(b)) for k, (a, b) in f.scores.items()}
        check_follow_up(self.playbook, state, at=when, by=f.by, satisfaction=f.satisfaction, scores=given,
                        tz=self.tz, wording=self.wording, note=f.note)
        data: dict[str, Any] = {"satisfaction": f.satisfaction}
        if given:
            data["scores"] = {k: [a, b] for k, (a, b) in given.items()}
        return EventRow(seq, when, "follow_up", f.by, f.note, None, {}, data)

    def _update_event(self, seq: int, state: CaseState, when: dt.datetime, u: Update) -> EventRow:
        typed = check_update(self.playbook, state, at=when, by=u.by, stage=u.stage, facts=u.facts,
                             tz=self.tz, wording=self.wording, note=u.note)
        moved = typed.get(self._stage_fact)
        new_stage = str(moved) if moved is not None and moved != state.stage else None
        rest = {k: v for k, v in typed.items() if k != self._stage_fact}
        return EventRow(seq, when, "update", u.by, u.note, new_stage, rest)

    def _append_all(self, planned: Sequence[tuple[str | int, dt.datetime | None, Maker]]) -> list[CaseRow]:
        """Validate, fold and write `planned` (ref, time or None for now, event maker) in one transaction.

        Each case starts from what this desk last wrote to it (no read), else from its stored state row
        and snapshot; later events of the batch on the same case start from the earlier ones. A conflict
        (another writer in between) or a refusal judged on a remembered state reads the stored cases and
        tries again; only a refusal on what is stored is reported.
        """
        keys = [ref.strip() if isinstance(ref, str) else ref for ref, _, _ in planned]
        kept = {k: v for k in keys if (v := self._written.pop(k, None)) is not None}
        numbers: dict[str | int, int] = {}  # a ref as given -> the case number it resolved to (retries use it)
        remembered = False  # the last attempt worked on what this desk last wrote, not on what it read
        for attempt in range(CONFLICT_RETRIES):
            if attempt and not remembered:
                time.sleep(random.uniform(0, 0.002 * min(attempt, 10)))
            remembered = bool(kept)
            working: dict[int, tuple[CaseRow, CaseState, bool]] = {}  # case number -> as the batch leaves it
            appends: list[Append] = []
            done: list[CaseRow] = []
            try:
                for i, ((ref, at, make), key) in enumerate(zip(planned, keys, strict=True)):
                    row, state, fresh = self._start(ref, key, kept, numbers, working)
                    when = at or max(self.clock(), state.last_at)
                    try:
                        new = make(row.version + 1, state, when)
                    except EventRejected as exc:
                        if len(planned) == 1:
                            raise
                        raise EventRejected([f"event {i + 1} of {len(planned)} (case {row.ref}): {problem}"
                                             for problem in exc.problems]) from None
                    after = step(self.playbook, state, new)
                    before = deadline_inputs(self.playbook, state) if fresh else None
                    same = before is not None and before == deadline_inputs(self.playbook, after)
                    columns = state_columns(self.playbook, after, (row.respond_due, row.resolve_due) if same else None)
                    appends.append(Append(row.id, row.uid, row.version, new, columns,
                                          snapshot.encode(self.playbook, after, row.version + 1),
                                          self._figures(row.received_at, after, row.version + 1)))
                    moved = msgspec.structs.replace(row, version=row.version + 1, **columns)
                    working[row.id] = (moved, after, True)
                    done.append(moved)
            except EventRejected:
                if not remembered:
                    raise
                kept = {}
                continue  # judged against this desk's last writes: judge again against the stored cases
            try:
                self.cases.append_many(appends, recorded_at=self.clock())
            except ConflictError:
                kept = {}
                continue
            for key, row in zip(keys, done, strict=True):
                self._remember(key, *working[row.id][:2])
            return done
        names = ", ".join(dict.fromkeys(str(ref) for ref, _, _ in planned))
        raise StoreError(f"case {names} is being changed by many others at once; try again")

    def _start(self, ref: str | int, key: str | int, kept: dict[str | int, tuple[CaseRow, CaseState]],
               numbers: dict[str | int, int], working: dict[int, tuple[CaseRow, CaseState, bool]],
               ) -> tuple[CaseRow, CaseState, bool]:
        """The case `ref` names as the next event of a batch finds it (see `_append_all`)."""
        number = numbers.get(key)
        if number is not None and number in working:
            return working[number]
        if key in kept:
            row, state = kept[key]
            numbers[key] = row.id
            return working.get(row.id, (row, state, True))
        try:
            # as people name it first; then by number, so a retry finds the same case
            row, state, fresh = self._current(number if number is not None else str(ref))
        except CaseNotFound:
            raise self._not_found(ref) from None  # named as given, also when it went on a retry
        numbers[key] = row.id
        return working.get(row.id, (row, state, fresh))

    # -- reading --
    def show(self, ref: str | int, *, now: dt.datetime | None = None, locale: str | None = None) -> CaseView:
        """The case with its timeline, deadlines and current recommendations at `now`."""
        row, events, state = self.load(ref)
        when = now or self.clock()
        result = None
        if state.is_open:
            result = state.evaluate(self.playbook, max(when, row.received_at), case_id=row.ref, locale=locale)
        return CaseView(row, events, state, when, result)

    def queue(self, *, open_only: bool = True, overdue: bool = False, due_within: dt.timedelta | None = None,
              now: dt.datetime | None = None, limit: int | None = None,
              facts: Mapping[str, Any] | None = None) -> list[CaseRow]:
        """The supervisor's list from the current-state rows (one indexed query). `facts`: only cases whose
        current facts hold these values (e.g. one owner's queue), read as an event's facts are: BadFilter
        if the playbook does not declare one or a value cannot be one of its values."""
        when = now or self.clock()
        filters: dict[str, Any] = {}
        if facts:
            problems: list[str] = []
            filters["facts"] = typed_facts(self.playbook, facts, when, problems)
            if problems:
                raise BadFilter("cannot filter the queue: " + "; ".join(problems))
        if open_only:
            filters["open"] = True
        if overdue:
            filters["overdue_at"] = when
        if due_within is not None:
            filters["due_before"] = when + due_within
        return self.cases.query(limit=limit, **filters)


def scores_from(pairs: Sequence[str], wording: Wording = NEUTRAL) -> dict[str, tuple[float, float]]:
    """`dimension=expected:perceived` items (from --score) -> {dimension: (a, b)}; EventRejected says why not."""
    out: dict[str, tuple[float, float]] = {}
    problems = []
    for item in pairs:
        dim, sep, value = item.partition("=")
        a, colon, b = value.partition(":")
        try:
            if not sep or not colon:
                raise ValueError
            score = (float(a), float(b))
        except ValueError:
            problems.append(f"{wording.input('score')} {one_line(brief(item, 40))}: write "
                            "DIMENSION=EXPECTED:PERCEIVED, e.g. reliability=8:9")
            continue
        if out.setdefault(dim.strip(), score) != score:  # two scores for one dimension: which did the customer give?
            first = out[dim.strip()]
            problems.append(f"{wording.input('score')} {one_line(brief(dim.strip(), 40))} is given twice, as "
                            f"{first[0]:g}:{first[1]:g} and {score[0]:g}:{score[1]:g}; give it once")
    if problems:
        raise EventRejected(problems)
    return out
