"""The parser's shortcut for plain fact tests agrees with its full checking path.

`ConditionParser._plain_test` skips the location bookkeeping for the common fact test;
whenever it answers, the full path must build the same condition and report
nothing, and whenever the full path reports something the shortcut must decline.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cxcoach.playbook import model as m
from cxcoach.playbook.builder import At, Builder
from cxcoach.playbook.yamlsource import Document
from cxcoach.problems import ProblemList

FACTS = {
    "severity": m.Fact("severity", m.FactType.ENUM, m.Text.plain("S"), m.NOWHERE,
                       (m.FactValue("major", m.Text.plain("M")), m.FactValue("general", m.Text.plain("G")))),
    "anger": m.Fact("anger", m.FactType.NUMBER, m.Text.plain("A"), m.NOWHERE, min=0, max=10),
    "minutes": m.Fact("minutes", m.FactType.NUMBER, m.Text.plain("M"), m.NOWHERE),
    "vip": m.Fact("vip", m.FactType.BOOL, m.Text.plain("V"), m.NOWHERE),
    "note": m.Fact("note", m.FactType.TEXT, m.Text.plain("N"), m.NOWHERE),
}

scalars = st.one_of(st.sampled_from(["major", "general", "minor", "", "eq"]), st.booleans(), st.none(),
                    st.integers(-5, 15), st.floats(-5, 15), st.sampled_from([0, 10, 1.5, float("nan")]))
values = st.one_of(scalars, st.lists(scalars, max_size=3), st.dictionaries(st.sampled_from(["a"]), scalars))
likely = st.one_of(st.sampled_from(["major", "general"]), st.integers(0, 10), st.booleans(), st.just("x"))
SCALAR_OPS = ["eq", "ne", "lt", "le", "gt", "ge"]
LIST_OPS = ["in", "not_in", "between"]
near_valid = st.tuples(st.sampled_from(["severity", "anger", "anger", "minutes"]),
                       st.sampled_from(SCALAR_OPS + LIST_OPS + ["exists"])).flatmap(
    lambda pair: st.fixed_dictionaries({
        "fact": st.just(pair[0]), "op": st.just(pair[1]),
        "value": st.lists(likely, min_size=1, max_size=3) if pair[1] in ("in", "not_in") else
        st.lists(st.integers(0, 10), min_size=2, max_size=2) if pair[1] == "between" else likely,
    }))
anything = st.fixed_dictionaries(
    {},
    optional={
        "fact": st.one_of(st.sampled_from([*FACTS, "elapsed_minutes", "unknown"]), st.integers(), st.lists(st.text())),
        "op": st.one_of(st.sampled_from([o.value for o in m.Op] + ["gte", "EQ"]), st.integers(), st.lists(st.text())),
        "value": values,
        "extra": st.just(1),
    },
)
tests = st.one_of(near_valid, near_valid, anything)


def builder() -> Builder:
    b = Builder(("en",), ProblemList())
    b.facts.update(FACTS)
    return b


def full_path(raw: object) -> tuple[m.Condition, ProblemList]:
    b = builder()
    b._conditions._plain_test = lambda context, raw: None  # type: ignore[method-assign]  # force the checking path
    condition = b.condition(raw, At(Document("t.yaml", raw)))
    b.check_refs()
    return condition, b.problems


@settings(max_examples=600, deadline=None)
@given(tests)
def test_shortcut_builds_what_the_full_path_builds(raw):
    b = builder()
    shortcut = b._conditions._plain_test(b, raw)
    condition, problems = full_path(raw)
    if shortcut is not None:
        assert shortcut == condition
        assert not problems.items
    elif not problems.items:
        # Declining is always safe; it must only happen for the kinds the shortcut leaves alone.
        assert raw.get("fact") in ("vip", "note", "elapsed_minutes") or raw.get("op") == "exists" \
            or len(raw) != 3


@settings(max_examples=200, deadline=None)
@given(st.lists(tests, min_size=1, max_size=4))
def test_combinators_use_the_shortcut_per_item(items):
    raw = {"all": items}
    b = builder()
    fast = b.condition(raw, At(Document("t.yaml", raw)))
    b.check_refs()
    slow, problems = full_path(raw)
    assert fast == slow
    assert [p.code for p in b.problems.items] == [p.code for p in problems.items]


def test_common_tests_take_the_shortcut():
    b = builder()
    assert b._conditions._plain_test(b, {"fact": "severity", "op": "in", "value": ["major"]}) == \
        m.FactTest("severity", m.Op.IN, ("major",))
    assert b._conditions._plain_test(b, {"fact": "anger", "op": "between", "value": [3, 7]}) == \
        m.FactTest("anger", m.Op.BETWEEN, (3, 7))
    assert b._conditions._plain_test(b, {"fact": "anger", "op": "between", "value": [7, 3]}) is None  # E304: full path
    assert b._conditions._plain_test(b, {"fact": "anger", "op": "ge", "value": 11}) is None  # W305: out of range
    assert b._conditions._plain_test(b, {"fact": "severity", "op": "eq", "value": "minor"}) is None  # E302


@settings(max_examples=600, deadline=None)
@given(st.one_of(tests, st.lists(tests, max_size=2).map(lambda items: {"any": items}),
                 tests.map(lambda item: {"not": item})))
def test_every_problem_says_how_to_fix_it(raw):
    """A trainer reads `file:line:col: what is wrong` and then the hint: no condition problem comes without one,
    and values are shown as YAML writes them (`true`, not `True`)."""
    _, problems = full_path(raw)
    for problem in problems.items:
        assert problem.hint, problem.format()
        if problem.code == "E302":
            assert "True" not in problem.message and "False" not in problem.message, problem.format()


def test_value_shape_hints_follow_what_was_written():
    def hint(raw):
        (problem,) = full_path(raw)[1].items
        return problem.message, problem.hint

    assert hint({"fact": "severity", "op": "in", "value": "major"}) == (
        "operator 'in' takes a non-empty list of values, got 'major'", "write value: [major]")
    assert hint({"fact": "severity", "op": "eq", "value": ["major", "general"]})[1] == \
        "to test several values use op: in"
    assert hint({"fact": "severity", "op": "in", "value": []})[0].endswith("got an empty list")
    assert hint({"fact": "severity", "op": "EQ", "value": "major"})[1] == "did you mean 'eq'?"
    assert hint({"fact": "vip", "op": "eq", "value": "yes"}) == ("fact 'vip' is true or false, not 'yes'",
                                                                 "write true or false")
