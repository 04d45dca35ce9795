"""Find a playbook's files, read them safely and build the model."""

from __future__ import annotations

import functools
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec

from ..gc_pause import gc_paused
from ..inputs import InputError, describe_mode
from ..problems import PlaybookError, Problem, ProblemList, Severity
from ..resources import default_playbook_path
from . import model as m
from .include import library_locale, playbook_sources, read_included
from .yamlsource import DEFAULT_LIMITS, Document, Limits, display_path, read_yaml_file

if TYPE_CHECKING:
    from .cache import Key

YAML_SUFFIXES = (".yaml", ".yml")
TEST_SUFFIXES = (".test.yaml", ".test.yml")  # playbook tests live beside the playbook, not in it


def playbook_files(root: Path, problems: ProblemList, limits: Limits = DEFAULT_LIMITS) -> list[Path]:
    """The YAML files of a playbook folder, sorted: regular files inside the folder, within the size limit.

    Anything else is reported and left out (E017 a link leaving the folder,
    E011 a pipe, device, dangling link or link loop, E010 a file over the
    limit), so nothing downstream can block on a pipe or read a huge file.
    """
    if not root.is_dir():
        if root.name.endswith(TEST_SUFFIXES):
            problems.add(Problem(display_path(root), 1, 1, "E021", "this is a playbook test file, not a playbook",
                                 hint=f"run its tests with `cxcoach test {display_path(root.parent)}`"))
            return []
        return [root] if _readable(root, problems, limits) else []
    base = root.resolve()
    files = []
    for folder, dirnames, filenames in walk(root):
        if len(Path(folder).relative_to(root).parts) >= MAX_FOLDER_DEPTH and dirnames:
            problems.add(Problem(display_path(Path(folder) / dirnames[0]), 1, 1, "E018",
                                 f"folders nested more than {MAX_FOLDER_DEPTH} levels deep are not read",
                                 hint="keep a playbook's files a few folders deep at most"))
        for name in list(dirnames):
            linked = Path(folder) / name
            if linked.is_symlink() and not _inside(linked, base):
                problems.add(_outside(linked))
        for name in sorted(filenames):
            if name.startswith(".") or not name.endswith(YAML_SUFFIXES) or name.endswith(TEST_SUFFIXES):
                continue
            path = Path(folder) / name
            if path.is_symlink() and not _inside(path, base):
                problems.add(_outside(path))
                continue
            if _readable(path, problems, limits):
                files.append(path)
    return sorted(files)


MAX_FOLDER_DEPTH = 32  # Python 3.11's os.walk recurses: a folder 1,000 levels deep was a RecursionError


def walk(root: Path) -> Iterator[tuple[str, list[str], list[str]]]:
    """os.walk over a playbook folder: hidden folders skipped, linked folders not followed (only
    links themselves can leave the playbook), names sorted. The caller may prune `dirnames`."""
    for folder, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        yield folder, dirnames, sorted(filenames)
        if len(Path(folder).relative_to(root).parts) >= MAX_FOLDER_DEPTH:
            dirnames.clear()


def _outside(path: Path) -> Problem:
    return Problem(display_path(path), 1, 1, "E017", "link points outside the playbook folder",
                   hint="copy the file into the folder instead of linking to it")


def _inside(path: Path, base: Path) -> bool:
    """Whether a link ends inside `base`; a link loop is left to _readable, which reports it."""
    try:
        return path.resolve().is_relative_to(base)
    except (OSError, RuntimeError):  # RuntimeError: Python 3.11's pathlib on a symlink loop
        return True


def _readable(path: Path, problems: ProblemList, limits: Limits) -> bool:
    """Whether `path` is a regular file within the size limit; reports why not."""
    try:
        info = path.stat()
    except OSError as exc:  # a dangling link, a link loop, no permission
        problems.add(Problem(display_path(path), 1, 1, "E011", f"cannot read file: {exc.strerror or exc}",
                             hint="fix or remove the file (or the link pointing to it)"))
        return False
    if not stat.S_ISREG(info.st_mode):
        problems.add(Problem(display_path(path), 1, 1, "E011",
                             f"cannot read file: it is {describe_mode(info.st_mode)}, not a regular file",
                             hint="only regular files are read: remove it, or rename it so it does not end in .yaml"))
        return False
    if info.st_size > limits.max_bytes:
        problems.add(Problem(display_path(path), 1, 1, "E010",
                             f"file is {info.st_size:,} bytes, over the limit of {limits.max_bytes:,}",
                             hint="split the playbook into several files in one folder"))
        return False
    return True


def read_documents(root: Path, problems: ProblemList,
                   limits: Limits = DEFAULT_LIMITS) -> tuple[list[Document], frozenset[str] | None]:
    """Read every file and schema-check it: the documents to build, and what the parts left out may declare.

    A file with schema errors is used without the items they are in (partial.py), so the build
    still checks the rest of it. The second value holds the ids of those items; it is None when
    some content could not be read at all (a syntax error, a file that is not a mapping), so
    anything may be declared there.
    """
    from .partial import usable_part
    from .schema import schema_problems

    docs = []
    read: list[tuple[Path, Document]] = []
    declared: set[str] = set()
    files = playbook_files(root, problems, limits)
    if not files and not problems.items:
        problems.add(Problem(display_path(root), 1, 1, "E018", "no .yaml files in the playbook folder",
                             hint="a playbook folder holds playbook.yaml and other section files"))
    for path in files:
        doc, found = read_yaml_file(path, limits=limits)
        problems.extend(found)
        if doc is None:
            continue
        if not isinstance(doc.data, dict):
            kind = "a list" if isinstance(doc.data, list) else "a single value"
            problems.add(Problem(doc.file, 1, 1, "E019", f"the top level is {kind}, not a mapping of sections",
                                 hint="start the file with a section name such as `rules:`"))
            continue
        found = schema_problems(doc)
        problems.extend(found)
        if any(p.severity is Severity.ERROR for p in found):
            part = usable_part(doc, found)
            if part is None:
                continue
            doc = part[0]
            declared.update(part[1])
        docs.append(doc)
        read.append((path, doc))
    docs += read_included(read, problems, known=files, limits=limits)
    used = {doc.file for doc in docs}
    complete = all(p.code == "E101" and p.file in used for p in problems.items if p.severity is Severity.ERROR)
    return docs, frozenset(declared) if complete else None


def check_playbook(path: str | os.PathLike[str], *,
                   limits: Limits = DEFAULT_LIMITS) -> tuple[m.Playbook | None, list[Problem]]:
    """Load a playbook and return it (or None) with every problem found, errors and warnings."""
    with gc_paused():  # see load_playbook
        return _check(Path(path), limits)


def _check(root: Path, limits: Limits) -> tuple[m.Playbook | None, list[Problem]]:
    from .build import build_playbook
    from .partial import settled

    problems = ProblemList()
    if not root.exists():
        problems.add(Problem(display_path(root), 0, 0, "E011", "no such file or folder"))
        return None, problems.items
    docs, declared = read_documents(root, problems, limits)
    playbook = None
    if not problems.has_errors:
        playbook = build_playbook(docs, display_path(root), problems)
    elif docs:
        # Some files could not be read or fail the schema: check the rest anyway, so one
        # mistake does not hide every other problem, but leave out what may only mean
        # "declared in a part that could not be used" (a cascade of false unknown references).
        partial = ProblemList()
        build_playbook(docs, display_path(root), partial)
        for problem in partial.items:
            if problem.code not in _UNSETTLED:
                problems.add(problem)
            elif declared is not None and (standing := settled(problem, docs, declared)) is not None:
                problems.add(standing)
    if problems.has_errors:
        playbook = None
    return playbook, [_one_file_of_a_folder(p, root) for p in problems.sorted() if not library_locale(p, root)]


def _one_file_of_a_folder(problem: Problem, root: Path) -> Problem:
    """No metadata in a file given alone that sits among other playbook files: the folder is the playbook
    (an editor or hook that passes the file being edited), so say that instead of "add `playbook:`"."""
    if problem.code != "E206" or root.is_dir() or not any(
            p != root and p.name.endswith(YAML_SUFFIXES) and not p.name.endswith(TEST_SUFFIXES)
            for p in root.parent.iterdir()):
        return problem
    folder = display_path(root.parent)
    return msgspec.structs.replace(problem, hint=f"a playbook is a folder of files read together: check it whole "
                                                 f"with `cxcoach validate {folder}`")


# Problems a partial build reports when a declaration sits in an unread file: unknown
# reference, no `playbook:` metadata, unknown fact, no conversation rubric, the workflow's
# stage fact, drill case facts. A new check that looks up what another section declares
# belongs here too (tests/hostile/test_playbook_folders.py drops each shipped file in turn).
_UNSETTLED = frozenset({"E202", "E206", "E301", "E410", "E504", "E510"})


def load_playbook(path: str | os.PathLike[str] | None = None, *, limits: Limits = DEFAULT_LIMITS,
                  cache: bool = True) -> m.Playbook:
    """Load and validate a playbook (default: the shipped one); raise PlaybookError listing every problem.

    A valid playbook is cached by content (see cache.py), so repeated loads skip validation.
    """
    with gc_paused():  # loading builds large acyclic data; see gc_pause.py
        return _load(Path(path if path is not None else default_playbook_path()), limits, cache)


def _load(root: Path, limits: Limits, cache: bool) -> m.Playbook:
    from . import cache as playbook_cache

    key = None
    if cache and root.exists() and limits == DEFAULT_LIMITS:
        found = ProblemList()
        files = playbook_files(root, found, limits)
        try:  # a problem with the files: validate, and report it
            key = None if found.items else playbook_cache.cache_key(playbook_sources(files, limits), root)
        except (OSError, InputError):
            key = None
        if key is not None:
            rebuild = functools.cache(functools.partial(_build, root, limits, key))  # once, if a section is corrupt
            cached = playbook_cache.get(key, rebuild)
            if cached is not None:
                return cached
    return _build(root, limits, key)


def _build(root: Path, limits: Limits, key: Key | None) -> m.Playbook:
    """Build the playbook from its files, and cache it under `key`."""
    from . import cache as playbook_cache

    playbook, problems = check_playbook(root, limits=limits)
    if playbook is None:
        raise PlaybookError(problems)
    if key is not None:
        playbook_cache.put(key, playbook)
    return playbook
