"""Database failures explained for a person: `StoreError` and the translation from driver errors."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import CxcoachError
from .paths import ENV_DB

BUSY_TIMEOUT_MS = 5000


class StoreError(CxcoachError):
    """A database problem explained for a person; show `str(exc)` as is."""


class CaseExists(StoreError):
    """A new case whose external id (or uid) another case already has; `ref` names that case."""

    def __init__(self, message: str, ref: str) -> None:
        super().__init__(message)
        self.ref = ref


class ConflictError(StoreError):
    """Another writer changed the same case first; reload and try again."""


def _fsize_limit() -> int | None:
    try:
        import resource
    except ImportError:  # Windows
        return None
    soft = resource.getrlimit(resource.RLIMIT_FSIZE)[0]
    return None if soft == resource.RLIM_INFINITY else int(soft)


def explain(exc: BaseException, where: str | Path) -> StoreError:
    """A StoreError for a driver error (sqlite3, psycopg, SQLAlchemy's wrappers of them)."""
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    low = text.lower()
    name = str(getattr(orig, "sqlite_errorname", ""))
    if "locked" in low or "busy" in low or "lock timeout" in low:
        return StoreError(f"the database {where} is busy (locked by another program) and stayed locked "
                          f"for {BUSY_TIMEOUT_MS // 1000} s; close the other program or use --db PATH")
    if "not a database" in low or "malformed" in low or "encrypted" in low:
        return StoreError(f"{where} is not a cxcoach history database ({text}); move it away or use --db PATH")
    if "full" in low or name.startswith(("SQLITE_FULL", "SQLITE_IOERR")):
        limit = _fsize_limit()
        size = os.path.getsize(where) if isinstance(where, Path) and where.is_file() else 0
        if limit is not None and size + 65536 >= limit:
            return StoreError(f"cannot write the database {where}: the file-size limit of this process "
                              f"({limit} bytes, `ulimit -f`) is reached; raise the limit or use --db PATH")
        if "full" in low:
            return StoreError(f"cannot write the database {where}: the disk is full ({text}); free some space "
                              f"or use --db PATH")
    if "readonly" in low or "read-only" in low or "unable to open" in low or "permission denied" in low:
        return StoreError(f"cannot write the database {where} ({text}); "
                          f"check the folder's permissions or use --db PATH / {ENV_DB}")
    if "disk i/o" in low:
        return StoreError(f"the database {where} could not be written ({text}); check the disk and the file")
    if "connection" in low or "could not connect" in low or "connection refused" in low or "password" in low:
        return StoreError(f"cannot connect to the database {where}: {text}")
    return StoreError(f"database {where}: {text}")
