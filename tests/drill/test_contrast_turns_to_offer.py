"""Issue 12: a limit followed by "but I'll…" is an offer, not a deflection; "sorry, but…" still is.

The handbooks read a contrast by where it turns: to the trainee's own
ownership or remedy (「改不了，不过我现在就帮您改」), or away from it ("I'd love
to help, but you'll need to contact your bank"). Only the first takes back the
limit stated before it.
"""

from __future__ import annotations

import pytest

from cxcoach.drill import score_reply
from cxcoach.drill.detectors import detect
from cxcoach.drill.learn import learnt_for
from cxcoach.drill.matcher import ReplyContext

SENDING_AWAY = {"deflecting", "we_dodge"}


def _bad(pb, reply: str) -> set[str]:
    return {b.detector for b in score_reply(pb, reply).behaviours if b.polarity.value == "bad"}


@pytest.mark.parametrize("reply", [
    "营业厅这边改不了套餐，不过我现在就帮您改。",
    "营业厅这边改不了套餐，不过我马上给您办理。",
    "营业厅这边改不了套餐，不过我在电话里就能帮您改。",  # the issue's own: six characters between 我 and the act
    "We can't do refunds by phone, but I'll process it for you right now.",
    "营业厅这边改不了套餐。不过我现在就帮您改。",  # the contrast opens the next sentence
    # the turn runs to the sentence's end: the offer may come in the clause after the contrast
    "I know the other department usually handles this, but you won't need to speak to them, I'll do it.",
])
def test_a_limit_then_my_own_offer_is_not_sending_away(default_pb, reply):
    result = score_reply(default_pb, reply)
    found = {b.detector for b in result.behaviours}
    assert "ownership" in found, found  # the offer after the contrast is read, and credited
    assert not found & SENDING_AWAY, found


@pytest.mark.parametrize("reply, act", [
    ("我很想帮您，不过这个您得去营业厅办。", "deflecting"),
    ("I'd love to help, but you'll need to contact your bank.", "deflecting"),
    ("很抱歉，但这是公司规定。", "we_dodge"),
    ("Sorry, but it's our policy.", "we_dodge"),
])
def test_a_contrast_that_turns_away_is_still_a_deflection(default_pb, reply, act):
    assert act in _bad(default_pb, reply)


@pytest.mark.parametrize("reply", [
    "这个我们改不了，不过我会把情况反馈给上级。",
    "We can't do refunds by phone, but I'll pass it on to the team.",
])
def test_only_passing_it_on_after_the_contrast_is_still_a_deflection(default_pb, reply):
    bad = _bad(default_pb, reply)
    assert "we_dodge" in bad and "empty_promise" in bad, bad


@pytest.mark.parametrize("reply", [
    "这个我们改不了，不过营业厅可以给您退款。",  # a remedy, but someone else's
    "We can't do refunds by phone, but the bank can refund you.",
])
def test_a_remedy_someone_else_gives_does_not_take_the_limit_back(default_pb, reply):
    assert "we_dodge" in _bad(default_pb, reply)


def test_the_limit_counts_when_the_offer_comes_first(default_pb):
    """The offer must come after the contrast: 「我帮您看看，不过这个我们改不了」 still ends on the limit."""
    assert "we_dodge" in _bad(default_pb, "我现在就帮您看看，不过这个我们改不了。")


def test_sending_away_after_the_offer_keeps_its_quote(default_pb):
    """Evidence after the turning point is reported with its span, as before."""
    reply = "营业厅这边改不了套餐，不过我现在就帮您改，可是您得去营业厅签字。"
    ctx = ReplyContext.of(reply, default_pb.detectors, learnt=learnt_for(default_pb))
    found = {b.detector: b for b in detect(default_pb.detectors, ctx)}
    assert "deflecting" in found
    assert all(reply.index("可是") <= s.start for s in found["deflecting"].spans), found["deflecting"].spans


def test_a_limit_said_sentences_before_the_contrast_is_not_taken_back(default_pb):
    """Only the limit just before the contrast is answered by it, not one said two sentences earlier."""
    assert "deflecting" in _bad(default_pb, "这不是我们部门的事。您先别急。不过我现在就帮您查。")


def test_the_rule_follows_the_playbook_flag_not_the_detector_name(default_pb):
    """A trainer's playbook decides which acts state a limit: without the flag the limit stands."""
    import msgspec

    reply = "营业厅这边改不了套餐，不过我现在就帮您改。"
    detectors = {k: msgspec.structs.replace(d, states_a_limit=False) for k, d in default_pb.detectors.items()}
    unflagged = msgspec.structs.replace(default_pb, detectors=detectors)
    assert not _bad(default_pb, reply) & SENDING_AWAY
    assert _bad(unflagged, reply) & SENDING_AWAY
