"""The structural cues for over-promising, flat refusals, sending the customer elsewhere and an apology
taken back by a rule (playbooks/default/detectors.yaml: empty_promise, we_dodge, deflecting, excuse).

Each cue is checked with the phrases and patterns alone (no learnt weights), so a pass here is the
cue's own doing, and its evidence span is the words that make the act; good replies built the same
way (a limit stated with an option, a realistic offer with a time) are checked through `score_reply`,
learnt weights included, and must show no bad act."""

from __future__ import annotations

import pytest

from cxcoach.drill import score_reply
from cxcoach.drill.matcher import ReplyContext


def _cue_spans(pb, reply: str, act: str) -> list[str]:
    ctx = ReplyContext.of(reply, pb.detectors)  # phrases and patterns only
    return [ctx.span(h).text for h in ctx.detector_hits(act)]


@pytest.mark.parametrize("reply, act, evidence", [
    # unbounded compensation, no drill needed: the general rubric's reading
    ("I'll put the whole amount back on your card and hand you another hundred in cash for the bother.",
     "empty_promise", "another hundred in cash"),
    ("To say sorry, your gym membership is free for life.", "empty_promise", "free for life"),
    ("We'll pay you back triple the fare.", "empty_promise", "triple the fare"),
    ("Full refund, no questions asked, and I'll sort it this minute.", "empty_promise", "refund, no questions asked"),
    ("以后您来我们店理发永远免费。", "empty_promise", "永远免费"),
    ("这单我们双倍赔给您。", "empty_promise", "双倍赔"),
    ("押金全额退给您，另外再赔您两百块。", "empty_promise", "另外再赔您两百"),
    ("我另外自掏腰包给您现金补偿。", "empty_promise", "现金"),
    # a guarantee nobody can keep
    ("我向您保证，往后您的网络绝对不会再断。", "empty_promise", "绝对"),
    ("我跟您打包票，这台洗衣机一次都不会再漏水。", "empty_promise", "一次都"),
    ("You can count on it, the lift will never break down again.", "empty_promise", "never"),
    ("I guarantee your heating will work for as long as you live there.", "empty_promise", "for as long as"),
    # a flat refusal with nothing offered
    ("That just isn't possible.", "we_dodge", "isn't possible"),
    ("A refund at this stage is out of the question.", "we_dodge", "out of the question"),
    ("The booking can't be transferred to your sister.", "we_dodge", "can't be transferred"),
    ("这个真的没办法。", "we_dodge", "真的没办法"),
    ("手续费是退不了的。", "we_dodge", "退不了的"),
    ("改签是改不了的，您别为难我。", "we_dodge", "改不了的"),
    # sent to a third party in other words
    ("运单上有快递员的号码，您打那个电话催催。", "deflecting", "您打那个电话"),
    ("The card was stopped by your bank, so that's something between you and them.",
     "deflecting", "something between you and them"),
    # an apology answered by a rule
    ("Sorry for the wait, but everyone books the same way.", "excuse", "everyone"),
    ("很抱歉，但是套餐说明里写明了不能退。", "excuse", "说明里"),
    ("Sorry about that, though the terms do cover it.", "excuse", "though the terms"),
])
def test_cue_catches_the_act_with_its_evidence(default_pb, reply, act, evidence):
    spans = _cue_spans(default_pb, reply, act)
    assert spans, (reply, act)
    assert any(evidence.lower() in s.lower() or s.lower() in evidence.lower() for s in spans), (reply, spans)


@pytest.mark.parametrize("reply", [
    # a refusal followed by the trainee's own option, with or without a contrast word
    "Changing the name on the ticket isn't possible; I can exchange it for an open ticket instead.",
    "That upgrade is out of the question tonight, but I'll hold a suite for you tomorrow.",
    "A paper statement can't be sent today, so I'll email it to you within the hour.",
    "这个套餐中途改不了，我可以先给您加一个流量包，马上生效。",
    "现金是退不了的，我现在把钱原路退回您的卡上。",
    "前台这边办不了，不过我在系统里直接帮您改好。",
    # realistic offers with a time, "our team" said with ownership
    "I'll take the cold soup off your bill and bring a hot one in five minutes.",
    "The overcharge of £12 goes back to your card today.",
    "Our team set up the router, so I'll send an engineer on Wednesday morning.",
    "这道菜我给您免单，十分钟内重新上一份。",
    "维修是我们团队的活，我明天上午就派师傅上门。",
    "我保证今天下午五点前给您回电话，告诉您检测结果。",
])
def test_limits_with_an_option_and_fair_offers_are_not_flagged(default_pb, reply):
    bad = {b.detector for b in score_reply(default_pb, reply).behaviours if b.polarity.value == "bad"}
    assert not bad, (reply, bad)


def test_an_overpromise_scored_without_a_drill_fails_and_names_the_words(default_pb):
    result = score_reply(default_pb, "我保证马上全部给您解决，以后您来我们店吃饭全部免单。")
    found = {b.detector: b for b in result.behaviours}
    assert "empty_promise" in found and not result.score.passed
    assert "全部免单" in " ".join(s.text for s in found["empty_promise"].spans)
