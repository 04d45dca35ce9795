"""Drill history: trainees, sessions and every answered turn.

Why this shape:

* Each answered reply (and each hint, because hints change the score) is
  committed in its own short transaction the moment it happens, so killing
  the app with `kill -9` mid-drill loses nothing that was answered (see
  `engine.py` for SQLite's WAL settings that keep that promise). The
  unfinished session is resumed by replaying the recorded events through
  `DrillSession` with the recorded seed (`DrillSession.replay`), which
  reproduces the customer exactly.
* A turn that cannot be saved does not advance the drill: `RecordedDrill`
  retries, and if the store still refuses it rebuilds the session from what
  is stored and raises `StoreError`, so what the trainee sees is what the
  history says.
* A malformed row (hand-edited or damaged: criteria that are not JSON, a
  bad timestamp, a score that is not a number) is skipped and listed in
  `Store.bad_rows`, never fatal: the rest of the history stays viewable.
* Everything that can go wrong for a user raises `StoreError` with a message
  meant to be shown as is; callers never see a driver traceback.

This module is a pure library: no textual, no click. The TUI and the CLI share it.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import json
import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import msgspec
import sqlalchemy as sa

from . import tables as t
from .engine import Clock, Database, utc_now
from .errors import BUSY_TIMEOUT_MS, StoreError
from .migrate import current_revision, ensure_schema

if TYPE_CHECKING:
    from ..drill.session import DrillReport, DrillSession, Silence, Turn
    from ..playbook.model import Playbook
    from .cases import CaseStore

SAVE_ATTEMPTS = 3  # a turn is tried this many times (each waiting up to the busy timeout) before the trainee is told


# --- rows -----------------------------------------------------------------------

class Trainee(msgspec.Struct, frozen=True):
    id: int
    name: str


class CriterionScore(msgspec.Struct, frozen=True):
    """One rubric criterion of a finished session, as stored (title in the session's language)."""

    id: str
    title: str
    status: str  # met | missed | triggered | clear | na
    points: float
    value: float


class SessionRow(msgspec.Struct, frozen=True):
    id: int
    trainee: str
    playbook: str
    drill: str
    drill_title: str
    seed: int
    mode: str
    lang: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    abandoned: bool
    score: int | None
    passed: bool | None
    ending: str | None
    satisfaction: float | None
    criteria: tuple[CriterionScore, ...]
    turns: int = 0

    @property
    def finished(self) -> bool:
        return self.finished_at is not None

    @property
    def resumable(self) -> bool:
        return self.finished_at is None and not self.abandoned


class TurnRow(msgspec.Struct, frozen=True):
    seq: int
    kind: str  # reply | hint
    text: str
    customer: str
    node: str
    detail: Mapping[str, Any]
    at: dt.datetime


CSV_COLUMNS = ("id", "trainee", "playbook", "drill", "drill_title", "mode", "lang", "seed", "started_at",
               "finished_at", "score", "passed", "ending", "satisfaction", "turns")


class BadRow(msgspec.Struct, frozen=True):
    """A stored row that could not be read, and why (shown to the user, then skipped)."""

    table: str
    id: int | str
    reason: str


def _iso(value: dt.datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware")
    return value.isoformat()


def _time(raw: object, what: str) -> dt.datetime:
    if not isinstance(raw, str):
        raise ValueError(f"{what} is {raw!r}, not a timestamp")
    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"{what} {raw[:40]!r} is not an ISO-8601 timestamp") from None
    if value.tzinfo is None:
        raise ValueError(f"{what} {raw[:40]!r} has no UTC offset")
    return value


def _int(raw: object, what: str) -> int:
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        raise ValueError(f"{what} is {raw!r}, not a whole number")
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{what} is {str(raw)[:40]!r}, not a whole number") from None
    if not value.is_integer():
        raise ValueError(f"{what} is {raw!r}, not a whole number")
    return int(value)


def _criteria(raw: object) -> tuple[CriterionScore, ...]:
    try:
        items = json.loads(raw or "[]") if isinstance(raw, (str, type(None))) else raw
    except ValueError:
        raise ValueError("criteria are not valid JSON") from None
    if not isinstance(items, list):
        raise ValueError("criteria are not a list")
    out = []
    for c in items:
        if not isinstance(c, dict) or "id" not in c or "status" not in c or "points" not in c:
            raise ValueError(f"criterion {str(c)[:60]!r} lacks id, status or points")
        try:
            out.append(CriterionScore(str(c["id"]), str(c.get("title", c["id"])), str(c["status"]),
                                      float(c["points"]), float(c.get("value", 0))))
        except (TypeError, ValueError):
            raise ValueError(f"criterion {str(c['id'])[:40]!r} has a points or value that is not a number") from None
    return tuple(out)


_reply_count = (sa.select(sa.func.count()).select_from(t.turns)
                .where(t.turns.c.session_id == t.sessions.c.id, t.turns.c.kind == "reply")
                .scalar_subquery())
_SESSION_COLUMNS = (t.sessions.c.id, t.trainees.c.name, t.sessions.c.playbook, t.sessions.c.drill,
                    t.sessions.c.drill_title, t.sessions.c.seed, t.sessions.c.mode, t.sessions.c.lang,
                    t.sessions.c.started_at, t.sessions.c.finished_at, t.sessions.c.abandoned, t.sessions.c.score,
                    t.sessions.c.passed, t.sessions.c.ending, t.sessions.c.satisfaction, t.sessions.c.criteria,
                    _reply_count)
_SESSIONS = sa.select(*_SESSION_COLUMNS).select_from(
    t.sessions.join(t.trainees, t.trainees.c.id == t.sessions.c.trainee_id))


def _session(row: Sequence[Any]) -> SessionRow:
    """A session row, or ValueError saying which column is malformed."""
    score = None if row[11] is None else _int(row[11], "score")
    passed = None if row[12] is None else bool(_int(row[12], "passed"))
    satisfaction = row[14]
    if satisfaction is not None and not isinstance(satisfaction, (int, float)):
        raise ValueError(f"satisfaction is {satisfaction!r}, not a number")
    return SessionRow(_int(row[0], "id"), str(row[1]), str(row[2]), str(row[3]), str(row[4] or ""),
                      _int(row[5], "seed"), str(row[6]), str(row[7]), _time(row[8], "started_at"),
                      None if row[9] is None else _time(row[9], "finished_at"), bool(row[10]), score, passed,
                      None if row[13] is None else str(row[13]), None if satisfaction is None else float(satisfaction),
                      _criteria(row[15]), int(row[16] or 0))


def _insert(conn: sa.Connection, table: sa.Table) -> Any:
    """The dialect's INSERT, which knows ON CONFLICT (both SQLite and PostgreSQL have it)."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert(table)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table)


def csv_cell(value: object) -> str:
    """A cell safe for spreadsheets: text starting with = + - @ (or a tab/CR) is prefixed with '.

    Spreadsheets run such cells as formulas (`=HYPERLINK(...)`); OWASP's advice
    is to make them text. Plain numbers (a negative score) are left alone.
    """
    text = "" if value is None else str(value)
    if text and text[0] in "=+-@\t\r":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return text
        return "'" + text
    return text


class Store:
    """The history of drills (and, through `cases`, the complaint desk) in one database.

    Use `Store.open(path_or_url)`. One instance per thread of control; the TUI
    calls it from its event loop. Timestamps come from `clock` (an
    aware-datetime callable) so tests are deterministic. `bad_rows` lists the
    malformed rows the last read skipped.
    """

    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self.db = db
        self.clock = clock
        self.bad_rows: list[BadRow] = []
        self._cases: CaseStore | None = None

    @property
    def path(self) -> str | Path:
        """The file, or the database URL without its password: for messages."""
        return self.db.where

    @property
    def read_only(self) -> bool:
        return self.db.read_only

    # -- opening --
    @classmethod
    def open(cls, target: str | os.PathLike[str], *, clock: Clock = utc_now,
             timeout_ms: int = BUSY_TIMEOUT_MS) -> Store:
        """Open (creating and upgrading as needed) a SQLite file or a postgresql:// URL."""
        db = Database.open(target, timeout_ms=timeout_ms)
        try:
            ensure_schema(db)
        except BaseException:
            db.dispose()
            raise
        return cls(db, clock)

    def close(self) -> None:
        self.db.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def cases(self) -> CaseStore:
        """The complaint cases kept in the same database."""
        if self._cases is None:
            from .cases import CaseStore

            self._cases = CaseStore(self.db)
        return self._cases

    @property
    def schema_version(self) -> int:
        """How many schema revisions this database has (SQLite's user_version follows it)."""
        from .migrate import REVISIONS

        with self.db.read() as conn:
            revision = current_revision(conn)
        return REVISIONS.index(revision) + 1 if revision in REVISIONS else 0

    # -- settings and trainees --
    def setting(self, key: str, default: str | None = None) -> str | None:
        with self.db.read() as conn:
            value = conn.execute(sa.select(t.settings.c.value).where(t.settings.c.key == key)).scalar()
        return default if value is None else str(value)

    def set_setting(self, key: str, value: str) -> None:
        with self.db.write() as conn:
            self._put_setting(conn, key, value)

    def _put_setting(self, conn: sa.Connection, key: str, value: str) -> None:
        stmt = _insert(conn, t.settings).values(key=key, value=value)
        conn.execute(stmt.on_conflict_do_update(index_elements=["key"], set_={"value": value}))

    def trainee(self, name: str) -> Trainee:
        """The trainee with this name, created on first use; also remembered as the current trainee."""
        clean = " ".join(name.split())
        if not clean:
            raise StoreError("a trainee name cannot be empty")
        if len(clean) > 80:
            raise StoreError("a trainee name is at most 80 characters")
        with self.db.write() as conn:
            conn.execute(_insert(conn, t.trainees).values(name=clean, created_at=_iso(self.clock()))
                         .on_conflict_do_nothing(index_elements=["name"]))
            tid = conn.execute(sa.select(t.trainees.c.id).where(t.trainees.c.name == clean)).scalar_one()
            self._put_setting(conn, "trainee", clean)
        return Trainee(int(tid), clean)

    def current_trainee(self) -> Trainee | None:
        """The trainee remembered from last time, so the name is asked once."""
        name = self.setting("trainee")
        if not name:
            return None
        with self.db.read() as conn:
            row = conn.execute(sa.select(t.trainees.c.id, t.trainees.c.name).where(t.trainees.c.name == name)).first()
        return Trainee(int(row[0]), str(row[1])) if row else None

    def trainees(self) -> list[Trainee]:
        with self.db.read() as conn:
            rows = conn.execute(sa.select(t.trainees.c.id, t.trainees.c.name).order_by(t.trainees.c.name)).all()
        return [Trainee(int(r[0]), str(r[1])) for r in rows]

    # -- sessions --
    def start_session(self, trainee: Trainee, *, playbook: str, drill: str, seed: int, mode: str, lang: str,
                      drill_title: str = "") -> int:
        with self.db.write() as conn:
            result = conn.execute(t.sessions.insert().values(
                trainee_id=trainee.id, playbook=playbook, drill=drill, drill_title=drill_title, seed=int(seed),
                mode=mode, lang=lang, started_at=_iso(self.clock())))
            return int(result.inserted_primary_key[0])  # type: ignore[index]  # one row inserted: its key is there

    def add_turn(self, session_id: int, kind: str, text: str = "", *, customer: str = "", node: str = "",
                 detail: Mapping[str, Any] | None = None) -> int:
        """Record one reply or hint; committed before this returns (the crash-safety promise)."""
        if kind not in ("reply", "hint"):
            raise ValueError(f"unknown turn kind {kind!r}")
        payload = json.dumps(dict(detail or {}), ensure_ascii=False, default=str)
        with self.db.write() as conn:
            row = conn.execute(sa.select(t.sessions.c.finished_at, t.sessions.c.abandoned)
                               .where(t.sessions.c.id == session_id)).first()
            if row is None:
                raise StoreError(f"no drill session {session_id} in {self.path}")
            if row[0] is not None or row[1]:
                raise StoreError(f"drill session {session_id} is already closed")
            seq = int(conn.execute(sa.select(sa.func.coalesce(sa.func.max(t.turns.c.seq), 0) + 1)
                                   .where(t.turns.c.session_id == session_id)).scalar_one())
            conn.execute(t.turns.insert().values(session_id=session_id, seq=seq, kind=kind, text=text,
                                                 customer=customer, node=node, detail=payload,
                                                 at=_iso(self.clock())))
        return seq

    def finish_session(self, session_id: int, *, score: int, passed: bool, ending: str | None,
                       satisfaction: float | None, criteria: Iterable[CriterionScore]) -> None:
        blob = json.dumps([{"id": c.id, "title": c.title, "status": c.status, "points": c.points,
                            "value": c.value} for c in criteria], ensure_ascii=False)
        with self.db.write() as conn:
            conn.execute(t.sessions.update()
                         .where(t.sessions.c.id == session_id, t.sessions.c.finished_at.is_(None))
                         .values(finished_at=_iso(self.clock()), score=int(score), passed=int(bool(passed)),
                                 ending=ending, satisfaction=satisfaction, criteria=blob))

    def abandon_session(self, session_id: int) -> None:
        """Give up an unfinished session so it is no longer offered for resuming."""
        with self.db.write() as conn:
            conn.execute(t.sessions.update()
                         .where(t.sessions.c.id == session_id, t.sessions.c.finished_at.is_(None))
                         .values(abandoned=1))

    def _sessions(self, query: sa.Select[Any]) -> list[SessionRow]:
        with self.db.read() as conn:
            rows = conn.execute(query).all()
        out, bad = [], []
        for row in rows:
            try:
                out.append(_session(row))
            except ValueError as exc:
                bad.append(BadRow("sessions", row[0], str(exc)))
        self.bad_rows = bad
        return out

    def session(self, session_id: int) -> SessionRow | None:
        rows = self._sessions(_SESSIONS.where(t.sessions.c.id == session_id))
        return rows[0] if rows else None

    def sessions(self, trainee: Trainee | None = None, *, drill: str | None = None, finished: bool | None = None,
                 playbook: str | None = None) -> list[SessionRow]:
        """Sessions, oldest first (the order a chart of progress wants); malformed rows go to `bad_rows`."""
        query = _SESSIONS
        if trainee is not None:
            query = query.where(t.sessions.c.trainee_id == trainee.id)
        if drill is not None:
            query = query.where(t.sessions.c.drill == drill)
        if playbook is not None:
            query = query.where(t.sessions.c.playbook == playbook)
        if finished is True:
            query = query.where(t.sessions.c.finished_at.is_not(None))
        elif finished is False:
            query = query.where(t.sessions.c.finished_at.is_(None), t.sessions.c.abandoned == 0)
        return self._sessions(query.order_by(t.sessions.c.started_at, t.sessions.c.id))

    def unfinished(self, trainee: Trainee, playbook: str | None = None) -> list[SessionRow]:
        """Sessions interrupted before their end (newest first), which can be resumed."""
        return list(reversed(self.sessions(trainee, finished=False, playbook=playbook)))

    def last_scores(self, trainee: Trainee, playbook: str | None = None) -> dict[str, int]:
        """drill id -> score of the trainee's latest finished session of it."""
        out: dict[str, int] = {}
        for row in self.sessions(trainee, finished=True, playbook=playbook):
            if row.score is not None:
                out[row.drill] = row.score
        return out

    def turns(self, session_id: int) -> list[TurnRow]:
        """The session's turns in order; a malformed turn raises StoreError (a replay without it would lie)."""
        with self.db.read() as conn:
            rows = conn.execute(sa.select(t.turns.c.seq, t.turns.c.kind, t.turns.c.text, t.turns.c.customer,
                                          t.turns.c.node, t.turns.c.detail, t.turns.c.at)
                                .where(t.turns.c.session_id == session_id).order_by(t.turns.c.seq)).all()
        out = []
        for r in rows:
            try:
                detail = json.loads(r[5] or "{}")
                out.append(TurnRow(int(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]),
                                   detail if isinstance(detail, dict) else {}, _time(r[6], "at")))
            except ValueError as exc:
                raise StoreError(f"turn {r[0]} of drill session {session_id} is damaged ({exc}); "
                                 "the session cannot be replayed") from None
        return out

    def record(self, session_id: int) -> dict[str, object]:
        """The session as `DrillSession.record()` would give it: enough to replay it exactly."""
        row = self.session(session_id)
        if row is None:
            reason = next((b.reason for b in self.bad_rows), None)
            raise StoreError(f"drill session {session_id} in {self.path} "
                             + (f"is damaged ({reason})" if reason else "does not exist"))
        events: list[list[str]] = []
        for turn in self.turns(session_id):
            if turn.kind == "reply":
                events.append(["reply", turn.text])
            else:  # a hint, or a silence (stored as a non-reply event until the schema has a kind for it)
                events.append([str(turn.detail.get("event", "hint"))])
        return {"drill": row.drill, "seed": row.seed, "locale": row.lang, "mode": row.mode, "events": events,
                "trainee": row.trainee}

    def export_csv(self, rows: Iterable[SessionRow], out: IO[str]) -> int:
        """Write sessions as CSV, one column per criterion (its points); returns the number of rows.

        Cells that a spreadsheet would run as a formula are neutralised
        (`csv_cell`). Write to a file opened with encoding "utf-8-sig" so
        spreadsheets on Chinese Windows read it (`export_csv_file` does).
        """
        rows = list(rows)
        criteria: dict[str, str] = {}
        for r in rows:
            for c in r.criteria:
                criteria.setdefault(c.id, c.title)
        writer = csv.writer(out)
        writer.writerow([csv_cell(c) for c in (*CSV_COLUMNS, *criteria)])
        for r in rows:
            points = {c.id: c.points for c in r.criteria}
            cells = [r.id, r.trainee, r.playbook, r.drill, r.drill_title, r.mode, r.lang, r.seed,
                     r.started_at.isoformat(), r.finished_at.isoformat() if r.finished_at else "",
                     "" if r.score is None else r.score, "" if r.passed is None else int(r.passed),
                     r.ending or "", "" if r.satisfaction is None else r.satisfaction, r.turns,
                     *(f"{points[cid]:g}" if cid in points else "" for cid in criteria)]
            writer.writerow([csv_cell(c) for c in cells])
        return len(rows)

    def export_csv_file(self, rows: Iterable[SessionRow], path: str | os.PathLike[str]) -> int:
        """`export_csv` into a UTF-8 file with a byte-order mark; StoreError says why it could not be written."""
        target = Path(path)
        try:
            with open(target, "w", encoding="utf-8-sig", newline="") as fh:
                return self.export_csv(rows, fh)
        except OSError as exc:
            raise StoreError(f"cannot write {target}: {exc.strerror or exc}") from None


# --- drill sessions that record themselves ----------------------------------------

def criterion_scores(report: DrillReport) -> tuple[CriterionScore, ...]:
    """The per-criterion breakdown of a report, in its language, for storing."""
    return tuple(CriterionScore(r.criterion.id, r.criterion.title.get(report.locale), r.status.value,
                                float(r.points), float(r.criterion.value)) for r in report.score.criteria)


class RecordedDrill:
    """A `DrillSession` whose every hint and reply is committed to the store as it happens.

    The TUI talks to this instead of the bare session, so the crash-safety
    promise lives in one place and is tested without a terminal.
    """

    def __init__(self, store: Store, session_id: int, session: DrillSession) -> None:
        self.store = store
        self.id = session_id
        self.session = session
        self._closed = False

    @classmethod
    def start(cls, store: Store, trainee: Trainee, playbook: Playbook, drill: str, *, seed: int | None = None,
              locale: str | None = None, mode: str = "practice") -> RecordedDrill:
        from ..drill.session import DrillSession

        session = DrillSession(playbook, drill, seed=seed, locale=locale, mode=mode, trainee=trainee.name)
        sid = store.start_session(trainee, playbook=playbook.id, drill=session.drill.id, seed=session.seed,
                                  mode=session.mode.value, lang=session.locale,
                                  drill_title=session.drill.title.get(session.locale))
        return cls(store, sid, session)

    @classmethod
    def resume(cls, store: Store, playbook: Playbook, session_id: int) -> RecordedDrill:
        """Rebuild an interrupted session by replaying its recorded events with its seed."""
        from ..drill.session import DrillSession

        record = store.record(session_id)
        if str(record["drill"]) not in playbook.drills:
            raise StoreError(f"drill {record['drill']!r} of session {session_id} is not in playbook {playbook.id!r}")
        try:
            session = DrillSession.replay(playbook, record)
        except Exception as exc:  # a changed playbook can make an old record unplayable
            raise StoreError(f"session {session_id} cannot be resumed with this playbook: {exc}") from None
        return cls(store, session_id, session)

    def _save(self, write: Callable[[], object]) -> None:
        """Run one store write, retrying a busy store; if it still fails, go back to what is stored."""
        for attempt in range(SAVE_ATTEMPTS):
            try:
                write()
                return
            except StoreError as exc:
                error = exc
                if "busy" not in str(exc) or attempt == SAVE_ATTEMPTS - 1:
                    break
                time.sleep(0.2 * (attempt + 1))
        self._rewind()
        raise StoreError(f"your last answer was not saved, so the drill stays where it was: {error}") from None

    def _rewind(self) -> None:
        """Rebuild the session from the store, undoing whatever was applied in memory but not saved."""
        from ..drill.session import DrillSession

        # the store cannot be read either: keep the session; the caller reports the failure
        with contextlib.suppress(StoreError):
            self.session = DrillSession.replay(self.session.playbook, self.store.record(self.id))

    def hint(self) -> str | None:
        text = self.session.hint()
        node = self.session.node.id if self.session.node else ""
        self._save(lambda: self.store.add_turn(self.id, "hint", text or "", node=node))
        return text

    def wait(self) -> Silence:
        """The reply timer ran out: the drill's patience applies, and the silence is recorded."""
        node = self.session.node.id if self.session.node else ""
        silence = self.session.wait()
        detail = {"event": "wait", "hostility": silence.state.hostility, "perceived": silence.state.perceived}
        self._save(lambda: self.store.add_turn(self.id, "hint", customer=silence.customer, node=node, detail=detail))
        if self.session.finished:
            self.finish()
        return silence

    def reply(self, text: str) -> Turn:
        customer = self.session.customer_text
        node = self.session.node.id if self.session.node else ""
        turn = self.session.reply(text)
        detail = {"responses": list(turn.responses), "points": turn.points,
                  "hostility": turn.state.hostility, "perceived": turn.state.perceived}
        self._save(lambda: self.store.add_turn(self.id, "reply", text, customer=customer, node=node, detail=detail))
        if self.session.finished:
            self.finish()
        return turn

    def finish(self) -> DrillReport | None:
        """Store the final score once the drill has ended (idempotent)."""
        if self._closed or not self.session.finished:
            return None
        report = self.session.report()
        for attempt in range(SAVE_ATTEMPTS):
            try:
                self.store.finish_session(self.id, score=report.score.score, passed=report.passed,
                                          ending=report.ending.id if report.ending else None,
                                          satisfaction=report.satisfaction, criteria=criterion_scores(report))
                break
            except StoreError as exc:
                if "busy" not in str(exc) or attempt == SAVE_ATTEMPTS - 1:
                    raise StoreError(f"the final score was not saved ({exc}); the drill can be resumed "
                                     "to save it") from None
                time.sleep(0.2 * (attempt + 1))
        self._closed = True
        return report
