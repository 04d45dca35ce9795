"""Where the database lives: `--db`, else `$CXCOACH_DB`, else the user data folder.

A target is either a SQLite file path or a database URL (`postgresql://...`);
`is_url` tells them apart so a Windows path such as `C:\\x.db` stays a path.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path

APP_NAME = "cxcoach"
DB_NAME = "history.sqlite3"
ENV_DB = "CXCOACH_DB"

_URL = re.compile(r"^[a-z][a-z0-9+.-]+://", re.IGNORECASE)


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


def is_url(target: str | os.PathLike[str]) -> bool:
    return isinstance(target, str) and bool(_URL.match(target))


def resolve_db(option: str | os.PathLike[str] | None = None, *, env: Mapping[str, str] | None = None) -> str | Path:
    """`--db PATH|URL`, else `$CXCOACH_DB`, else the user data directory's SQLite file."""
    env = os.environ if env is None else env
    raw = option if option else env.get(ENV_DB) or None
    if raw is None:
        return user_data_dir(env=env) / DB_NAME
    if is_url(str(raw)):
        return str(raw)
    return Path(raw).expanduser()


def resolve_db_path(option: str | os.PathLike[str] | None = None, *,
                    env: Mapping[str, str] | None = None) -> Path:
    """Like `resolve_db` for callers that only take a SQLite file (a URL comes back as a Path of itself)."""
    target = resolve_db(option, env=env)
    return Path(target) if isinstance(target, str) else target
