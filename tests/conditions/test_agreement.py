"""Every way of answering a condition gives the same answer: one meaning, one operator table.

The paths are the plain walk (`evaluate`, the reference), the compiled
closures, the traced walk (`explain`), the rule index's masks (which say
whether a rule fires), a drill's state test and a rubric's `na_when` (which
hold only when the condition is true).
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxcoach.conditions.compile import compile_condition
from cxcoach.conditions.evaluate import evaluate, no_clock
from cxcoach.conditions.explain import explain
from cxcoach.conditions.index import RuleIndex
from cxcoach.conditions.operators import OPS_BY_TYPE
from cxcoach.drill.matcher import ReplyContext
from cxcoach.drill.scoring import Status, score_contexts
from cxcoach.drill.state import CustomerState, Situation, holds
from cxcoach.playbook import drill_model as dm
from cxcoach.playbook import model as m

from ..engine.factory import all_, not_, rule, t, text

UTC = dt.UTC
TYPES = {"severity": m.FactType.ENUM, "vip": m.FactType.BOOL, "count": m.FactType.NUMBER, "name": m.FactType.TEXT,
         "seen": m.FactType.DATETIME, "elapsed_minutes": m.FactType.NUMBER}

# What a case may hold: mostly values of the fact's type, sometimes another kind (a drill's
# case facts are not typed by a case parser), sometimes nothing.
typed = {
    "severity": st.sampled_from(["major", "general", "minor"]),
    "vip": st.booleans(),
    "count": st.one_of(st.integers(-2, 12), st.sampled_from([0.5, 3.0, 7.25])),
    "name": st.sampled_from(["a", "m", "Zed", "ANNA", ""]),
    "seen": st.sampled_from([dt.datetime(2026, 3, 1, tzinfo=UTC), dt.datetime(2026, 3, 9, tzinfo=UTC)]),
    "elapsed_minutes": st.integers(0, 600),
}
stray = st.one_of(st.booleans(), st.integers(0, 2), st.sampled_from(["1", "true", "major", "a"]), st.just(3.0),
                  st.lists(st.integers(0, 2), max_size=2))
facts_st = st.fixed_dictionaries({}, optional={name: st.one_of(values, values, values, stray)
                                               for name, values in typed.items()})
overdue_st = st.fixed_dictionaries({"respond": st.sampled_from([True, False, None]),
                                    "resolve": st.sampled_from([True, False, None])})

# Values a playbook's parser lets through for each fact type and operator.
VALUES = {
    m.FactType.ENUM: st.sampled_from(["major", "general", "minor"]),
    m.FactType.BOOL: st.booleans(),
    m.FactType.NUMBER: st.one_of(st.integers(-1, 11), st.sampled_from([0.5, 3.0, 7.25])),
    m.FactType.TEXT: st.sampled_from(["a", "m", "zed", "ann", "A"]),
}


@st.composite
def fact_tests(draw: st.DrawFn) -> m.FactTest:
    fact = draw(st.sampled_from(sorted(TYPES)))
    ftype = TYPES[fact]
    op = draw(st.sampled_from(sorted(OPS_BY_TYPE[ftype])))
    if op is m.Op.EXISTS:
        return m.FactTest(fact, op, draw(st.booleans()))
    value = VALUES[ftype]
    if op in (m.Op.IN, m.Op.NOT_IN):
        return m.FactTest(fact, op, tuple(draw(st.lists(value, min_size=1, max_size=3))))
    if op is m.Op.BETWEEN:
        lo, hi = sorted(draw(st.lists(VALUES[m.FactType.NUMBER], min_size=2, max_size=2)))
        return m.FactTest(fact, op, (lo, hi))
    return m.FactTest(fact, op, draw(value))


leaves = st.one_of(fact_tests(), fact_tests(), fact_tests(),
                   st.sampled_from([m.Overdue("respond"), m.Overdue("resolve")]))
conditions = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=4).map(lambda items: m.All(tuple(items))),
        st.lists(inner, min_size=1, max_size=4).map(lambda items: m.Any(tuple(items))),
        inner.map(m.Not),
    ),
    max_leaves=8,
)


@settings(max_examples=800, deadline=None)
@given(conditions, facts_st, overdue_st)
def test_plain_compiled_and_traced_answers_agree(cond, facts, deadlines):
    overdue = deadlines.get
    answer = evaluate(cond, facts, overdue)
    assert compile_condition(cond)(facts, overdue) is answer
    assert explain(cond, facts, overdue).state is answer


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(conditions, st.lists(fact_tests(), min_size=1, max_size=4).map(lambda ts: m.All(tuple(ts)))),
                min_size=1, max_size=6), facts_st, overdue_st)
def test_the_index_fires_exactly_the_rules_whose_condition_is_true(whens, facts, deadlines):
    rules = [rule(f"r{i}", when, priority=50 - i % 3, order=i) for i, when in enumerate(whens)]
    index = RuleIndex(rules, TYPES)
    expected = [cr.rule.id for cr in index.rules if evaluate(cr.rule.when, facts, deadlines.get) is True]
    assert [cr.rule.id for cr in index.match(facts, deadlines.get)] == expected


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(conditions, st.lists(fact_tests(), min_size=1, max_size=4).map(lambda ts: m.All(tuple(ts)))),
                min_size=1, max_size=6), facts_st, overdue_st)
def test_a_fired_rule_gives_the_reason_explaining_its_whole_condition_gives(whens, facts, deadlines):
    """`because` reads indexed conjuncts off the case and explains only the residual ones: the same trace."""
    rules = [rule(f"r{i}", when, order=i) for i, when in enumerate(whens)]
    for cr in RuleIndex(rules, TYPES).match(facts, deadlines.get):
        whole = explain(m.All(cr.parts), facts, deadlines.get)
        assert cr.because(facts, deadlines.get) == (whole.matched, whole.overdue)


@settings(max_examples=400, deadline=None)
@given(conditions, facts_st)
def test_a_drill_state_test_holds_exactly_when_the_condition_is_true(cond, facts):
    where = Situation(CustomerState(0, 0.0), visits=1, turn=1, case=facts)
    assert holds(dm.StateTest(case=cond), where) is (evaluate(cond, facts, no_clock) is True)


def _na(cond: m.Condition, case: dict[str, object]) -> bool:
    criterion = dm.Criterion("c", text("c"), dm.CriterionKind.WEIGHT, 10, dm.Phrase("x"), na_when=cond)
    rubric = dm.Rubric("r", text("r"), dm.Scope.REPLY, (criterion,))
    (result,) = score_contexts(rubric, [ReplyContext.of("你好")], case=case).criteria
    return result.status is Status.NA


# The three places where drills used to disagree with the engine (issue 14).
@pytest.mark.parametrize(("cond", "facts"), [
    (not_(t("vip", "eq", True)), {}),  # unknown, not true: a missing fact
    (t("count", "eq", True), {"count": 1}),  # 1 is not true
    (t("name", "lt", "m"), {"name": "a"}),  # text is not ordered
])
def test_former_divergences_go_through_the_one_evaluator(cond, facts):
    answer = evaluate(cond, facts)
    assert answer is (None if facts == {} else False)
    assert compile_condition(cond)(facts, no_clock) is answer
    assert not holds(dm.StateTest(case=cond), Situation(CustomerState(0, 0.0), 1, 1, case=facts))
    assert not _na(cond, facts)  # the criterion applies: the engine would not call it true


def test_na_when_true_leaves_the_criterion_out():
    assert _na(all_(t("severity", "eq", "major"), not_(t("vip", "eq", True))), {"severity": "major", "vip": False})
