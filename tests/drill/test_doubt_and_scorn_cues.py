"""The cues for condescension, swearing and shaming (rude), doubting the customer's account (interrogate),
promises with no time or beyond anyone's power (empty_promise), and minimisers that are about the
customer's loss rather than our speed (dismissive), in playbooks/default/detectors.yaml.

Each cue is checked with the phrases and patterns alone (no learnt weights), so a pass is the cue's own
doing and its evidence is the words that make the act; good replies that share those words (a kind
clarifying question, a promise with a time, "in just two days") are scored with the learnt weights too
and must show no bad act."""

from __future__ import annotations

import pytest

from cxcoach.drill import score_reply
from tests.drill.test_promise_cues import _cue_spans  # phrases and patterns only, as the promise cues are read


@pytest.mark.parametrize("reply, act, evidence", [
    # condescension, swearing, shaming
    ("Let me say it in smaller words for you.", "rude", "smaller words"),
    ("Where the hell did you get that number from?", "rude", "the hell"),
    ("Honestly, who gives a damn about one receipt?", "rude", "gives a damn"),
    ("Get your daughter to help you with the app, it's easier.", "rude", "Get your daughter to help"),
    ("You're embarrassing yourself in front of the other guests.", "rude", "embarrassing yourself"),
    ("这破手机您还是换了吧。", "rude", "这破手机"),
    ("识字的都知道要先插卡。", "rude", "识字的都知"),
    ("连个验证码都不会输，还怪我们？", "rude", "连个验证码都不会"),
    ("您在大堂这么闹，也不怕人笑话。", "rude", "也不怕人笑话"),
    # doubting the customer's account
    ("Why did you wait until the bill was overdue to ring us?", "interrogate", "why did you wait"),
    ("怎么到现在才来说？", "interrogate", "怎么到现在才"),
    ("How many orders have you returned this year?", "interrogate", "How many orders have you returned"),
    ("这已经是您第几回来投诉了？", "interrogate", "第几回来投诉"),
    ("早不响晚不响，您一投诉它就响了？", "interrogate", "早不响晚不"),
    ("Are you certain you paid it on time?", "interrogate", "Are you certain you paid"),
    ("A likely story, the box was sealed.", "interrogate", "A likely story"),
    ("您说没坏，那这道裂缝怎么解释？", "interrogate", "怎么解释"),
    # no time, a hedge, a guarantee of the future, a blank cheque
    ("Please stand by, it should be fixed soon.", "empty_promise", "fixed soon"),
    ("The refund will go through eventually.", "empty_promise", "eventually"),
    ("您再等等，迟早会给您处理的。", "empty_promise", "迟早会"),
    ("Rest assured, this will never happen again.", "empty_promise", "Rest assured"),
    ("您放一百个心，以后绝对准时。", "empty_promise", "放一百个心"),
    ("您开个价，我们照赔。", "empty_promise", "开个价"),
    ("Name your price and it's yours.", "empty_promise", "Name your price"),
    # the customer's loss made light of
    ("You waited just ten minutes.", "dismissive", "waited just ten"),
    ("It came only two days late.", "dismissive", "only two"),
    ("Parcels turn up late all the time.", "dismissive", "all the time"),
    ("这就是个小问题，您别计较了。", "dismissive", "个小问题"),
])
def test_cue_catches_the_act_with_its_evidence(default_pb, reply, act, evidence):
    spans = _cue_spans(default_pb, reply, act)
    assert spans, (reply, act)
    assert any(evidence.lower() in s.lower() or s.lower() in evidence.lower() for s in spans), (reply, spans)


@pytest.mark.parametrize("reply", [
    # how soon we act, said with "just" or "only"
    "I'll call you back in just ten minutes with the answer.",
    "Your replacement will reach you in just two days.",
    "It only takes a minute on my side, so I'll do it now.",
    "我两天就能给您送到，今晚把单号发您。",
    # "nothing", "it happens", "drama" said for the customer
    "It's nothing like the service we aim for, and I'm sorry; I'll refund it today.",
    "It rarely happens, but I'm sorry it happened to you; a new one goes out today.",
    "I'll sort it without any more drama for you: the engineer comes at nine tomorrow.",
    "菜凉了确实影响胃口，抱歉。小问题也不该出现，我让后厨十分钟内给您重新做一份。",
    # kind questions that share a doubting question's words
    "Are you sure you want to keep the Friday booking? I can move it if that's easier.",
    "Why don't I book the engineer for you now?",
    "灯是什么时候开始闪的？大概说一下就行，我好安排师傅。",
    # promises with a time, limits stated honestly
    "Rest assured, I'll call you at five with the result.",
    "Fingers crossed it's good news, and either way I'll ring you at 4 pm.",
    # slow and plain for the customer's sake, and 破/连 in ordinary words
    "I'll go through it slowly with you, step by step, no rush.",
    "我慢慢跟您说，哪里没听清您随时问我。",
    "外箱的破损是路上压的，我今天给您补发。",
    "连续两天没送到，是我们的问题，我今天亲自跟进。",
    # a small amount granted, then turned to the trainee's own apology or fix (dismissive states a limit)
    "I know it's just one dish, but it spoiled your evening, and I'm sorry; a fresh one is on its way.",
    "钱是不多，不过是我们扣错了，我现在就退给您。",
    "Please don't apologise, you did nothing wrong, and I'm sorting it now.",
])
def test_good_replies_that_share_the_words_are_not_flagged(default_pb, reply):
    bad = {b.detector for b in score_reply(default_pb, reply).behaviours if b.polarity.value == "bad"}
    assert not bad, (reply, bad)


@pytest.mark.parametrize("reply, acts", [
    ("It's only a few dollars, but I'll look into it.", {"dismissive", "empty_promise"}),
    ("就几块钱，不过我们会尽快处理的。", {"dismissive", "empty_promise"}),
    ("It's only a few dollars, calm down.", {"dismissive", "dismiss_feelings"}),
])
def test_a_small_amount_turned_to_an_empty_promise_still_dismisses(default_pb, reply, acts):
    """The turn takes the minimiser back only when what follows is the trainee's own good act and no bad one."""
    result = score_reply(default_pb, reply)
    found = {b.detector for b in result.behaviours if b.polarity.value == "bad"}
    assert acts <= found, (reply, found)
    assert not result.score.passed
