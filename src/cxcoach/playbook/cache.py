"""A cache of built playbooks: msgpack data, checked against the exact bytes it was built from.

Building a playbook means importing jsonschema and checking every node; a
supervisor running `cxcoach recommend` forty times a day should pay that once
per playbook edit. Each playbook folder has one entry in a per-user directory
(CXCOACH_CACHE=DIR moves it, CXCOACH_NO_CACHE=1 turns it off). An entry holds:

* the fingerprint: the bytes of everything the build depended on — every
  playbook file's path and content, the schemas, the cxcoach and msgspec
  versions, the installed `holidays` (calendars resolve their holidays at
  build time), and the source of every module that shapes the model
  (`model_sources`). It is compared byte for byte, so a stale entry is never
  used, and an edit replaces the entry instead of adding another.
* the playbook as msgpack, decoded by msgspec into the model's own types: an
  entry is data, and reading one runs no code from it (a pickle could).
* a CRC-32 of that msgpack, so a flipped bit or a truncated write is noticed.

Whatever is wrong with an entry (unreadable, truncated, corrupt, foreign,
stale) makes it a miss: the playbook is built from its YAML and the entry
rewritten. Entries are written to a temporary file and renamed into place, so
a reader never sees half of one.
"""

from __future__ import annotations

import binascii
import os
import sys
from pathlib import Path

import msgspec

from ..resources import schemas_dir
from . import model as m
from .holiday_data import source_stamp

_FORMAT = 6  # bump when the layout of an entry changes
_SUFFIX = ".msgpack"
_PACKAGE = Path(__file__).resolve().parent.parent  # src/cxcoach


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


def model_sources() -> list[Path]:
    """The modules whose code decides what a playbook builds into: cxcoach's top level and its
    `playbook` and `conditions` packages (a test checks that the loader imports nothing else of cxcoach)."""
    return sorted(path for folder in (_PACKAGE, _PACKAGE / "playbook", _PACKAGE / "conditions")
                  for path in folder.glob("*.py"))


class Key(msgspec.Struct, frozen=True):
    """Where a playbook's entry lives, and the fingerprint the entry must hold."""

    name: str
    fingerprint: tuple[bytes, ...]  # compared item by item: no copying the files into one blob


class _Entry(msgspec.Struct, frozen=True, array_like=True):
    """An entry as stored. Reading it leaves the playbook undecoded until the entry is known to be good."""

    format: int
    fingerprint: tuple[bytes, ...]
    checksum: int
    playbook: msgspec.Raw


def cache_key(files: list[Path], root: Path) -> Key:
    from .. import __version__

    where = f"{__version__}:{_FORMAT}:{root.resolve()}".encode()  # this folder, this cxcoach: one entry
    parts = [where, msgspec.__version__.encode(), source_stamp()]  # holiday data come from the installed `holidays`
    for path in (*model_sources(), *sorted(schemas_dir().glob("*.json")), *files):
        parts += [str(path).encode(), path.read_bytes()]
    return Key(f"{binascii.crc32(where):08x}", tuple(parts))


_decoder: msgspec.msgpack.Decoder[m.Playbook] | None = None


def get(key: Key) -> m.Playbook | None:
    """The cached playbook for `key`, or None when there is no good entry for it."""
    global _decoder
    folder = cache_dir()
    if folder is None:
        return None
    try:
        data = (folder / f"{key.name}{_SUFFIX}").read_bytes()
        entry = msgspec.msgpack.decode(data, type=_Entry)
        if entry.format != _FORMAT or entry.fingerprint != key.fingerprint or \
                binascii.crc32(entry.playbook) != entry.checksum:
            return None
        if _decoder is None:
            _decoder = msgspec.msgpack.Decoder(m.Playbook)
        return _decoder.decode(entry.playbook)
    except (OSError, msgspec.DecodeError):  # DecodeError includes ValidationError: not our layout
        return None


def put(key: Key, playbook: m.Playbook) -> None:
    """Store `playbook` under `key`, atomically; a cache that cannot be written is skipped."""
    folder = cache_dir()
    if folder is None:
        return
    import tempfile  # only a cache miss pays for it

    payload = msgspec.msgpack.encode(playbook)
    entry = msgspec.msgpack.encode([_FORMAT, key.fingerprint, binascii.crc32(payload), msgspec.Raw(payload)])
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(entry)
            os.replace(tmp, folder / f"{key.name}{_SUFFIX}")
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        return  # a read-only home or a full disk must not stop anyone from working
