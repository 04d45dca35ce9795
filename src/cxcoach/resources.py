"""Where the shipped playbooks and schemas are, installed or in a checkout."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_root() -> Path:
    """`cxcoach/_data` in a wheel; the repository root in an editable checkout."""
    installed = _PACKAGE / "_data"
    if (installed / "schemas").is_dir():
        return installed
    return _PACKAGE.parent.parent


def schemas_dir() -> Path:
    return data_root() / "schemas"


def playbooks_dir() -> Path:
    return data_root() / "playbooks"


def default_playbook_path() -> Path:
    return playbooks_dir() / "default"
