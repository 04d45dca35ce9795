"""Case event logs and their current-state rows: persistence only (the rules live in `cxcoach.desk`).

Writes are optimistic: `append` adds event number `version + 1` and moves
the state row from `version` to `version + 1` in one transaction, and only
if the row is still at the version the caller read. A writer that lost the
race gets `ConflictError` and nothing is written; the desk then reloads,
validates again against the newer log and retries. The primary key
(case_id, seq) makes a lost or doubled event impossible even on a bug.

Read API for queues and reports (see docs/desk.md): `get`/`find` one case,
`events` of one case, `query` the current-state rows (open, overdue,
due within, received in a period), `events_between` for a period's events,
`count`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import msgspec
import sqlalchemy as sa

from . import tables as t
from .engine import Database
from .errors import CaseExists, ConflictError, StoreError

STATE_COLUMNS = ("updated_at", "stage", "is_open", "facts", "paused_since", "respond_due", "resolve_due", "next_due",
                 "responded_at", "resolved_at", "closed_at", "satisfaction")


class CaseRow(msgspec.Struct, frozen=True):
    """A case's identity and current state, as the queue and reports read it."""

    id: int
    uid: str
    external_id: str | None
    playbook: str
    received_at: dt.datetime
    version: int
    updated_at: dt.datetime
    stage: str | None
    is_open: bool
    facts: dict[str, Any]
    paused_since: dt.datetime | None = None
    respond_due: dt.datetime | None = None
    resolve_due: dt.datetime | None = None
    next_due: dt.datetime | None = None
    responded_at: dt.datetime | None = None
    resolved_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    satisfaction: str | None = None

    @property
    def ref(self) -> str:
        """How people name the case: its external id, else its number."""
        return self.external_id or str(self.id)

    def overdue_at(self, now: dt.datetime) -> bool:
        """The stored deadline test `query(overdue_at=now)` uses (a paused clock stands still)."""
        if not self.is_open or self.next_due is None:
            return False
        return self.next_due < min(now, self.paused_since or now)


class EventRow(msgspec.Struct, frozen=True):
    """One entry of a case's log."""

    seq: int
    at: dt.datetime
    kind: str  # open | update | follow_up
    by: str | None = None
    note: str = ""
    stage: str | None = None
    facts: dict[str, Any] = msgspec.field(default_factory=dict)
    data: dict[str, Any] | None = None
    recorded_at: dt.datetime | None = None


_CASE_COLUMNS = [t.cases.c[name] for name in CaseRow.__struct_fields__]
_EVENT_COLUMNS = (t.case_events.c.seq, t.case_events.c.at, t.case_events.c.kind, t.case_events.c.by_role,
                  t.case_events.c.note, t.case_events.c.stage, t.case_events.c.facts, t.case_events.c.data,
                  t.case_events.c.recorded_at)


# statements built once (the append path runs them for every event)
_CASE_BY_ID = sa.select(*_CASE_COLUMNS).where(t.cases.c.id == sa.bindparam("id"))
_CASE_BY_EXTERNAL_ID = sa.select(*_CASE_COLUMNS).where(t.cases.c.external_id == sa.bindparam("ref"))
_HEAD_BY_ID = sa.select(*_CASE_COLUMNS, t.cases.c.snapshot).where(t.cases.c.id == sa.bindparam("id"))
_HEAD_BY_EXTERNAL_ID = sa.select(*_CASE_COLUMNS, t.cases.c.snapshot).where(t.cases.c.external_id == sa.bindparam("ref"))
_EVENTS_OF = (sa.select(*_EVENT_COLUMNS).where(t.case_events.c.case_id == sa.bindparam("id"))
              .order_by(t.case_events.c.seq))
_MOVE_STATE = (t.cases.update()
               .where(t.cases.c.id == sa.bindparam("cid"), t.cases.c.version == sa.bindparam("expected"),
                      t.cases.c.uid == sa.bindparam("cuid"))
               .values(version=sa.bindparam("version"), snapshot=sa.bindparam("snapshot"),
                       figures=sa.bindparam("figures"), **{name: sa.bindparam(name) for name in STATE_COLUMNS}))
_ADD_EVENT = t.case_events.insert()
# PostgreSQL: the state move and the event in one statement (a data-modifying CTE), so an append is one
# round trip; the event is inserted (and its seq returned) only if the state row moved; one transaction
_EVENT_FIELDS = ("seq", "at", "kind", "by_role", "note", "stage", "facts", "data", "recorded_at")
_MOVED = _MOVE_STATE.returning(t.cases.c.id).cte("moved")
_MOVE_AND_ADD_ANY = t.case_events.insert().from_select(
    ["case_id", *_EVENT_FIELDS],
    sa.select(_MOVED.c.id, *(sa.bindparam(f"event_{name}", type_=t.case_events.c[name].type) for name in _EVENT_FIELDS))
).execution_options(preserve_rowcount=True)  # a batch (executemany): the events inserted, summed by psycopg
_MOVE_AND_ADD = _MOVE_AND_ADD_ANY.returning(t.case_events.c.seq)  # one event: autocommit, seq back if it moved


class Append(msgspec.Struct, frozen=True):
    """One event to append: the case (number and uid) at `expected_version`, the event numbered
    `expected_version + 1`, the state columns after it, its snapshot and lasting figures (None: none kept)."""

    case_id: int
    uid: str
    expected_version: int
    event: EventRow
    state: dict[str, Any]
    snapshot: bytes | None = None
    figures: bytes | None = None

    def move(self) -> dict[str, Any]:
        """The state row's new values, for `_MOVE_STATE`."""
        if self.event.seq != self.expected_version + 1:
            raise ValueError("an appended event is numbered version + 1")
        return {"cid": self.case_id, "cuid": self.uid, "expected": self.expected_version,
                "version": self.expected_version + 1, "snapshot": self.snapshot, "figures": self.figures,
                **_state(self.state)}


class NewCase(msgspec.Struct, frozen=True):
    """One case to create: its identity, its log (events 1..n), the state columns after it, its snapshot
    and lasting figures (None: none kept)."""

    uid: str
    external_id: str | None
    playbook: str
    received_at: dt.datetime
    events: list[EventRow]
    state: dict[str, Any]
    snapshot: bytes | None = None
    figures: bytes | None = None


class AmbiguousRef(StoreError):
    """A bare number that is one case's external id and another case's number."""


def _lookup(conn: sa.Connection, ref: str | int, by_external: Any, by_id: Any) -> Any:
    """The row `ref` names (see `CaseStore.find`), or None; AmbiguousRef when a bare number names two cases."""
    text = str(ref).strip()
    if text.startswith("#"):
        number = text[1:]
        return (conn.execute(by_id, {"id": int(number)}).first()
                if number.isascii() and number.isdigit() and len(number) < 10 else None)
    row = conn.execute(by_external, {"ref": text}).first()
    numeric = text.isascii() and text.isdigit() and len(text) < 10
    if not numeric:
        return row
    other = conn.execute(by_id, {"id": int(text)}).first()
    if row is not None and other is not None and other[0] != row[0]:
        raise AmbiguousRef(f"{text!r} names two cases: the external id of case #{row[0]} and the number of case "
                           f"#{other[0]}; write #{row[0]} or #{other[0]}")
    return row if row is not None else other


class DamagedRow(StoreError):
    """A stored row whose values cannot be read (edited by hand, or written by something else)."""


# What decoding a damaged row raises (a column's own reader, or the checks below); JSONDecodeError is a ValueError.
_DAMAGE = (ValueError, TypeError, KeyError, OverflowError)


@contextmanager
def _readable(what: str, where: object) -> Iterator[None]:
    """Turn a row that cannot be decoded into DamagedRow naming it, instead of an internal error."""
    try:
        yield
    except _DAMAGE as exc:
        raise DamagedRow(f"{what} in {where} cannot be read ({str(exc)[:200]}); the row is damaged: restore the "
                         "case from an archive or a backup") from None


def _mapping(value: Any, what: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise TypeError(f"{what} holds {type(value).__name__}, not a mapping")
    return dict(value)


def _case(row: Sequence[Any]) -> CaseRow:
    values = dict(zip(CaseRow.__struct_fields__, row, strict=True))
    for name in ("received_at", "updated_at"):
        if not isinstance(values[name], dt.datetime):
            raise TypeError(f"{name} is not a time")
    values["is_open"] = bool(values["is_open"])
    values["facts"] = _mapping(values["facts"], "facts")
    return CaseRow(**values)


def _event(row: Sequence[Any]) -> EventRow:
    if row[2] not in ("open", "update", "follow_up") or not isinstance(row[1], dt.datetime):
        raise ValueError(f"event {row[0]} has kind {str(row[2])[:20]!r} or a time that is not one")
    data = None if row[7] is None else _mapping(row[7], f"event {row[0]}'s data")
    return EventRow(int(row[0]), row[1], str(row[2]), row[3], row[4] or "", row[5],
                    _mapping(row[6], f"event {row[0]}'s facts"), data, row[8])


def _event_values(case_id: int, event: EventRow, recorded_at: dt.datetime) -> dict[str, Any]:
    return {"case_id": case_id, "seq": event.seq, "at": event.at, "kind": event.kind, "by_role": event.by,
            "note": event.note, "stage": event.stage, "facts": event.facts, "data": event.data,
            "recorded_at": event.recorded_at or recorded_at}


class CaseStore:
    """Cases in one database; use `Store.cases` (or `CaseStore(Database.open(...))`)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.bad_rows: list[str] = []  # damaged rows the last `query` left out, each named

    # -- reading --
    def get(self, case_id: int) -> CaseRow | None:
        with self.db.read() as conn, _readable(f"case #{case_id}", self.db.where):
            row = conn.execute(sa.select(*_CASE_COLUMNS).where(t.cases.c.id == case_id)).first()
            return None if row is None else _case(row)

    def find(self, ref: str | int) -> CaseRow | None:
        """A case by external id, else by number (so `T-1042` and `17` both work wherever an ID is taken).

        `#17` is always case number 17. A bare `17` that is one case's external id and another case's
        number is ambiguous: AmbiguousRef says which two, rather than silently picking one.
        """
        with self.db.read() as conn, _readable(f"case {str(ref)[:40]!r}", self.db.where):
            row = _lookup(conn, ref, _CASE_BY_EXTERNAL_ID, _CASE_BY_ID)
            return None if row is None else _case(row)

    def by_uid(self, uids: Iterable[str]) -> dict[str, CaseRow]:
        wanted = list(uids)
        out: dict[str, CaseRow] = {}
        with self.db.read() as conn, _readable("a case", self.db.where):
            for i in range(0, len(wanted), 500):
                for row in conn.execute(sa.select(*_CASE_COLUMNS).where(t.cases.c.uid.in_(wanted[i:i + 500]))):
                    case = _case(row)
                    out[case.uid] = case
        return out

    def by_external_id(self, ids: Iterable[str]) -> dict[str, CaseRow]:
        wanted = list(ids)
        out: dict[str, CaseRow] = {}
        with self.db.read() as conn, _readable("a case", self.db.where):
            for i in range(0, len(wanted), 500):
                query = sa.select(*_CASE_COLUMNS).where(t.cases.c.external_id.in_(wanted[i:i + 500]))
                for row in conn.execute(query):
                    case = _case(row)
                    out[str(case.external_id)] = case
        return out

    def head(self, case: int | str) -> tuple[CaseRow, bytes | None] | None:
        """A case's state row and its stored snapshot (opaque bytes; the desk's `snapshot.py` reads them).

        An int is the case's number exactly; a str is looked up like `find` (external id, else number).
        """
        with self.db.single() as conn, _readable(f"case {str(case)[:40]!r}", self.db.where):
            if isinstance(case, int):
                row = conn.execute(_HEAD_BY_ID, {"id": case}).first()
            else:
                row = _lookup(conn, case, _HEAD_BY_EXTERNAL_ID, _HEAD_BY_ID)
            return None if row is None else (_case(row[:-1]), row[-1])

    def load(self, case_id: int) -> tuple[CaseRow, list[EventRow]]:
        """The state row and the whole log, read in one snapshot."""
        with self.db.read() as conn, _readable(f"case #{case_id}", self.db.where):
            row = conn.execute(_CASE_BY_ID, {"id": case_id}).first()
            if row is None:
                raise StoreError(f"no case {case_id} in {self.db.where}")
            events = conn.execute(_EVENTS_OF, {"id": case_id}).all()
            return _case(row), [_event(e) for e in events]

    def events(self, case_ids: Iterable[int]) -> dict[int, list[EventRow]]:
        """The logs of many cases at once (for reports and archives), in event order."""
        ids = list(case_ids)
        out: dict[int, list[EventRow]] = {i: [] for i in ids}
        with self.db.read() as conn, _readable("an event", self.db.where):
            for i in range(0, len(ids), 500):
                query = (sa.select(t.case_events.c.case_id, *_EVENT_COLUMNS)
                         .where(t.case_events.c.case_id.in_(ids[i:i + 500]))
                         .order_by(t.case_events.c.case_id, t.case_events.c.seq))
                for row in conn.execute(query):
                    out[int(row[0])].append(_event(row[1:]))
        return out

    def events_between(self, start: dt.datetime, end: dt.datetime) -> Iterator[tuple[int, EventRow]]:
        """(case id, event) for every event with start <= at < end, in time order."""
        with self.db.read() as conn:
            query = (sa.select(t.case_events.c.case_id, *_EVENT_COLUMNS)
                     .where(t.case_events.c.at >= start, t.case_events.c.at < end)
                     .order_by(t.case_events.c.at, t.case_events.c.case_id, t.case_events.c.seq))
            with _readable("an event", self.db.where):
                rows = conn.execute(query).all()
        for row in rows:
            with _readable(f"an event of case #{row[0]}", self.db.where):
                event = _event(row[1:])
            yield int(row[0]), event

    def active_between(self, start: dt.datetime, end: dt.datetime) -> list[CaseRow]:
        """Cases that lived in [start, end): received before `end` and not closed before `start`,
        or with any event in the period (a follow-up after closure). For reports; ordered by id."""
        c, e = t.cases.c, t.case_events.c
        touched = sa.select(e.case_id).where(e.at >= start, e.at < end)
        query = (sa.select(*_CASE_COLUMNS)
                 .where(sa.or_(sa.and_(c.received_at < end, sa.or_(c.closed_at.is_(None), c.closed_at >= start)),
                               c.id.in_(touched)))
                 .order_by(c.id))
        return self._read_cases(query)

    def _where(self, *, open: bool | None = None, overdue_at: dt.datetime | None = None,
               due_before: dt.datetime | None = None, received_from: dt.datetime | None = None,
               received_before: dt.datetime | None = None, closed_before: dt.datetime | None = None,
               ids: Sequence[int] | None = None, facts: Mapping[str, Any] | None = None) -> list[Any]:
        c = t.cases.c
        where: list[Any] = []
        if open is not None:
            where.append(c.is_open.is_(True) if open else c.is_open.is_(False))
        if overdue_at is not None:
            # overdue: the next deadline passed while the clock ran (a pause freezes the clock at its start)
            where += [c.is_open.is_(True), c.next_due < overdue_at,
                      sa.or_(c.paused_since.is_(None), c.next_due < c.paused_since)]
        if due_before is not None:
            where += [c.is_open.is_(True), c.next_due <= due_before]
        if received_from is not None:
            where.append(c.received_at >= received_from)
        if received_before is not None:
            where.append(c.received_at < received_before)
        if closed_before is not None:
            where += [c.is_open.is_(False), c.closed_at < closed_before]
        if ids is not None:
            where.append(c.id.in_(list(ids)))
        for fact, value in (facts or {}).items():  # the current value, compared as the JSON type it is stored as
            item = c.facts[fact]
            where.append(item.as_boolean() == value if isinstance(value, bool)
                         else item.as_integer() == value if isinstance(value, int)
                         else item.as_float() == value if isinstance(value, float)
                         else item.as_string() == str(value))
        return where

    def query(self, *, limit: int | None = None, offset: int = 0, order: str = "due", **filters: Any) -> list[CaseRow]:
        """Current-state rows. Filters: open, overdue_at, due_before, received_from, received_before,
        closed_before, ids, facts ({fact: value}: cases whose current facts hold each value). Order: "due"
        (next deadline first, then oldest), "received" or "id"."""
        c = t.cases.c
        orders = {"due": (c.next_due.is_(None), c.next_due, c.received_at, c.id),
                  "received": (c.received_at, c.id), "id": (c.id,)}
        query = sa.select(*_CASE_COLUMNS).where(*self._where(**filters)).order_by(*orders[order]).offset(offset)
        if limit is not None:
            query = query.limit(limit)
        return self._read_cases(query)

    def _read_cases(self, query: sa.Select[Any]) -> list[CaseRow]:
        """The state rows `query` selects; damaged ones are named in `bad_rows` and left out."""
        self.bad_rows = []
        with self.db.read() as conn:
            try:
                return [_case(r) for r in conn.execute(query)]
            except _DAMAGE:
                pass  # a damaged row: read them again one at a time, below
        return self._tolerant(query)

    def _tolerant(self, query: sa.Select[Any]) -> list[CaseRow]:
        """The rows of `query` decoded one at a time: a damaged row is named in `bad_rows` and left out.

        The columns are fetched undecoded (NullType) and each is decoded by its own type's reader, so one
        row that cannot be read costs only itself; this slower path runs only once a fast read has failed.
        """
        raw = query.with_only_columns(*(sa.type_coerce(c, sa.types.NullType()).label(c.name) for c in _CASE_COLUMNS))
        out: list[CaseRow] = []
        with self.db.read() as conn:
            readers = [c.type._cached_result_processor(conn.dialect, None) for c in _CASE_COLUMNS]
            for row in conn.execute(raw):
                try:
                    out.append(_case([v if v is None or read is None else read(v)
                                      for read, v in zip(readers, row, strict=True)]))
                except _DAMAGE as exc:
                    self.bad_rows.append(f"case #{row[0]} left out: {str(exc)[:200]}")
        return out


    def count(self, **filters: Any) -> int:
        with self.db.read() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(t.cases)
                                    .where(*self._where(**filters))).scalar_one())

    def stamp(self, **filters: Any) -> tuple[int, int, int]:
        """(count, highest id, sum of versions) of the matching cases: a cheap "did anything change?".

        Every event raises a case's version, a new case has a higher id than
        any other, and a case leaving the set changes the count, so a poller
        (the console) reloads only when this differs. Same filters as `query`.
        """
        c = t.cases.c
        query = (sa.select(sa.func.count(), sa.func.coalesce(sa.func.max(c.id), 0),
                           sa.func.coalesce(sa.func.sum(c.version), 0))
                 .select_from(t.cases).where(*self._where(**filters)))
        with self.db.read() as conn:
            count, top, versions = conn.execute(query).one()
        return int(count), int(top), int(versions)

    # -- writing --
    def create(self, *, uid: str, external_id: str | None, playbook: str, received_at: dt.datetime,
               events: Sequence[EventRow], state: Mapping[str, Any], recorded_at: dt.datetime,
               snapshot: bytes | None = None, figures: bytes | None = None) -> int:
        """A new case with its first event(s), state, snapshot and lasting figures (None: none kept);
        StoreError if the external id or uid is taken."""
        return self.create_many([NewCase(uid, external_id, playbook, received_at, list(events), dict(state),
                                         snapshot, figures)], recorded_at)[0]

    def create_many(self, cases: Sequence[NewCase], recorded_at: dt.datetime) -> list[int]:
        """New cases with their logs in one transaction (one commit, so one fsync for an importer's batch),
        or none of them: StoreError naming a uid or external id that is taken (or given twice). Returns the
        case numbers in the order given."""
        if not cases:
            return []
        uids = [c.uid for c in cases]
        ext_ids = [c.external_id for c in cases if c.external_id is not None]
        for given, what in ((uids, "uid"), (ext_ids, "external id")):
            if len(set(given)) != len(given):
                again = next(x for i, x in enumerate(given) if x in given[:i])
                raise StoreError(f"{what} {again!r} is given twice in one batch")
        with self.db.write() as conn:
            for i in range(0, len(cases), 500):  # bound the IN lists
                taken = conn.execute(sa.select(t.cases.c.id, t.cases.c.external_id).where(sa.or_(
                    t.cases.c.uid.in_(uids[i:i + 500]), t.cases.c.external_id.in_(ext_ids[i:i + 500])))).first()
                if taken is not None:
                    named = f" (external id {taken[1]!r})" if taken[1] in ext_ids else ""
                    raise CaseExists(f"case {taken[1] or taken[0]} already exists{named}", taken[1] or f"#{taken[0]}")
            rows = [{"uid": c.uid, "external_id": c.external_id, "playbook": c.playbook, "received_at": c.received_at,
                     "version": len(c.events), "snapshot": c.snapshot, "figures": c.figures, **_state(c.state)}
                    for c in cases]
            try:
                # one statement per batch of rows (insertmanyvalues), the numbers back in the rows' order
                ids = [int(r[0]) for r in conn.execute(
                    t.cases.insert().returning(t.cases.c.id, sort_by_parameter_order=True), rows)]
            except sa.exc.IntegrityError:  # PostgreSQL: another writer inserted the same id since the check above
                names = ", ".join(c.external_id or c.uid for c in cases[:3]) + (", ..." if len(cases) > 3 else "")
                which = f"case {names}" if len(cases) == 1 else f"a case among {names}"
                raise CaseExists(f"{which} already exists (another process recorded it at the same moment)",
                                 names) from None
            conn.execute(t.case_events.insert(), [_event_values(case_id, e, recorded_at)
                                                  for case_id, c in zip(ids, cases, strict=True) for e in c.events])
        return ids

    def append(self, case_id: int, expected_version: int, event: EventRow, state: Mapping[str, Any],
               recorded_at: dt.datetime, uid: str, snapshot: bytes | None = None,
               figures: bytes | None = None) -> None:
        """Add event `expected_version + 1`, the new state, snapshot and lasting figures (None: none kept), or
        ConflictError if another writer came first (or the case is gone: `uid` tells a case from a later one
        given the same number)."""
        self.append_many([Append(case_id, uid, expected_version, event, dict(state), snapshot, figures)],
                         recorded_at)

    def append_many(self, appends: Sequence[Append], recorded_at: dt.datetime) -> None:
        """Write every append in one transaction (one commit, so one fsync for the batch), or none of them:
        ConflictError if any case is no longer at the version its append expects. Several appends to one
        case follow each other (versions v+1, v+2, ...), in order.

        One append on PostgreSQL is one statement in autocommit (one round trip); a batch is one
        transaction whose statements psycopg sends in a pipeline (executemany), not one round trip each.
        """
        if not appends:
            return
        # rows locked in one order by every writer (by case number; a case's own events keep theirs), so two
        # batches over the same cases wait for each other instead of deadlocking on PostgreSQL
        appends = sorted(appends, key=lambda a: a.case_id)
        moves = [a.move() for a in appends]
        if self.db.is_sqlite:
            with self.db.write() as conn:  # BEGIN IMMEDIATE: nobody else writes until the commit
                self._moved(appends, conn.execute(_MOVE_STATE, moves).rowcount)
                conn.execute(_ADD_EVENT, [_event_values(a.case_id, a.event, recorded_at) for a in appends])
            return
        params = [{**move, **{f"event_{k}": v for k, v in _event_values(a.case_id, a.event, recorded_at).items()
                              if k != "case_id"}} for a, move in zip(appends, moves, strict=True)]
        if len(appends) == 1:
            with self.db.single(write=True) as conn:
                self._moved(appends, len(conn.execute(_MOVE_AND_ADD, params[0]).all()))
            return
        with self.db.write() as conn:  # raising inside rolls the whole batch back
            self._moved(appends, conn.execute(_MOVE_AND_ADD_ANY, params).rowcount)  # an event per state moved

    @staticmethod
    def _moved(appends: Sequence[Append], moved: int) -> None:
        if moved != len(appends):
            names = ", ".join(sorted({str(a.case_id) for a in appends}))
            raise ConflictError(f"case {names} was changed by someone else meanwhile" if len(appends) == 1 else
                                f"one of the cases {names} was changed by someone else meanwhile; nothing written")

    def delete(self, versions: Mapping[int, int]) -> int:
        """Delete cases (id -> the version that was archived); all or nothing, ConflictError if one changed."""
        with self.db.write() as conn:
            for case_id, version in versions.items():
                gone = conn.execute(t.cases.delete().where(t.cases.c.id == case_id, t.cases.c.version == version)
                                    ).rowcount
                if gone != 1:
                    raise ConflictError(f"case {case_id} changed after it was archived; nothing was deleted")
                conn.execute(t.case_events.delete().where(t.case_events.c.case_id == case_id))
        return len(versions)


def _state(state: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(state) - set(STATE_COLUMNS)
    if unknown:
        raise ValueError(f"not state columns: {sorted(unknown)}")
    return dict(state)
