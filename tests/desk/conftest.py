from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from cxcoach.playbook import load_playbook
from cxcoach.playbook.model import Playbook
from cxcoach.resources import default_playbook_path
from tests.dbtargets import BACKENDS, target


@pytest.fixture(params=BACKENDS)
def db_target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database on each backend: a SQLite file path or a postgresql:// URL."""
    yield from target(request.param, tmp_path)


@pytest.fixture
def edited_playbook(tmp_path: Path) -> Callable[..., Playbook]:
    """The default playbook with rules appended to rules.yaml, or one text of playbook.yaml replaced."""

    def edit(rules: str = "", playbook_yaml: tuple[str, str] | None = None) -> Playbook:
        folder = tmp_path / "edited"
        shutil.copytree(default_playbook_path(), folder)
        if rules:
            with (folder / "rules.yaml").open("a", encoding="utf-8") as out:
                out.write(rules)
        if playbook_yaml:
            text = (folder / "playbook.yaml").read_text(encoding="utf-8")
            assert playbook_yaml[0] in text
            (folder / "playbook.yaml").write_text(text.replace(*playbook_yaml), encoding="utf-8")
        return load_playbook(folder)

    return edit
