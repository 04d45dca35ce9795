"""L4xx: criteria no path can earn, and drills whose pass mark is out of reach.

Evidence for a conversation criterion may come from any trainee turn, so a
weighted criterion can be earned unless its matcher cannot match any reply
(an `unless` that excludes its own item, an empty `any`, `k` above the
satisfiable items ...) and no reachable response credits it. The maximum
achievable score of a drill is then `100 * earnable / available` plus the
most response points a run within `max_turns` could collect (an upper
bound), clamped to 0..100.
"""

from __future__ import annotations

from collections.abc import Iterator

import msgspec

from ...drill.scoring import exact_base, half_up
from ...playbook import drill_model as dm
from ...playbook.model import Playbook
from ...problems import Problem
from .base import LintContext, finding, reachable_from
from .matching import MatcherLogic

CODES = {
    "L401": "weighted criterion no path can earn",
    "L402": "drill pass mark above the maximum achievable score",
}


class MaxScore(msgspec.Struct, frozen=True):
    """The best score any run of a drill could reach, and why."""

    drill: str
    rubric: str | None
    score: int
    earnable: tuple[str, ...]
    unearnable: tuple[str, ...]
    not_applicable: tuple[str, ...]
    max_points: int
    pass_mark: float


def _max_points(drill: dm.Drill) -> int:
    """Most response points within max_turns (optimistic: every positive response at a node may match)."""
    gain = {n.id: sum(max(0, r.points) for r in n.responses) + max(0, n.fallback.points) for n in drill.nodes.values()}
    targets = {n.id: {r.next for r in n.responses if r.next} | {n.fallback.next} for n in drill.nodes.values()}
    best = {drill.start: 0}
    top = 0
    for _ in range(max(1, drill.max_turns)):
        nxt: dict[str, int] = {}
        for node, points in best.items():
            if node not in drill.nodes:
                continue
            total = points + gain[node]
            top = max(top, total)
            for target in targets[node]:
                if nxt.get(target, -1) < total:
                    nxt[target] = total
        if not nxt:
            break
        best = nxt
    return top


def max_score(playbook: Playbook, drill: dm.Drill, logic: MatcherLogic | None = None) -> MaxScore:
    from ...conditions.evaluate import evaluate

    logic = logic or MatcherLogic(playbook.detectors)
    rubric = playbook.rubrics.get(drill.rubric or "")
    mark = drill.pass_mark if drill.pass_mark is not None else (rubric.pass_mark if rubric else 60.0)
    if rubric is None:
        return MaxScore(drill.id, None, 0, (), (), (), 0, mark)
    reach = reachable_from(drill)
    credited = {r.criterion for n in drill.nodes.values() if n.id in reach for r in n.responses if r.criterion}
    earnable, unearnable, na = [], [], []
    available = earned = 0.0
    for c in rubric.criteria:
        if c.kind is not dm.CriterionKind.WEIGHT:
            continue
        if c.id in drill.na or (c.na_when is not None and evaluate(c.na_when, drill.case) is True):
            na.append(c.id)
            continue
        available += c.value
        if c.id in credited or logic.satisfiable(c.evidence):
            earnable.append(c.id)
            earned += c.value
        else:
            unearnable.append(c.id)
    points = _max_points(drill)
    score = max(0, min(100, half_up(exact_base(earned, available)) + points))  # as the report rounds
    return MaxScore(drill.id, rubric.id, score, tuple(earnable), tuple(unearnable), tuple(na), points, mark)


def check(ctx: LintContext) -> Iterator[Problem]:
    pb = ctx.playbook
    reported: set[tuple[str, str]] = set()
    logic = MatcherLogic(pb.detectors)
    for drill in pb.drills.values():
        best = max_score(pb, drill, logic)
        rubric = pb.rubrics.get(best.rubric or "")
        if rubric is None:
            continue
        for cid in best.unearnable:
            if (rubric.id, cid) in reported:
                continue
            reported.add((rubric.id, cid))
            crit = rubric.criterion(cid)
            assert crit is not None
            yield finding(crit.pos, "L401", f"criterion {cid!r} of rubric {rubric.id!r} can never be earned "
                          f"(e.g. in drill {drill.id!r}): its evidence cannot match any reply and no reachable "
                          "response credits it", "fix the matcher (an `unless` that excludes its own phrases?) "
                          "or credit it from a response with `criterion:`")
        if best.score < best.pass_mark:
            yield finding(drill.pos, "L402", f"drill {drill.id!r} cannot be passed: the best achievable score is "
                          f"{best.score}, below the pass mark {best.pass_mark:g}",
                          "lower `pass_mark`, or make the missing criteria earnable")
