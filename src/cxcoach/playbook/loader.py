"""Find a playbook's files, read them safely and build the model."""

from __future__ import annotations

import os
from pathlib import Path

from ..gc_pause import gc_paused
from ..problems import PlaybookError, Problem, ProblemList, Severity
from ..resources import default_playbook_path
from . import model as m
from .include import included_paths, library_locale, read_included
from .yamlsource import DEFAULT_LIMITS, Document, Limits, display_path, read_yaml_file

YAML_SUFFIXES = (".yaml", ".yml")
TEST_SUFFIXES = (".test.yaml", ".test.yml")  # playbook tests live beside the playbook, not in it


def playbook_files(root: Path, problems: ProblemList) -> list[Path]:
    """The YAML files of a playbook folder, sorted; links leaving the folder are refused."""
    if root.is_file():
        return [root]
    base = root.resolve()
    files = []
    for folder, dirnames, filenames in os.walk(root, followlinks=False):
        # os.walk does not follow linked folders; only links themselves can leave the playbook.
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in list(dirnames):
            linked = Path(folder) / name
            if linked.is_symlink() and not linked.resolve().is_relative_to(base):
                problems.add(_outside(linked))
        for name in sorted(filenames):
            if name.startswith(".") or not name.endswith(YAML_SUFFIXES) or name.endswith(TEST_SUFFIXES):
                continue
            path = Path(folder) / name
            if path.is_symlink() and not path.resolve().is_relative_to(base):
                problems.add(_outside(path))
                continue
            files.append(path)
    return sorted(files)


def _outside(path: Path) -> Problem:
    return Problem(display_path(path), 1, 1, "E017", "link points outside the playbook folder",
                   hint="copy the file into the folder instead of linking to it")


def read_documents(root: Path, problems: ProblemList, limits: Limits = DEFAULT_LIMITS) -> list[Document]:
    """Read every file and schema-check it; only files without errors are returned."""
    from .schema import schema_problems

    docs = []
    read: list[tuple[Path, Document]] = []
    files = playbook_files(root, problems)
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
        if not any(p.severity is Severity.ERROR for p in found):
            docs.append(doc)
            read.append((path, doc))
    return docs + read_included(read, problems, known=files, limits=limits)


def check_playbook(path: str | os.PathLike[str], *, limits: Limits = DEFAULT_LIMITS) -> tuple[m.Playbook | None, list[Problem]]:
    """Load a playbook and return it (or None) with every problem found, errors and warnings."""
    with gc_paused():  # see load_playbook
        return _check(Path(path), limits)


def _check(root: Path, limits: Limits) -> tuple[m.Playbook | None, list[Problem]]:
    from .build import build_playbook

    problems = ProblemList()
    if not root.exists():
        problems.add(Problem(display_path(root), 0, 0, "E011", "no such file or folder"))
        return None, problems.items
    docs = read_documents(root, problems, limits)
    playbook = None
    # Semantic checks need every file: with one file broken, its ids would show up as
    # a cascade of false "unknown reference" errors elsewhere.
    if not problems.has_errors:
        playbook = build_playbook(docs, display_path(root), problems)
    if problems.has_errors:
        playbook = None
    return playbook, [p for p in problems.sorted() if not library_locale(p, root)]


def load_playbook(path: str | os.PathLike[str] | None = None, *, limits: Limits = DEFAULT_LIMITS,
                  cache: bool = True) -> m.Playbook:
    """Load and validate a playbook (default: the shipped one); raise PlaybookError listing every problem.

    A valid playbook is cached by content (see cache.py), so repeated loads skip validation.
    """
    with gc_paused():  # loading builds a large acyclic model; see gc_pause.py
        return _load(Path(path if path is not None else default_playbook_path()), limits, cache)


def _load(root: Path, limits: Limits, cache: bool) -> m.Playbook:
    from . import cache as playbook_cache

    key = None
    if cache and root.exists() and limits == DEFAULT_LIMITS:
        try:
            files = playbook_files(root, ProblemList())
            key = playbook_cache.cache_key(files + included_paths(files), root)
        except OSError:
            key = None
        cached = playbook_cache.get(key) if key is not None else None
        if cached is not None:
            return cached
    playbook, problems = check_playbook(root, limits=limits)
    if playbook is None:
        raise PlaybookError(problems)
    if key is not None:
        playbook_cache.put(key, playbook)
    return playbook
