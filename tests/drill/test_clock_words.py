"""Clock times said in words count as a time for `next_step_time` (playbooks/default/detectors.yaml):
"by half past two", "at four", 两点半前, 明早九点 are as concrete as "by 4 pm", while vague words
("later", "soon", 回头, 改天) stay vague. `empty_promise` reads its "no time given" through
`next_step_time`, so a vague word followed by a clock time in words is no empty promise.

Checked with the phrases and patterns alone (no learnt weights), so a pass is the pattern's own doing,
and its span is the words of the time."""

from __future__ import annotations

import pytest

from cxcoach.drill import score_reply
from cxcoach.drill.matcher import ReplyContext


def _spans(pb, reply: str, act: str) -> list[str]:
    ctx = ReplyContext.of(reply, pb.detectors)  # phrases and patterns only
    return [ctx.span(h).text for h in ctx.detector_hits(act)]


@pytest.mark.parametrize("reply, time_words", [
    ("I'll ring you back by half past two.", "by half past two"),
    ("I'll call you at four.", "at four"),
    ("The engineer will be there around quarter to six.", "around quarter to six"),
    ("I'll have it sorted before noon.", "before noon"),
    ("I'll call you first thing tomorrow morning.", "first thing tomorrow morning"),
    ("Someone from the depot will be with you at a quarter past three.", "at a quarter past three"),
    ("I'll email you the result at ten thirty.", "at ten thirty"),
    ("I'll text you at half seven with the new date.", "at half seven"),
    ("I'll call you a bit later, at around eleven.", "at around eleven"),
    ("我两点半前给您回电话。", "两点半前"),
    ("下午四点我给您打电话。", "下午四点"),
    ("十点左右师傅上门。", "十点左右"),
    ("明早九点给您答复。", "明早九点"),
    ("我三点一刻给您回话。", "三点一刻"),
])
def test_a_clock_time_in_words_is_a_time_and_its_span_quotes_it(default_pb, reply, time_words):
    spans = _spans(default_pb, reply, "next_step_time")
    assert time_words in spans, (reply, spans)
    assert time_words in reply  # the span is the trainee's own words, not the normalised text


@pytest.mark.parametrize("reply", [
    "I'll call you back later.",
    "I'll call you soon.",
    "Someone will sort it out one of these days.",
    "At one point we'll fix it.",
    "I can't call you at four.",
    "回头再给您打电话。",
    "改天给您答复。",
    "过段时间给您回复。",
])
def test_vague_words_and_denied_times_are_no_time(default_pb, reply):
    assert _spans(default_pb, reply, "next_step_time") == [], reply


@pytest.mark.parametrize("reply", [
    "I'll call you back soon, by half past two.",
    "I'll get back to you soon, by twenty to four at the latest, once the courier has answered.",
])
def test_soon_with_a_clock_time_in_words_is_no_empty_promise(default_pb, reply):
    assert _spans(default_pb, reply, "empty_promise") == []
    acts = {b.detector for b in score_reply(default_pb, reply).behaviours}
    assert "next_step_time" in acts and "empty_promise" not in acts, (reply, acts)


def test_soon_alone_is_still_an_empty_promise(default_pb):
    assert _spans(default_pb, "I'll call you back soon.", "empty_promise")
