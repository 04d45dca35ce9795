"""A reply a person would say: keyword runs with or without separators fail in both languages and say why;
short real replies keep their credit; one behaviour counts once; rhetorical questions and the other
structural cues of misconduct are read in both languages while polite replies built the same way are not."""

from __future__ import annotations

import pytest

from cxcoach.drill import score_reply
from cxcoach.drill.form import Form, keyword_run, read_form


def _bad(result) -> set[str]:
    return {b.detector for b in result.behaviours if b.polarity.value == "bad"}


@pytest.mark.parametrize("reply", [
    "sorry understand I will handle today call back refund thank you",  # run-on, a few function words
    "apologies empathy ownership refund today follow up thanks",
    "抱歉理解负责今天回电退款感谢",  # no separators at all
    "对不起理解心情马上处理免单明天回访感谢",
])
def test_keyword_runs_fail_and_say_why(default_pb, reply):
    result = score_reply(default_pb, reply)
    assert result.value == 0 and not result.score.passed  # not even "none of the wrong ways"
    (note,) = result.score.form
    assert note.form == "keywords"
    assert result.withheld  # what was not credited is listed


@pytest.mark.parametrize("reply", [
    "I'm so sorry. I'll refund the overcharge today and call you at 5.",
    "对不起，我马上让厨房给您重做，五分钟就上。",
    "两个小时之内我给您回话。",
    "明天上午十点前师傅上门。",
    "An engineer will be with you tomorrow by 10 am.",
])
def test_short_real_replies_keep_their_credit(default_pb, reply):
    result = score_reply(default_pb, reply)
    assert result.score.form == () and not result.withheld
    assert result.value >= 35


def test_a_behaviour_counts_once_however_often_its_words_repeat(default_pb):
    once = score_reply(default_pb, "I'm so sorry. I'll refund the overcharge today and call you at 5.")
    twice = score_reply(default_pb, "I'm so sorry, truly sorry. I'll refund the overcharge today and call you at 5.")
    assert twice.value == once.value


def test_keyword_run_needs_different_behaviours_in_a_row():
    text = "abc def ghi"
    assert keyword_run(text, [(0, 3, "a"), (4, 7, "b"), (8, 11, "c")]).form is Form.KEYWORDS
    assert keyword_run(text, [(0, 3, "a"), (4, 7, "a"), (8, 11, "a")]).fine  # one behaviour's pieces
    assert keyword_run("abc and def to ghi", [(0, 3, "a"), (8, 11, "b"), (15, 18, "c")]).fine


def test_terse_english_sentences_are_not_lists():
    assert read_form("according to the terms, refunds take five working days.").fine
    assert read_form("take a deep breath, sir.").fine


@pytest.mark.parametrize("reply, act", [
    ("人家抄表员一天跑几百户，您就不能体谅一下？", "challenge"),
    ("Whose fault is it if the PIN goes in wrong three times?", "challenge"),
    ("Is it really necessary to announce that to the whole restaurant?", "challenge"),
    ("您一直在打电话没动筷子，菜当然凉了。", "blame_customer"),
    ("You were on the phone for twenty minutes, of course it went cold.", "blame_customer"),
    ("王先生，您情绪先收一收，我们再谈。", "dismiss_feelings"),
    ("Let's park the emotions for a moment and talk facts.", "dismiss_feelings"),
    ("想讹钱也得找个像样点的理由吧。", "rude"),
    ("If you're after free money, at least come up with a better story.", "rude"),
    ("上菜慢是后厨的问题，我只是服务员。", "deflecting"),
    ("We always get it right first time, this isn't on us.", "arguing"),
    ("就一小片菜叶子，捡出来照样能吃。", "dismissive"),
])
def test_structural_cues_of_misconduct(default_pb, reply, act):
    result = score_reply(default_pb, reply)
    assert act in _bad(result), (reply, _bad(result))
    assert not result.score.passed


@pytest.mark.parametrize("reply", [
    "您看这样可以吗？",
    "Could you tell me your order number so I can check it?",
    "Let me see what's going on.",
    "我现在就给您补办一张新卡，明天照样能用。",
    "您说得对，是我说错了。这件事由我来负责，不用您去找快递，我现在就帮您处理。",
    "Do you think that would work for you?",
])
def test_polite_replies_built_the_same_way_are_not_misconduct(default_pb, reply):
    assert _bad(score_reply(default_pb, reply)) == set()


def test_feeling_words_survive_a_negation_in_the_trouble_they_describe(default_pb):
    reply = "Being charged with no order to show for it is unnerving."
    found = {b.detector for b in score_reply(default_pb, reply).behaviours}
    assert "empathy" in found
    denied = {b.detector for b in score_reply(default_pb, "It isn't upsetting, it's just a bill.").behaviours}
    assert "empathy" not in denied
