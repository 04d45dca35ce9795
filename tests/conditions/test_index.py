from __future__ import annotations

import random

import pytest

from cxcoach.conditions.compile import compile_condition
from cxcoach.conditions.index import RuleIndex
from cxcoach.playbook import model as m

from ..engine.factory import FACTS, all_, any_, not_, overdue, rule, t

TYPES = {f.id: f.type for f in FACTS.values()}
NO = lambda target: None  # noqa: E731 - the overdue callback when no deadline is overdue


def fired(rules, facts, over=NO):
    index = RuleIndex(rules, TYPES)
    return [cr.rule.id for cr in index.match(facts, over)]


def brute(rules, facts, over=NO):
    ranked = sorted(enumerate(rules), key=lambda p: (-p[1].priority, p[1].order, p[0]))
    return [r.id for _, r in ranked if compile_condition(r.when)(facts, over) is True]


def test_hits_come_out_ranked_by_priority_then_declaration():
    rules = [rule("low", t("severity", "eq", "major"), priority=10, order=0),
             rule("first", t("severity", "eq", "major"), priority=50, order=1),
             rule("second", t("anger", "ge", 1), priority=50, order=2),
             rule("top", t("severity", "ne", "general"), priority=90, order=3)]
    assert fired(rules, {"severity": "major", "anger": 5}) == ["top", "first", "second", "low"]


@pytest.mark.parametrize(("cond", "value", "expected"), [
    (t("anger", "gt", 5), 5, False), (t("anger", "gt", 5), 5.5, True),
    (t("anger", "ge", 5), 5, True), (t("anger", "lt", 5), 5, False), (t("anger", "le", 5), 5, True),
    (t("anger", "between", [3, 5]), 3, True), (t("anger", "between", [3, 5]), 5, True),
    (t("anger", "between", [3, 5]), 5.01, False), (t("anger", "eq", 4), 4.0, True),
    (all_(t("anger", "gt", 5), t("anger", "lt", 5)), 5, False),  # empty interval never fires
    (all_(t("anger", "ge", 5), t("anger", "le", 5)), 5, True),
])
def test_range_boundaries(cond, value, expected):
    assert (fired([rule("r", cond)], {"anger": value}) == ["r"]) is expected


def test_equality_index_handles_exclusions_and_unmentioned_values():
    rules = [rule("not_phone", t("channel", "ne", "phone")),
             rule("not_web_email", t("channel", "not_in", ["web", "email"])),
             rule("phone_or_web", t("channel", "in", ["phone", "web"])),
             rule("both", all_(t("channel", "in", ["phone", "web"]), t("channel", "ne", "web")))]
    assert fired(rules, {"channel": "regulator"}) == ["not_phone", "not_web_email"]
    assert fired(rules, {"channel": "web"}) == ["not_phone", "phone_or_web"]
    assert fired(rules, {"channel": "phone"}) == ["not_web_email", "phone_or_web", "both"]


def test_missing_fact_keeps_only_rules_that_do_not_test_it():
    rules = [rule("needs_channel", t("channel", "ne", "phone")), rule("needs_anger", t("anger", "ge", 0)),
             rule("free", t("severity", "eq", "major"))]
    assert fired(rules, {"severity": "major"}) == ["free"]


def test_residual_conditions_checked_only_on_candidates():
    calls = []

    def over(target):
        calls.append(target)
        return True

    rules = [rule("late", all_(t("severity", "eq", "major"), overdue("respond"))),
             rule("any", any_(t("malicious", "eq", True), t("note", "contains", "lawyer"))),
             rule("neg", all_(t("severity", "eq", "major"), not_(t("emotion", "eq", "calm"))))]
    assert fired(rules, {"severity": "general", "note": "my LAWYER"}, over) == ["any"]
    assert calls == []  # "late" was excluded by the index before its overdue test ran
    assert fired(rules, {"severity": "major", "emotion": "angry"}, over) == ["late", "neg"]


def test_bool_and_text_facts_are_indexed_by_value():
    rules = [rule("bad", t("malicious", "eq", True)), rule("ok", t("malicious", "ne", True)),
             rule("txt", t("note", "eq", "vip"))]
    assert fired(rules, {"malicious": True, "note": "vip"}) == ["bad", "txt"]
    assert fired(rules, {"malicious": False, "note": "other"}) == ["ok"]


def test_derived_elapsed_minutes_is_a_range_fact():
    rules = [rule("slow", t("elapsed_minutes", "gt", 30))]
    assert fired(rules, {"elapsed_minutes": 31.5}) == ["slow"]
    assert fired(rules, {"elapsed_minutes": 30}) == []


def _random_rule(i, rng):
    makers = [
        lambda: t("channel", rng.choice(["eq", "ne"]), rng.choice(["phone", "email", "web"])),
        lambda: t("channel", rng.choice(["in", "not_in"]), rng.sample(["phone", "email", "web", "media"], 2)),
        lambda: t("severity", "eq", rng.choice(["major", "general"])),
        lambda: t("anger", rng.choice(["lt", "le", "gt", "ge", "eq"]), rng.randint(0, 10)),
        lambda: t("anger", "between", sorted(rng.sample(range(11), 2))),
        lambda: t("malicious", "eq", rng.random() < 0.5),
        lambda: any_(t("emotion", "eq", "angry"), t("anger", "gt", 8)),
        lambda: not_(t("severity", "eq", "general")),
        lambda: t("note", "contains", "refund"),
    ]
    parts = [rng.choice(makers)() for _ in range(rng.randint(1, 3))]
    when = parts[0] if len(parts) == 1 else m.All(tuple(parts))
    return rule(f"r{i}", when, priority=rng.choice([10, 50, 90]), order=i)


def test_index_agrees_with_evaluating_every_rule():
    rng = random.Random(7)
    rules = [_random_rule(i, rng) for i in range(300)]
    index = RuleIndex(rules, TYPES)
    for _ in range(300):
        facts = {}
        if rng.random() < 0.9:
            facts["channel"] = rng.choice(["phone", "email", "web", "media", "regulator"])
        if rng.random() < 0.9:
            facts["severity"] = rng.choice(["major", "general"])
        if rng.random() < 0.9:
            facts["anger"] = rng.choice([rng.randint(0, 10), rng.random() * 10])
        if rng.random() < 0.7:
            facts["malicious"] = rng.random() < 0.5
        if rng.random() < 0.5:
            facts["emotion"] = rng.choice(["calm", "angry"])
        if rng.random() < 0.5:
            facts["note"] = rng.choice(["refund now", "hello"])
        assert [cr.rule.id for cr in index.match(facts, NO)] == brute(rules, facts)


def test_trace_values_are_the_case_values_of_matched_facts():
    index = RuleIndex([rule("r", all_(t("severity", "eq", "major"), t("anger", "ge", 3)))], TYPES)
    facts = {"severity": "major", "anger": 4, "channel": "web"}
    [(cr, values)] = index.match_traced(facts, NO)
    assert cr.fact_ids == ("severity", "anger") and values == ("major", 4)
    assert cr.because(facts, NO) == ((("severity", "major"), ("anger", 4)), ())
