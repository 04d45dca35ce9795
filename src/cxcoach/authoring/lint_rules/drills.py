"""L1xx: the shape of drill graphs: unreachable nodes and endings, dead ends, empty nodes.

A drill is a graph fixed at load time (every `next` is an id), so these are
plain graph walks. Endings named by `on_timeout`/`on_walkout` are reached by
the clock or the customer's temper, not by edges, and never count as
unreachable.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...playbook import drill_model as dm
from ...problems import Problem
from .base import LintContext, drill_edges, finding, reachable_from

CODES = {
    "L101": "drill node unreachable from the start",
    "L102": "dead end: no ending can be reached from this node (only the turn limit ends the drill)",
    "L103": "empty node: no responses, every reply takes the fallback",
    "L104": "drill ending never reached",
}


def _can_finish(drill: dm.Drill) -> set[str]:
    """Nodes from which some ending is reachable (backward walk from the endings)."""
    edges = drill_edges(drill)
    back: dict[str, set[str]] = {}
    for source, targets in edges.items():
        for target, _ in targets:
            back.setdefault(target, set()).add(source)
    done = set(drill.endings)
    stack = list(drill.endings)
    while stack:
        here = stack.pop()
        for source in back.get(here, ()):
            if source not in done:
                done.add(source)
                stack.append(source)
    return done


def check(ctx: LintContext) -> Iterator[Problem]:
    for drill in ctx.playbook.drills.values():
        reach = reachable_from(drill)
        finish = _can_finish(drill)
        for node in drill.nodes.values():
            if node.id not in reach:
                yield finding(node.pos, "L101", f"node {node.id!r} of drill {drill.id!r} is unreachable from the "
                              f"start {drill.start!r}", "point a response or fallback `next` at it, or remove it")
                continue
            if node.id not in finish:
                yield finding(node.pos, "L102", f"dead end in drill {drill.id!r}: no ending can be reached from "
                              f"node {node.id!r}, so only the turn limit ends the drill",
                              "give a response or the fallback a `next` leading towards an ending")
            if not node.responses:
                yield finding(node.pos, "L103", f"node {node.id!r} of drill {drill.id!r} has no responses: every "
                              "reply gets the same fallback", "add responses that recognise good and bad replies")
        implicit = {drill.on_timeout, drill.on_walkout}
        for ending in drill.endings.values():
            if ending.id not in reach and ending.id not in implicit:
                yield finding(ending.pos, "L104", f"ending {ending.id!r} of drill {drill.id!r} is never reached",
                              "point a `next` at it, name it in on_timeout/on_walkout, or remove it")
