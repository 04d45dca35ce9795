"""Issue 12's examples, reproduced: misconduct in other words, the same act in two languages,
keyword salads, remedies inside refusals, and a report whose arithmetic adds up."""

from __future__ import annotations

import re

import pytest

from cxcoach.drill import DrillSession, score_reply
from cxcoach.drill.report import drill_text, reply_text

BAD = ("blame_customer", "arguing", "deflecting", "rude", "dismissive", "dismiss_feelings", "interrogate",
       "excuse", "we_dodge", "challenge")


def _bad(result) -> set[str]:
    return {b.detector for b in result.behaviours if b.polarity.value == "bad"}


@pytest.mark.parametrize("reply, act", [
    ("您这么大声干什么?", "challenge"),
    ("一个月多三百块而已,至于吗?", "dismissive"),
    ("Meters don't lie, maybe you left the heater on?", "blame_customer"),
    ("It's only 300 more, no need to get worked up", "dismissive"),
    ("Look, this happens to everybody, it's not personal, so let's not make a drama out of it", "dismissive"),
])
def test_misconduct_in_other_words_is_caught(default_pb, reply, act):
    result = score_reply(default_pb, reply)
    assert act in _bad(result), (reply, _bad(result))
    assert not result.score.passed


def test_shutting_the_customer_up_is_one_act_in_both_languages(default_pb):
    zh = score_reply(default_pb, "您别生气。", locale="zh")
    en = score_reply(default_pb, "Calm down.", locale="en")
    assert "dismiss_feelings" in _bad(zh) and "dismiss_feelings" in _bad(en)
    assert "empathy" not in {b.detector for b in zh.behaviours}
    assert zh.value == en.value


def test_reassurance_with_an_action_is_not_dismissing(default_pb):
    result = score_reply(default_pb, "您别着急，我马上帮您查。")
    assert "dismiss_feelings" not in _bad(result)


def test_keyword_salad_fails_and_says_why(default_pb):
    result = score_reply(default_pb, "抱歉 抱歉 理解 我来负责 今天 回电 感谢 您的心情我理解")
    assert result.value < 40 and not result.score.passed
    assert "关键词" in reply_text(default_pb, result)


def test_salad_scores_below_a_plain_reply_in_unusual_words(default_pb):
    salad = score_reply(default_pb, "抱歉 抱歉 理解 我来负责 今天 回电 感谢 您的心情我理解").value
    plain = score_reply(default_pb, "碰上这种事谁心里都不舒服，真是给您添堵了。"
                                    "这事交给我，我下午四点以前给您打电话说清楚怎么处理。").value
    assert plain >= 60 > 40 > salad


@pytest.mark.parametrize("reply", ["重做是不可能的，厨房已经很忙了。", "我们没法给您重做。",
                                   "A refund is out of the question."])
def test_remedy_inside_a_refusal_is_not_credited(default_pb, reply):
    result = score_reply(default_pb, reply)
    assert "remedy" not in {b.detector for b in result.behaviours}


def test_sorry_but_policy_is_a_deflection(default_pb):
    result = score_reply(default_pb, "I'm sorry, but it's policy.")
    assert _bad(result) & {"excuse", "we_dodge", "deflecting"}
    assert result.value < 30


def test_misconduct_turn_lowers_the_drill_score(default_pb):
    full = DrillSession(default_pb, "utility_bill_too_high", seed=1, locale="en")
    full.play_model_answers()
    session = DrillSession(default_pb, "utility_bill_too_high", seed=1, locale="en")
    session.reply(session.node.model.get("en"))
    session.reply("Look, this happens to everybody, it's not personal, so let's not make a drama out of it")
    while not session.finished:
        session.reply(session.node.model.get("en"))
    assert full.report().score.score - session.report().score.score >= 20
    text = drill_text(default_pb, session.report())
    assert 'Dismissing the problem: turn 2 "happens to everybody"' in text


def test_report_shows_its_arithmetic(default_pb):
    result = score_reply(default_pb, "非常抱歉让您久等了，我来负责处理，今天下午3点前给您回电话。", locale="zh")
    text = reply_text(default_pb, result)
    line = next(ln for ln in text.splitlines() if "×" in ln)
    assert re.search(rf"= {result.value}\b", line)
