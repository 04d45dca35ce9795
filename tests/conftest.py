from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "playbook" / "fixtures"


@pytest.fixture
def mini_dir(tmp_path: Path) -> Path:
    """A writable copy of the small valid playbook."""
    target = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", target)
    return target


@pytest.fixture
def write(tmp_path: Path):
    """Write dedented text (or bytes) to a file under tmp_path and return its path."""

    def _write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
        return path

    return _write


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory):
    """Keep the playbook cache out of the user's home during tests.

    Session-scoped, so it is in place before the session fixtures that load playbooks;
    set in os.environ, so subprocesses inherit it.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CXCOACH_CACHE", str(tmp_path_factory.getbasetemp() / "cache"))
        yield
