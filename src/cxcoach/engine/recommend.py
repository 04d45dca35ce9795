"""`recommend(playbook, case)`: which rules fire, what to do next, by when, and why.

Evaluation order
  1. The clock: paused time from the case's `pauses` plus "paused now" when
     the case matches `clock.pause_when` (evaluated on the stated facts only).
     `elapsed_minutes` = wall-clock minutes since `received_at` less pauses.
  2. Rules without `overdue` tests fire from the index (see `index.py`).
  3. `respond`/`resolve` deadlines are computed from the playbook defaults and
     the fired rules; step deadlines from each step's `due`.
  4. Rules with `overdue` tests are evaluated against those deadlines. Their
     own deadlines and steps are added to the result but do not feed back
     into `overdue` tests (one pass, so the result never oscillates).
     `overdue: <step id>` uses the step's own `due` counted from
     `received_at` (with pauses), whether or not the step is recommended; a
     step without `due`, or an unset respond/resolve deadline, is unknown.

Ranking and conflict resolution (deterministic, per output)
  * Rules: priority descending, then declaration order.
  * Recommendations (steps) collect across fired rules, ranked by the best
    priority among the rules that recommend the step (desc), then step order:
    the procedure's declaration order, then the step's position in its
    procedure (so equal-priority steps follow the playbook's flow instead of
    interleaving procedures), then the declaration order of that best rule,
    then the step's position in that rule's `then.steps`.
  * Scripts, avoid items, strategies and escalation targets collect across
    rules without duplicates, in rule rank order (step-owned items first).
  * `respond_by`/`resolve_by`: the earliest candidate wins (playbook default
    or any fired rule); on an exact tie the best-ranked rule is named.
  * Escalation: the highest ladder level reached on any deadline wins and
    its role heads `escalate_to`; then the roles of overdue steps; then the
    fired rules' `escalate_to`.

Every fired rule yields a `Reason` (rule id and the exact facts, with values,
that made it fire). `explain=True` adds near misses: rules that did not fire
although all but one of their top-level conditions held (single-condition
rules only when that condition was unknown), naming the failed or unknown
condition and the missing facts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import msgspec

from ..gc_pause import gc_paused
from ..playbook.model import Calendar, Duration, Playbook, Text
from .calendar import is_business_unit
from .calendar_days import calendar_notes
from .case import Case, parse_case
from .conditions import Facts, Predicate, compile_condition, describe, evaluate
from .deadlines import CaseClock, Timing, case_clock, timing
from .escalation import highest_level, highest_warning, winner
from .index import CompiledRule, RuleIndex
from .result import (
    AvoidItem,
    DeadlineStatus,
    Escalation,
    NearMiss,
    Reason,
    Recommendation,
    Result,
    ScriptLine,
    StrategyItem,
)

_CACHE_SIZE = 8


def _no_overdue(target: str) -> None:
    return None


class CompiledPlaybook(msgspec.Struct, frozen=True):
    """A playbook's rules compiled and indexed once; reused for every case."""

    playbook: Playbook
    index: RuleIndex
    pause_when: Predicate | None
    plain_mask: int  # rules without overdue tests (phase 1)
    respond_met: Predicate | None = None
    resolve_met: Predicate | None = None

    def met(self, facts: Facts) -> frozenset[str]:
        """Deadlines the case has met (clock.met_when); a settled case stops every clock."""
        done = set()
        if self.respond_met is not None and self.respond_met(facts, _no_overdue) is True:
            done.add("respond")
        if self.resolve_met is not None and self.resolve_met(facts, _no_overdue) is True:
            done.update(("respond", "resolve", "*"))
        return frozenset(done)

    def match(self, facts: Facts) -> list[CompiledRule]:
        """Rules firing on plain facts (no deadline tests); the fast path benchmarks use."""
        return self.index.match(facts, _no_overdue, self.plain_mask)


_compiled: dict[int, CompiledPlaybook] = {}


def compile_playbook(playbook: Playbook) -> CompiledPlaybook:
    """Compile (or fetch the cached compilation of) a playbook; keyed on object identity."""
    hit = _compiled.get(id(playbook))
    if hit is not None and hit.playbook is playbook:
        return hit
    types = {f.id: f.type for f in playbook.facts.values()}
    with gc_paused():
        index = RuleIndex(playbook.rules, types)
    pause = compile_condition(playbook.clock.pause_when) if playbook.clock.pause_when is not None else None
    clock = playbook.clock
    cp = CompiledPlaybook(
        playbook, index, pause, index.all_mask & ~index.overdue_mask,
        compile_condition(clock.respond_met_when) if clock.respond_met_when is not None else None,
        compile_condition(clock.resolve_met_when) if clock.resolve_met_when is not None else None,
    )
    if len(_compiled) >= _CACHE_SIZE:
        _compiled.pop(next(iter(_compiled)))
    _compiled[id(playbook)] = cp
    return cp


class _Deadlines:
    """Computes and memoises timings for one case."""

    def __init__(self, cal: Calendar, clock: CaseClock, met: frozenset[str] = frozenset()) -> None:
        self.cal, self.clock, self.met = cal, clock, met
        self._memo: dict[Duration, Timing] = {}

    def of(self, target: str, duration: Duration) -> Timing:
        """The timing of a named deadline (respond, resolve, a step id), met ones never overdue."""
        t = self.timing(duration)
        done = target in self.met or (target not in ("respond", "resolve") and "*" in self.met)
        return t.as_met() if done else t

    def timing(self, duration: Duration) -> Timing:
        t = self._memo.get(duration)
        if t is None:
            t = self._memo[duration] = timing(self.cal, self.clock, duration)
        return t

    def earliest(self, candidates: list[tuple[Duration, str]]) -> tuple[Duration, str, Timing] | None:
        best: tuple[Duration, str, Timing] | None = None
        for duration, source in candidates:
            t = self.timing(duration)
            if best is None or t.due < best[2].due:
                best = (duration, source, t)
        return best


def _main_deadlines(playbook: Playbook, hits: list[CompiledRule], clocks: _Deadlines):
    respond: list[tuple[Duration, str]] = []
    resolve: list[tuple[Duration, str]] = []
    for cr in hits:
        d = cr.rule.then.deadlines
        if d.respond is not None:
            respond.append((d.respond, cr.rule.id))
        if d.resolve is not None:
            resolve.append((d.resolve, cr.rule.id))
    if playbook.deadlines.respond is not None:
        respond.append((playbook.deadlines.respond, "playbook"))
    if playbook.deadlines.resolve is not None:
        resolve.append((playbook.deadlines.resolve, "playbook"))
    return clocks.earliest(respond), clocks.earliest(resolve)


def _text(t: Text | None, locale: str) -> str | None:
    return None if t is None else t.get(locale)


def _dedupe(items) -> tuple:
    return tuple(dict.fromkeys(items))


class _Choice:
    """The clock, the rules that fire and the respond/resolve deadlines they choose, for one case.

    Shared by `recommend` and `main_deadlines`, so a report's deadlines are the
    ones `recommend` and `case show` give.
    """

    def __init__(self, playbook: Playbook, case: Case, *, late: bool = True) -> None:
        self.playbook = playbook
        self.cp = cp = compile_playbook(playbook)
        paused_state = cp.pause_when is not None and cp.pause_when(case.facts, _no_overdue) is True
        self.clock = case_clock(case, paused_by_state=paused_state)
        self.facts = facts = dict(case.facts)
        facts["elapsed_minutes"] = self.clock.elapsed_minutes
        self.clocks = _Deadlines(playbook.calendar, self.clock, cp.met(case.facts))
        self.hits = cp.index.match(facts, _no_overdue, cp.plain_mask)
        self.respond, self.resolve = _main_deadlines(playbook, self.hits, self.clocks)
        if late and cp.index.overdue_mask:
            fired = cp.index.match(facts, self.overdue, cp.index.overdue_mask)
            if fired:
                self.hits = sorted(self.hits + fired, key=lambda cr: cr.rank)
                self.respond, self.resolve = _main_deadlines(playbook, self.hits, self.clocks)

    def overdue(self, target: str) -> bool | None:
        if target in ("respond", "resolve"):
            chosen = self.respond if target == "respond" else self.resolve
            return None if chosen is None else self.clocks.of(target, chosen[0]).overdue
        step = self.playbook.steps.get(target)
        if step is None or step.due is None:
            return None
        return self.clocks.of(target, step.due).overdue


def main_deadlines(playbook: Playbook, case: Case) -> dict[str, tuple[str, str, Timing]]:
    """The respond and resolve deadlines `recommend` would give `case`, without steps, scripts or ranking.

    target -> (duration as written, source rule id or "playbook", Timing with
    `due`, `overdue` and `met`). A report evaluates thousands of cases, and
    this is a fraction of `recommend`'s cost.
    """
    cp = compile_playbook(playbook)
    late = any(cr.uses_overdue and (cr.rule.then.deadlines.respond or cr.rule.then.deadlines.resolve)
               for cr in cp.index.rules)  # rules that test deadlines can only move them if they set some
    chosen = _Choice(playbook, case, late=late)
    out: dict[str, tuple[str, str, Timing]] = {}
    for target, pick in (("respond", chosen.respond), ("resolve", chosen.resolve)):
        if pick is not None:
            out[target] = (str(pick[0]), pick[1], chosen.clocks.of(target, pick[0]))
    return out


def recommend(
    playbook: Playbook,
    case: Case | Mapping[str, object],
    *,
    explain: bool = False,
    locale: str | None = None,
) -> Result:
    """Evaluate one case; raw mappings are validated with `parse_case` first (CaseError)."""
    if not isinstance(case, Case):
        case = parse_case(playbook, case)
    loc = locale or playbook.default_locale
    chosen = _Choice(playbook, case)
    cp, clock, facts, clocks, hits = chosen.cp, chosen.clock, chosen.facts, chosen.clocks, chosen.hits
    respond, resolve, overdue = chosen.respond, chosen.resolve, chosen.overdue
    index = cp.index

    reasons: dict[str, Reason] = {}
    for cr in hits:
        rule = cr.rule
        matched, over = cr.because(facts, overdue)
        text = None if rule.because is None else rule.because.get(loc)
        reasons[rule.id] = Reason(rule.id, matched, over, text, rule.priority)

    recommendations = _recommendations(playbook, hits, reasons, clocks, loc)
    attached = {line.script for r in recommendations for line in r.script}

    strategies: dict[str, list[str]] = {}
    avoid_ids: list[str] = []
    loose_scripts: list[str] = []
    escalate_rules: list[str] = []
    for cr in hits:
        then = cr.rule.then
        if then.strategies:
            for sid in then.strategies:
                strategies.setdefault(sid, []).append(cr.rule.id)
        if then.avoid:
            avoid_ids.extend(then.avoid)
        if then.escalate_to:
            escalate_rules.extend(then.escalate_to)
        if then.scripts:
            loose_scripts.extend(s for s in then.scripts if s not in attached)
    strategy_items = []
    for sid, rule_ids in strategies.items():
        s = playbook.strategies.get(sid)
        if s is None:
            continue
        avoid_ids.extend(s.avoid)
        strategy_items.append(
            StrategyItem(sid, s.title.get(loc), tuple(a.text.get(loc) for a in s.advice), tuple(rule_ids), s.interpretation)
        )

    statuses: list[DeadlineStatus] = []
    policy = playbook.escalation
    reached: list[tuple[str, object]] = []
    business_spans: list[tuple[dt.datetime, dt.datetime]] = []  # deadlines the calendar decides

    def status(target: str, duration: Duration, source: str, t: Timing) -> None:
        t = clocks.of(target, duration)
        if is_business_unit(duration.unit) and not t.met:
            business_spans.append((clock.received_at, t.due))
        level = None if t.met else highest_level(policy, t.fraction)
        if level is not None:
            reached.append((target, level))
        statuses.append(
            DeadlineStatus(
                target, t.due, str(duration), source, t.fraction, t.overdue,
                None if t.met else highest_warning(policy, t.fraction),
                None if level is None else level.id,
                None if level is None else level.to,
                t.met,
            )
        )

    if respond is not None:
        status("respond", *respond)
    if resolve is not None:
        status("resolve", *resolve)
    for rec in recommendations:
        step = playbook.steps[rec.id]
        if step.due is not None:
            status(step.id, step.due, "step", clocks.of(step.id, step.due))

    top = winner(policy, reached)  # type: ignore[arg-type]
    escalation = None
    if top is not None:
        target, level = top
        escalation = Escalation(level.id, level.to, target, level.at, _text(level.label, loc))
    overdue_steps = tuple(r.id for r in recommendations if r.overdue)
    escalate_to = _dedupe(
        ([escalation.to] if escalation else [])
        + [role for r in recommendations if r.overdue for role in r.escalate_to]
        + escalate_rules
    )

    near = _near_misses(index, facts, overdue, {cr.rank for cr in hits}) if explain else None
    return Result(
        playbook=playbook.id,
        locale=loc,
        case_id=case.id,
        received_at=case.received_at,
        now=case.now,
        elapsed_minutes=clock.elapsed_minutes,
        paused_minutes=clock.paused_minutes,
        paused=clock.paused_now,
        recommendations=recommendations,
        strategies=tuple(strategy_items),
        avoid=_avoid_items(playbook, _dedupe(avoid_ids), loc),
        scripts=_script_lines(playbook, _dedupe(loose_scripts), loc),
        respond_by=None if respond is None else respond[2].due,
        resolve_by=None if resolve is None else resolve[2].due,
        deadlines=tuple(statuses),
        escalation=escalation,
        escalate_to=escalate_to,
        overdue=overdue_steps,
        fired=tuple(reasons.values()),
        near_misses=near,
        notes=case.notes,
        roles=_roles(playbook, recommendations, escalate_to, statuses, loc),
        calendar_notes=calendar_notes(playbook.calendar, business_spans, loc),
    )


def _roles(playbook: Playbook, recommendations, escalate_to, statuses, loc: str) -> tuple[tuple[str, str], ...]:
    named = [r.owner for r in recommendations if r.owner]
    named += [role for r in recommendations for role in r.escalate_to]
    named += list(escalate_to) + [d.to for d in statuses if d.to]
    out = []
    for rid in dict.fromkeys(named):
        role = playbook.roles.get(rid)
        if role is not None:
            out.append((rid, role.label.get(loc)))
    return tuple(out)


def _avoid_items(playbook: Playbook, ids, loc: str) -> tuple[AvoidItem, ...]:
    out = []
    for aid in ids:
        a = playbook.avoid.get(aid)
        if a is not None:
            out.append(AvoidItem(aid, a.title.get(loc), a.why.get(loc), _text(a.instead, loc)))
    return tuple(out)


def _script_lines(playbook: Playbook, ids, loc: str) -> tuple[ScriptLine, ...]:
    out = []
    for sid in ids:
        s = playbook.scripts.get(sid)
        if s is not None:
            out.extend(ScriptLine(sid, line.id, line.text.get(loc)) for line in s.lines)
    return tuple(out)


def _recommendations(playbook, hits, reasons, clocks: _Deadlines, loc: str) -> tuple[Recommendation, ...]:
    proc_pos = {pid: i for i, pid in enumerate(playbook.procedures)}
    entries: dict[str, tuple[tuple, list[CompiledRule]]] = {}
    for cr in hits:
        for pos, sid in enumerate(cr.rule.then.steps):
            step = playbook.steps.get(sid)
            if step is None:
                continue
            if sid not in entries:
                entries[sid] = ((-cr.rule.priority, proc_pos.get(step.procedure, 0), step.index, cr.rank, pos), [])
            entries[sid][1].append(cr)
    chosen = set(entries)
    # rule-level scripts said at a recommended step go with that step
    step_scripts: dict[str, list[str]] = {}
    for cr in hits:
        for sid in cr.rule.then.scripts:
            script = playbook.scripts.get(sid)
            if script is not None and script.step in chosen:
                step_scripts.setdefault(script.step, []).append(sid)
    out = []
    for sid, (_, rules) in sorted(entries.items(), key=lambda kv: kv[1][0]):
        step = playbook.steps[sid]
        script_ids = _dedupe([*step.scripts, *step_scripts.get(sid, [])])
        avoid_ids = list(step.avoid)
        for scr in script_ids:
            if scr in playbook.scripts:
                avoid_ids.extend(playbook.scripts[scr].avoid)
        for cr in rules:
            avoid_ids.extend(cr.rule.then.avoid)
        t = clocks.of(sid, step.due) if step.due is not None else None
        out.append(
            Recommendation(
                id=sid,
                procedure=step.procedure,
                title=step.title.get(loc),
                owner=step.owner,
                due=None if t is None else t.due,
                overdue=bool(t and t.overdue),
                script=_script_lines(playbook, script_ids, loc),
                avoid=_avoid_items(playbook, _dedupe(avoid_ids), loc),
                escalate_to=step.escalate_to,
                strategies=_dedupe(s for cr in rules for s in cr.rule.then.strategies),
                records=step.records,
                because=tuple(reasons[cr.rule.id] for cr in rules),
                description=_text(step.description, loc),
            )
        )
    return tuple(out)


def _near_misses(index: RuleIndex, facts: Facts, overdue, fired: set[int]) -> tuple[NearMiss, ...]:
    out = []
    for cr in index.rules:
        if cr.rank in fired:
            continue
        states = [p(facts, overdue) for p in index.part_predicates(cr)]
        bad = [i for i, s in enumerate(states) if s is not True]
        if len(bad) != 1:
            continue
        i = bad[0]
        if len(states) == 1 and states[i] is not None:
            continue
        part = cr.parts[i]
        why = evaluate(part, facts, overdue)
        out.append(
            NearMiss(
                rule=cr.rule.id,
                condition=describe(part),
                state="unknown" if states[i] is None else "failed",
                missing=why.missing,
                actual=why.matched if states[i] is False else (),
                held=tuple(describe(p) for j, p in enumerate(cr.parts) if j != i),
            )
        )
    return tuple(out)

