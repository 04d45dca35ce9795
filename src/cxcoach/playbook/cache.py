"""A cache of built playbooks, checked against the exact bytes of their files.

Building a playbook means importing jsonschema and checking every node; a
supervisor running `cxcoach recommend` forty times a day should pay that once
per playbook edit. Each playbook folder has one entry, which stores a
fingerprint of everything the build depended on: every playbook file's path
and content, the schemas, the cxcoach version and the modules that build the
model. An entry is used only when its fingerprint equals the current one byte
for byte, so a stale entry can never be returned, and an edit replaces the
entry instead of adding another. (Comparing bytes also spares start-up the
OpenSSL load that `hashlib` costs.) Entries are pickles of our own frozen
dataclasses in a per-user directory; a corrupt or unreadable entry is ignored
and rebuilt. Set CXCOACH_NO_CACHE=1 to disable, CXCOACH_CACHE=DIR to move it.

An entry keeps each item of the playbook's id-keyed sections (steps,
scripts, drills, ...) as a pickle of its own, unpickled the first time it is
looked up: `cxcoach recommend` reads the handful of steps and scripts a case
needs and never the drills, which are two thirds of the playbook.
"""

from __future__ import annotations

import binascii
import os
import pickle
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import msgspec

from ..resources import schemas_dir
from . import model as m

_FORMAT = "5"  # bump when the layout of an entry changes
_DEFERRED = ("sources", "roles", "facts", "records", "procedures", "steps", "scripts", "avoid", "strategies",
             "detectors", "rubrics", "drills")
_HERE = Path(__file__).parent
_BUILDERS = tuple(_HERE / name for name in ("cache.py", "model.py", "build.py", "drill_model.py", "drill_build.py",
                                            "loader.py", "yamlsource.py", "schema.py"))


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


class Key(msgspec.Struct, frozen=True):
    """Where a playbook's entry lives, and the fingerprint the entry must hold."""

    name: str
    fingerprint: tuple[bytes, ...]  # compared item by item: no copying the files into one blob


def cache_key(files: list[Path], root: Path) -> Key:
    from .. import __version__

    parts = [f"{__version__}:{_FORMAT}".encode()]
    for module in _BUILDERS:
        try:
            stat = module.stat()
            parts.append(f"{module.name}:{stat.st_mtime_ns}:{stat.st_size}".encode())
        except OSError:
            parts.append(module.name.encode())
    parts.append(str(root.resolve()).encode())
    where = b"\0".join(parts)  # this playbook folder, built by this cxcoach: one entry
    parts += [schema.read_bytes() for schema in sorted(schemas_dir().glob("*.json"))]
    for path in files:
        parts += [str(path).encode(), path.read_bytes()]
    return Key(f"{binascii.crc32(where):08x}", tuple(parts))


def get(key: Key) -> m.Playbook | None:
    folder = cache_dir()
    if folder is None:
        return None
    try:
        with (folder / f"{key.name}.pickle").open("rb") as handle:
            if pickle.load(handle) != key.fingerprint:
                return None  # another version of this playbook, or another folder with the same name hash
            core, deferred = pickle.load(handle)  # only now: a stale entry's model is never unpickled
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return None
    if not isinstance(core, m.Playbook) or not isinstance(deferred, dict) or set(deferred) != set(_DEFERRED):
        return None
    return msgspec.structs.replace(core, **{name: DeferredSection(items) for name, items in deferred.items()})


def put(key: Key, playbook: m.Playbook) -> None:
    folder = cache_dir()
    if folder is None:
        return
    import tempfile  # only a cache miss pays for it

    protocol = pickle.HIGHEST_PROTOCOL
    deferred = {name: {ident: pickle.dumps(item, protocol=protocol) for ident, item in getattr(playbook, name).items()}
                for name in _DEFERRED}
    core = msgspec.structs.replace(playbook, **{name: {} for name in _DEFERRED})
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(key.fingerprint, handle, protocol=protocol)  # read first, alone: see get()
            pickle.dump((core, deferred), handle, protocol=protocol)
        os.replace(tmp, folder / f"{key.name}.pickle")
    except OSError:
        return  # a read-only home must not stop anyone from working


class DeferredSection(Mapping[str, Any]):
    """A read-only playbook section whose items are unpickled one by one, when first looked up.

    The pickles are read with the rest of the entry, so a cache cleared or
    rewritten in the meantime cannot mix two versions of a playbook. Two
    threads racing on one item may each unpickle it; they get equal values.
    """

    __slots__ = ("_pickled", "_items")

    def __init__(self, pickled: dict[str, bytes]) -> None:
        self._pickled = pickled
        self._items: dict[str, Any] = {}

    def __getitem__(self, key: str) -> Any:
        try:
            return self._items[key]
        except KeyError:
            value = self._items[key] = pickle.loads(self._pickled[key])
            return value

    def __iter__(self) -> Iterator[str]:
        return iter(self._pickled)

    def __len__(self) -> int:
        return len(self._pickled)

    def __contains__(self, key: object) -> bool:
        return key in self._pickled

    def __repr__(self) -> str:
        return f"DeferredSection({dict(self.items())!r})"

    def __reduce__(self) -> tuple[type, tuple[dict[str, Any]]]:
        return dict, (dict(self.items()),)
