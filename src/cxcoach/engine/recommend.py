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
from collections.abc import Callable, Iterable, Mapping

from ..conditions.explain import describe, explain
from ..conditions.index import CompiledRule, RuleIndex
from ..conditions.operators import Facts
from ..playbook.model import Duration, EscalationLevel, Playbook, Rule, Text
from .calendar import is_business_unit, zone
from .calendar_days import calendar_notes
from .case import Case, parse_case
from .case_problems import note_text
from .compiled import CompiledPlaybook, RoleLabels, StepPlan, StepPlans, _dedupe, compile_playbook, no_overdue
from .deadlines import CaseDeadlines, Timing, case_clock
from .escalation import highest_level, highest_warning, winner
from .result import (
    AvoidEntry,
    DeadlineStatus,
    Escalation,
    FactValue,
    NearMiss,
    Reason,
    Recommendation,
    Result,
    ScriptEntry,
    ScriptLine,
    StrategyItem,
    Texts,
)


def _main_deadlines(playbook: Playbook, hits: list[CompiledRule[Rule]], clocks: CaseDeadlines
                    ) -> tuple[tuple[Duration, str] | None, tuple[Duration, str] | None]:
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


class _Choice:
    """The clock, the rules that fire and the respond/resolve deadlines they choose, for one case.

    Shared by `recommend` and `main_deadlines`, so a report's deadlines are the
    ones `recommend` and `case show` give.
    """

    def __init__(self, playbook: Playbook, case: Case, *, late: bool = True) -> None:
        self.playbook = playbook
        self.cp = cp = compile_playbook(playbook)
        paused_state = cp.pause_when is not None and cp.pause_when(case.facts, no_overdue) is True
        self.clock = case_clock(case, paused_by_state=paused_state)
        self.facts = facts = dict(case.facts)
        facts["elapsed_minutes"] = self.clock.elapsed_minutes
        self.clocks = CaseDeadlines(playbook.calendar, self.clock, cp.met(case.facts))
        candidates = cp.index.candidates(facts)
        self.hits = cp.index.fired(facts, no_overdue, candidates & cp.plain_mask)
        self.respond, self.resolve = _main_deadlines(playbook, self.hits, self.clocks)
        if late and cp.index.overdue_mask:
            fired = cp.index.fired(facts, self.overdue, candidates & cp.index.overdue_mask)
            if fired:
                self.hits = sorted(self.hits + fired, key=lambda cr: cr.rank)
                self.respond, self.resolve = _main_deadlines(playbook, self.hits, self.clocks)

    def overdue(self, target: str) -> bool | None:
        if target in ("respond", "resolve"):
            chosen = self.respond if target == "respond" else self.resolve
            return None if chosen is None else self.clocks.overdue(target, chosen[0])
        step = self.playbook.steps.get(target)
        if step is None or step.due is None:
            return None
        return self.clocks.overdue(target, step.due)


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
    texts: bool = True,
) -> Result:
    """Evaluate one case; raw mappings are validated with `parse_case` first (CaseError).

    `texts=False` leaves out the prose (`Result.texts` is None) for callers that
    only want the decisions, such as `--stream` without `--fields +texts`.
    """
    if not isinstance(case, Case):
        case = parse_case(playbook, case)
    loc = locale or playbook.default_locale
    chosen = _Choice(playbook, case)
    cp, clock, facts, clocks, hits = chosen.cp, chosen.clock, chosen.facts, chosen.clocks, chosen.hits
    respond, resolve, overdue = chosen.respond, chosen.resolve, chosen.overdue
    index = cp.index

    local = _Local(playbook.calendar.timezone)
    reasons: dict[str, Reason] = {}
    for cr in hits:
        matched, over = cr.because(facts, overdue)
        reasons[cr.rule.id] = Reason(rule=cr.rule.id, priority=cr.rule.priority, facts=local.facts(matched),
                                     overdue=over)

    words = cp.localized(loc)
    recommendations = _recommendations(cp, words.steps, hits, clocks, local)
    attached = {sid for r in recommendations for sid in r.scripts}

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
            loose_scripts.extend(then.scripts)
    strategy_items = []
    for sid, rule_ids in strategies.items():
        s = playbook.strategies.get(sid)
        if s is None:
            continue
        avoid_ids.extend(s.avoid)
        strategy_items.append(StrategyItem(id=sid, title=s.title.get(loc), because=tuple(rule_ids),
                                           interpretation=s.interpretation))

    statuses: list[DeadlineStatus] = []
    policy = playbook.escalation
    reached: list[tuple[str, EscalationLevel]] = []
    business_spans: list[tuple[dt.datetime, dt.datetime]] = []  # deadlines the calendar decides

    def status(target: str, duration: Duration, source: str) -> None:
        t = clocks.of(target, duration)
        if is_business_unit(duration.unit) and not t.met:
            business_spans.append((clock.received_at, t.due))
        level = None if t.met else highest_level(policy, t.fraction)
        if level is not None:
            reached.append((target, level))
        statuses.append(
            DeadlineStatus(
                target=target, due=local(t.due), duration=str(duration), source=source,
                fraction=round(t.fraction, 4), overdue=t.overdue,
                warning=None if t.met else highest_warning(policy, t.fraction),
                level=None if level is None else level.id,
                to=None if level is None else level.to,
                met=t.met,
            )
        )

    if respond is not None:
        status("respond", respond[0], respond[1])
    if resolve is not None:
        status("resolve", resolve[0], resolve[1])
    for rec in recommendations:
        step = words.steps[rec.id].step  # type: ignore[union-attr]  # recommended: known
        if step.due is not None:
            status(step.id, step.due, "step")

    top = winner(policy, reached)
    escalation = None
    if top is not None:
        target, level = top
        escalation = Escalation(level=level.id, to=level.to, target=target, at=level.at, label=_text(level.label, loc))
    escalate_to = _dedupe(
        ([escalation.to] if escalation else [])
        + [role for r in recommendations if r.overdue for role in r.escalate_to]
        + escalate_rules
    )

    near = _near_misses(index, facts, overdue, {cr.rank for cr in hits}, local) if explain else None
    also_say = tuple(s for s in _dedupe(loose_scripts) if s not in attached and s in cp.script_steps)
    also_avoid = tuple(a for a in _dedupe(avoid_ids) if a in cp.avoid_ids)
    return Result(
        case_id=case.id,
        playbook=playbook.id,
        playbook_version=playbook.version,
        locale=loc,
        received_at=local(case.received_at),
        now=local(case.now),
        elapsed_minutes=round(clock.elapsed_minutes, 2),
        paused=clock.paused_now,
        paused_minutes=round(clock.paused_minutes, 2),
        overdue=tuple(d.target for d in statuses if d.overdue),
        escalation=escalation,
        escalate_to=escalate_to,
        respond_by=None if respond is None else local(clocks.due(respond[0])),
        resolve_by=None if resolve is None else local(clocks.due(resolve[0])),
        deadlines=tuple(statuses),
        recommendations=recommendations,
        also_say=also_say,
        also_avoid=also_avoid,
        strategies=tuple(strategy_items),
        fired=tuple(reasons.values()),
        roles=_roles(words.roles, recommendations, escalate_to, statuses),
        notes=tuple(note_text(code, loc) for code in case.notes),
        calendar_notes=calendar_notes(playbook.calendar, business_spans, loc),
        near_misses=near,
        texts=_texts(playbook, hits, recommendations, also_say, also_avoid, strategy_items, loc) if texts else None,
    )


class _Local:
    """Times as the result shows them: in the playbook's time zone, to the second."""

    def __init__(self, timezone: str) -> None:
        self.tz = zone(timezone)

    def __call__(self, when: dt.datetime) -> dt.datetime:
        if when.tzinfo is not self.tz:  # the calendar's times already are
            when = when.astimezone(self.tz)
        return when.replace(microsecond=0) if when.microsecond else when

    def facts(self, pairs: Iterable[tuple[str, object]]) -> dict[str, FactValue]:
        return {k: self(v) if isinstance(v, dt.datetime) else v for k, v in pairs}  # type: ignore[misc]  # case facts


def _roles(labels: RoleLabels, recommendations: tuple[Recommendation, ...], escalate_to: tuple[str, ...],
           statuses: list[DeadlineStatus]) -> dict[str, str]:
    named = [r.owner for r in recommendations if r.owner]
    named += [role for r in recommendations for role in r.escalate_to]
    named += list(escalate_to) + [d.to for d in statuses if d.to]
    out = {}
    for rid in dict.fromkeys(named):
        label = labels[rid]
        if label is not None:
            out[rid] = label
    return out


def _texts(playbook: Playbook, hits: list[CompiledRule[Rule]], recommendations: tuple[Recommendation, ...],
           also_say: tuple[str, ...], also_avoid: tuple[str, ...], strategies: list[StrategyItem], loc: str) -> Texts:
    """Every piece of prose the result names, once, in the locale (ids are known: dangling ones were dropped)."""
    steps = {}
    for rec in recommendations:
        description = playbook.steps[rec.id].description
        if description is not None:
            steps[rec.id] = description.get(loc)
    scripts = {}
    for sid in dict.fromkeys([*(s for r in recommendations for s in r.scripts), *also_say]):
        s = playbook.scripts[sid]
        lines = tuple(ScriptLine(id=line.id, text=line.text.get(loc)) for line in s.lines)
        scripts[sid] = ScriptEntry(title=s.title.get(loc), lines=lines)
    avoid = {}
    for aid in dict.fromkeys([*(a for r in recommendations for a in r.avoid), *also_avoid]):
        a = playbook.avoid[aid]
        avoid[aid] = AvoidEntry(title=a.title.get(loc), why=a.why.get(loc), instead=_text(a.instead, loc))
    advice = {s.id: tuple(line.text.get(loc) for line in playbook.strategies[s.id].advice) for s in strategies}
    rules = {cr.rule.id: cr.rule.because.get(loc) for cr in hits if cr.rule.because is not None}
    return Texts(steps=steps, scripts=scripts, avoid=avoid, strategies=advice, rules=rules)


class _Entry:
    """A step on its way to a Recommendation: its rank key and what the rules that name it add.

    A plain class: it gathers as rules are read (the Structs are frozen values).
    """

    __slots__ = ("because", "key", "plan", "strategies")

    def __init__(self, key: tuple[int, ...], plan: StepPlan) -> None:
        self.key = key
        self.plan = plan
        self.because: list[str] = []
        self.strategies: list[str] = []


def _recommendations(cp: CompiledPlaybook, plans: StepPlans, hits: list[CompiledRule[Rule]], clocks: CaseDeadlines,
                     local: _Local) -> tuple[Recommendation, ...]:
    """The recommended steps, ranked; a step's avoid list is its own and its scripts' (the rules' is the case's)."""
    entries: dict[str, _Entry] = {}
    for cr in hits:
        rule = cr.rule
        for pos, sid in enumerate(rule.then.steps):
            entry = entries.get(sid)
            if entry is None:
                plan = plans[sid]
                if plan is None:
                    continue
                entry = entries[sid] = _Entry((-rule.priority, *plan.order, cr.rank, pos), plan)
            entry.because.append(rule.id)
            entry.strategies.extend(rule.then.strategies)
    # rule-level scripts said at a recommended step go with that step
    step_scripts: dict[str, list[str]] = {}
    for cr in hits:
        for script_id in cr.rule.then.scripts:
            step_id = cp.script_steps.get(script_id)
            if step_id is not None and step_id in entries and script_id not in entries[step_id].plan.scripts:
                step_scripts.setdefault(step_id, []).append(script_id)
    out = []
    for sid, entry in sorted(entries.items(), key=lambda kv: kv[1].key):
        plan = entry.plan
        step = plan.step
        scripts, avoid = plan.scripts, plan.avoid
        if sid in step_scripts:
            extra = _dedupe(step_scripts[sid])
            scripts = scripts + extra
            avoid = _dedupe([*avoid, *(a for s in extra for a in cp.playbook.scripts[s].avoid if a in cp.avoid_ids)])
        t = clocks.of(sid, step.due) if step.due is not None else None
        out.append(
            Recommendation(
                id=sid,
                procedure=step.procedure,
                title=plan.title,
                owner=step.owner,
                due=None if t is None else local(t.due),
                overdue=bool(t and t.overdue),
                scripts=scripts,
                avoid=avoid,
                escalate_to=step.escalate_to,
                strategies=_dedupe(entry.strategies) if entry.strategies else (),
                records=step.records,
                because=tuple(entry.because),
            )
        )
    return tuple(out)


def _near_misses(index: RuleIndex[Rule], facts: Facts, overdue: Callable[[str], bool | None], fired: set[int],
                 local: _Local) -> tuple[NearMiss, ...]:
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
        why = explain(part, facts, overdue)
        out.append(
            NearMiss(
                rule=cr.rule.id,
                condition=describe(part),
                state="unknown" if states[i] is None else "failed",
                missing=why.missing,
                actual=local.facts(why.matched) if states[i] is False else {},
                held=tuple(describe(p) for j, p in enumerate(cr.parts) if j != i),
            )
        )
    return tuple(out)

