"""Database targets for the store and desk suites: every test runs on SQLite and on PostgreSQL.

PostgreSQL is found at $CXCOACH_TEST_PG (default the development machine's
and CI's `postgresql://postgres@127.0.0.1:5432/test`, trust auth). Each test
gets a fresh schema named after this process and a counter, dropped
afterwards, so parallel runs by other people on the same server never
collide. Without a server the PostgreSQL cases skip with the reason, unless
$CXCOACH_REQUIRE_PG is set (CI sets it): then they fail, so a green CI run
always includes PostgreSQL.
"""

from __future__ import annotations

import itertools
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

PG_URL = os.environ.get("CXCOACH_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
BACKENDS = ("sqlite", "postgresql")
_counter = itertools.count()
_RUN = f"cxt_{os.getpid()}_{secrets.token_hex(3)}"


def _server_error() -> str | None:
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed"
    try:
        with psycopg.connect(PG_URL, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:  # any failure to reach the server is a reason to skip
        return f"no PostgreSQL server at {PG_URL}: {str(exc).strip().splitlines()[0] if str(exc).strip() else exc}"
    return None


_reason: list[str | None] = []


def pg_unavailable() -> str | None:
    if not _reason:
        _reason.append(_server_error())
    return _reason[0]


def require_pg() -> None:
    reason = pg_unavailable()
    if reason is None:
        return
    if os.environ.get("CXCOACH_REQUIRE_PG"):
        pytest.fail(f"PostgreSQL tests are required here (CXCOACH_REQUIRE_PG) but {reason}")
    pytest.skip(reason)


def pg_schema_url() -> Iterator[str]:
    """A URL whose search_path is a new, empty schema; the schema is dropped afterwards."""
    require_pg()
    import psycopg

    schema = f"{_RUN}_{next(_counter)}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options={quote(f'-csearch_path={schema}')}"
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def target(backend: str, tmp_path: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield str(tmp_path / "cxcoach.sqlite3")
    else:
        yield from pg_schema_url()
