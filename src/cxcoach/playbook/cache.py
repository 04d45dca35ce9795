"""A cache of built playbooks: msgpack data, checked against the exact bytes it was built from.

Building a playbook means importing jsonschema and checking every node; a
supervisor running `cxcoach recommend` forty times a day should pay that once
per playbook edit. Each playbook folder has one entry in a per-user directory
(CXCOACH_CACHE=DIR moves it, CXCOACH_NO_CACHE=1 turns it off). An entry holds:

* the fingerprint: everything the build depended on — every playbook file's
  path and content, the cxcoach and msgspec versions, the installed
  `holidays` (calendars resolve their holidays at build time), and the
  schemas and every module that shapes the model (`model_sources`). It is
  compared byte for byte, so a stale entry is never used, and an edit
  replaces the entry instead of adding another. The playbook files count by
  their content (a trainer may save twice within one tick of the file
  clock); the schemas and modules, installed with cxcoach, by path, size and
  modification time, the test Python itself applies (to the second) before
  it runs a module's cached bytecode: reading them all on every start-up
  would check them more strictly than the code that runs is checked.
* the playbook as msgpack, decoded by msgspec into the model's own types: an
  entry is data, and reading one runs no code from it (a pickle could). Each
  id-keyed section (steps, scripts, drills, ...) is a msgpack document of its
  own, decoded the first time it is used: `cxcoach recommend` never decodes
  the drills, which are most of a playbook.
* a CRC-32 of each msgpack document, so a flipped bit or a truncated write is
  noticed: the core's when the entry is read, a section's when it is first used
  (a corrupt section is then taken from a rebuild of the playbook).

Whatever is wrong with an entry (unreadable, truncated, corrupt, foreign,
stale) makes it a miss: the playbook is built from its YAML and the entry
rewritten. Entries are written to a temporary file and renamed into place, so
a reader never sees half of one.
"""

# No `from __future__ import annotations` here (as in model.py): msgspec reads the entry structs'
# annotations to decode every cached start-up, and strings would each be compiled first.

import binascii
import functools
import os
import sys
import types
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import msgspec

from ..inputs import InputError, open_regular
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
    return sorted(folder / name for folder in (_PACKAGE, _PACKAGE / "playbook", _PACKAGE / "conditions")
                  for name in os.listdir(folder) if name.endswith(".py"))


class Key(msgspec.Struct, frozen=True):
    """Where a playbook's entry lives, and the fingerprint the entry must hold."""

    name: str
    fingerprint: tuple[bytes, ...]  # compared item by item: no copying the files into one blob


def cache_key(sources: Iterable[tuple[Path, bytes]], root: Path) -> Key:
    """The key of the playbook in folder (or file) `root` whose files are `sources`, each with its bytes
    (`include.playbook_sources`: the loader has them read once for both finding includes and this)."""
    from .. import __version__

    where = f"{__version__}:{_FORMAT}:{root.resolve()}".encode()  # this folder, this cxcoach: one entry
    parts = [where, msgspec.__version__.encode(), source_stamp()]  # holiday data come from the installed `holidays`
    schemas = schemas_dir()
    for path in (*model_sources(), *sorted(schemas / name for name in os.listdir(schemas) if name.endswith(".json"))):
        info = path.stat()  # installed files: see the module docstring
        parts.append(f"{path}:{info.st_size}:{info.st_mtime_ns}".encode())
    for path, data in sources:
        parts += [str(path).encode(), data]
    return Key(f"{binascii.crc32(where):08x}", tuple(parts))


class _Entry(msgspec.Struct, frozen=True, array_like=True):
    """An entry as stored: each msgpack document stays bytes until it is needed and checked."""

    format: int
    fingerprint: tuple[bytes, ...]
    core: "_Document"  # the Playbook's fields but its sections
    sections: dict[str, "_Document"]


class _Document(msgspec.Struct, frozen=True, array_like=True):
    checksum: int  # CRC-32 of `data`
    data: memoryview  # a view into the entry's bytes: no copy

    @property
    def intact(self) -> bool:
        return binascii.crc32(self.data) == self.checksum


def get(key: Key, rebuild: Callable[[], m.Playbook]) -> m.Playbook | None:
    """The cached playbook for `key`, or None when there is no good entry for it.

    A section found corrupt when it is first used is taken from `rebuild()` instead,
    which builds the playbook from its files (and should rewrite the entry).
    """
    folder = cache_dir()
    if folder is None:
        return None
    layout = _layout()
    try:
        with open_regular(folder / f"{key.name}{_SUFFIX}") as handle:  # a pipe planted here must not hang us
            data = handle.read()
        entry = msgspec.msgpack.decode(data, type=_Entry)
        if entry.format != _FORMAT or entry.fingerprint != key.fingerprint or not entry.core.intact or \
                entry.sections.keys() != layout.sections.keys():
            return None
        core = msgspec.msgpack.decode(entry.core.data, type=layout.core)
    except (OSError, InputError, msgspec.DecodeError):  # DecodeError includes ValidationError: not our layout
        return None
    fields: dict[str, Any] = msgspec.structs.asdict(core)
    fields.update((name, _Section(entry.sections[name], kind, functools.partial(_section_of, rebuild, name)))
                  for name, kind in layout.sections.items())
    return m.Playbook(**fields)


def _section_of(rebuild: Callable[[], m.Playbook], name: str) -> Mapping[str, Any]:
    section: Mapping[str, Any] = getattr(rebuild(), name)
    return section


def put(key: Key, playbook: m.Playbook) -> None:
    """Store `playbook` under `key`, atomically; a cache that cannot be written is skipped."""
    folder = cache_dir()
    if folder is None:
        return
    import tempfile  # only a cache miss pays for it

    layout = _layout()
    encode = msgspec.msgpack.encode
    core = _document(encode({name: getattr(playbook, name) for name in layout.core.__struct_fields__}))
    sections = {name: _document(encode(getattr(playbook, name))) for name in layout.sections}
    entry = encode(_Entry(_FORMAT, key.fingerprint, core, sections))
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


def _document(data: bytes) -> _Document:
    return _Document(binascii.crc32(data), memoryview(data))


class _Layout(msgspec.Struct, frozen=True):
    core: type[msgspec.Struct]  # the Playbook's fields that are not id-keyed sections
    sections: dict[str, Any]  # each id-keyed section's name and item type, e.g. "steps": Step, "drills": "Drill"


@functools.cache
def _layout() -> _Layout:
    """Derived from `Playbook`'s own fields: a decoder resolves a type the first time it meets it,
    so decoding the core alone never resolves the drill types."""
    annotations = m.Playbook.__annotations__  # evaluated: model.py has no `from __future__ import annotations`
    sections = {name: kind.__args__[1] for name, kind in annotations.items()  # Mapping[str, X] -> X
                if isinstance(kind, types.GenericAlias) and kind.__origin__ is Mapping}
    core = msgspec.defstruct("CachedPlaybook", [(name, annotations[name]) for name in m.Playbook.__struct_fields__
                                                if name not in sections], frozen=True)
    return _Layout(core, sections)


class _Section(Mapping[str, Any]):
    """A read-only playbook section, checked and decoded from its msgpack the first time it is used.

    Checking only what is used keeps `cxcoach recommend` from reading the drills at
    all; a section that turns out corrupt comes from `fallback` (a rebuild) instead.
    """

    __slots__ = ("_document", "_fallback", "_item", "_items")

    def __init__(self, document: _Document, item: Any, fallback: Callable[[], Mapping[str, Any]]) -> None:
        self._document = document
        self._item = item  # the type of the section's items, or its name in the drill model
        self._fallback = fallback
        self._items: Mapping[str, Any] | None = None

    def _decoded(self) -> Mapping[str, Any]:
        if self._items is None:  # two threads may both decode it: they get equal values
            try:
                if not self._document.intact:
                    raise msgspec.DecodeError("checksum mismatch")
                item = self._item
                if isinstance(item, str):  # a drill type: the model names them, so that loading it waits until here
                    from . import drill_model

                    item = getattr(drill_model, item)
                self._items = msgspec.msgpack.decode(self._document.data, type=types.GenericAlias(dict, (str, item)))
            except msgspec.DecodeError:
                self._items = self._fallback()
        return self._items

    def __getitem__(self, key: str) -> Any:
        return self._decoded()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._decoded())

    def __len__(self) -> int:
        return len(self._decoded())

    def __repr__(self) -> str:
        return repr(self._decoded())
