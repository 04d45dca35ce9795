"""Matchers: phrase sets, proximity, bounded regex and the negation guard, in both languages."""

from __future__ import annotations

import time

import pytest

from cxcoach.drill.matcher import match, phrases, regex
from cxcoach.playbook import drill_model as dm
from cxcoach.playbook.drill_regex import RegexRejected, bound_regex

REFUND = phrases("退款", "refund")


@pytest.mark.parametrize("reply", [
    "我们不能为您退款",
    "我们无法马上为您办理退款",
    "这个订单没法退款",
    "别指望退款了",
    "We cannot give you a refund.",
    "I can't refund you.",
    "We won't refund this order.",
    "We will never refund that.",
    "No refund is possible.",
])
def test_negation_guard_cancels_the_phrase(reply):
    assert match(REFUND, reply) == []


@pytest.mark.parametrize("reply", [
    "不好意思，我马上为您退款",
    "不好意思我马上为您退款",
    "没问题，我现在就给您退款",
    "不能退运费，但我可以为您全额退款",
    "I can't change the date, but I will refund you today.",
    "No problem, I'll refund you now.",
    "给您带来的不便我马上退款",
])
def test_guard_stops_at_clause_boundaries_and_fixed_expressions(reply):
    assert match(REFUND, reply)


def test_cue_inside_the_phrase_belongs_to_the_phrase():
    assert match(phrases("不是我的问题"), "这不是我的问题")


def test_guard_can_be_switched_off_or_narrowed():
    assert match(phrases("退款", guard=None), "我们不能为您退款")
    assert match(phrases("退款", guard=2), "我们不能马上为您退款")  # cue 4 tokens back


def test_mixed_chinese_and_english():
    spans = match(phrases("refund", "退款"), "我会给您refund，或者退款")
    assert [s.text for s in spans] == ["refund", "退款"]


def test_full_width_reply_matches_half_width_phrase_with_original_span():
    reply = "我会给您ＲＥＦＵＮＤ"
    (span,) = match(REFUND, reply)
    assert span.text == "ＲＥＦＵＮＤ" and reply[span.start:span.end] == span.text


def test_english_phrases_respect_word_boundaries_but_take_endings():
    assert match(phrases("sorry"), "sorryful") == []
    assert [s.text for s in match(phrases("refund"), "It was refunded.")] == ["refunded"]
    assert [s.text for s in match(phrases("apologise"), "apologising now")] == ["apologising"]
    assert match(phrases("i"), "Is it") == []


def test_all_any_k_of_n():
    a, b, c = dm.Phrase("抱歉"), dm.Phrase("理解"), dm.Phrase("退款")
    reply = "抱歉，我理解您"
    assert match(dm.AllOf((a, b)), reply)
    assert match(dm.AllOf((a, c)), reply) == []
    assert match(dm.KOfN(2, (a, b, c)), reply)
    assert match(dm.KOfN(3, (a, b, c)), reply) == []
    assert len(match(dm.AnyOf((a, b, c)), reply)) == 2


def test_near_measures_gaps_and_order():
    near = dm.Near((dm.Phrase("我"), dm.Phrase("负责")), within=3, ordered=True)
    assert match(near, "这件事我来负责")
    assert match(near, "负责的人是我") == []
    assert match(dm.Near((dm.Phrase("我"), dm.Phrase("负责")), within=1), "我今天一定会负责") == []


def test_unless_cancels_when_the_exclusion_is_anywhere():
    m = dm.Unless(dm.Phrase("尽快"), dm.Phrase("下午5点"))
    assert match(m, "我会尽快处理")
    assert match(m, "我会尽快处理，下午5点前回复") == []


def test_regex_runs_on_normalised_text():
    spans = match(regex(r"[0-9]{1,2} ?(点|pm)"), "我５点前回电, or 6 PM")
    assert [s.text for s in spans] == ["５点", "6 PM"]


@pytest.mark.parametrize("pattern", [r"(a+)+$", r"(a|aa)*b", r"(\w+\s?)*$", r"(.*a){20}", r"(x+x+)+y", r"(a)\1",
                                     r"(?=a)a", r"(?<!a)b", r"(?>a+)b", r"a*+b"])
def test_pathological_patterns_are_rejected_at_build_time(pattern):
    with pytest.raises(RegexRejected) as info:
        bound_regex(pattern)
    assert info.value.code in {"E520", "E521"}


def test_unbounded_repeats_are_capped():
    assert bound_regex(r"\d+\s*天").pattern == r"\d{1,30}\s{0,30}天"
    with pytest.raises(RegexRejected):
        bound_regex(r".*a.*b.*c.*d")  # four capped repeats in a row: too costly


def test_worst_allowed_pattern_on_hostile_input_finishes_fast():
    m = regex(r".*a.*b.*c")  # the costliest shape still allowed
    reply = "a" * 1000 + "b" * 1000  # as long as a reply may be (MAX_REPLY_CHARS), never completes the match
    started = time.perf_counter()
    assert match(m, reply) == []
    assert time.perf_counter() - started < 2.0


def test_regex_built_in_code_is_bounded_even_if_its_pattern_field_lies():
    sneaky = dm.Regex(r"(a+)+$", r"(a+)+$")
    with pytest.raises(RegexRejected):
        match(sneaky, "a" * 40 + "b")


@pytest.mark.parametrize("reply", [
    "特别抱歉，我马上给您退款",
    "要不要我先给您退款？",
    "能不能让我先为您办理退款？",
    "不如我先给您退款吧",
    "您说得没错，我这就退款",
    "Why don't I refund you right now?",
])
def test_words_that_merely_contain_a_cue_do_not_negate(reply):
    assert match(REFUND, reply) or match(phrases("抱歉"), reply)


def test_special_sorry_is_still_an_apology():
    assert match(phrases("抱歉"), "特别抱歉")
