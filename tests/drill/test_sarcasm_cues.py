"""The sarcasm, minimising and calm-down cues (playbooks/default/detectors.yaml, rude, dismissive and
dismiss_feelings): each class of wording is caught by its pattern in both languages, with the quoted
span as evidence, and polite replies that share its words are not flagged at all."""

from __future__ import annotations

import pytest

from cxcoach.drill import score_reply


def _cue(result, act: str):
    """The behaviour found for `act` by a phrase or pattern (not by the classifier), or None."""
    return next((b for b in result.behaviours if b.detector == act and not b.learnt), None)


@pytest.mark.parametrize("reply, act, quoted", [
    # mock titles
    ("Alright Sherlock, you've found a crumb.", "rude", "Sherlock"),
    ("您可是大专家，我们哪敢跟您比。", "rude", "大专家"),
    # agreement said three times, a mock concession
    ("得得得，退就退吧。", "rude", "得得得"),
    ("好好好，全是我们的错，行了吧。", "rude", "好好好"),
    # the world revolves around the customer
    ("天底下就您一个人赶时间。", "rude", "天底下就您"),
    ("Oh brilliant, another one of these calls.", "rude", "brilliant, another"),
    # mock alarm or pity
    ("A cold croissant, stop the presses.", "rude", "stop the presses"),
    ("Ten minutes without a signal, however will you cope.", "rude", "however will you"),
    ("出大事了，可怎么得了，袜子少了一只。", "rude", "可怎么得了"),
    # mock praise for finding a fault
    ("Congratulations, you spotted our one spelling mistake.", "rude", "Congratulations, you spotted"),
    ("这么浅的印子都能被您挑出来。", "rude", "都能被您挑出"),
    # an over-the-top offer
    ("要不要我给您跪下认错？", "rude", "要不要我给您跪"),
    ("Shall we roll out the red carpet next time too?", "rude", "roll out the red carpet"),
    # impatience
    ("I've got thirty callers on hold, so get on with it.", "rude", "get on with it"),
    ("我忙着呢，您有话快说。", "rude", "忙着呢"),
    # minimising by scale or by company
    ("It's a parcel, not a kidney transplant.", "dismissive", "It's a parcel, not a kidney transplant"),
    ("A bent spoon is hardly grounds for a complaint.", "dismissive", "hardly grounds for a complaint"),
    ("您又不是第一个遇到断网的。", "dismissive", "您又不是第一个"),
    ("说得跟丢了金子似的，就一个快递。", "dismissive", "说得跟丢了金子似的"),
    # asking the customer to turn the feeling down
    ("Could you tone it down so we can talk?", "dismiss_feelings", "tone it down"),
    ("No need to get so dramatic about a receipt.", "dismiss_feelings", "No need to get so dramatic"),
    ("您声音放低一点，我听得见。", "dismiss_feelings", "您声音放低一点"),
    ("有话说话，别冲我发火。", "dismiss_feelings", "别冲我发火"),
    ("Getting heated won't bring the bus any sooner.", "dismiss_feelings", "Getting heated won't bring"),
])
def test_each_cue_is_found_with_its_quote(default_pb, reply, act, quoted):
    result = score_reply(default_pb, reply)
    found = _cue(result, act)
    assert found is not None, (reply, [(b.detector, b.confidence) for b in result.behaviours])
    assert all(reply[s.start:s.end] == s.text for s in found.spans)
    assert any(quoted in s.text or s.text in quoted for s in found.spans), (reply, found.spans)
    assert not result.score.passed


@pytest.mark.parametrize("reply", [
    "Oh great, I can see your parcel at the depot, it goes out this afternoon.",
    "Congratulations on the wedding, let's get the cake order right for you.",
    "Wonderful, that's the last detail I needed, the refund is on its way.",
    "Well done for keeping the box, it makes the exchange quick.",
    "It's a small charge, but it's yours, so I'm refunding it now.",
    "I'll ask the band next door to turn the music down by ten.",
    "Is the site down for you too, or only the app?",
    "您真细心，多亏您提醒，我们马上改。",
    "对，您说的没错，这笔是我们多扣的。",
    "行，今天之内给您办好。",
    "我已经请施工队把声音放小一点，晚上九点后停工。",
    "您发火是应该的，换了我也一样，我马上处理。",
    "这不是小事，我现在就帮您查。",
    "只需要两分钟，我在电话里帮您改好。",
])
def test_polite_replies_with_the_same_words_are_not_flagged(default_pb, reply):
    result = score_reply(default_pb, reply)
    bad = {b.detector for b in result.behaviours if b.polarity.value == "bad"}
    assert not bad, (reply, bad)
