"""Rubric arithmetic: weights, penalties, order rules, N/A, auto-fail, evidence spans."""

from __future__ import annotations

import pytest

from cxcoach.drill import ScoringError, score_reply
from cxcoach.drill.matcher import ReplyContext
from cxcoach.drill.scoring import Status, score_contexts


def test_weights_add_up_to_a_0_100_score(tiny):
    result = score_reply(tiny, "对不起，我理解您，马上给您退款", locale="zh")
    # r_admit (10) applies: no case facts; earned 30 + 20 + 50 of 110
    assert result.score.earned == 100 and result.score.available == 110
    assert result.value == round(100 * 100 / 110)
    assert result.score.passed


def test_penalty_is_deducted(tiny):
    clean = score_reply(tiny, "对不起，给您退款").value
    argued = score_reply(tiny, "对不起，给您退款。您搞错了").value
    assert clean - argued == 15


def test_credit_before_a_contrast_that_defends_is_halved(tiny):
    plain = score_reply(tiny, "对不起，给您退款。您搞错了").score
    taken_back = score_reply(tiny, "对不起，给您退款，但您搞错了").score
    sorry = {r.criterion.id: r for r in taken_back.criteria}["r_sorry"]
    assert sorry.discounted and sorry.points == 10 and plain.earned - taken_back.earned == 10 + 25
    # the remedy before the "but" is halved too; a contrast that leads to an offer takes nothing back
    criteria = {r.criterion.id: r for r in score_reply(tiny, "不能退款，但我给您换货").score.criteria}
    assert not criteria["r_fix"].discounted


def test_order_rule_feelings_before_facts(tiny):
    good = score_reply(tiny, "我理解您，因为系统故障，给您退款")
    bad = score_reply(tiny, "因为系统故障，我理解您，给您退款")
    assert good.value - bad.value == 10
    (order,) = bad.score.order
    assert order.violated and order.then.span.text == "因为" and order.first.span.text == "理解您"


def test_auto_fail_zeroes_the_score_whatever_else(tiny):
    result = score_reply(tiny, "对不起，我理解您，给您退款，不过这是您自己的问题")
    assert result.value == 0 and not result.score.passed
    assert [r.criterion.id for r in result.score.auto_failed] == ["r_blame"]


def test_na_items_leave_the_denominator(tiny):
    rubric = tiny.rubrics["reply"]
    ctx = [ReplyContext.of("我理解您", tiny.detectors)]
    applicable = score_contexts(rubric, ctx, case={"fault": "company"})
    not_applicable = score_contexts(rubric, ctx, case={"fault": "customer"})
    assert applicable.available == 110 and not_applicable.available == 100
    assert {r.criterion.id: r.status for r in not_applicable.criteria}["r_admit"] is Status.NA
    assert score_contexts(rubric, ctx, na=["r_fix"]).available == 60


def test_conversation_evidence_cites_turns(tiny):
    rubric = tiny.rubrics["talk"]
    ctxs = [ReplyContext.of(t, tiny.detectors) for t in ["你好", "我理解您", "给您退款"]]
    score = score_contexts(rubric, ctxs)
    found = {r.criterion.id: r.evidence[0].turn for r in score.criteria if r.status is Status.MET}
    assert found == {"c_feel": 2, "c_fix": 3} and score.score == 100


def test_bonus_and_hint_cost_are_clamped(tiny):
    rubric = tiny.rubrics["talk"]
    ctxs = [ReplyContext.of("我理解您，给您退款", tiny.detectors)]
    assert score_contexts(rubric, ctxs, bonus=20).score == 100
    assert score_contexts(rubric, ctxs, hint_cost=30).score == 70
    assert score_contexts(rubric, [ReplyContext.of("嗯", tiny.detectors)], hint_cost=30).score == 0


def test_dimensions_are_totalled(tiny):
    result = score_reply(tiny, "我理解您")
    assert result.score.dimensions == {"empathy": (30.0, 30.0)}


def test_spans_point_into_the_original_reply(tiny):
    reply = "ＳＯＲＲＹ, I understand"
    result = score_reply(tiny, reply, locale="en")
    spans = {b.detector: b.spans[0] for b in result.behaviours}
    assert reply[spans["apology"].start:spans["apology"].end] == "ＳＯＲＲＹ"


def test_unknown_rubric(tiny):
    with pytest.raises(ScoringError, match="unknown rubric"):
        score_reply(tiny, "hi", rubric="nope")


def test_feedback_is_localised(tiny):
    assert score_reply(tiny, "hi", locale="en").locale == "en"
