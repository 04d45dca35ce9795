"""The usable part of a file that fails the schema, so one mistake does not hide the file's other problems.

A trainer who misspells `polarity: gud` in a detector should also hear, in the
same run, that a rule in that file names an unknown step. So a file with
schema errors is not dropped whole: each top-level section item (a rule, a
detector, a drill ...) with an error is left out, and the rest is built with
the other files. What the left-out items declare is unknown to the build, so
a problem that may only mean "declared in a part that was left out" (an
unknown reference, a missing section) is kept only when the name it is about
is none of the ids found in those items (`settled`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

import msgspec

from ..problems import Problem, Severity, closest
from .yamlsource import Document

PRUNED: Any = type("Pruned", (), {"__repr__": lambda self: "PRUNED", "__slots__": ()})()
"""Stands in for a left-out list item, so the items after it keep their index (and their JSON path)."""

_PATH_PART = re.compile(r"\.([^.\[]+)|\[(\d+)\]")


def parse_path(path: str) -> tuple[str | int, ...] | None:
    """`$.rules[3].when` -> ("rules", 3, "when"); None for what `problems.path_str` never writes."""
    if not path.startswith("$"):
        return None
    parts: list[str | int] = []
    at = 1
    for match in _PATH_PART.finditer(path, 1):
        if match.start() != at:
            return None
        key, index = match.groups()
        parts.append(int(index) if index is not None else key)
        at = match.end()
    return tuple(parts) if at == len(path) else None


def usable_part(doc: Document, found: Iterable[Problem]) -> tuple[Document, frozenset[str]] | None:
    """`doc` without the section items (or map sections) its schema errors are in, and the ids those declare.

    None when an error is not inside one section (the file's top level is wrong): nothing of it is used.
    """
    data = doc.data
    if not isinstance(data, dict):
        return None
    drop: dict[str, set[int] | None] = {}  # section -> item indexes, or None for the whole section
    for problem in found:
        if problem.severity is not Severity.ERROR:
            continue
        path = parse_path(problem.path)
        if not path or not isinstance(path[0], str) or path[0] not in data:
            return None
        section, rest = path[0], path[1:]
        indexes = drop.setdefault(section, set())
        if indexes is not None and rest and isinstance(rest[0], int) and isinstance(data[section], list):
            indexes.add(rest[0])
        else:
            drop[section] = None
    kept = dict(data)
    declared: set[str] = set()
    for section, indexes in drop.items():
        if indexes is None:
            declared.update(_ids(kept.pop(section)))
            continue
        items = list(kept[section])
        for index in indexes:
            declared.update(_ids(items[index]))
            items[index] = PRUNED
        kept[section] = items
    return Document(doc.file, kept, doc.spans, doc.text), frozenset(declared)


def _ids(value: Any) -> Iterator[str]:
    """Every string under an `id` key, at any depth: what a left-out item could declare."""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            ident = node.get("id")
            if isinstance(ident, str):
                yield ident
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def settled(problem: Problem, docs: Iterable[Document], declared: frozenset[str]) -> Problem | None:
    """`problem` when it stands whatever the left-out items declare (the name it is about is a string none of
    them has as an id), else None. A problem about no single value (a missing section) never stands. An
    unknown name close to a left-out id says so, since the build could not suggest it."""
    path = parse_path(problem.path)
    value = next((_value_at(doc.data, path) for doc in docs if doc.file == problem.file), None) if path else None
    if not isinstance(value, str) or value in declared or not declared.isdisjoint(value.replace(".", " ").split()):
        return None  # a name can come with more: a source with a remark (`001 篇1`), a field with a kind (`fact.x`)
    near = closest(value, declared)
    if near is None or (problem.hint or "").startswith("did you mean"):
        return problem
    return msgspec.structs.replace(problem, hint=f"did you mean {near!r}? (it is in a part left out for its errors)")


def _value_at(data: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        found = (isinstance(part, int) and isinstance(data, list) and 0 <= part < len(data)) or (
            isinstance(part, str) and isinstance(data, dict) and part in data)
        if not found:
            return None
        data = data[part]
    return data
