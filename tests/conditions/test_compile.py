from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxcoach.conditions.compile import compile_condition
from cxcoach.conditions.explain import describe, explain
from cxcoach.conditions.model import conjuncts
from cxcoach.playbook import model as m

from ..engine.factory import all_, any_, not_, overdue, t

NO_DEADLINES = lambda target: None  # noqa: E731 - the overdue callback when no deadline is overdue
FACTS = {"severity": "major", "anger": 7, "malicious": False, "note": "Customer SHOUTED at staff",
         "promised_at": dt.datetime(2026, 3, 4, 12, tzinfo=dt.UTC)}


def run(cond, facts=FACTS, over=NO_DEADLINES):
    verdict = compile_condition(cond)(facts, over)
    assert explain(cond, facts, over).state is verdict  # the traced walk always agrees
    return verdict


@pytest.mark.parametrize(("cond", "expected"), [
    (t("severity", "eq", "major"), True),
    (t("severity", "eq", "general"), False),
    (t("severity", "ne", "general"), True),
    (t("severity", "ne", "major"), False),
    (t("severity", "in", ["general", "major"]), True),
    (t("severity", "in", ["general"]), False),
    (t("severity", "not_in", ["general"]), True),
    (t("severity", "not_in", ["major", "general"]), False),
    (t("anger", "lt", 8), True), (t("anger", "lt", 7), False),
    (t("anger", "le", 7), True), (t("anger", "le", 6.5), False),
    (t("anger", "gt", 6), True), (t("anger", "gt", 7), False),
    (t("anger", "ge", 7), True), (t("anger", "ge", 7.01), False),
    (t("anger", "between", [7, 9]), True), (t("anger", "between", [1, 7]), True),
    (t("anger", "between", [8, 9]), False),
    (t("anger", "eq", 7.0), True),
    (t("note", "contains", "shouted"), True),  # case-insensitive
    (t("note", "contains", "refund"), False),
    (t("note", "exists"), True),
    (t("missing_fact", "exists"), False),
    (t("missing_fact", "exists", False), True),
    (t("note", "exists", False), False),
    (t("malicious", "eq", False), True),
    (t("malicious", "eq", 0), False),  # a bool fact is never equal to a number
    (t("anger", "lt", "8"), False),  # mismatched types never compare
])
def test_every_operator(cond, expected):
    assert run(cond) is expected


@pytest.mark.parametrize("op,value", [
    ("eq", "major"), ("ne", "major"), ("in", ["major"]), ("not_in", ["major"]), ("lt", 1), ("le", 1),
    ("gt", 1), ("ge", 1), ("between", [1, 2]), ("contains", "x"),
])
def test_missing_fact_is_unknown_for_every_operator(op, value):
    out = explain(t("absent", op, value), FACTS, NO_DEADLINES)
    assert out.state is None and out.missing == ("absent",)
    assert compile_condition(t("absent", op, value))(FACTS, NO_DEADLINES) is None


def test_kleene_logic():
    unknown, yes, no = t("absent", "eq", "x"), t("severity", "eq", "major"), t("severity", "eq", "general")
    assert run(all_(yes, unknown)) is None
    assert run(all_(no, unknown)) is False
    assert run(any_(yes, unknown)) is True
    assert run(any_(no, unknown)) is None
    assert run(not_(unknown)) is None
    assert run(not_(no)) is True


def test_traced_walk_names_matched_and_missing_facts():
    cond = all_(t("severity", "eq", "major"), any_(t("anger", "gt", 5), t("absent", "eq", 1)))
    out = explain(cond, FACTS, NO_DEADLINES)
    assert out.state is True
    assert out.matched == (("severity", "major"), ("anger", 7))
    out = explain(all_(t("severity", "eq", "major"), t("absent", "eq", "x"), t("gone", "gt", 1)), FACTS, NO_DEADLINES)
    assert out.state is None and out.missing == ("absent", "gone")


def test_not_reports_the_facts_it_looked_at():
    out = explain(not_(t("severity", "eq", "general")), FACTS, NO_DEADLINES)
    assert out.state is True and out.matched == (("severity", "major"),)


def test_overdue_asks_the_deadline_callback():
    seen = []

    def over(target):
        seen.append(target)
        return {"respond": True, "resolve": False}.get(target)

    assert run(overdue("respond"), over=over) is True
    assert run(overdue("resolve"), over=over) is False
    assert run(overdue("listen"), over=over) is None
    assert explain(overdue("respond"), FACTS, over).overdue == ("respond",)
    assert "respond" in seen


def test_describe_and_conjuncts():
    cond = all_(t("severity", "eq", "major"), all_(t("anger", "between", [3, 5]), not_(overdue("respond"))))
    assert [describe(c) for c in conjuncts(cond)] == ["severity eq major", "anger between [3, 5]",
                                                      "not (overdue respond)"]
    assert describe(any_(t("malicious", "eq", True), t("note", "exists"))) == "any(malicious eq true; note exists)"


_leaf = st.one_of(
    st.builds(lambda v: t("severity", "eq", v), st.sampled_from(["major", "general"])),
    st.builds(lambda v: t("severity", "in", v), st.lists(st.sampled_from(["major", "general", "x"]), min_size=1)),
    st.builds(lambda op, v: t("anger", op, v), st.sampled_from(["lt", "le", "gt", "ge", "eq", "ne"]),
              st.integers(0, 10)),
    st.builds(lambda v: t("absent", "eq", v), st.just("x")),
    st.builds(lambda v: t("note", "contains", v), st.sampled_from(["shout", "calm"])),
    st.just(overdue("respond")),
)
_cond = st.recursive(_leaf, lambda inner: st.one_of(
    st.builds(lambda xs: m.All(tuple(xs)), st.lists(inner, min_size=1, max_size=3)),
    st.builds(lambda xs: m.Any(tuple(xs)), st.lists(inner, min_size=1, max_size=3)),
    st.builds(m.Not, inner),
), max_leaves=8)


@settings(max_examples=150, deadline=None)
@given(_cond, st.sampled_from([True, False, None]))
def test_compiled_closure_and_traced_walk_always_agree(cond, late):
    run(cond, over=lambda target: late)
