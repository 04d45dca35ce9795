from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.dbtargets import BACKENDS, target


@pytest.fixture(params=BACKENDS)
def db_target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database on each backend: a SQLite file path or a postgresql:// URL."""
    yield from target(request.param, tmp_path)
