"""Disowning the problem and an apology walled off by a rule (playbooks/default/detectors.yaml, `excuse`
and `deflecting`): each shape is caught in both languages by its pattern, and the same shape followed by
the trainee's own offer is not."""

from __future__ import annotations

import pytest

from cxcoach.drill import score_reply


def _bad(result) -> dict[str, object]:
    return {b.detector: b for b in result.behaviours if b.polarity.value == "bad"}


@pytest.mark.parametrize("reply, act", [
    # regret carries the wall in its own clause; no contrast word needed
    ("Unfortunately, gift cards are non-refundable once they're activated.", "excuse"),
    ("很遗憾，会员费按协议一经扣除就不退。", "excuse"),
    # an apology, then the rule in a later clause or sentence
    ("I'm so sorry. Bags over 23 kilos pay the excess, that's the airline's policy.", "excuse"),
    ("真不好意思，停车超时按收费标准计费，谁来都一样。", "excuse"),
    # a remedy named inside the rule is no offer
    ("Sorry about that, compensation only covers the delivery charge under our terms.", "excuse"),
    ("抱歉，赔偿只能按运费算，这是统一标准。", "excuse"),
    # someone else's matter said outright
    ("Refund timing is the bank's call, not ours.", "deflecting"),
    ("那是物业的事，不是我们的。", "deflecting"),
])
def test_the_wall_is_read_by_its_pattern(default_pb, reply, act):
    result = score_reply(default_pb, reply)
    found = _bad(result)
    assert act in found, (reply, sorted(found))
    assert found[act].confidence == 1.0  # a pattern, not a learnt guess
    assert not result.score.passed


@pytest.mark.parametrize("reply", [
    "Unfortunately gift cards are non-refundable, but I can move the balance onto a new card for you today.",
    "很遗憾，会员费按协议不退，不过我可以帮您把剩下的月份转给家人用。",
    "I'm so sorry. The policy is thirty days, and I'll make an exception and refund it this afternoon.",
    "真不好意思，停车超时是按收费标准算的，我现在帮您申请减免，五分钟后告诉您结果。",
    "It's my mistake, not yours, and I'll put it right this afternoon.",
    "这是我的失误，不是您的，我下午就给您处理好。",
])
def test_a_limit_with_the_trainees_own_offer_is_no_wall(default_pb, reply):
    assert not _bad(score_reply(default_pb, reply)), reply


def test_an_apology_for_the_rules_themselves_is_no_excuse(default_pb):
    assert "excuse" not in _bad(score_reply(default_pb, "I'm sorry our terms weren't clearer about this."))
