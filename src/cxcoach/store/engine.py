"""One database behind every store: a SQLite file (WAL) or a team's PostgreSQL, through SQLAlchemy Core.

SQLite is the embedded default. Each connection runs in WAL mode with a busy
timeout, foreign keys on and `synchronous=NORMAL`: a killed process loses no
committed write (the commit is in the WAL file). pysqlite's own transaction
handling is switched off so that writes open with `BEGIN IMMEDIATE` (two
writers never interleave, and a writer waits for the lock up to the busy
timeout instead of failing half-way) while reads open a plain `BEGIN` and
never block. A file that cannot be written (read-only file or folder) is
opened read-only, so history can still be viewed.

PostgreSQL (`postgresql://user@host/db`, driver psycopg 3) needs nothing of
that: each write is one transaction, and cases use optimistic versioning
(see `cases.py`). Reads run at REPEATABLE READ so that the statements of one
read see one snapshot (READ COMMITTED, the server default, would give each
its own). A statement that is a transaction by itself runs in autocommit
(`single`): one round trip to the server instead of three (BEGIN, the
statement, COMMIT), which is most of the cost of appending an event. The
schema is created and upgraded by Alembic on open (`migrate.py`).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from .errors import BUSY_TIMEOUT_MS, StoreError, explain
from .paths import ENV_DB, is_url

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _sqlite_url(path: Path, read_only: bool) -> str:
    if read_only:
        return f"sqlite:///file:{path}?mode=ro&uri=true"
    return f"sqlite:///{path}"


def _postgres_url(url: str) -> str:
    scheme, rest = url.split("://", 1)
    if scheme in ("postgresql", "postgres"):
        return "postgresql+psycopg://" + rest
    return url


def _display(target: str) -> str:
    """A URL without its password, for messages."""
    try:
        return sa.engine.make_url(target).render_as_string(hide_password=True)
    except Exception:  # a malformed URL is shown as given
        return target


class Database:
    """An engine plus the rules for opening read and write transactions on it.

    `where` names the database in messages (the file path, or the URL without
    its password). Use `Database.open(target)`.
    """

    def __init__(self, engine: Engine, where: str | Path, *, read_only: bool = False) -> None:
        self.engine = engine
        self.where = where
        self.read_only = read_only
        postgres = engine.dialect.name == "postgresql"
        self._reads = engine.execution_options(isolation_level="REPEATABLE READ") if postgres else engine
        self._autocommit = engine.execution_options(isolation_level="AUTOCOMMIT") if postgres else None

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @classmethod
    def open(cls, target: str | os.PathLike[str], *, timeout_ms: int = BUSY_TIMEOUT_MS) -> Database:
        if is_url(str(target)):
            return cls._open_url(str(target), timeout_ms)
        return cls._open_sqlite(Path(target), timeout_ms)

    @classmethod
    def _open_url(cls, url: str, timeout_ms: int) -> Database:
        where = _display(url)
        if not url.startswith(("postgresql", "postgres:", "sqlite")):
            raise StoreError(f"{where}: only SQLite files and postgresql:// URLs are supported; "
                             f"give a file path or postgresql://user@host/db to --db or {ENV_DB}")
        if url.startswith("sqlite"):
            path = url[len("sqlite:///"):] if url.startswith("sqlite:///") else ""
            if not path.strip():
                raise StoreError(f"{where} names no database file; write sqlite:///path/to/file.db or just the path")
            return cls._open_sqlite(Path(path), timeout_ms)
        try:
            parsed = sa.engine.make_url(_postgres_url(url))
            given = parsed.query.get("options")  # a tuple when the URL repeats it
            options = " ".join([*filter(None, given if isinstance(given, tuple) else (given,)),
                                f"-c lock_timeout={int(timeout_ms)}"])
            engine = sa.create_engine(
                parsed.difference_update_query(["options"]), pool_recycle=3600,
                connect_args={"connect_timeout": max(1, timeout_ms // 1000), "options": options})
            with engine.connect() as conn:
                conn.exec_driver_sql("SELECT 1")
        except ImportError:
            raise StoreError("PostgreSQL needs the psycopg driver: pip install 'psycopg[binary]'") from None
        except (sa.exc.ArgumentError, ValueError) as exc:  # make_url: a bad port, host or query is a ValueError
            raise StoreError(f"{where} is not a database URL: {exc}") from None
        except sa.exc.DBAPIError as exc:
            raise explain(exc, where) from None
        return cls(engine, where)

    @classmethod
    def _open_sqlite(cls, path: Path, timeout_ms: int) -> Database:
        memory = str(path) == ":memory:"
        read_only = False
        if not memory:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot create the folder {path.parent} for the database "
                                 f"({exc.strerror or exc}); use --db PATH or {ENV_DB}") from None
            if path.is_dir():
                raise StoreError(f"{path} is a folder, not a database file; use --db PATH to name a file")
            writable_dir = os.access(path.parent, os.W_OK)
            read_only = path.is_file() and (not os.access(path, os.W_OK) or not writable_dir)
            if not path.exists() and not writable_dir:
                raise StoreError(f"cannot create the database {path}: the folder {path.parent} is not writable; "
                                 f"check its permissions or use --db PATH / {ENV_DB}")
        if memory:
            from sqlalchemy.pool import StaticPool

            engine = sa.create_engine("sqlite://", poolclass=StaticPool,
                                      connect_args={"check_same_thread": False})
        else:
            engine = sa.create_engine(_sqlite_url(path.resolve(), read_only),
                                      connect_args={"timeout": timeout_ms / 1000, "check_same_thread": False})
        _sqlite_events(engine, timeout_ms, wal=not memory and not read_only)
        db = cls(engine, path, read_only=read_only)
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").fetchall()
        except sa.exc.DBAPIError as exc:
            engine.dispose()
            raise explain(exc, path) from None
        return db

    def dispose(self) -> None:
        self.engine.dispose()

    # -- transactions --
    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One write transaction (SQLite: BEGIN IMMEDIATE); driver errors become StoreError."""
        if self.read_only:
            raise StoreError(f"the database {self.where} is read-only here (no write permission); "
                             f"it can be viewed but not changed; use --db PATH for a writable copy")
        try:
            with self.engine.connect() as conn:
                conn.execution_options(cx_write=True)
                with conn.begin():
                    yield conn
        except sa.exc.DBAPIError as exc:
            raise explain(exc, self.where) from None

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """One read transaction: a consistent snapshot that never blocks writers."""
        try:
            with self._reads.connect() as conn, conn.begin():
                yield conn
        except sa.exc.DBAPIError as exc:
            raise explain(exc, self.where) from None

    @contextmanager
    def single(self, *, write: bool = False) -> Iterator[Connection]:
        """For statements that are each a transaction of their own (PostgreSQL: autocommit, one round trip
        each). On SQLite, where a transaction costs no round trip, this is `read()` or `write()`."""
        if self._autocommit is None:
            with self.write() if write else self.read() as conn:
                yield conn
            return
        try:
            with self._autocommit.connect() as conn:
                yield conn
        except sa.exc.DBAPIError as exc:
            raise explain(exc, self.where) from None


def _sqlite_events(engine: Engine, timeout_ms: int, *, wal: bool) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (see the module notes)
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {int(timeout_ms)}")
        cur.execute("PRAGMA foreign_keys = ON")
        if wal:
            mode = cur.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":  # e.g. a network filesystem: still correct, less concurrent
                cur.execute("PRAGMA journal_mode = DELETE")
            cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("cx_write") else "BEGIN")
