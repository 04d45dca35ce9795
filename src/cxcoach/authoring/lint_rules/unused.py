"""L6xx: things written but never used: facts no condition tests, scripts nothing recommends,
customer lines and feedback whose `when` can never hold, strategies, avoid items and detectors
nothing refers to.

`when` on drill lines and responses is checked against what the drill can
actually produce: flags some effect sets, hostility and perceived within
0..10, turns within max_turns, visits above 1 only for nodes something leads
back into, and the drill's fixed case facts.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from ...playbook import drill_model as dm
from ...playbook import model as m
from ...problems import Problem
from ..factspace import Interval
from .base import LintContext, detector_refs, drill_edges, finding

CODES = {
    "L601": "fact no condition tests and no form fills",
    "L602": "script no step or rule recommends (its lines are never shown)",
    "L603": "customer line whose `when` can never hold",
    "L604": "response whose `when` can never hold (its feedback is never given)",
    "L605": "strategy no rule or drill uses",
    "L606": "avoid item nothing refers to",
    "L607": "detector nothing uses",
}


def _condition_facts(cond: m.Condition | None) -> Iterator[str]:
    if cond is None:
        return
    if isinstance(cond, m.FactTest):
        yield cond.fact
    elif isinstance(cond, (m.All, m.Any)):
        for item in cond.items:
            yield from _condition_facts(item)
    elif isinstance(cond, m.Not):
        yield from _condition_facts(cond.item)


def _all_conditions(pb: m.Playbook) -> Iterator[m.Condition | None]:
    for name in ("pause_when", "respond_met_when", "resolve_met_when"):
        yield getattr(pb.clock, name, None)
    if pb.workflow is not None:
        yield from (right.when for right in pb.workflow.close)
    for rule in pb.rules:
        yield rule.when
    for rubric in pb.rubrics.values():
        for crit in rubric.criteria:
            yield crit.na_when
    for drill in pb.drills.values():
        for node in drill.nodes.values():
            for line in node.say:
                yield line.when.case if line.when else None
            for resp in node.responses:
                yield resp.when.case if resp.when else None


def _flags_set(pb: m.Playbook, drill: dm.Drill) -> set[str]:
    effects = [d.effect for d in pb.detectors.values()]
    for node in drill.nodes.values():
        effects += [r.effect for r in node.responses] + [node.fallback.effect]
    return {flag for e in effects if e is not None for flag in e.set}


def _why_never(test: dm.StateTest | None, drill: dm.Drill, node_id: str, flags: set[str],
               reentered: set[str]) -> str | None:
    """Why this state test can never hold, or None if it might."""
    if test is None:
        return None
    from ...conditions.evaluate import evaluate

    for flag in test.flags:
        if flag not in flags:
            return f"no effect in drill {drill.id!r} sets flag {flag!r}"
    ranges = {"hostility": Interval(0, True, 10, True), "perceived": Interval(0, True, 10, True),
              "turn": Interval(1, True, max(1, drill.max_turns), True),
              "visits": Interval(1, True, math.inf if node_id in reentered else 1, node_id not in reentered)}
    ops = {dm.NumOp.EQ: lambda v: Interval(v, True, v, True),
           dm.NumOp.LT: lambda v: Interval(-math.inf, False, v, False),
           dm.NumOp.LE: lambda v: Interval(-math.inf, False, v, True),
           dm.NumOp.GT: lambda v: Interval(v, False, math.inf, False),
           dm.NumOp.GE: lambda v: Interval(v, True, math.inf, False)}
    for num in test.numbers:
        if num.subject not in ranges:
            continue
        ranges[num.subject] = ranges[num.subject].meet(ops[num.op](num.value))
        if ranges[num.subject].empty:
            extra = " (nothing leads back into this node)" if num.subject == "visits" else ""
            return f"{num.subject} can never satisfy these tests{extra}"
    state = None if test.case is None else evaluate(test.case, drill.case)
    if test.case is not None and state is not True:
        verdict = "unknown" if state is None else "false"
        return f"its `case` condition is {verdict} for the drill's case facts {dict(drill.case)!r}"
    return None


def check(ctx: LintContext) -> Iterator[Problem]:
    pb = ctx.playbook
    tested = {f for cond in _all_conditions(pb) for f in _condition_facts(cond)}
    tested |= {src[5:] for rec in pb.records.values() for src in rec.fill if src and src.startswith("fact.")}  # forms
    for fact in pb.facts.values():
        if fact.id not in tested:
            yield finding(fact.pos, "L601", f"fact {fact.id!r} is declared but no condition tests it",
                          "use it in a rule's `when`, or remove it")

    recommended = {s for step in pb.steps.values() for s in step.scripts}
    recommended |= {s for rule in pb.rules for s in rule.then.scripts}
    cited_lines = {c.model_line for r in pb.rubrics.values() for c in r.criteria if c.model_line}
    for script in pb.scripts.values():
        if script.id in recommended or any(line.id in cited_lines for line in script.lines):
            continue
        yield finding(script.pos, "L602", f"script {script.id!r} ({len(script.lines)} lines) is never recommended: "
                      "no step lists it under `scripts` and no rule under `then.scripts`",
                      f"add it to step {script.step!r}'s scripts" if script.step else "list it in a step or rule")

    for drill in pb.drills.values():
        flags = _flags_set(pb, drill)
        reentered = {target for targets in drill_edges(drill).values() for target, _ in targets}
        for node in drill.nodes.values():
            for line in node.say:
                why = _why_never(line.when, drill, node.id, flags, reentered)
                if why:
                    yield finding(node.pos, "L603", f"customer line {line.id!r} (node {node.id!r}, drill "
                                  f"{drill.id!r}) is never said: {why}", "fix or remove its `when`")
            for resp in node.responses:
                why = _why_never(resp.when, drill, node.id, flags, reentered)
                if why:
                    yield finding(resp.pos, "L604", f"response {resp.id!r} (node {node.id!r}, drill {drill.id!r}) "
                                  f"never applies, so its feedback is never given: {why}", "fix or remove its `when`")

    used_strategies = {s for rule in pb.rules for s in rule.then.strategies}
    used_strategies |= {d.persona.strategy for d in pb.drills.values() if d.persona.strategy}
    for strategy in pb.strategies.values():
        if strategy.id not in used_strategies:
            yield finding(strategy.pos, "L605", f"strategy {strategy.id!r} is never recommended by a rule or used "
                          "by a drill persona", "list it in a rule's `then.strategies`")

    used_avoid = {a for step in pb.steps.values() for a in step.avoid}
    used_avoid |= {a for s in pb.scripts.values() for a in s.avoid}
    used_avoid |= {a for s in pb.strategies.values() for a in s.avoid}
    used_avoid |= {a for rule in pb.rules for a in rule.then.avoid}
    for item in pb.avoid.values():
        if item.id not in used_avoid:
            yield finding(item.pos, "L606", f"avoid item {item.id!r} is never shown: no step, script, strategy "
                          "or rule refers to it", "add it to the `avoid` list of the step or script it warns about")

    used_detectors: set[str] = set()
    for det in pb.detectors.values():
        used_detectors |= set(detector_refs(det.match)) - {det.id}
    for rubric in pb.rubrics.values():
        for crit in rubric.criteria:
            used_detectors |= set(detector_refs(crit.evidence))
        for rule in rubric.order:
            used_detectors |= set(rule.first) | set(rule.then)
    for drill in pb.drills.values():
        for node in drill.nodes.values():
            for resp in node.responses:
                used_detectors |= set(detector_refs(resp.match))
    for det in pb.detectors.values():
        if det.id not in used_detectors and det.effect is None:
            yield finding(det.pos, "L607", f"detector {det.id!r} is used by no rubric, drill or other detector "
                          "and has no effect", "use it in a rubric criterion or drill response, or remove it")
