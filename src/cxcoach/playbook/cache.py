"""A cache of built playbooks, keyed on the exact bytes of their files.

Building a playbook means importing jsonschema and checking every node; a
supervisor running `cxcoach recommend` forty times a day should pay that once
per playbook edit. The key covers every playbook file's path and content, the
schemas, the cxcoach version and the modules that build the model, so a stale
entry can never be returned. Entries are pickles of our own frozen dataclasses
in a per-user directory; a corrupt or unreadable entry is ignored and rebuilt.
Set CXCOACH_NO_CACHE=1 to disable, CXCOACH_CACHE=DIR to move it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from pathlib import Path

from ..resources import schemas_dir
from . import model as m

_BUILDERS = ("model.py", "build.py", "drill_model.py", "drill_build.py", "loader.py", "yamlsource.py", "schema.py")


def cache_dir() -> Path | None:
    if os.environ.get("CXCOACH_NO_CACHE"):
        return None
    if os.environ.get("CXCOACH_CACHE"):
        return Path(os.environ["CXCOACH_CACHE"])
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return base / "cxcoach" / "playbooks"


def cache_key(files: list[Path], root: Path) -> str:
    digest = hashlib.sha256()
    from .. import __version__

    digest.update(__version__.encode())
    here = Path(__file__).parent
    for name in _BUILDERS:
        try:
            stat = (here / name).stat()
            digest.update(f"{name}:{stat.st_mtime_ns}:{stat.st_size}".encode())
        except OSError:
            digest.update(name.encode())
    for schema in sorted(schemas_dir().glob("*.json")):
        digest.update(schema.read_bytes())
    digest.update(str(root.resolve()).encode())
    for path in files:
        digest.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def get(key: str) -> m.Playbook | None:
    folder = cache_dir()
    if folder is None:
        return None
    try:
        with (folder / f"{key}.pickle").open("rb") as handle:
            value = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return None
    return value if isinstance(value, m.Playbook) else None


def put(key: str, playbook: m.Playbook) -> None:
    folder = cache_dir()
    if folder is None:
        return
    import tempfile  # only a cache miss pays for it

    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(playbook, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, folder / f"{key}.pickle")
    except OSError:
        return  # a read-only home must not stop anyone from working
