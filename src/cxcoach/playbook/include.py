"""`include:` a playbook file can pull in files from elsewhere, such as the shipped detector library.

    include:
      - cxcoach:default/detectors.yaml   # a file of a shipped playbook
      - ../shared/reactions.yaml         # a path relative to the including file

An included file is read, limited and schema-checked like the playbook's own
files, and its sections are merged with theirs; it may include further files
(each file is read once, so a loop ends). A new playbook thus reuses the
shipped detectors instead of copying them, and picks up their improvements.

The cache fingerprint must cover included files too. Finding them must not
cost every `cxcoach recommend` a YAML parse, so `playbook_sources` looks for a
top-level `include:` in the bytes first and parses only files that have one.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable
from pathlib import Path

from ..inputs import describe_mode, open_regular, read_limited
from ..problems import Problem, ProblemList, Severity, did_you_mean
from ..resources import playbooks_dir
from ..sanitize import one_line
from .yamlsource import DEFAULT_LIMITS, Document, Limits, display_path, read_yaml_file

SHIPPED = "cxcoach:"
_STARTS = (b"include", b'"include"', b"'include'")
# The usual spellings, read without a YAML parse: `include: [a.yaml, "b.yaml"]` or a block list.
_FLOW = re.compile(rb"include:[ \t]*\[([^\]\n#]*)\][ \t]*(?:#[^\n]*)?(?:\n|$)")
_BLOCK = re.compile(rb"include:[ \t]*(?:#[^\n]*)?\n((?:[ \t]+-[ \t]+[^\n]*\n?)+)")
_PLAIN_ITEM = re.compile(r"""^(?:"([^"\\]*)"|'([^']*)'|([^\s"'#,\[\]{}][^#,\[\]{}]*?))$""")


class IncludeError(ValueError):
    """An include entry that names no readable YAML file."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


def resolve(ref: str, including: Path) -> Path:
    """The file an include entry names: `cxcoach:` + a path under the shipped playbooks, else relative."""
    try:
        return _resolve(ref, including)
    except (OSError, RuntimeError):  # RuntimeError: Python 3.11's pathlib on a link loop
        raise IncludeError(f"included file {ref!r} cannot be followed (a link loop?)",
                           "name the file itself, not a link that leads back to itself") from None


def _resolve(ref: str, including: Path) -> Path:
    if ref.startswith(SHIPPED):
        base = playbooks_dir()
        target = (base / ref[len(SHIPPED):]).resolve()
        if not target.is_relative_to(base.resolve()):
            raise IncludeError(f"{ref!r} leaves the shipped playbooks",
                               "name a file such as cxcoach:default/detectors.yaml")
        shipped = sorted(p.name for p in playbooks_dir().iterdir() if p.is_dir())
        hint = f"shipped playbooks: {', '.join(shipped)} (e.g. cxcoach:default/detectors.yaml)"
    else:
        target = (including.parent / ref).resolve()
        hint = "give a path relative to this file, or cxcoach:<playbook>/<file>.yaml for a shipped one"
    if target.suffix not in (".yaml", ".yml"):
        raise IncludeError(f"{ref!r} is not a .yaml file", hint)
    shown = one_line(display_path(target))  # a name can hold a line break that would forge a message line
    if target.exists() and not target.is_file():
        raise IncludeError(f"included file {ref!r} is {describe_mode(target.stat().st_mode)}, not a regular file "
                           f"({shown})", "include regular YAML files only")
    if not target.is_file():
        near = sorted(p.name for p in target.parent.glob("*.y*ml")) if target.parent.is_dir() else []
        raise IncludeError(f"included file {ref!r} not found ({shown})", did_you_mean(target.name, near) or hint)
    return target


def _entries(doc: Document) -> list[tuple[int, str]]:
    raw = doc.data.get("include") if isinstance(doc.data, dict) else None
    return [(i, ref) for i, ref in enumerate(raw) if isinstance(ref, str)] if isinstance(raw, list) else []


def read_included(docs: Iterable[tuple[Path, Document]], problems: ProblemList, *, known: Iterable[Path] = (),
                  limits: Limits = DEFAULT_LIMITS) -> list[Document]:
    """The schema-valid documents `docs` include, transitively; each file once, none of `known` again."""
    from .schema import passes_schema

    seen = {p.resolve() for p in known}
    queue = list(docs)
    out: list[Document] = []
    while queue:
        path, doc = queue.pop(0)
        for index, ref in _entries(doc):
            line, col = doc.position(("include", index))
            try:
                target = resolve(ref, path)
            except IncludeError as exc:
                problems.add(Problem(doc.file, line, col, "E020", str(exc), Severity.ERROR, exc.hint,
                                     path=f"$.include[{index}]"))
                continue
            if target in seen:
                continue
            seen.add(target)
            included, found = read_yaml_file(target, limits=limits)
            problems.extend(found)
            if included is None or not isinstance(included.data, dict):
                continue
            if passes_schema(included, problems):
                out.append(included)
                queue.append((target, included))
    return out


def library_locale(problem: Problem, root: Path) -> bool:
    """An included file outside the playbook may carry more languages than the playbook declares (W204, W509)."""
    if problem.code not in ("W204", "W509") or not root.is_dir():
        return False
    return not Path(problem.file).resolve().is_relative_to(root.resolve())


def _may_declare(raw: bytes) -> bool:
    """A line starting with `include` (a byte search: a regex over every file cost recommend 8 ms).

    One scan for the word first: most files never use it, and each spelling is a scan of its own.
    """
    return b"include" in raw and (raw.startswith(_STARTS) or any(b"\n" + start in raw for start in _STARTS))


def _quick_entries(raw: bytes) -> list[str] | None:
    """The include list of a file that spells it the usual way, or None to let YAML decide."""
    if raw.count(b"\ninclude") + raw.startswith(b"include") != 1 or b"\n\"include" in raw or b"\n'include" in raw:
        return None
    at = 0 if raw.startswith(b"include") else raw.index(b"\ninclude") + 1
    found = _FLOW.match(raw, at)
    if found is not None:
        items = [i.strip() for i in found.group(1).decode("utf-8", "replace").split(",") if i.strip()]
    else:
        found = _BLOCK.match(raw, at)
        if found is None:
            return None
        items = [line.strip()[1:].strip() for line in found.group(1).decode("utf-8", "replace").splitlines()]
        items = [i.split(" #", 1)[0].strip() for i in items]
    out = []
    for item in items:
        plain = _PLAIN_ITEM.match(item)
        if plain is None:
            return None
        out.append(next(g for g in plain.groups() if g is not None))
    return out


def _readable(path: Path, limits: Limits) -> bool:
    try:
        info = path.stat()
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode) and info.st_size <= limits.max_bytes


def playbook_sources(files: Iterable[Path], limits: Limits = DEFAULT_LIMITS) -> list[tuple[Path, bytes]]:
    """Each of `files` and every file they include, transitively, with its bytes: what the cache fingerprint
    covers. Raises InputError when one cannot be read (the cache is then passed over, and validation says why).

    On the start-up path of `cxcoach recommend`: each file is read once, the
    usual spellings of `include:` are read from the bytes, and only an unusual
    one costs a YAML parse.
    """
    queue = list(files)
    seen: set[Path] | None = None  # resolved lazily: most playbooks include nothing
    out: list[tuple[Path, bytes]] = []
    while queue:
        path = queue.pop(0)
        with open_regular(path) as handle:
            raw = read_limited(handle, limits.max_bytes, str(path))
        out.append((path, raw))
        if not _may_declare(raw):
            continue
        if seen is None:
            seen = {Path(os.path.abspath(p)) for p in files}  # no syscalls: links leaving the folder are refused
        refs = _quick_entries(raw)
        if refs is None:
            doc, _ = read_yaml_file(path, limits=limits)
            if doc is None:
                continue
            refs = [ref for _, ref in _entries(doc)]
        for ref in refs:
            try:
                target = resolve(ref, path)
            except IncludeError:
                continue
            if target not in seen and Path(os.path.abspath(target)) not in seen:
                seen.add(target)
                if _readable(target, limits):  # a pipe or a huge file is not read: validation reports it
                    queue.append(target)
    return out
