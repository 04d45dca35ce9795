"""Every module of cxcoach imports on its own, and no import cycle joins them, lazy imports included.

A cycle makes a module's meaning depend on which end was imported first, and
an import inside a function is still an edge: it only moves the failure to a
later, rarer moment. `import_graph` reads every import statement that can run.
"""

from __future__ import annotations

import importlib
import pkgutil

import cxcoach

from .import_graph import graph

# Cycles still being removed, each with whoever is removing it (none left). A cycle not
# listed fails the test; a listed one that is gone fails the next test, so that the list
# only ever shrinks.
KNOWN_CYCLES: set[frozenset[str]] = set()


def _cycles(edges: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, targets = work[-1]
            target = next(targets, None)
            if target is not None:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(edges[target]))))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(frozenset(group))
    return found


def test_the_cycle_finder_finds_cycles():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}, "f": set()}
    assert _cycles(edges) == [frozenset({"a", "b", "c"})]


def test_no_import_cycle():
    new = [sorted(group) for group in _cycles(graph()) if group not in KNOWN_CYCLES]
    assert new == []


def test_known_cycles_are_still_there():
    found = set(_cycles(graph()))
    assert [sorted(group) for group in KNOWN_CYCLES if group not in found] == [], \
        "a cycle was removed: delete it from KNOWN_CYCLES"


def test_every_module_imports():
    for info in pkgutil.walk_packages(cxcoach.__path__, "cxcoach."):
        if info.name != "cxcoach.__main__":  # runs the command line
            importlib.import_module(info.name)
