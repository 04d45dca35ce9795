"""Drill history in SQLite: trainees, sessions and every answered turn.

Why SQLite and why this shape:

* Each answered reply (and each hint, because hints change the score) is
  committed in its own short transaction the moment it happens, so killing
  the app with `kill -9` mid-drill loses nothing that was answered
  (`synchronous=NORMAL` in WAL mode keeps that promise for a killed process,
  since the commit is in the WAL file; only an OS crash or power cut could
  lose the very last turns). The unfinished session is resumed by replaying
  the recorded events through `DrillSession` with the recorded seed
  (`DrillSession.replay`), which reproduces the customer exactly.
* WAL journal mode plus a busy timeout lets two app instances share one file:
  readers never block, writers wait briefly for each other instead of failing.
  Every write runs inside `BEGIN IMMEDIATE` so two writers never interleave.
* The schema is versioned with `PRAGMA user_version`; `MIGRATIONS[i]` moves a
  database from version i to i + 1 and runs inside the same write transaction
  that re-checks the version, so two instances opening a fresh file at once
  migrate it exactly once.
* Everything that can go wrong for a user (unwritable directory, a file that is
  not a database, a database locked for too long, a newer schema) raises
  `StoreError` with a message meant to be shown as is; callers never see a
  `sqlite3` traceback.

This module is a pure library: no textual, no click. The TUI and any future
CLI command share it.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import msgspec

from .errors import CxcoachError

if TYPE_CHECKING:
    from .drill.session import DrillReport, DrillSession, Turn
    from .playbook.model import Playbook

APP_NAME = "cxcoach"
DB_NAME = "history.sqlite3"
ENV_DB = "CXCOACH_DB"
BUSY_TIMEOUT_MS = 5000

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class StoreError(CxcoachError):
    """A history database problem explained for a person; show `str(exc)` as is."""


# --- where the database lives ---------------------------------------------------

def user_data_dir(*, env: Mapping[str, str] | None = None, platform: str | None = None,
                  home: Path | None = None) -> Path:
    """The per-user data folder for cxcoach, following each platform's convention.

    Linux/BSD: `$XDG_DATA_HOME/cxcoach` (default `~/.local/share/cxcoach`);
    macOS: `~/Library/Application Support/cxcoach`; Windows: `%LOCALAPPDATA%\\cxcoach`
    (falling back to `%APPDATA%`). Written here rather than depending on
    platformdirs because these three rules are all cxcoach needs.
    """
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    home = Path.home() if home is None else home
    if platform.startswith("win"):
        base = env.get("LOCALAPPDATA") or env.get("APPDATA")
        root = Path(base) if base else home / "AppData" / "Local"
        return root / APP_NAME
    if platform == "darwin":
        return home / "Library" / "Application Support" / APP_NAME
    xdg = env.get("XDG_DATA_HOME", "")
    root = Path(xdg) if xdg and Path(xdg).is_absolute() else home / ".local" / "share"  # XDG: ignore relative
    return root / APP_NAME


def resolve_db_path(option: str | os.PathLike[str] | None = None, *,
                    env: Mapping[str, str] | None = None) -> Path:
    """`--db PATH`, else `$CXCOACH_DB`, else the user data directory."""
    env = os.environ if env is None else env
    if option:
        return Path(option).expanduser()
    if env.get(ENV_DB):
        return Path(env[ENV_DB]).expanduser()
    return user_data_dir(env=env) / DB_NAME


# --- schema ---------------------------------------------------------------------

MIGRATIONS: tuple[str, ...] = (
    # 0 -> 1
    """
    CREATE TABLE trainees (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL
    );
    CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        trainee_id INTEGER NOT NULL REFERENCES trainees(id),
        playbook TEXT NOT NULL,
        drill TEXT NOT NULL,
        drill_title TEXT NOT NULL DEFAULT '',
        seed INTEGER NOT NULL,
        mode TEXT NOT NULL,
        lang TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        abandoned INTEGER NOT NULL DEFAULT 0,
        score INTEGER,
        passed INTEGER,
        ending TEXT,
        satisfaction REAL,
        criteria TEXT
    );
    CREATE INDEX sessions_by_trainee ON sessions(trainee_id, started_at);
    CREATE TABLE turns (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('reply', 'hint')),
        text TEXT NOT NULL DEFAULT '',
        customer TEXT NOT NULL DEFAULT '',
        node TEXT NOT NULL DEFAULT '',
        detail TEXT NOT NULL DEFAULT '{}',
        at TEXT NOT NULL,
        PRIMARY KEY (session_id, seq)
    );
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


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
               "finished_at", "score", "passed", "ending", "satisfaction", "turns", "criteria")


def _iso(value: dt.datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware")
    return value.isoformat()


def _time(raw: str | None) -> dt.datetime | None:
    return None if raw is None else dt.datetime.fromisoformat(raw)


def _explain(exc: sqlite3.Error, path: Path) -> StoreError:
    text = str(exc)
    low = text.lower()
    if "locked" in low or "busy" in low:
        return StoreError(f"the history database {path} is busy (locked by another program) and stayed locked "
                          f"for {BUSY_TIMEOUT_MS // 1000} s; close the other program or use --db PATH")
    if "not a database" in low or "malformed" in low or "encrypted" in low:
        return StoreError(f"{path} is not a cxcoach history database ({text}); move it away or use --db PATH")
    if "readonly" in low or "read-only" in low or "unable to open" in low or "disk i/o" in low:
        return StoreError(f"cannot write the history database {path} ({text}); "
                          f"check the folder's permissions or use --db PATH / {ENV_DB}")
    return StoreError(f"history database {path}: {text}")


class Store:
    """One connection to the history database; use `Store.open(path)`.

    Not thread-safe by design: the TUI calls it from its event loop only,
    and each instance owns its connection. Timestamps come from `clock`
    (an aware-datetime callable) so tests are deterministic.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path, clock: Clock = utc_now) -> None:
        self._conn = conn
        self.path = path
        self.clock = clock

    # -- opening --
    @classmethod
    def open(cls, path: str | os.PathLike[str], *, clock: Clock = utc_now,
             timeout_ms: int = BUSY_TIMEOUT_MS) -> Store:
        target = Path(path)
        memory = str(path) == ":memory:"
        if not memory:
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot create the folder {target.parent} for the history database "
                                 f"({exc.strerror or exc}); use --db PATH or {ENV_DB}") from None
            if target.is_dir():
                raise StoreError(f"{target} is a folder, not a database file; use --db PATH to name a file")
        try:
            conn = sqlite3.connect(str(target), timeout=timeout_ms / 1000, isolation_level=None,
                                   check_same_thread=False)
        except sqlite3.Error as exc:
            raise _explain(exc, target) from None
        store = cls(conn, target, clock)
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(timeout_ms)}")
            conn.execute("PRAGMA foreign_keys = ON")
            if not memory:
                mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if str(mode).lower() != "wal":  # e.g. a network filesystem; still correct, just less concurrent
                    conn.execute("PRAGMA journal_mode = DELETE")
            conn.execute("PRAGMA synchronous = NORMAL" if not memory else "PRAGMA synchronous = OFF")
            store._migrate()
        except sqlite3.Error as exc:
            conn.close()
            raise _explain(exc, target) from None
        except StoreError:
            conn.close()
            raise
        return store

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One immediate write transaction; sqlite errors become StoreError."""
        conn = self._conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise _explain(exc, self.path) from None
        try:
            yield conn
        except sqlite3.Error as exc:
            conn.execute("ROLLBACK")
            raise _explain(exc, self.path) from None
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        try:
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            raise _explain(exc, self.path) from None

    def _read(self, sql: str, args: Sequence[object] = ()) -> list[sqlite3.Row]:
        try:
            cur = self._conn.execute(sql, args)
            return cur.fetchall()
        except sqlite3.Error as exc:
            raise _explain(exc, self.path) from None

    @property
    def schema_version(self) -> int:
        return int(self._read("PRAGMA user_version")[0][0])

    def _migrate(self) -> None:
        if self.schema_version == SCHEMA_VERSION:
            return
        with self._write() as conn:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])  # re-read under the lock
            if version > SCHEMA_VERSION:
                raise StoreError(f"{self.path} was written by a newer cxcoach (schema {version}, this version "
                                 f"knows {SCHEMA_VERSION}); upgrade cxcoach or use --db PATH")
            for step in range(version, SCHEMA_VERSION):
                for statement in MIGRATIONS[step].split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {step + 1}")

    # -- settings and trainees --
    def setting(self, key: str, default: str | None = None) -> str | None:
        rows = self._read("SELECT value FROM settings WHERE key = ?", (key,))
        return rows[0][0] if rows else default

    def set_setting(self, key: str, value: str) -> None:
        with self._write() as conn:
            conn.execute("INSERT INTO settings(key, value) VALUES (?, ?) "
                         "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))

    def trainee(self, name: str) -> Trainee:
        """The trainee with this name, created on first use; also remembered as the current trainee."""
        clean = " ".join(name.split())
        if not clean:
            raise StoreError("a trainee name cannot be empty")
        if len(clean) > 80:
            raise StoreError("a trainee name is at most 80 characters")
        with self._write() as conn:
            conn.execute("INSERT OR IGNORE INTO trainees(name, created_at) VALUES (?, ?)",
                         (clean, _iso(self.clock())))
            row = conn.execute("SELECT id, name FROM trainees WHERE name = ?", (clean,)).fetchone()
            conn.execute("INSERT INTO settings(key, value) VALUES ('trainee', ?) "
                         "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (clean,))
        return Trainee(int(row[0]), str(row[1]))

    def current_trainee(self) -> Trainee | None:
        """The trainee remembered from last time, so the name is asked once."""
        name = self.setting("trainee")
        if not name:
            return None
        rows = self._read("SELECT id, name FROM trainees WHERE name = ?", (name,))
        return Trainee(int(rows[0][0]), str(rows[0][1])) if rows else None

    def trainees(self) -> list[Trainee]:
        return [Trainee(int(r[0]), str(r[1])) for r in self._read("SELECT id, name FROM trainees ORDER BY name")]

    # -- sessions --
    def start_session(self, trainee: Trainee, *, playbook: str, drill: str, seed: int, mode: str, lang: str,
                      drill_title: str = "") -> int:
        with self._write() as conn:
            cur = conn.execute(
                "INSERT INTO sessions(trainee_id, playbook, drill, drill_title, seed, mode, lang, started_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (trainee.id, playbook, drill, drill_title, int(seed), mode, lang, _iso(self.clock())))
            return int(cur.lastrowid or 0)

    def add_turn(self, session_id: int, kind: str, text: str = "", *, customer: str = "", node: str = "",
                 detail: Mapping[str, Any] | None = None) -> int:
        """Record one reply or hint; committed before this returns (the crash-safety promise)."""
        if kind not in ("reply", "hint"):
            raise ValueError(f"unknown turn kind {kind!r}")
        payload = json.dumps(dict(detail or {}), ensure_ascii=False, default=str)
        with self._write() as conn:
            row = conn.execute("SELECT finished_at, abandoned FROM sessions WHERE id = ?", (session_id,)).fetchone()
            if row is None:
                raise StoreError(f"no drill session {session_id} in {self.path}")
            if row[0] is not None or row[1]:
                raise StoreError(f"drill session {session_id} is already closed")
            seq = int(conn.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM turns WHERE session_id = ?",
                                   (session_id,)).fetchone()[0])
            conn.execute("INSERT INTO turns(session_id, seq, kind, text, customer, node, detail, at) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         (session_id, seq, kind, text, customer, node, payload, _iso(self.clock())))
        return seq

    def finish_session(self, session_id: int, *, score: int, passed: bool, ending: str | None,
                       satisfaction: float | None, criteria: Iterable[CriterionScore]) -> None:
        blob = json.dumps([{"id": c.id, "title": c.title, "status": c.status, "points": c.points,
                            "value": c.value} for c in criteria], ensure_ascii=False)
        with self._write() as conn:
            conn.execute("UPDATE sessions SET finished_at = ?, score = ?, passed = ?, ending = ?, satisfaction = ?, "
                         "criteria = ? WHERE id = ? AND finished_at IS NULL",
                         (_iso(self.clock()), int(score), int(bool(passed)), ending, satisfaction, blob, session_id))

    def abandon_session(self, session_id: int) -> None:
        """Give up an unfinished session so it is no longer offered for resuming."""
        with self._write() as conn:
            conn.execute("UPDATE sessions SET abandoned = 1 WHERE id = ? AND finished_at IS NULL", (session_id,))

    _SESSION_SQL = (
        "SELECT s.id, t.name, s.playbook, s.drill, s.drill_title, s.seed, s.mode, s.lang, s.started_at, "
        "s.finished_at, s.abandoned, s.score, s.passed, s.ending, s.satisfaction, s.criteria, "
        "(SELECT COUNT(*) FROM turns u WHERE u.session_id = s.id AND u.kind = 'reply') "
        "FROM sessions s JOIN trainees t ON t.id = s.trainee_id"
    )

    @staticmethod
    def _session(row: Sequence[Any]) -> SessionRow:
        criteria = tuple(CriterionScore(str(c["id"]), str(c.get("title", c["id"])), str(c["status"]),
                                        float(c["points"]), float(c.get("value", 0)))
                         for c in json.loads(row[15] or "[]"))
        return SessionRow(int(row[0]), str(row[1]), str(row[2]), str(row[3]), str(row[4]), int(row[5]),
                          str(row[6]), str(row[7]), _time(row[8]) or utc_now(), _time(row[9]), bool(row[10]),
                          None if row[11] is None else int(row[11]), None if row[12] is None else bool(row[12]),
                          row[13], row[14], criteria, int(row[16]))

    def session(self, session_id: int) -> SessionRow | None:
        rows = self._read(self._SESSION_SQL + " WHERE s.id = ?", (session_id,))
        return self._session(rows[0]) if rows else None

    def sessions(self, trainee: Trainee | None = None, *, drill: str | None = None, finished: bool | None = None,
                 playbook: str | None = None) -> list[SessionRow]:
        """Sessions, oldest first (the order a chart of progress wants)."""
        where, args = [], []  # type: list[str], list[object]
        if trainee is not None:
            where.append("s.trainee_id = ?")
            args.append(trainee.id)
        if drill is not None:
            where.append("s.drill = ?")
            args.append(drill)
        if playbook is not None:
            where.append("s.playbook = ?")
            args.append(playbook)
        if finished is True:
            where.append("s.finished_at IS NOT NULL")
        elif finished is False:
            where.append("s.finished_at IS NULL AND s.abandoned = 0")
        sql = self._SESSION_SQL + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY s.started_at, s.id"
        return [self._session(r) for r in self._read(sql, args)]

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
        rows = self._read("SELECT seq, kind, text, customer, node, detail, at FROM turns WHERE session_id = ? "
                          "ORDER BY seq", (session_id,))
        return [TurnRow(int(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]), json.loads(r[5] or "{}"),
                        _time(r[6]) or utc_now()) for r in rows]

    def record(self, session_id: int) -> dict[str, object]:
        """The session as `DrillSession.record()` would give it: enough to replay it exactly."""
        row = self.session(session_id)
        if row is None:
            raise StoreError(f"no drill session {session_id} in {self.path}")
        events: list[list[str]] = []
        for turn in self.turns(session_id):
            events.append(["reply", turn.text] if turn.kind == "reply" else ["hint"])
        return {"drill": row.drill, "seed": row.seed, "locale": row.lang, "mode": row.mode, "events": events}

    def export_csv(self, rows: Iterable[SessionRow], out: IO[str]) -> int:
        """Write sessions as CSV (criteria as `id=points` pairs); returns the number of rows."""
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        n = 0
        for r in rows:
            writer.writerow([r.id, r.trainee, r.playbook, r.drill, r.drill_title, r.mode, r.lang, r.seed,
                             r.started_at.isoformat(), r.finished_at.isoformat() if r.finished_at else "",
                             "" if r.score is None else r.score, "" if r.passed is None else int(r.passed),
                             r.ending or "", "" if r.satisfaction is None else r.satisfaction, r.turns,
                             " ".join(f"{c.id}={c.points:g}" for c in r.criteria)])
            n += 1
        return n


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
        from .drill.session import DrillSession

        session = DrillSession(playbook, drill, seed=seed, locale=locale, mode=mode)
        sid = store.start_session(trainee, playbook=playbook.id, drill=session.drill.id, seed=session.seed,
                                  mode=session.mode.value, lang=session.locale,
                                  drill_title=session.drill.title.get(session.locale))
        return cls(store, sid, session)

    @classmethod
    def resume(cls, store: Store, playbook: Playbook, session_id: int) -> RecordedDrill:
        """Rebuild an interrupted session by replaying its recorded events with its seed."""
        from .drill.session import DrillSession

        record = store.record(session_id)
        if str(record["drill"]) not in playbook.drills:
            raise StoreError(f"drill {record['drill']!r} of session {session_id} is not in playbook {playbook.id!r}")
        try:
            session = DrillSession.replay(playbook, record)
        except Exception as exc:  # a changed playbook can make an old record unplayable
            raise StoreError(f"session {session_id} cannot be resumed with this playbook: {exc}") from None
        return cls(store, session_id, session)

    def hint(self) -> str | None:
        text = self.session.hint()
        self.store.add_turn(self.id, "hint", text or "", node=self.session.node.id if self.session.node else "")
        return text

    def reply(self, text: str) -> Turn:
        customer = self.session.customer_text
        node = self.session.node.id if self.session.node else ""
        turn = self.session.reply(text)
        self.store.add_turn(self.id, "reply", text, customer=customer, node=node,
                            detail={"responses": list(turn.responses), "points": turn.points,
                                    "hostility": turn.state.hostility, "perceived": turn.state.perceived})
        if self.session.finished:
            self.finish()
        return turn

    def finish(self) -> DrillReport | None:
        """Store the final score once the drill has ended (idempotent)."""
        if self._closed or not self.session.finished:
            return None
        report = self.session.report()
        self.store.finish_session(self.id, score=report.score.score, passed=report.passed,
                                  ending=report.ending.id if report.ending else None,
                                  satisfaction=report.satisfaction, criteria=criterion_scores(report))
        self._closed = True
        return report
