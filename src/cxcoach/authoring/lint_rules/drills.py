"""L1xx: the shape of drill graphs: unreachable nodes and endings, dead ends, empty nodes.

A drill is a graph fixed at load time (every `next` is an id), so these are
plain graph walks. Endings named by `on_timeout`/`on_walkout` are reached by
the clock or the customer's temper, not by edges, and never count as
unreachable.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...playbook import drill_model as dm
from ...playbook.model import Playbook
from ...problems import Problem
from .base import LintContext, drill_edges, finding, reachable_from

CODES = {
    "L101": "drill node unreachable from the start",
    "L102": "dead end: no ending can be reached from this node (only the turn limit ends the drill)",
    "L103": "empty node: no responses, every reply takes the fallback",
    "L104": "drill ending never reached",
    "L105": "drill node reached only by replies that make the customer walk out first",
}

HOSTILITY_MAX = 10


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


def _tempered(delta: int, temper: float) -> int:
    """As the session applies it: increases are multiplied by the persona's temper (at least 1)."""
    return max(1, round(delta * temper)) if delta > 0 else delta


def walkout_edges(playbook: Playbook, drill: dm.Drill) -> set[tuple[str, str]]:
    """(node, response or fallback id) edges that always end the drill by walkout before they are taken.

    A sound lower bound on hostility per node is propagated from the start: on
    entering a node the customer is at least `floor`; in a turn the most any
    reply can calm them is every calming detector at once plus every calming
    non-branching response; the branch's own effect comes on top, in the
    session's order and with its clamping. If even that lowest outcome reaches
    10, the customer walks out and the edge's target is not entered.
    """
    temper = drill.persona.temper
    calm = sum(min(0, d.effect.hostility) for d in playbook.detectors.values() if d.effect is not None)

    def effect(e: dm.Effect | None) -> int:
        return 0 if e is None else _tempered(e.hostility, temper)

    floor = {drill.start: drill.persona.hostility}
    walkouts: set[tuple[str, str]] = set()
    changed = True
    while changed:
        changed = False
        for node in drill.nodes.values():
            if node.id not in floor:
                continue
            base = max(0, floor[node.id] + calm)
            plain = [min(0, effect(r.effect)) for r in node.responses if not r.next]
            branches = [(i, r.id, r.next, effect(r.effect)) for i, r in enumerate(node.responses) if r.next]
            outcomes = []
            for i, via, target, own in branches:
                before = sum(min(0, effect(r.effect)) for r in node.responses[:i] if not r.next)
                after = sum(min(0, effect(r.effect)) for r in node.responses[i + 1:] if not r.next)
                outcomes.append((via, target, max(0, min(HOSTILITY_MAX, max(0, base + before) + own) + after)))
            fb = node.fallback
            outcomes.append((fb.id, fb.next, max(0, min(HOSTILITY_MAX, max(0, base + sum(plain)) + effect(fb.effect)))))
            for via, target, low in outcomes:
                if target not in drill.nodes:
                    continue  # endings are reached whatever the mood
                if low >= HOSTILITY_MAX:
                    walkouts.add((node.id, via))
                elif low < floor.get(target, HOSTILITY_MAX + 1):
                    floor[target] = low
                    changed = True
    return walkouts


def _practically_reachable(drill: dm.Drill, walkouts: set[tuple[str, str]]) -> set[str]:
    edges = drill_edges(drill)
    seen, stack = {drill.start}, [drill.start]
    while stack:
        here = stack.pop()
        for target, via in edges.get(here, []):
            if (here, via) not in walkouts and target not in seen:
                seen.add(target)
                stack.append(target)
    return seen


def check(ctx: LintContext) -> Iterator[Problem]:
    for drill in ctx.playbook.drills.values():
        reach = reachable_from(drill)
        practical = _practically_reachable(drill, walkout_edges(ctx.playbook, drill))
        finish = _can_finish(drill)
        for node in drill.nodes.values():
            if node.id not in reach:
                yield finding(node.pos, "L101", f"node {node.id!r} of drill {drill.id!r} is unreachable from the "
                              f"start {drill.start!r}", "point a response or fallback `next` at it, or remove it")
                continue
            if node.id not in practical:
                yield finding(node.pos, "L105", f"node {node.id!r} of drill {drill.id!r} is never entered: every "
                              "reply leading to it raises hostility to 10 first, so the customer walks out",
                              "soften the hostility effect on the way in, or lower the persona's hostility or temper")
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
