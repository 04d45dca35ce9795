"""Good acts said in everyday words are credited, in zh and en; phrases doubled for padding are not.

The sentences here are written for these tests and appear nowhere in the playbook, so they check that
the good detectors reach past their own examples: ownership without 负责/"responsibility", a deadline
said as "by Thursday noon" or 「明早十点前」, a check of understanding handed back as a question, and a
promise to report back after the act.
"""

from __future__ import annotations

import pytest

from cxcoach.drill import score_reply
from cxcoach.drill.form import Form, read_form
from cxcoach.drill.learn import learnt_for
from cxcoach.drill.matcher import ReplyContext
from cxcoach.drill.normalize import normalize


def _found(playbook, reply: str) -> set[str]:
    ctx = ReplyContext.of(reply, playbook.detectors, learnt=learnt_for(playbook))
    return {ident for ident in playbook.detectors if ctx.detector_hits(ident)}


@pytest.mark.parametrize(("act", "reply"), [
    ("ownership", "Leave it with me, the forms are mine to sort now."),
    ("ownership", "I'll finish the transfer for you myself before you go."),
    ("ownership", "这事交给我，您回家等着就行。"),
    ("ownership", "换表的手续我来跑，您不用再来营业厅。"),
    ("next_step_time", "The part will reach you by Thursday noon."),
    ("next_step_time", "It'll take under fifteen minutes to reset the card."),
    ("next_step_time", "师傅明早十点前到您楼下。"),
    ("next_step_time", "最迟后天上午，退款就到您卡上。"),
    ("next_step_time", "检测完了，下午两点半之前我把单子拍给您。"),  # 两点: two o'clock is never 二点
    ("check_understanding", "Just so I've got this right, the heater was off all of January?"),
    ("check_understanding", "That was the second delivery slot you booked, wasn't it?"),
    ("check_understanding", "我捋一下：您是周一晚上订的座，到了却说没有记录，对吧？"),
    ("check_understanding", "您是说发票抬头写错了，是这个意思吧？"),
    ("follow_up", "Once the technician has left, I'll phone you to make sure all is well."),
    ("follow_up", "退款到账那天，我发条短信跟您说一声。"),
    ("empathy", "Turning up for a table that was never booked is such a letdown."),
    ("empathy", "钱花出去了，东西却迟迟不到，您心里着急很正常。"),
])
def test_a_good_act_in_other_words_is_found(default_pb, act, reply):
    assert act in _found(default_pb, reply)


@pytest.mark.parametrize(("act", "reply"), [
    ("ownership", "Keep swearing and I'll cancel the booking myself."),  # a threat: no service act of mine
    ("check_understanding", "这是我们的规定，对吧，您早该知道。"),  # not a question back to the customer
    ("next_step_time", "We'll sort it out as soon as we can."),  # no time at all
])
def test_look_alikes_are_not_credited(default_pb, act, reply):
    assert act not in _found(default_pb, reply)


@pytest.mark.parametrize("reply", [
    "so very sorry so very sorry, got it, handling it, refund, thanks thanks",
    "apologies apologies, I hear you, fixing it tonight, voucher, cheers cheers",
    "抱歉抱歉，理解，我来办，今晚回电，退款退款",
])
def test_phrases_doubled_for_padding_earn_nothing_and_say_why(default_pb, reply):
    result = score_reply(default_pb, reply)
    assert result.value == 0 and not result.score.passed
    (note,) = result.score.form
    assert note.form == "repeated" and note.why == "doubled"
    assert "twice in a row" in note.detail("en") and "连说两遍" in note.detail("zh")


@pytest.mark.parametrize("reply", [
    "I'm very very sorry. Thank you, thank you for waiting so patiently.",  # one doubling, and an intensifier
    "我帮您检查检查线路，谢谢谢谢您的耐心。",  # a doubled verb inside a sentence is how people speak
    "It'll take under fifteen minutes to reset the card.",  # "it'll" is a speaker's verb, kept contracted
    "That'll be back on your table in ten minutes.",
])
def test_one_doubling_or_a_doubled_verb_in_a_sentence_is_speech(reply):
    assert read_form(normalize(reply).text).form is Form.FINE


def test_an_excellent_reply_in_unusual_words_passes_and_its_salad_fails(default_pb):
    said = ("Queuing all lunch hour for nothing would try anyone's patience, and I'm sorry. "
            "Leave the rest with me: I'll finish the transfer myself in under ten minutes, "
            "then ring you once it has gone through.")
    salad = "sorry sorry, patience, leave it with me, ten minutes, ring you, thanks thanks"
    good, bad = score_reply(default_pb, said), score_reply(default_pb, salad)
    assert good.value >= 60 and good.score.passed
    assert bad.value < 40 and not bad.score.passed and bad.score.form
