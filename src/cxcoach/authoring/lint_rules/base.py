"""What every lint check receives, and small graph/matcher helpers the checks share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from ...playbook import drill_model as dm
from ...playbook.model import Playbook, Pos
from ...playbook.yamlsource import Document
from ...problems import Problem, Severity

if TYPE_CHECKING:
    from ..factspace import FactSpace


@dataclass
class LintContext:
    """The validated playbook plus its raw documents (for checks that need what the model folds away)."""

    playbook: Playbook
    docs: list[Document] = field(default_factory=list)
    today: dt.date = field(default_factory=dt.date.today)  # checks on how current the calendar is count from here
    root: Path | None = None  # the playbook linted; None: every file is the author's

    def shipped_elsewhere(self, file: str) -> bool:
        """`file` is part of a shipped playbook this one includes: its findings are not the author's to fix, so
        costly checks (every example of the shipped detectors) skip it and the report leaves it out."""
        return self.root is not None and shipped_elsewhere(file, self.root)

    @cached_property
    def factspace(self) -> FactSpace:
        """Built on first use: only the rule checks reason over facts."""
        from ..factspace import FactSpace

        return FactSpace(self.playbook)


def shipped_elsewhere(file: str, root: Path) -> bool:
    """A file of a shipped playbook that the playbook at `root` (not itself shipped) includes."""
    from ...resources import playbooks_dir

    shipped = playbooks_dir().resolve()
    return Path(file).resolve().is_relative_to(shipped) and not root.resolve().is_relative_to(shipped)


def finding(pos: Pos, code: str, message: str, hint: str | None = None, *,
            severity: Severity = Severity.WARNING) -> Problem:
    return Problem(pos.file, pos.line, pos.col, code, message, severity, hint)


def drill_edges(drill: dm.Drill) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    for node in drill.nodes.values():
        targets = [(r.next, r.id) for r in node.responses if r.next]
        targets.append((node.fallback.next, node.fallback.id))
        out[node.id] = targets
    return out


def reachable_from(drill: dm.Drill) -> set[str]:
    """Nodes and endings reachable from the start along response and fallback edges."""
    edges = drill_edges(drill)
    seen = {drill.start}
    stack = [drill.start]
    while stack:
        here = stack.pop()
        for target, _ in edges.get(here, []):
            if target not in seen:
                seen.add(target)
                stack.append(target)
    return seen


def leaves(matcher: dm.Matcher) -> Iterator[dm.Phrase | dm.Regex]:
    """Every phrase and regex inside a matcher (detector references are not followed)."""
    if isinstance(matcher, (dm.Phrase, dm.Regex)):
        yield matcher
    elif isinstance(matcher, (dm.AnyOf, dm.AllOf, dm.KOfN, dm.Near)):
        for item in matcher.items:
            yield from leaves(item)
    elif isinstance(matcher, (dm.Unless, dm.InPart)):
        yield from leaves(matcher.item)


def detector_refs(matcher: dm.Matcher) -> Iterator[str]:
    if isinstance(matcher, dm.DetectorRef):
        yield matcher.id
    elif isinstance(matcher, (dm.AnyOf, dm.AllOf, dm.KOfN, dm.Near)):
        for item in matcher.items:
            yield from detector_refs(item)
    elif isinstance(matcher, dm.Unless):
        yield from detector_refs(matcher.item)
        yield from detector_refs(matcher.exclude)
    elif isinstance(matcher, dm.InPart):
        yield from detector_refs(matcher.item)
