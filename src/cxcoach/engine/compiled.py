"""A playbook compiled once for the engine: its rules indexed, and what each case would otherwise look up.

`compile_playbook` keeps the last few compilations, keyed on the playbook
object: a playbook is immutable, so a compilation never goes stale, and it
holds the playbook so the key cannot be reused while it is kept. Everything
here is worked out from the playbook alone (per locale where words are
involved), never from a case.
"""

from __future__ import annotations

from collections.abc import Iterable

import msgspec

from ..conditions.compile import Predicate, compile_condition
from ..conditions.index import CompiledRule, RuleIndex
from ..conditions.operators import Facts
from ..gc_pause import gc_paused
from ..playbook.model import Fact, FactType, Playbook, Rule, Step

_CACHE_SIZE = 8


def no_overdue(target: str) -> None:
    """The `overdue:` answer where no deadline is known (facts alone): unknown, never a guess."""
    return None


class StepPlan(msgspec.Struct, frozen=True):
    """What a recommended step always carries, in one locale: worked out once, not for every case."""

    step: Step
    order: tuple[int, int]  # its procedure's position, its position in the procedure
    title: str
    scripts: tuple[str, ...]  # the step's scripts (known ids only)
    avoid: tuple[str, ...]  # what the step and those scripts warn against (known ids only)


class CaseFacts(msgspec.Struct, frozen=True):
    """The declared facts as `parse_case` reads a case with them."""

    by_id: dict[str, Fact]
    enum_values: dict[str, frozenset[str]]  # the value ids of each enum fact
    defaults: tuple[Fact, ...]  # the facts with a default, in declaration order


def _case_facts(playbook: Playbook) -> CaseFacts:
    facts = dict(playbook.facts)
    return CaseFacts(facts, {f.id: frozenset(f.value_ids) for f in facts.values() if f.type is FactType.ENUM},
                     tuple(f for f in facts.values() if f.default is not None))


class CompiledPlaybook(msgspec.Struct, frozen=True, kw_only=True):
    """A playbook's rules compiled and indexed once, and the lookups every case makes; reused for every case."""

    playbook: Playbook
    index: RuleIndex[Rule]
    pause_when: Predicate | None
    plain_mask: int  # rules without overdue tests (phase 1)
    respond_met: Predicate | None = None
    resolve_met: Predicate | None = None
    facts: CaseFacts
    script_steps: dict[str, str | None]  # every script's id -> the step it is said at
    avoid_ids: frozenset[str]  # every avoid item's id
    by_locale: dict[str, Localized] = msgspec.field(default_factory=dict)

    def localized(self, locale: str) -> Localized:
        """What this playbook's steps and roles come to in `locale`, filled in as cases ask."""
        found = self.by_locale.get(locale)
        if found is None:
            words = Localized(StepPlans(self.playbook, locale), RoleLabels(self.playbook, locale))
            found = self.by_locale[locale] = words
        return found

    def met(self, facts: Facts) -> frozenset[str]:
        """Deadlines the case has met (clock.met_when); a settled case stops every clock."""
        done = set()
        if self.respond_met is not None and self.respond_met(facts, no_overdue) is True:
            done.add("respond")
        if self.resolve_met is not None and self.resolve_met(facts, no_overdue) is True:
            done.update(("respond", "resolve", "*"))
        return frozenset(done)

    def match(self, facts: Facts) -> list[CompiledRule[Rule]]:
        """Rules firing on plain facts (no deadline tests); the fast path benchmarks use."""
        return self.index.match(facts, no_overdue, self.plain_mask)


class StepPlans(dict[str, StepPlan | None]):
    """Step id -> its plan in one locale (None for an unknown step), each made when first looked up."""

    def __init__(self, playbook: Playbook, locale: str) -> None:
        super().__init__()
        self.playbook, self.locale = playbook, locale

    def __missing__(self, step_id: str) -> StepPlan | None:
        playbook = self.playbook
        step = playbook.steps.get(step_id)
        plan = None
        if step is not None:
            procedures = list(playbook.procedures)
            order = (procedures.index(step.procedure) if step.procedure in procedures else 0, step.index)
            scripts = tuple(s for s in _dedupe(step.scripts) if s in playbook.scripts)
            avoid = _step_avoid(playbook, step.avoid, scripts)
            plan = StepPlan(step, order, step.title.get(self.locale), scripts, avoid)
        self[step_id] = plan
        return plan


class RoleLabels(dict[str, str | None]):
    """Role id -> its label in one locale (None for an unknown role), each looked up once."""

    def __init__(self, playbook: Playbook, locale: str) -> None:
        super().__init__()
        self.playbook, self.locale = playbook, locale

    def __missing__(self, role_id: str) -> str | None:
        role = self.playbook.roles.get(role_id)
        label = self[role_id] = None if role is None else role.label.get(self.locale)
        return label


class Localized(msgspec.Struct, frozen=True):
    """A playbook's step plans and role labels in one locale."""

    steps: StepPlans
    roles: RoleLabels


def _step_avoid(playbook: Playbook, own: tuple[str, ...], scripts: tuple[str, ...]) -> tuple[str, ...]:
    ids = [*own, *(a for s in scripts for a in playbook.scripts[s].avoid)]
    return tuple(a for a in _dedupe(ids) if a in playbook.avoid)


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
        playbook=playbook, index=index, pause_when=pause, plain_mask=index.all_mask & ~index.overdue_mask,
        respond_met=compile_condition(clock.respond_met_when) if clock.respond_met_when is not None else None,
        resolve_met=compile_condition(clock.resolve_met_when) if clock.resolve_met_when is not None else None,
        facts=_case_facts(playbook),
        script_steps={sid: script.step for sid, script in playbook.scripts.items()},
        avoid_ids=frozenset(playbook.avoid),
    )
    if len(_compiled) >= _CACHE_SIZE:
        _compiled.pop(next(iter(_compiled)))
    _compiled[id(playbook)] = cp
    return cp


def _dedupe(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))
